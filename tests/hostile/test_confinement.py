"""Files a spec names stay inside its workspace or folders named on the command line."""
from __future__ import annotations

import os

import pytest

from .conftest import nothing_written, one_error, run, write_spec


def test_templates_folder_outside_the_workspace(ws):
    write_spec(ws, "templates: ['/']\nsections:\n  - text: \"{% include 'etc/passwd' %}\"\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    assert one_error(result) == ("error: briefs/t.yaml:7:13: templates: the templates folder '/' is "
                                 "outside the workspace; copy it into the workspace, or name its "
                                 "folder with --allow DIR")
    assert nothing_written(ws)


def test_a_link_in_the_templates_folder_pointing_out(ws):
    os.symlink("/etc/passwd", ws / "templates" / "sections" / "leak.md.j2")
    write_spec(ws, "sections:\n  - text: \"{% include 'sections/leak.md.j2' %}\"\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    assert one_error(result) == ("error: templates/sections/leak.md.j2: template 'sections/leak.md.j2' "
                                 "is a link to a file outside its templates folder; copy the file "
                                 "into the folder instead")
    listed = run("sections", cwd=ws)
    assert "leak" not in listed.stdout and "root:" not in listed.stdout + listed.stderr


def test_the_templates_folder_itself_a_link_out(ws, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "sections").mkdir()
    (ws / "templates" / "sections").rmdir()
    (ws / "templates").rmdir()
    os.symlink(elsewhere, ws / "templates")
    write_spec(ws, "sections:\n  - section: health\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    assert "the templates folder 'templates' is outside the workspace (through a link)" in one_error(result)


@pytest.mark.parametrize("key", ["data: [/etc/passwd]", "theme: /etc/passwd",
                                 "reference_docx: ../../outside.docx"])
def test_named_files_outside_the_workspace(ws, key):
    (ws.parent / "outside.docx").write_bytes(b"PK")
    write_spec(ws, key + "\nsections:\n  - section: health\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    line = one_error(result)
    assert "is outside the workspace; copy it into the workspace, or name its folder with --allow DIR" in line \
        or "not found" in line, line
    assert "root:" not in result.stderr


def test_allow_names_a_folder_to_read_from(ws, tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared")
    (shared / "u.csv").write_text("id,period,value,qualifier,source,replace\n"
                                  "health.staff_rewarded,2021-2025,480,,县卫健委,是\n", "utf-8")
    write_spec(ws, f"data: ['{shared / 'u.csv'}']\nsections:\n  - section: health\n")
    assert run("build", cwd=ws).returncode == 2
    result = run("build", "--allow", shared, cwd=ws)
    assert result.returncode == 0, result.stderr

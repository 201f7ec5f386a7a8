"""`verify`: an edited brief is checked against the data, after edits made the ways Word, WPS
and LibreOffice make them, and after a LibreOffice round trip."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.text.run import Run as DocxRun

from conftest import ROOT, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SPEC = "fireworks-bulletin"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A copy of the project's briefs (the spec is found from the document's properties)."""
    ws = tmp_path_factory.mktemp("verify")
    shutil.copytree(ROOT / "briefs", ws / "briefs")
    result = run_cli("build", f"briefs/{SPEC}.yaml", "--format", "docx", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws


def _edited(workspace: Path, name: str) -> tuple[Path, dict]:
    """The brief with one figure changed (run level), one deleted (table level) and one number
    typed in (paragraph level), as python-docx (and so Word's object model) makes such edits."""
    document = docx.Document(str(workspace / "out" / f"{SPEC}.docx"))
    body = document.element.body
    marked = [r for r in body.iter(f"{W}r") if r.getparent().tag == f"{W}sdtContent"]
    first = marked[0]
    paragraph = first.getparent().getparent().getparent()
    from docx.text.paragraph import Paragraph
    para = Paragraph(paragraph, document.part)
    run = DocxRun(first, para)
    old = run.text
    run.text = "999个"                                    # a figure changed
    cell = next(c for t in document.tables for row in t.rows for c in row.cells
                if c._tc.find(f".//{W}bookmarkStart") is not None)
    deleted = "".join(t.text or "" for t in cell._tc.iter(f"{W}t"))
    cell.text = "—"                                       # a figure deleted with its cell's text
    para.add_run("，全年新增规模以上企业35家")              # a number typed in
    target = workspace / "out" / name
    document.save(str(target))
    return target, {"old": old, "deleted": deleted}


def _verify(path: Path, *args, cwd: Path):
    return run_cli("verify", path, *args, cwd=cwd)


def test_an_unedited_brief_is_clean(workspace):
    result = _verify(workspace / "out" / f"{SPEC}.docx", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "ok: every figure" in result.stderr


def test_every_sample_is_clean_as_built_and_after_a_libreoffice_round_trip(tmp_path):
    shutil.copytree(ROOT / "briefs", tmp_path / "briefs")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    assert run_cli("build", "--format", "docx", cwd=tmp_path).returncode == 0
    saved = _libreoffice(sorted((tmp_path / "out").glob("*.docx")), tmp_path / "lo")
    for path in sorted((tmp_path / "out").glob("*.docx")) + saved:
        result = _verify(path, "--spec", f"briefs/{path.stem}.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr


def _libreoffice(paths: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir",
                    str(folder), *map(str, paths)], check=True, capture_output=True, timeout=180)
    return [folder / p.name for p in paths]


def test_three_edits_give_exactly_three_findings(workspace):
    path, edits = _edited(workspace, "edited.docx")
    result = _verify(path, "--json", cwd=workspace)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert [f["kind"] for f in sorted(findings, key=lambda f: f["kind"])] == ["changed", "deleted", "typed"]
    by_kind = {f["kind"]: f for f in findings}
    changed = by_kind["changed"]
    assert changed["found"] == "999个" and changed["expected"] == edits["old"]
    assert changed["indicator"] and changed["source"] and changed["paragraph"]
    deleted = by_kind["deleted"]
    assert deleted["expected"] == edits["deleted"] and deleted["paragraph"]
    typed = by_kind["typed"]
    assert typed["found"] == "35家" and typed["paragraph"] == changed["paragraph"]
    assert "新增规模以上企业35家" in typed["context"]
    text = _verify(path, cwd=workspace)
    lines = text.stdout.splitlines()
    assert len(lines) == 3
    assert any(f"'999个' no longer matches its source: expected '{edits['old']}'" in line for line in lines)
    assert text.stderr.strip() == "3 finding(s) in out/edited.docx"


def test_the_same_findings_after_libreoffice_saves_the_edited_brief(workspace):
    path, _edits = _edited(workspace, "edited-lo.docx")
    before = json.loads(_verify(path, "--json", cwd=workspace).stdout)
    saved = _libreoffice([path], workspace / "lo")[0]
    after = json.loads(_verify(saved, "--json", "--spec", f"briefs/{SPEC}.yaml", cwd=workspace).stdout)
    strip = lambda fs: sorted((f["kind"], f["paragraph"], f["found"], f["expected"]) for f in fs)  # noqa: E731
    assert strip(after) == strip(before)


def test_an_annotated_copy_has_a_comment_at_each_finding(workspace):
    path, _ = _edited(workspace, "edited-comments.docx")
    target = workspace / "out" / "annotated.docx"
    result = _verify(path, "--annotate", target, cwd=workspace)
    assert result.returncode == 1
    with zipfile.ZipFile(target) as z:
        comments = z.read("word/comments.xml").decode("utf-8")
    assert comments.count("<w:comment ") == 3
    assert "999个" in comments and "35家" in comments


def test_a_document_not_made_by_the_tool_is_refused(tmp_path):
    other = tmp_path / "other.docx"
    document = docx.Document()
    document.add_paragraph("上栗县2024年花炮产值230亿元。")
    document.save(str(other))
    result = _verify(other, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: other.docx: 'other.docx' was not made by shangli-brief (it has "
                                     "no figure marks); verify checks briefs built by shangli-brief")
    text = tmp_path / "notes.docx"
    text.write_text("not a zip", "utf-8")
    result = _verify(text, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: notes.docx: not a Word (.docx) file")


def test_a_brief_checked_against_another_spec_is_refused(workspace):
    result = _verify(workspace / "out" / f"{SPEC}.docx", "--spec", "briefs/investment.yaml", cwd=workspace)
    assert result.returncode == 2
    assert "was built from another version of briefs/investment.yaml" in result.stderr


@pytest.mark.parametrize("named", ["/etc/passwd", "../../../../../../etc/shangli.yaml", "briefs/../../../x.yaml"])
def test_a_document_naming_a_spec_outside_its_workspace_reads_nothing_there(workspace, tmp_path, named):
    """The spec a document names (a custom property anyone can edit) is looked for only inside
    the document's workspace: never /etc/passwd or a path climbing out of it."""
    source = workspace / "out" / f"{SPEC}.docx"
    target = tmp_path / "out" / "edited.docx"
    target.parent.mkdir()
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "docProps/custom.xml":
                data = data.replace(f"briefs/{SPEC}.yaml".encode(), named.encode())
                assert named.encode() in data
            out.writestr(item, data)
    result = _verify(target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("error: ") == 1
    assert ("which is not a spec of its workspace" in result.stderr
            or "cannot find the spec" in result.stderr), result.stderr

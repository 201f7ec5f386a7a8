"""Bad input: one line naming file:line:col and what to do, exit status 2 (1 for the output
folder), no traceback, and no file written."""
import json

import pytest

from conftest import run_cli

CASES = {
    "syntax": ("title: x\nsections:\n  - section: fireworks\n    title: [a\n",
               "briefs/b.yaml:5:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
               "(while parsing a flow sequence started at line 4, column 12)"),
    "unknown key": ("title: x\ntitel: y\nsections:\n  - section: fireworks\n",
                    "briefs/b.yaml:2:1: titel: unknown key 'titel' (did you mean 'title'?)"),
    "unknown section": ("title: x\nsections:\n  - section: firework\n",
                        "briefs/b.yaml:3:14: sections[0].section: unknown section 'firework' "
                        "(did you mean 'fireworks'?); see `shangli-brief sections`"),
    "unknown indicator": ("title: x\nsections:\n  - table:\n      title: t\n"
                          "      indicators: [fireworks.output, firework.output]\n",
                          "briefs/b.yaml:5:38: sections[0].table.indicators[1]: unknown indicator "
                          "'firework.output' (did you mean 'fireworks.output'?)"),
    "wrong type": ("title: x\nissue: three\nsections:\n  - section: fireworks\n",
                   "briefs/b.yaml:2:8: issue: issue must be a whole number from 1 (第3期: issue: 3)"),
    "period with no data": ("title: x\nperiod: 2019\nsections:\n  - section: fireworks\n",
                            "briefs/b.yaml:2:9: period: no data for period '2019'; the dataset has "
                            "2020, 2022, 2023, 2024, 2021-2025, 2025"),
    "missing file": ("title: x\ndata: [data/missing.yaml]\nsections:\n  - section: fireworks\n",
                     "briefs/b.yaml:2:8: data file 'data/missing.yaml' not found; paths in 'data' "
                     "are relative to the workspace (the folder holding briefs/)"),
    "empty spec": ("", "briefs/b.yaml:1:1: the spec is empty; it needs at least 'title' and "
                       "'sections' (see briefs/ for examples)"),
    "template error": ("title: x\nsections:\n  - text: |\n      第一段。\n\n"
                       "      {{ value('fireworks.outpt') }}\n",
                       "briefs/b.yaml:6: unknown indicator 'fireworks.outpt' (did you mean "
                       "'fireworks.output'?)"),
    "draft not true or false": ("title: x\ndraft: maybe\nsections:\n  - section: fireworks\n",
                                "briefs/b.yaml:2:8: draft: draft takes true or false (true: "
                                "征求意见稿 across every page)"),
    "line chart with one period": (
        "title: x\nsections:\n  - chart:\n      kind: line\n      title: t\n"
        "      indicators: [fireworks.cluster_output]\n",
        "briefs/b.yaml:4:13: sections[0].chart.kind: a line chart needs three or more periods; "
        "these indicators have 2024: use kind: bar"),
    "chart mixing units": (
        "title: x\nsections:\n  - chart:\n      title: t\n"
        "      indicators: [fireworks.cluster_output, fireworks.export_share]\n",
        "briefs/b.yaml:5:46: sections[0].chart.indicators[1]: 'fireworks.export_share' is in % but "
        "'fireworks.cluster_output' is in 亿元: one chart has one value axis; put them in separate charts"),
    "key-figure panel of two": (
        "title: x\nsections:\n  - figures: [fireworks.cluster_output, fireworks.export_share]\n",
        "briefs/b.yaml:3:14: sections[0].figures: a key-figure panel shows 3 to 6 figures, this one has 2"),
    "bad date": ("title: x\ndate: 2025-13-01\nsections:\n  - section: fireworks\n",
                 "briefs/b.yaml:2:7: date: date '2025-13-01' is not a date; write it as 2025-03-15 or 2025年3月15日"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_spec(workspace, case):
    text, expected = CASES[case]
    (workspace / "briefs" / "b.yaml").write_text(text, "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {expected}"]
    assert "Traceback" not in result.stderr
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())
    # `check` finds the same problem, writing nothing
    checked = run_cli("check", cwd=workspace)
    assert checked.returncode == 2
    assert f"error: {expected}" in checked.stderr.splitlines()


def test_all_problems_reported_at_once(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: x\nlayuot: report\nformats: [docx, odt]\nsections:\n  - section: firework\n"
        "  - figures: [ecology.air]\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "error: briefs/b.yaml:2:1: layuot: unknown key 'layuot' (did you mean 'layout'?)" in lines
    assert "error: briefs/b.yaml:3:17: formats[1]: unknown format 'odt'; use docx, pdf, html" in lines
    assert any("unknown section 'firework'" in line for line in lines)
    assert any(line.startswith("error: briefs/b.yaml:6:") and "ecology.air" in line for line in lines)


def test_template_syntax_error_names_template_file_and_line(workspace):
    sections = workspace / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "mine.md.j2").write_text("第一段。\n\n{% if %}\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text("title: x\nsections:\n  - section: mine\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: templates/sections/mine.md.j2:3: template syntax error: Expected an expression, "
        "got 'end of statement block'"]


def test_unwritable_output_folder(workspace):
    (workspace / "briefs" / "b.yaml").write_text("title: x\nsections:\n  - section: health\n", "utf-8")
    (workspace / "blocker").write_text("a file, not a folder")
    result = run_cli("build", "--out", "blocker/out", cwd=workspace)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: blocker/out: cannot create the output folder: a part of the path is not a folder"]


def test_failed_build_keeps_earlier_good_output(workspace):
    spec = workspace / "briefs" / "b.yaml"
    spec.write_text("title: 好的\nsections:\n  - section: health\n", "utf-8")
    assert run_cli("build", cwd=workspace).returncode == 0
    before = {p.name: p.read_bytes() for p in (workspace / "out").iterdir()}
    assert set(before) == {"b.docx", "b.pdf", "manifest.json"}
    spec.write_text("title: 坏的\nsections:\n  - section: health\n  - text: '{{ value(\"x.y\") }}'\n",
                    "utf-8")
    assert run_cli("build", cwd=workspace).returncode == 2
    after = {p.name: p.read_bytes() for p in (workspace / "out").iterdir()}
    assert after == before  # untouched, and no temporary file left behind


def test_debug_shows_traceback(workspace):
    (workspace / "briefs" / "b.yaml").write_text("title: x\nsections:\n  - section: nope\n", "utf-8")
    result = run_cli("--debug", "build", cwd=workspace)
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_help_and_version():
    assert run_cli("--version").stdout.startswith("shangli-brief ")
    for command in ("build", "check", "indicators", "sections", "fonts"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage: shangli-brief " + command in result.stdout


def test_control_characters_are_refused_where_they_stand(workspace):
    """A control character would end inside a writer (XML cannot hold it): one line instead."""
    (workspace / "briefs" / "c.yaml").write_text('title: "上栗\\b简报"\nsections:\n  - section: overview\n',
                                                  "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr == ("error: briefs/c.yaml:1:11: title: control character U+0008 in the text; "
                             "delete it (it may have come with text pasted from another program)\n")
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())


def test_check_passes_every_sample():
    """`check` sets each brief's text as the PDF would (for the glyph warnings), the report's
    cover and contents included."""
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: no problems found"


def test_the_console_command_ends_with_its_status_and_all_its_output():
    """The command's process ends in its last exit handler (cli._end_process), skipping Python's
    teardown: the status is still the command's (argparse's own exits included) and everything
    printed reaches the pipe."""
    listed = run_cli("indicators", "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) > 50
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("--version").returncode == 0
    missing = run_cli("build", "briefs/no-such-spec.yaml")
    assert missing.returncode == 2 and "no-such-spec.yaml" in missing.stderr

"""build --set KEY=VALUE: this run's values over the spec's, validated like the file's."""
from __future__ import annotations

import subprocess

import docx

from conftest import run_cli

SPEC = "title: 测试简报\nissuer: 上栗县发展和改革委员会\nissue: 3\ndate: 2025-03-15\nsections:\n  - section: health\n"


def test_set_issue_and_title_in_both_formats(workspace):
    (workspace / "briefs" / "b.yaml").write_text(SPEC, "utf-8")
    result = run_cli("build", "--set", "issue=9", "--set", "title=上栗县民生事业情况", cwd=workspace)
    assert result.returncode == 0, result.stderr
    pdf = subprocess.run(["pdftotext", str(workspace / "out" / "b.pdf"), "-"], capture_output=True,
                         text=True).stdout
    paragraphs = [p.text for p in docx.Document(workspace / "out" / "b.docx").paragraphs]
    for text in (pdf, "\n".join(paragraphs)):
        assert "第9期" in text and "第3期" not in text
        assert "上栗县民生事业情况" in text and "测试简报" not in text
    assert (workspace / "briefs" / "b.yaml").read_text("utf-8") == SPEC  # the file is untouched


def test_bad_settings_name_the_option(workspace):
    (workspace / "briefs" / "b.yaml").write_text(SPEC, "utf-8")
    cases = {
        "isue=9": "error: --set isue: unknown key 'isue' (did you mean 'issue'?); --set takes "
                  "title, subtitle, issue, date, period, compare, issuer, draft",
        "issue=abc": "error: --set issue: issue must be a whole number from 1 (第3期: issue: 3)",
        "date=2108-01-01": "error: --set date: date '2108-01-01' is outside 1980–2099; check the year",
        "issue": "error: --set takes KEY=VALUE (for example --set issue=9), got 'issue'",
    }
    for setting, message in cases.items():
        result = run_cli("build", "--set", setting, cwd=workspace)
        assert result.returncode == 2
        assert result.stderr.strip() == message, result.stderr
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())

"""Long titles as GB/T 9704 sets them: broken only between words (词意完整), in lines of nearly
equal length with no short last line, and the same lines in the PDF, the DOCX and the HTML."""
from __future__ import annotations

import re
import subprocess

import docx
import pdfplumber
import pytest

from conftest import run_cli
from shangli_brief.theme import load_theme
from shangli_brief.words import word_starts
from shangli_brief.writers import title_text

TITLES = [
    "上栗县关于深化赣湘区域合作推动电子信息产业集群高质量发展的情况报告",
    "上栗县推动花炮产业转型升级与文化旅游融合发展的调研报告",
    "关于上栗县2025年上半年经济运行情况和下半年重点工作安排的报告",
    "上栗县深入实施营商环境优化提升行动全力打造“栗即办”政务服务品牌的经验做法",
    "上栗县推进城乡融合发展和乡村全面振兴工作情况汇报",
]


@pytest.mark.parametrize("layout, style", [("bulletin", "title"), ("report", "cover_title")])
@pytest.mark.parametrize("title", TITLES)
def test_a_long_title_breaks_between_words_in_balanced_lines(title, layout, style):
    lines = title_text(title, load_theme(layout), style).split("\n")
    assert "".join(lines) == title
    if len(lines) == 1:
        return
    starts, at = word_starts(title), 0
    for line in lines[:-1]:
        at += len(line)
        assert at in starts, (title, lines)  # never inside a word
    widths = [sum(0.5 if ch.isascii() else 1 for ch in line) for line in lines]
    assert widths[-1] >= 0.4 * max(widths), lines  # no short last line


def test_the_pdf_docx_and_html_set_the_same_title_lines(tmp_path):
    ws = tmp_path / "ws"
    (ws / "briefs").mkdir(parents=True)
    (ws / "briefs" / "t.yaml").write_text(
        f"title: {TITLES[0]}\ndate: 2025-03-15\nsections:\n  - section: health\n", "utf-8")
    result = run_cli("build", "--format", "pdf,docx,html", cwd=ws)
    assert result.returncode == 0, result.stderr
    expected = title_text(TITLES[0], load_theme("bulletin")).split("\n")
    assert len(expected) == 2
    with pdfplumber.open(ws / "out" / "t.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if abs(c["size"] - 22) < 0.5]
    rows: dict[int, str] = {}
    for c in chars:
        rows[round(c["top"])] = rows.get(round(c["top"]), "") + c["text"]
    assert [rows[k] for k in sorted(rows)] == expected
    paragraphs = [p.text for p in docx.Document(ws / "out" / "t.docx").paragraphs]
    assert "\n".join(expected) in paragraphs
    html = (ws / "out" / "t.html").read_text("utf-8")
    assert "<h1>" + "<br>".join(expected) + "</h1>" in html


def test_sample_titles_are_never_broken_inside_a_word(built):
    for pdf in sorted(built.glob("*.pdf")):
        text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        assert not re.search(r"电\n子|文\n化", text), pdf.name

"""Lists as official documents set them: the theme's light mark or （1）, where a paragraph's
first line starts, and every wrapped line under the item's text (a hanging indent), the same in
the PDF, the DOCX and the HTML edition; never a full-em ● at a line start."""
from __future__ import annotations

import subprocess
import zipfile

import pdfplumber
import pytest
from lxml import etree

from conftest import SAMPLES, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG = "上栗县高精密电路板产业技术创新联盟获批省级产业技术创新战略联盟并带动上下游企业协同发展"
SPEC = f"""title: 列表测试
layout: bulletin
date: 2025-03-15
period: 2024
sections:
  - text: |
      近年来取得以下进展：

      - {LONG}
      - 第二项

      工作步骤：

      1. {LONG}
      2. 第二步
"""


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    ws = tmp_path_factory.mktemp("lists")
    (ws / "briefs").mkdir()
    (ws / "briefs" / "l.yaml").write_text(SPEC, "utf-8")
    result = run_cli("build", "--format", "pdf,docx,html", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws / "out"


def _lines(pdf) -> list[list[dict]]:
    """The body's lines of text, each its characters left to right."""
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars if c["size"] > 15]
    rows: dict[int, list] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    return [sorted(row, key=lambda c: c["x0"]) for __, row in sorted(rows.items())]


def test_wrapped_lines_hang_under_the_items_text(lists):
    lines = _lines(lists / "l.pdf")
    texts = ["".join(c["text"] for c in line) for line in lines]
    for mark in ("•", "（1）"):
        first = next(i for i, t in enumerate(texts) if t.startswith(mark + LONG[:4]))
        item_text_x = lines[first][len(mark)]["x0"]  # the first character after the mark
        continuation = lines[first + 1]
        assert abs(continuation[0]["x0"] - item_text_x) < 0.5, (texts[first], texts[first + 1])
        # and the mark sits where a paragraph's first line starts: two characters (16 pt) in
        # from the type area's left edge (28 mm)
        assert abs(lines[first][0]["x0"] - (28 / 25.4 * 72 + 32)) < 1.0


def test_the_docx_hangs_the_same_indent(lists):
    with zipfile.ZipFile(lists / "l.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
    items = [p for p in body.iter(f"{W}p") if "".join(p.itertext()).startswith(("•", "（1）", "（2）"))]
    assert len(items) == 4
    indents = [(p.find(f"{W}pPr/{W}ind").get(f"{W}leftChars"), p.find(f"{W}pPr/{W}ind").get(f"{W}hangingChars"))
               for p in items]
    assert indents == [("300", "100"), ("300", "100"), ("450", "250"), ("450", "250")]


def test_the_html_edition_marks_lists_as_the_theme_does(lists):
    html = (lists / "l.html").read_text("utf-8")
    assert '<ul class="list" style="--hang: 1em"><li><span class="mark">•</span>' in html
    assert '<ol class="list" style="--hang: 2.5em"><li><span class="mark">（1）</span>' in html


@pytest.mark.parametrize("name", SAMPLES)
def test_no_full_em_bullet_starts_a_line(built, name):
    text = subprocess.run(["pdftotext", str(built / f"{name}.pdf"), "-"], capture_output=True, text=True).stdout
    assert not [line for line in text.splitlines() if line.strip().startswith("●")]

"""The bulletin PDFs measured against GB/T 9704: page, margins, grid, page numbers."""
import re
import subprocess

import pdfplumber
import pytest

from shangli_brief.typography import LEFT_INK

from conftest import ROOT, SAMPLES
from shangli_brief.briefspec import load_spec

MM = 72 / 25.4
BULLETINS = [n for n in SAMPLES if load_spec(ROOT / "briefs" / f"{n}.yaml").layout == "bulletin"]
LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (210 - 26) * MM, (297 - 35) * MM


def lines_of(page, size=16):
    """Text lines of the given size, grouped by baseline: [(baseline, [chars])]."""
    rows = {}
    for ch in page.chars:
        if abs(ch["size"] - size) < 0.3 and ch["text"].strip():
            rows.setdefault(round(ch["matrix"][5], 1), []).append(ch)
    return [(y, sorted(chars, key=lambda c: c["x0"])) for y, chars in sorted(rows.items(), reverse=True)]


@pytest.fixture(scope="module", params=BULLETINS)
def bulletin(request, built):
    with pdfplumber.open(built / f"{request.param}.pdf") as pdf:
        yield request.param, pdf


def test_a4_and_body_on_the_margins(bulletin):
    name, pdf = bulletin
    for page in pdf.pages:
        assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
        body = lines_of(page)
        assert body, f"{name} page {page.page_number}: no 16 pt text"
        left = min(c["x0"] for _, chars in body for c in chars)
        assert abs(left - LEFT) <= 1 * MM, (name, page.page_number, left / MM)
    measured = 0
    for page in pdf.pages[1:]:
        topmost = min((c for c in page.chars if c["text"].strip()), key=lambda c: c["top"])
        if abs(topmost["size"] - 16) >= 0.3:
            continue  # the page opens with the rest of a table or its source line
        measured += 1
        assert abs(topmost["top"] - TOP) <= 1.5 * MM, (name, page.page_number, topmost["top"] / MM)
    assert measured >= 1


def test_nothing_overflows_the_type_area(built, bulletin):
    """Read with poppler, which honours the character spacing that justifies Chinese lines."""
    name, _ = bulletin
    html = subprocess.run(["pdftotext", "-bbox", str(built / f"{name}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html)
    assert words
    for *box, text in words:
        x0, y0, x1, y1 = map(float, box)
        # A compressed mark at the line end (、，。”…) has its ink in the left half of its em:
        # poppler's box still counts the full em, the blank half may pass the edge.
        blank = (y1 - y0) / 2 if text and text[-1] in LEFT_INK else 0
        if y1 < BOTTOM:  # the page number sits outside, by design
            assert LEFT - 0.5 <= x0 and x1 <= RIGHT + 0.5 + blank, (name, x0, x1, text)


def test_full_pages_have_22_lines_of_28_characters(bulletin):
    name, pdf = bulletin
    full_pages = counted = 0
    for page in pdf.pages[1:-1]:
        others = [c for c in page.chars if abs(c["size"] - 16) >= 0.3 and c["top"] < BOTTOM]
        if others:
            continue  # a table or panel on the page: not a page of body text
        full_pages += 1
        body = lines_of(page)
        # 22 lines, or 21 where a line moved over so that no paragraph leaves a lone line
        # at the foot of this page or the head of the next (widow and orphan control)
        assert len(body) in (21, 22), (name, page.page_number, len(body))
        for _, chars in body:
            # Full lines of Chinese text only: digits and letters are proportional in most
            # faces, so "characters a line" is measured where every character is one grid cell.
            if chars[-1]["x1"] >= RIGHT - 16 and not any(c["text"].isascii() for c in chars):
                indent = (chars[0]["x0"] - LEFT) / 16
                assert 27 <= len(chars) + round(indent) <= 29, "".join(c["text"] for c in chars)
                counted += 1
    if name == "livelihood-bulletin":
        assert full_pages >= 1 and counted >= 5


def test_page_numbers_outside_the_type_area_alternating(bulletin):
    name, pdf = bulletin
    for page in pdf.pages:
        n = page.page_number
        chars = [c for c in page.chars if c["top"] > BOTTOM]
        assert "".join(c["text"] for c in chars).replace(" ", "") == f"—{n}—"
        assert {round(c["size"]) for c in chars} == {14}
        top = min(c["top"] for c in chars)
        assert abs(top - (BOTTOM + 7 * MM)) <= 1.5 * MM, (name, n, top / MM)
        x0, x1 = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
        if n % 2:
            assert abs(x1 - (RIGHT - 14)) <= 1.5, (name, n, x1)  # odd: right, one character in
        else:
            assert abs(x0 - (LEFT + 14)) <= 1.5, (name, n, x0)   # even: left, one character in


def test_body_text_is_16_pt(bulletin):
    name, pdf = bulletin
    sizes = [round(c["size"], 1) for p in pdf.pages for c in p.chars if c["text"].strip()]
    assert max(set(sizes), key=sizes.count) == 16.0


def test_closing_block_rules_end_on_the_type_area_bottom(bulletin):
    """版记: full-width rules, 0.35 mm outside and 0.25 mm between, the last on the bottom edge."""
    name, pdf = bulletin
    last = pdf.pages[-1]
    rules = sorted((ln for ln in last.lines if abs(ln["top"] - ln["bottom"]) < 0.5
                    and abs((ln["x1"] - ln["x0"]) - (RIGHT - LEFT)) < 1), key=lambda ln: ln["top"])
    assert len(rules) >= 3, name
    assert abs(rules[-1]["top"] - BOTTOM) <= 1.5, (name, rules[-1]["top"] / MM)
    widths = [round(ln["linewidth"], 2) for ln in rules]
    assert widths[0] == widths[-1] == 1.0 and set(widths[1:-1]) == {0.7}
    text = last.extract_text()
    assert "送：" in text and "共印" in text

"""Chinese line breaking: rules unit by unit, then every sample PDF read back."""
import pdfplumber
import pytest
from reportlab.lib.styles import ParagraphStyle

from conftest import SAMPLES
from shangli_brief.theme import load_theme
from shangli_brief.typography import balanced_lines, no_break_before
from shangli_brief.writers.pdf.rl import ChineseParagraph
from shangli_brief.writers.pdf.writer import styles_for
from shangli_brief.fonts import text_chars

CLOSING = set("。，、；：？！）》」』】”’%")
OPENING = set("（《「『【“‘")


def breaks(text: str) -> str:
    """The text with | where a line may break."""
    return "".join(("" if keep or i == 0 else "|") + ch
                   for i, (ch, keep) in enumerate(zip(text, no_break_before(text))))


def test_no_break_before_closing_or_after_opening_punctuation():
    assert breaks("好，“栗即办”。") == "好，|“栗|即|办”。"


def test_numbers_stay_whole_with_units_and_percent():
    assert breaks("增长28.4%，") == "增|长|28.4%，"
    assert breaks("突破200亿元的") == "突|破|200亿元|的"
    assert breaks("6亿余次点") == "6亿余次|点"
    assert breaks("2021—2025年间") == "2021—2025年|间"


def test_long_titles_break_into_balanced_lines():
    title = "上栗县关于推动花炮产业转型升级和赣湘合作产业园高质量发展的情况报告"
    lines = balanced_lines(title, 20)
    assert "".join(lines) == title and len(lines) == 2
    assert abs(len(lines[0]) - len(lines[1])) <= 1
    assert balanced_lines("上栗县花炮产业转型升级情况", 20) == ["上栗县花炮产业转型升级情况"]
    # never before a closing mark
    assert all(not line.startswith(("，", "）", "”")) for line in balanced_lines("甲" * 19 + "，乙" * 10, 20))


@pytest.fixture(scope="module")
def body_style():
    styles = styles_for(load_theme("bulletin"), text_chars("国，上栗县花炮产业"))
    return styles.paragraph["body"]


def test_a_line_never_starts_with_a_comma(body_style):
    # 28 characters fit a line (the grid's pitch); the 29th is a comma, so the 28th goes down with it.
    text = "国" * 28 + "，" + "国" * 10
    para = ChineseParagraph(text, ParagraphStyle("t", parent=body_style, firstLineIndent=0))
    para.wrap(load_theme("bulletin").text_width, 1000)
    texts = ["".join(w.text for w in line.words) for line in para.blPara.lines]
    assert texts == ["国" * 27, "国，" + "国" * 10]


def _body_lines(pdf_path, keep_spaces=False):
    """Lines of 16 pt text (body and headings), read back from the PDF."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            rows = {}
            for ch in page.chars:
                if abs(ch["size"] - 16) < 0.5 and (keep_spaces or ch["text"].strip()):
                    rows.setdefault(round(ch["top"]), []).append(ch)
            for _, chars in sorted(rows.items()):
                yield page.page_number, "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))


@pytest.mark.parametrize("name", SAMPLES)
def test_no_line_starts_with_closing_or_ends_with_opening(built, name):
    bad = [(page, line) for page, line in _body_lines(built / f"{name}.pdf")
           if line[0] in CLOSING or line[-1] in OPENING]
    assert bad == []


def test_a_paragraph_split_across_pages_gains_no_spaces(body_style):
    """ReportLab joins split lines with a space (right for Latin text); Chinese gets none."""
    text = "甲乙丙丁戊己庚辛壬癸" * 12
    para = ChineseParagraph(text, body_style)
    para.wrap(load_theme("bulletin").text_width, 1000)
    parts = para.split(load_theme("bulletin").text_width, 28.95 * 2)
    assert len(parts) == 2
    rejoined = ""
    for part in parts:
        part.wrap(load_theme("bulletin").text_width, 1000)
        # ReportLab leaves a space at the end of the first part's lines: invisible, and no
        # longer carried into the text of the next line.
        rejoined += "".join("".join(w.text for w in line.words).rstrip(" ")
                            for line in part.blPara.lines)
    assert rejoined == text


@pytest.mark.parametrize("name", SAMPLES)
def test_no_stray_space_between_chinese_characters(built, name):
    import re
    stray = [(page, line) for page, line in _body_lines(built / f"{name}.pdf", keep_spaces=True)
             if re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", line)]
    assert stray == []

"""Where our code does what a library function does (for speed or for our line-breaking rules),
it is held here to that function on random inputs: many draws in each test."""
from __future__ import annotations

import random

import pytest

def _frags():
    """Frags as ReportLab's parser makes them: two faces, a line break, a callback, a link."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import Paragraph
    from shangli_brief.theme import load_theme
    from shangli_brief.fonts import text_chars
    from shangli_brief.writers.pdf.writer import styles_for
    styles = styles_for(load_theme("bulletin"), text_chars("上栗县花炮产业集群产值突破亿元，机械化应用率达到。小字"))
    body, strong = styles.font("body"), styles.font("strong")
    style = ParagraphStyle("t", fontName=body, fontSize=16, leading=29)
    markup = (f'上栗县花炮<font name="{strong}">产业集群</font>产值突破300亿元，<br/>'
              f'<a href="#x">机械化</a>应用率达到85%。<font size="12">小字</font>结束')
    return Paragraph(markup, style).frags


def test_para_line_is_reportlabs_make_cjk_para_line():
    """rl._para_line, fed units of characters and frags (markers with callbacks, line breaks,
    repeated and alternating frags), makes the same FragLine as makeCJKParaLine fed the same
    units as cjkU glyphs: 300 random lines."""
    from reportlab.platypus.paragraph import cjkU, makeCJKParaLine
    from shangli_brief.writers.pdf.linebreak import Line
    from shangli_brief.writers.pdf.rl import _char_space, _para_line
    frags = _frags()
    for seed in range(300):
        rng = random.Random(seed)
        chars, owners = [], []
        for __ in range(rng.randint(1, 60)):
            frag = rng.choice(frags)
            kind = rng.random()
            if kind < 0.1:
                chars.append("")
                owners.append(_char_space(frag, rng.uniform(-1, 3)))
            elif getattr(frag, "text", "") == "" or kind < 0.15:
                chars.append("")
                owners.append(frag)
            else:
                chars.append(rng.choice("上栗县花炮产值，。（）30%aZ "))
                owners.append(frag)
        calc_bounds, forced = bool(seed % 2), bool(seed % 3)
        ours = _para_line(chars, owners, Line(0, len(chars), {}, None, 1.25, 380.5, 400.0, forced), calc_bounds)
        theirs = makeCJKParaLine([cjkU(c, f, "utf8") for c, f in zip(chars, owners)], 400.0, 380.5, 1.25,
                                 forced, calc_bounds)
        assert {k: v for k, v in vars(ours).items() if k != "words"} == \
            {k: v for k, v in vars(theirs).items() if k != "words"}, seed
        assert [vars(w) for w in ours.words] == [vars(w) for w in theirs.words], seed


TEXTS = ["", "上栗县", " 前后有空格 ", "\u3000全角空格开头", "“引号”—破折号…", "甲\t乙\t", "\t", "一行\r回车", "a b  c"]


@pytest.mark.parametrize("style_id", [None, "Strong"])
def test_run_element_is_python_docxs_run(style_id):
    """ooxml.run_element() builds the w:r that paragraph.add_run(text), run.style and the East
    Asian hint build."""
    import docx
    from shangli_brief.writers.docx import ooxml
    document = docx.Document()
    for text in TEXTS:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if style_id:
            run._r.get_or_add_rPr().style = style_id
        ooxml.east_asian_hint(run._r, text)
        assert _shape(ooxml.run_element(text, style_id)) == _shape(run._r), repr(text)


def _shape(element) -> tuple:
    """An element as it is written: tag, attributes in order, text and children (namespace
    declarations aside, which the document's root carries)."""
    return (element.tag, list(element.attrib.items()), element.text, element.tail,
            [_shape(child) for child in element])


def test_styled_documents_are_independent_copies():
    """The theme's styled document is made once and copied: what one brief writes into its copy
    never reaches the next brief's."""
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.docx.writer import _styled_document
    theme = load_theme("bulletin")
    first = _styled_document(theme)
    first.add_paragraph("只在第一份")
    first.styles.element.append(first.styles.element[-1].__copy__())
    second = _styled_document(theme)
    assert "只在第一份" not in second.element.xml
    assert len(second.styles.element) == len(first.styles.element) - 1


def _no_break_before_every_position(text: str) -> list[bool]:
    """typography.no_break_before as it was, visiting every position: the reference."""
    from shangli_brief.typography import (_UNITS_OR_DASHES, CLOSING, DASHES, NUMERIC, OPENING, UNIT_CHARS,
                                          keep_percentage_points)
    flags = [False] * len(text)
    in_number = False
    for i in range(1, len(text)):
        prev, ch = text[i - 1], text[i]
        if prev.isascii() and prev.isalnum() or prev in NUMERIC:
            in_number = in_number or prev.isdigit()
        elif not (in_number and prev in _UNITS_OR_DASHES):
            in_number = False
        flags[i] = (ch in CLOSING or prev in OPENING or ch in DASHES or prev in DASHES
                    or (prev.isascii() and prev.isalnum() and ch.isascii() and (ch.isalnum() or ch in ".%+"))
                    or (prev in NUMERIC and (ch in NUMERIC or ch.isdigit()))
                    or (in_number and ch in UNIT_CHARS))
    keep_percentage_points(text, flags)  # the rule after the scan, unchanged
    return flags


def test_no_break_before_visits_only_ruled_positions_to_the_same_flags():
    """The break rules looked at only in and after runs of ruled characters give every
    position's flag the full scan gives: numbers with units and dashes, Latin words, brackets,
    full-width and other digits, 百分点, at the start, the end and across runs."""
    from shangli_brief.typography import no_break_before
    rng = random.Random(7)
    alphabet = ["上", "栗", "县", "万", "亿", "元", "年", "个", "百分点", "，", "。", "（", "）", "《", "》", "—",
                "–", "-", "0", "3", "8", ".", "%", "+", "１", "²", "٣", "a", "Z", " ", "“", "”", "％", "\n", "\x00"]
    for __ in range(4000):
        text = "".join(rng.choice(alphabet) for __ in range(rng.randint(0, 40)))
        assert no_break_before(text) == _no_break_before_every_position(text), repr(text)

"""Theme values in Word terms: paragraph and character styles with East Asian fonts."""
from __future__ import annotations

import math
from pathlib import Path

from ...yamlfile import package_yaml

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ...theme import TextStyle, Theme
from .base import chinese_defaults, font_table
from .ooxml import (condense, first_line_chars, no_auto_space, no_grid_snap, outline_level,
                    set_fonts)

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}

# Theme style -> Word style name. Built-in names where Word has one, so that the navigation pane,
# a contents field and a colleague's habits work; our own names for the rest.
WORD_STYLES = {
    "body": "Normal", "title": "Title", "subtitle": "Subtitle",
    "heading1": "Heading 1", "heading2": "Heading 2", "heading3": "Heading 3", "heading4": "Heading 4",
    "appendix_heading": "Appendix Heading",
    "list": "List Paragraph", "caption": "Caption", "page_number": "Footer",
    "strong": "Strong", "emphasis": "Emphasis",
    "table": "Table Text", "table_header": "Table Heading", "source_note": "Source Note",
    "figure_value": "Key Figure", "figure_label": "Key Figure Label", "masthead": "Masthead",
    "masthead_issue": "Masthead Issue", "masthead_meta": "Masthead Meta", "closing": "Closing Block",
    "meta": "Document Meta",
    "cover_title": "Cover Title", "cover_subtitle": "Cover Subtitle", "cover_meta": "Cover Meta",
    "contents_title": "TOC Heading", "contents_entry": "toc 1", "running_header": "Header",
}
CHARACTER_STYLES = {"strong", "emphasis"}
CHINESE_NAMES = package_yaml(Path(__file__).with_name("style_names.yaml"))
# Word's own built-in styles by name, with the ids Word gives them: such a style is Word's (no
# customStyle), so the navigation pane, captions, contents and a colleague's habits work.
BUILTIN_IDS = {"Title": "Title", "Subtitle": "Subtitle", "Heading 1": "Heading1",
               "Heading 2": "Heading2", "Heading 3": "Heading3", "Heading 4": "Heading4",
               "List Paragraph": "ListParagraph", "Caption": "Caption", "Footer": "Footer",
               "Header": "Header", "Strong": "Strong", "Emphasis": "Emphasis",
               "TOC Heading": "TOCHeading", "toc 1": "TOC1"}


# Outline levels (0 = level 1): the navigation pane and contents fields go by these.
OUTLINE_LEVELS = {"heading1": 0, "heading2": 1, "heading3": 2, "heading4": 3, "appendix_heading": 0}


def install_styles(document, theme: Theme, keep_existing: bool = False) -> None:
    """Our styles from the theme. With `keep_existing` (a reference Word file), the styles that
    file defines win and only the missing ones are added."""
    styles = document.styles
    if not keep_existing:
        body = theme.style("body")
        chinese_defaults(document, theme.fonts[body.font].docx, theme.latin_font, body.size)
    for name, word_name in WORD_STYLES.items():
        if name not in theme.styles:
            continue  # a style only the other layout uses (the report's cover, say)
        ts = theme.style(name)
        kind = WD_STYLE_TYPE.CHARACTER if name in CHARACTER_STYLES else WD_STYLE_TYPE.PARAGRAPH
        style = find_style(document, word_name)
        if style is not None and keep_existing:
            continue
        if style is None:
            style = styles.add_style(CHINESE_NAMES.get(word_name, word_name), kind)
            if word_name in BUILTIN_IDS:
                style.style_id = BUILTIN_IDS[word_name]
                style.element.attrib.pop(qn("w:customStyle"), None)
            elif word_name in CHINESE_NAMES:
                style.style_id = word_name.replace(" ", "")  # ASCII ids, as before
                alias = OxmlElement("w:aliases")
                alias.set(qn("w:val"), word_name)
                style.element.find(qn("w:name")).addnext(alias)
            if kind == WD_STYLE_TYPE.PARAGRAPH and word_name != "Normal":
                style.base_style = styles["Normal"]
            style.quick_style = True
        # GB/T 9704: page numbers in 半角宋体 digits, so their Latin font is the role's too.
        latin = theme.fonts[ts.font].docx if name == "page_number" else theme.latin_font
        _apply_font(style, ts, theme, latin, character=(kind == WD_STYLE_TYPE.CHARACTER))
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            _apply_paragraph(style, ts, theme)
            if name in OUTLINE_LEVELS:
                style.paragraph_format.keep_with_next = True
                outline_level(style.element.get_or_add_pPr(), OUTLINE_LEVELS[name])
            if word_name == "Normal":  # no space between Chinese and Latin letters or digits
                no_auto_space(style.element.get_or_add_pPr())
            # Text at the body size condensed to the GB/T 9704 pitch (16 pt type on 15.75 pt):
            # 28 characters a line in Word, WPS and LibreOffice alike, as in the PDF (see
            # ooxml.doc_grid); other sizes keep their natural width.
            body_size = abs(ts.size - theme.style("body").size) < 0.01
            condense(style.element.get_or_add_rPr(),
                     math.floor((theme.char_pitch - ts.size) * 20) if body_size else 0)
    if not keep_existing:
        used = {theme.fonts[theme.style(n).font].docx for n in WORD_STYLES if n in theme.styles}
        alternates = {role.docx: role.docx_alt for role in theme.fonts.values() if role.docx in used}
        font_table(document, {**alternates, theme.latin_font: None})


def find_style(document, word_name: str):
    """A style by its English name (a letterhead's, Word's built-in ones) or by the Chinese name
    we give our own; None when the document has neither."""
    names = {word_name, CHINESE_NAMES.get(word_name)}
    # by name only (styles[...] would fall back to style ids, with a deprecation warning)
    return next((style for style in document.styles if style.name in names), None)


def _apply_font(style, ts: TextStyle, theme: Theme, latin: str, character: bool) -> None:
    font = style.font
    if not character:
        font.size = Pt(ts.size)
        font.bold = ts.bold
        font.color.rgb = RGBColor.from_string(ts.color.lstrip("#"))
    else:
        font.bold = False
        font.italic = False
    set_fonts(style.element.get_or_add_rPr(), theme.fonts[ts.font].docx, latin)


def _apply_paragraph(style, ts: TextStyle, theme: Theme) -> None:
    pf = style.paragraph_format
    pf.alignment = ALIGN[ts.align]
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(ts.leading)
    pf.space_before = Pt(ts.space_before)
    pf.space_after = Pt(ts.space_after)
    pf.left_indent = Pt(0)
    pf.first_line_indent = Pt(ts.indent_chars * ts.size)
    if ts.indent_chars:
        first_line_chars(style.element.get_or_add_pPr(), ts.indent_chars)
    if abs(ts.leading - theme.line_pitch) > 0.01:
        no_grid_snap(style.element.pPr)
    pbdr = style.element.pPr.find(qn("w:pBdr"))  # Word's Title has a rule under it; ours does not
    if pbdr is not None:
        style.element.pPr.remove(pbdr)

"""Theme values in Word terms: paragraph and character styles with East Asian fonts."""
from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ...theme import TextStyle, Theme
from .ooxml import first_line_chars, no_grid_snap, set_fonts

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}

# Theme style -> Word style name. Built-in names where Word has one, so that the navigation pane,
# a contents field and a colleague's habits work; our own names for the rest.
WORD_STYLES = {
    "body": "Normal", "title": "Title", "subtitle": "Subtitle",
    "heading1": "Heading 1", "heading2": "Heading 2", "heading3": "Heading 3", "heading4": "Heading 4",
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


def install_styles(document, theme: Theme, keep_existing: bool = False) -> None:
    """Our styles from the theme. With `keep_existing` (a reference Word file), the styles that
    file defines win and only the missing ones are added."""
    styles = document.styles
    if not keep_existing:
        _doc_defaults(document, theme)
    for name, word_name in WORD_STYLES.items():
        if name not in theme.styles:
            continue  # a style only the other layout uses (the report's cover, say)
        ts = theme.style(name)
        kind = WD_STYLE_TYPE.CHARACTER if name in CHARACTER_STYLES else WD_STYLE_TYPE.PARAGRAPH
        try:
            style = styles[word_name]
            if keep_existing:
                continue
        except KeyError:
            style = styles.add_style(word_name, kind)
            if kind == WD_STYLE_TYPE.PARAGRAPH and word_name != "Normal":
                style.base_style = styles["Normal"]
            style.quick_style = True
        _apply_font(style, ts, theme, character=(kind == WD_STYLE_TYPE.CHARACTER))
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            _apply_paragraph(style, ts, theme)
            if name.startswith("heading"):
                style.paragraph_format.keep_with_next = True
                style.font.italic = False  # Word's headings are italic in places; ours are not


def _doc_defaults(document, theme: Theme) -> None:
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, theme.fonts[theme.style("body").font].docx, theme.latin_font)


def _apply_font(style, ts: TextStyle, theme: Theme, character: bool) -> None:
    font = style.font
    if not character:
        font.size = Pt(ts.size)
        font.bold = ts.bold
        font.color.rgb = RGBColor.from_string(ts.color.lstrip("#"))
    else:
        font.bold = False
        font.italic = False
    set_fonts(style.element.get_or_add_rPr(), theme.fonts[ts.font].docx, theme.latin_font)


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

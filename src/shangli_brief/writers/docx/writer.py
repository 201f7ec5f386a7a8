"""The DOCX writer: a visitor turning model blocks into a Word document a colleague can edit:
real heading styles, East Asian fonts on every style, tables that are tables, PAGE fields."""
from __future__ import annotations

import copy
import datetime as _dt
import io
import zipfile

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ... import model
from ...errors import InputError, Location
from ...theme import HeadingNumberer, Theme
from ...theme.theme import MM
from .. import (CLOSING_PADDING, TABLE_PADDING, BlockVisitor, WriteOptions, Written, contents_titles, deliver,
               has_contents, heading_style, list_marks, panel_columns, panel_label, table_column_widths,
               table_height, title_text)
from . import ooxml
from .styled import styled_document
from .styles import ALIGN, WORD_STYLES, find_style, install_styles
from ...i18n import _


def write(doc: model.Document, theme: Theme, target, options: WriteOptions = WriteOptions()) -> Written:
    """Write the DOCX to a path or a binary stream. A contents takes its page numbers from
    options.contents_pages or, not given, from the PDF laid out in memory."""
    pages = options.contents_pages
    if pages is None and has_contents(doc):
        from ..pdf.writer import write as write_pdf
        pages = write_pdf(doc, theme, io.BytesIO(), options).contents_pages
    deliver(prepare(doc, theme, options)(pages or ()), target)
    return Written(pages=None)


def prepare(doc: model.Document, theme: Theme, options: WriteOptions = WriteOptions()):
    """The document made, all but the page numbers of its contents: a function of them (the
    PDF's, as it lays them out) giving the DOCX's bytes. A build makes the DOCX while the PDF is
    laid out in its own process, and only numbers the contents once it is done."""
    writer = DocxWriter(doc, theme, options)
    writer.compose()

    def finish(contents_pages: tuple[int, ...]) -> bytes:
        writer.number_contents(contents_pages)
        buffer = io.BytesIO()
        writer.document.save(buffer)
        return reproducible_zip(buffer.getvalue(), doc.date)
    return finish


def reproducible_zip(data: bytes, date) -> bytes:
    """The same package with every entry dated `date` (zip entries otherwise carry the time of
    writing), so the same inputs give the same bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# Custom document properties (Word: File > Info > Properties > Custom) that tell `verify`
# which spec the document was built from; LibreOffice and WPS keep them.
PROPERTY_SPEC = "shangli-brief spec"
PROPERTY_FIGURES = "shangli-brief figures"


_VAL, _SECT_PR = qn("w:val"), qn("w:sectPr")


_styled: dict[str, object] = {}


def _styled_document(theme: Theme):
    """A new document with the theme's styles: made (or read from the cache) once per theme and
    process, then copied — the package and its XML — for each brief."""
    if theme.key not in _styled:
        _styled[theme.key] = styled_document(theme)
    return copy.deepcopy(_styled[theme.key])


def _property(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DocxWriter(BlockVisitor):
    format_name = "DOCX"

    def __init__(self, doc: model.Document, theme: Theme, options: WriteOptions = WriteOptions()):
        self.doc, self.theme, self.options = doc, theme, options
        # A reference Word file (the office letterhead) gives styles, page setup, headers and
        # footers, as pandoc's --reference-doc does; its body is replaced by the brief.
        self.reference = theme.reference_docx
        self.document = self._open_reference() if self.reference else _styled_document(theme)
        self.numberer = HeadingNumberer(theme)
        self._style_cache: dict = {}
        self._contents_numbers: list = []  # the runs that take the contents' page numbers
        body = self.document.element.body
        for child in list(body):
            if child.tag != docx.oxml.ns.qn("w:sectPr"):
                body.remove(child)

    def _open_reference(self):
        from .reference import clean_reference
        package = clean_reference(self.reference)  # the allow-list: see reference.py
        try:
            return docx.Document(package)
        except Exception as e:  # python-docx raises several kinds for a file that is not a DOCX
            raise InputError(
                _("cannot use '{reference}' as the reference Word file: {e}; save it from Word or WPS as .docx").format(
                    reference=self.reference, e=e
                ),
                Location(self.reference),
            ) from None

    def _styles_by_name(self, word_name: str):
        # python-docx looks styles up by a linear search; a brief asks thousands of times.
        if word_name not in self._style_cache:
            self._style_cache[word_name] = find_style(self.document, word_name)
        return self._style_cache[word_name]

    def style(self, theme_style: str):
        return self._styles_by_name(WORD_STYLES[theme_style])

    def apply(self, paragraph, theme_style: str) -> None:
        # Set by id: python-docx's `paragraph.style = ...` scans every style for each paragraph.
        paragraph._p.get_or_add_pPr().style = self.style(theme_style).style_id

    def compose(self) -> None:
        if self.reference:  # without one, _styled_document() has installed them
            install_styles(self.document, self.theme, keep_existing=True)
        if not self.reference:
            self._page_setup()
        self._properties()
        for block in self.doc.front + self.doc.blocks + self.doc.back:
            self.visit(block)

    def number_contents(self, pages: tuple[int, ...]) -> None:
        """Each contents entry's page, as the PDF has it (the DOCX is set like it, page for
        page); without them, Word and WPS are asked to update the field on opening."""
        if not self._contents_numbers:
            return
        if len(pages) == len(self._contents_numbers):
            for run, page in zip(self._contents_numbers, pages):
                run.add_tab()
                run.add_text(str(page))
        else:
            ooxml.update_fields_on_open(self.document.settings.element)

    # -- page, footers, properties -------------------------------------------------------
    def _page_setup(self) -> None:
        t = self.theme
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Pt(t.page_width), Pt(t.page_height)
        section.top_margin, section.bottom_margin = Pt(t.margin_top), Pt(t.margin_bottom)
        section.left_margin, section.right_margin = Pt(t.margin_left), Pt(t.margin_right)
        section.header_distance = Pt(15 * MM)
        number = t.style("page_number")
        section.footer_distance = Pt(t.margin_bottom - t.page_number_gap - number.leading)
        ooxml.doc_grid(section._sectPr, round(t.line_pitch * 20))
        # Odd pages: number on the right; even pages: on the left (duplex printing).
        self.document.settings.odd_and_even_pages_header_footer = True
        self._footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        self._footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
        if any(isinstance(block, model.Cover) for block in self.doc.front):
            # The cover has neither header nor page number.
            section.different_first_page_header_footer = True
        if self.doc.running_header:  # the other pages carry the title
            for header in (section.header, section.even_page_header):
                header.is_linked_to_previous = False
                p = header.paragraphs[0]
                self.apply(p, "running_header")
                ooxml.text_run(p, self.doc.running_header)
                ooxml.border(p._p.get_or_add_pPr(), {"bottom": (0.6, t.color("accent"))})
        if self.doc.draft_mark:  # 征求意见稿 at the head of every page
            for header in (section.header, section.even_page_header, section.first_page_header):
                header.is_linked_to_previous = False
                first = header.paragraphs[0]
                p = header.add_paragraph() if first.text else first
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = p.add_run(self.doc.draft_mark)
                run.font.color.rgb = docx.shared.RGBColor.from_string(t.color("red").lstrip("#"))
                run.font.size = Pt(t.style("page_number").size)

    def _footer(self, footer, align) -> None:
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        self.apply(p, "page_number")
        p.alignment = align
        inset = Pt(self.theme.style("page_number").size)  # one character in
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = inset
        else:
            p.paragraph_format.left_indent = inset
        ooxml.text_run(p, "— ")
        ooxml.add_field(p, "PAGE")
        ooxml.text_run(p, " —")

    def _properties(self) -> None:
        props = self.document.core_properties
        # Word keeps at most 255 characters in a document property: longer text is cut with an
        # ellipsis (the document itself carries the whole title).
        props.title = _property(self.doc.title)
        props.subject = _property(self.doc.subtitle or "")
        props.author = _property(self.doc.issuer or "shangli-brief")
        props.last_modified_by = _property(self.doc.issuer or "shangli-brief")
        props.comments = "Generated by shangli-brief"
        props.keywords = _property(self.doc.keywords)
        # The document's own date, not the moment of writing: the same inputs, the same file.
        moment = _dt.datetime.combine(self.doc.date, _dt.time(0, 0))
        props.created = props.modified = props.last_printed = moment
        props.revision = 1
        ooxml.custom_properties(self.document, {PROPERTY_SPEC: self.doc.spec_in_workspace or "",
                                                PROPERTY_FIGURES: str(len(self.doc.figures))})

    def para(self, content, style: str, align=None):
        p = self._new_paragraph(self.style(style).style_id)
        if isinstance(content, str):
            self._add_text(p, model.Run(content))
        else:
            for run in content:
                self._add_text(p, run)
        if align is not None:
            p.alignment = align
        return p

    def _new_paragraph(self, style_id: str) -> Paragraph:
        """document.add_paragraph() with its style set, built directly: python-docx finds each
        new element's place by searching for every element that may follow it, which was most
        of a brief's writing time. The same XML."""
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        pstyle = OxmlElement("w:pStyle")
        pstyle.set(_VAL, style_id)
        ppr.append(pstyle)
        p.append(ppr)
        body = self.document.element.body
        if len(body) and body[-1].tag == _SECT_PR:
            body[-1].addprevious(p)
        else:
            body.append(p)
        return Paragraph(p, self.document._body)

    def _add_text(self, p, run: model.Run) -> None:
        style_id = self.style("strong" if run.bold else "emphasis").style_id if run.bold or run.italic else None
        for i, line in enumerate(run.text.split("\n")):
            if i:
                p.add_run().add_break(WD_BREAK.LINE)
            r = ooxml.run_element(line, style_id)
            p._p.append(r)
            if run.figure is not None:
                ooxml.mark_figure(Run(r, p), run.figure, self.doc.figures[run.figure])

    # -- front and back matter ------------------------------------------------------------
    def visit_Masthead(self, block: model.Masthead) -> None:
        t = self.theme
        self.para(t.masthead.get("name", ""), "masthead")
        if block.issue:
            self.para(block.issue, "masthead_issue")
        # The issuer one character in from the left, the date one in from the right, by tab
        # stops: the paragraph itself spans the type area, and so does the red rule under it.
        size = Pt(t.style("masthead_meta").size)
        meta = self.para(f"\t{block.issuer}\t{block.date}", "masthead_meta")
        meta.paragraph_format.first_line_indent = Pt(0)
        meta.paragraph_format.space_after = Pt(t.line_pitch)
        meta.paragraph_format.tab_stops.add_tab_stop(size, WD_TAB_ALIGNMENT.LEFT)
        meta.paragraph_format.tab_stops.add_tab_stop(Pt(t.text_width) - size, WD_TAB_ALIGNMENT.RIGHT)
        ooxml.border(meta._p.get_or_add_pPr(), {"bottom": (t.masthead.get("rule_pt", 2), t.color("red"))})

    def visit_Title(self, block: model.Title) -> None:
        self.para(title_text(block.text, self.theme), "title")
        if block.subtitle:
            self.para(block.subtitle, "subtitle")

    def visit_Cover(self, block: model.Cover) -> None:
        t = self.theme
        band = self.para("", "cover_meta")
        band.paragraph_format.space_before = Pt(t.text_height * 0.08)
        ooxml.shade_paragraph(band, t.color("accent"))
        self.para(title_text(block.title, t, "cover_title"), "cover_title").paragraph_format.space_before = Pt(40)
        if block.subtitle:
            self.para(block.subtitle, "cover_subtitle")
        for i, text in enumerate(block.meta):
            p = self.para(text, "cover_meta")
            if i == 0:
                p.paragraph_format.space_before = Pt(t.text_height * 0.38)
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def visit_Contents(self, block: model.Contents) -> None:
        """A contents page: a TOC field over the heading styles, its result written in advance:
        the level-1 headings and (number_contents) their pages."""
        self.para(block.title, "contents_title")
        self._contents_numbers = ooxml.contents_field(self.document, contents_titles(self.doc, self.theme),
                                                      self.style("contents_entry").style_id, self.theme.text_width)
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def visit_ClosingBlock(self, block: model.ClosingBlock) -> None:
        t = self.theme
        lines = block.lines
        table = self.document.add_table(rows=len(lines), cols=1)
        self._fix_widths(table, [t.text_width])
        ooxml.cell_margins(table._tbl, 0, 0, 0, 0)  # the rules span the type area, as in the PDF
        # exact row heights, as the PDF's lines and their space: the block's height is known
        row_height = t.style("closing").leading + 2 * CLOSING_PADDING
        for row in table.rows:
            row.height = Pt(row_height)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        ooxml.float_to_page_bottom(table._tbl, t.text_height - row_height * len(lines), t.margin_left)
        rules = t.closing_rules
        rule = t.color("rule")
        ooxml.table_borders(table._tbl, {"top": (rules.get("outer_pt", 1), rule),
                                         "bottom": (rules.get("outer_pt", 1), rule),
                                         "insideH": (rules.get("inner_pt", 0.7), rule)})
        size = Pt(t.style("closing").size)
        for row, line in zip(table.rows, lines):
            ooxml.cant_split(row)
            cell = row.cells[0]
            cell.width = Pt(t.text_width)
            p = cell.paragraphs[0]
            self.apply(p, "closing")
            p.paragraph_format.left_indent = size
            p.paragraph_format.right_indent = size
            if line.left and line.right:  # 印发机关, a right tab, 印发日期
                p.paragraph_format.tab_stops.add_tab_stop(Pt(t.text_width) - 2 * size,
                                                          WD_TAB_ALIGNMENT.RIGHT)
                ooxml.text_run(p, f"{line.left}\t{line.right}")
            else:
                ooxml.text_run(p, line.left or line.right)
                if not line.left:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # A floating table is anchored to the paragraph after it; a document ends with one anyway.
        self.apply(self.document.add_paragraph(), "closing")

    # -- blocks ---------------------------------------------------------------------------
    def visit_Heading(self, block: model.Heading) -> None:
        label = self.numberer.next(block.level) if block.numbered else ""
        self.para(label + block.text, heading_style(block))

    def visit_Paragraph(self, block: model.Paragraph) -> None:
        self.para(block.runs, "body")

    def visit_ListBlock(self, block: model.ListBlock) -> None:
        marks, hang = list_marks(block, self.theme)
        style = self.theme.style("list")
        for mark, item in zip(marks, block.items):
            p = self.para([model.Run(mark)] + item, "list")
            # the mark where a paragraph's first line starts, wrapped lines under the item's text
            ooxml.hanging_indent(p._p.get_or_add_pPr(), style.indent_chars + hang, hang, style.size)

    def visit_PageBreak(self, block: model.PageBreak) -> None:
        if block.new_part and self.options.duplex:
            # An odd-page section break: Word and WPS insert the blank page when printing. The
            # new section keeps the headers and page numbers: only the cover has none.
            self.document.add_section(WD_SECTION.ODD_PAGE).different_first_page_header_footer = False
        else:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _caption(self, block, keep_with_next: bool = True):
        """表1　title: the number a SEQ field (Word renumbers on updating fields after a table is
        inserted), its current value written in; a title alone where the block has no number."""
        p = self.para("", "caption")
        p.paragraph_format.keep_with_next = keep_with_next
        caption = block.caption
        if caption is None:
            self._add_text(p, model.Run(block.title))
            return p
        p.add_run(caption.label)
        ooxml.add_field(p, f"SEQ {caption.label} \\* ARABIC", str(caption.number))
        self._add_text(p, model.Run(caption.separator + caption.title))
        return p

    def _source_line(self, block) -> None:
        self.para(block.source_line, "source_note")

    def visit_Table(self, block: model.Table) -> None:
        t = self.theme
        self._caption(block)
        table = self.document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
        table.style = self._styles_by_name("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = table_column_widths(block, t)
        self._fix_widths(table, widths)
        ooxml.cell_margins(table._tbl, *TABLE_PADDING)
        header = table.rows[0]
        ooxml.repeat_header(header)
        for cell, column, width in zip(header.cells, block.columns, widths):
            self._cell(cell, column.label, "table_header", "center", width)
            ooxml.shade(cell, t.color("table_header"))
        for r, (row, values) in enumerate(zip(table.rows[1:], block.rows)):
            ooxml.cant_split(row)
            for c, (cell, text, column, width) in enumerate(zip(row.cells, values, block.columns, widths)):
                self._cell(cell, text, "table", column.align, width, block.figures.get((r, c)))
        # as in the PDF: a table taller than two thirds of a page starts where it falls
        tall = table_height(block, t, widths) > t.text_height * 2 / 3
        self._keep_with_source(table, whole=not tall)
        self._source_line(block)

    @staticmethod
    def _keep_with_source(table, whole: bool = True) -> None:
        """The 资料来源 line never starts a page alone: a table is kept whole with it (and,
        through the caption's keep-with-next, with its caption), or, when `whole` is False (a
        tall table), its header and first two rows go with the caption and its last row with
        the source line, the rows between flowing over the page break."""
        rows = table.rows if whole else [*table.rows[:3], table.rows[-1]]
        for row in rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True

    @staticmethod
    def _fix_widths(table, widths: list[float]) -> None:
        # Fixed layout with the grid's column widths: Word, WPS and LibreOffice all honour it.
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Pt(width)

    def _cell(self, cell, text: str, style: str, align: str, width: float, figure=None) -> None:
        cell.width = Pt(width)
        p = cell.paragraphs[0]
        self.apply(p, style)
        p.alignment = ALIGN[align]
        self._add_text(p, model.Run(text, figure=figure))

    def visit_Chart(self, block: model.Chart) -> None:
        from io import BytesIO

        from ... import charts
        p = self.document.add_paragraph()
        self.apply(p, "caption")
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing would clip it
        p.add_run().add_picture(BytesIO(charts.png(block, self.theme)), width=Pt(self.theme.text_width))
        ooxml.svg_beside_pictures(p, self.document.part, charts.svg_document(block, self.theme))
        ooxml.alt_text(p, block.title, block.alt_text)
        self._caption(block)  # kept with its 资料来源 line
        self._source_line(block)

    def visit_FigurePanel(self, block: model.FigurePanel) -> None:
        t = self.theme
        if block.title:
            self.para(block.title, "caption").paragraph_format.keep_with_next = True
        per_row = panel_columns(block)
        rows = (len(block.items) + per_row - 1) // per_row
        table = self.document.add_table(rows=rows, cols=per_row)
        table.style = self._styles_by_name("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._fix_widths(table, [t.text_width / per_row] * per_row)
        for i, figure in enumerate(block.items):
            cell = table.rows[i // per_row].cells[i % per_row]
            cell.width = Pt(t.text_width / per_row)
            ooxml.shade(cell, t.color("table_header"))
            value = cell.paragraphs[0]
            self.apply(value, "figure_value")
            self._add_text(value, model.Run(figure.value, figure=figure.figure))
            for text in (panel_label(figure.label, block, t), figure.period):
                label = cell.add_paragraph()
                self.apply(label, "figure_label")
                ooxml.text_run(label, text)
        self._keep_with_source(table)
        self._source_line(block)

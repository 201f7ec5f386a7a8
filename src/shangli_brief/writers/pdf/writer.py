"""The PDF writer: a visitor turning model blocks into ReportLab flowables on A4 pages."""
from __future__ import annotations

import datetime as _dt
import os
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.platypus import (CondPageBreak, KeepTogether, NextPageTemplate, PageBreak, Spacer,
                                Table, TableStyle)
from reportlab.platypus.flowables import DocIf, Flowable, HRFlowable

from ... import model
from ...errors import Location
from ...fonts import resolve_theme_fonts, text_chars
from ...theme import HeadingNumberer, Theme
from .. import (CLOSING_PADDING, TABLE_PADDING, BlockVisitor, WriteOptions, Written, contents_titles, heading_style,
               list_marks, panel_columns, panel_label, table_column_widths, title_text)
from ...typography import FULL_WIDTH_SPACE
from .floats import ChartFloat
from .pages import BriefDocTemplate, Contents, PageDecorator
from .rl import IDEOGRAPHIC_SPACE, ChineseParagraph
from .styles import PdfStyles, file_identity
from ...i18n import _

_styles_cache: dict[tuple, PdfStyles] = {}



def styles_for(theme: Theme, chars: frozenset[int] | None = None) -> PdfStyles:
    """The theme's styles, its faces holding `chars` (None: as the cache holds them now). The
    faces found for a theme are kept for the process: a later document needing no character
    beyond them (a rebuild, the next brief of a batch) uses them without looking again."""
    known = _faces_for.get(theme.key)
    if known is not None and chars is not None and known[0] is not None and chars <= known[0]:
        resolved = known[1]
    else:
        resolved = resolve_theme_fonts(theme, chars)
        _faces_for[theme.key] = (chars, resolved)
    # the files as they are now: a cached subset grown for this document is a new face
    key = (theme.key, tuple((f.file, f.index, f.substitute, file_identity(f.file)) for f in resolved.values()))
    if key not in _styles_cache:
        _styles_cache[key] = PdfStyles(theme, resolved, chars)
    return _styles_cache[key]


_faces_for: dict = {}  # theme key -> (the characters asked for, the faces found for them)



@contextmanager
def _document_date(date):
    """ReportLab dates the PDF from SOURCE_DATE_EPOCH when set: the document's own date, so the
    same inputs give the same bytes."""
    epoch = int(_dt.datetime.combine(date, _dt.time(0, 0), _dt.timezone.utc).timestamp())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _PushToBottom(Flowable):
    """Empty space that fills the frame but for `reserved` points at its foot."""

    def __init__(self, reserved: float):
        super().__init__()
        self.reserved = reserved

    def wrap(self, available_width, available_height):
        self.height = max(0.0, available_height - self.reserved - 0.1)
        return available_width, self.height

    def draw(self):
        pass


def glyph_warnings(glyphs: dict) -> tuple[str, ...]:
    """One line per place and kind, each character with its code point: drawn by a fallback
    face, by no face at all (an empty box on paper), or of a right-to-left script (set left to
    right, its letters unjoined)."""
    groups: dict[tuple, list[str]] = {}
    for (ch, origin), (face, fallback) in glyphs.items():
        groups.setdefault((origin, face, fallback), []).append(f"'{ch}' U+{ord(ch):04X}")
    out = []
    for (origin, face, fallback), chars in groups.items():
        where = f"{origin}: " if origin is not None else ""
        listed = ", ".join(chars)
        if fallback == "rtl":
            out.append(
                _(
                    "{where}right-to-left script, set left to right with unjoined letters: {listed}; "
                    "give such text as an image or in Chinese"
                ).format(where=where, listed=listed)
            )
        elif fallback:
            out.append(
                _("{where}not in {face}, drawn in {fallback}: {listed}").format(
                    where=where, face=face, fallback=fallback, listed=listed
                )
            )
        else:
            out.append(
                _(
                    "{where}in no font of this brief, printed as empty boxes: {listed}; replace "
                    "them, or install a font that has them and name it under glyph_fallback in the "
                    "theme"
                ).format(where=where, listed=listed)
            )
    return tuple(out)


def write(doc: model.Document, theme: Theme, target, options: WriteOptions = WriteOptions()) -> Written:
    """Write the PDF to a path or a binary stream."""
    return PdfWriter(doc, theme, options).write(target)


class PdfWriter(BlockVisitor):
    format_name = "PDF"

    def __init__(self, doc: model.Document, theme: Theme, options: WriteOptions = WriteOptions()):
        self.doc, self.theme, self.options = doc, theme, options
        self.styles = styles_for(theme, text_chars(doc, theme))
        self.numberer = HeadingNumberer(theme)
        # the contents flowable, where the layout has contents: its entries get their pages
        # while the document is built (pages.BriefDocTemplate)
        self.front = {type(block) for block in doc.front}
        self.contents = (Contents(contents_titles(doc, theme), self.styles, theme)
                         if model.Contents in self.front else None)

    # -- page setup -----------------------------------------------------------------------
    def write(self, path: str) -> Written:
        # Streams (fonts above all) are written as compressed binary, not ASCII85-encoded as
        # well: a quarter smaller, and no pass over every byte in Python where rl_accel is missing.
        rl_config.useA85 = 0
        t = self.theme
        template = BriefDocTemplate(
            path, t, contents=self.contents, laid_out=self.options.laid_out, pagesize=(t.page_width, t.page_height),
            leftMargin=t.margin_left, rightMargin=t.margin_right, topMargin=t.margin_top,
            bottomMargin=t.margin_bottom, title=self.doc.title, author=self.doc.issuer or "",
            subject=self.doc.subtitle or "", creator="shangli-brief",
            keywords=[b.text for b in self.doc.blocks if isinstance(b, model.Heading) and b.level == 1],
            invariant=True,  # fixed document ID; the date comes from the document (below)
            # The canvas starts in our body face, so no unembedded Helvetica is referenced.
            initialFontName=self.styles.font("body"), initialFontSize=self.theme.style("body").size,
        )
        decorator = PageDecorator(t, self.styles, self.doc.running_header, self.doc.draft_mark)
        template.addPageTemplates(decorator.templates(cover=model.Cover in self.front))
        story = self.story()
        with _document_date(self.doc.date):
            template.build(story)
        pages = self.contents.pages() if self.contents is not None else ()
        return Written(pages=template.page, warnings=self.glyph_warnings(), contents_pages=pages)

    def story(self) -> list:
        """The flowables of the document; characters no face has are noted as they are set."""
        self.styles.glyphs = {}
        self.styles.origin = Location(self.doc.source_file) if self.doc.source_file else None
        story = [f for block in self.doc.front for f in self.visit(block)]
        chart = None  # the float of the last chart, while only body text follows it
        for block in self.doc.blocks:
            flowables = self.visit(block)
            if isinstance(block, model.Chart):
                chart = flowables[0]
            elif chart is not None and isinstance(block, (model.Paragraph, model.ListBlock)):
                chart.followers += flowables  # may be set before the chart: see floats.py
                continue
            else:
                chart = None
            story += flowables
        self.styles.origin = Location(self.doc.source_file) if self.doc.source_file else None
        return story + [f for block in self.doc.back for f in self.visit(block)]

    def glyph_warnings(self) -> tuple[str, ...]:
        """Faces standing in for a role's own, and characters no face has or another face draws."""
        return self.styles.substitutes + glyph_warnings(self.styles.glyphs or {})

    # -- text -----------------------------------------------------------------------------
    def para(self, text_or_runs, style) -> ChineseParagraph:
        """A paragraph in a theme style (by name) or a ParagraphStyle, from text or runs."""
        pstyle = self.styles.paragraph[style] if isinstance(style, str) else style
        runs = [model.Run(text_or_runs)] if isinstance(text_or_runs, str) else text_or_runs
        markup = "".join(self._run(r, pstyle.fontName) for r in runs)
        # ReportLab's parser turns the ideographic space (表1　标题) into a Latin space; it goes
        # through as a stand-in and is put back when the line is broken (rl.py).
        markup = markup.replace(FULL_WIDTH_SPACE, IDEOGRAPHIC_SPACE).replace("\n", "<br/>")
        return ChineseParagraph(markup, pstyle)

    def _run(self, run: model.Run, base_font: str) -> str:
        role = "strong" if run.bold else "emphasis" if run.italic else None
        if role is None:
            return self.styles.markup(run.text, base_font)
        font = self.styles.font(role)
        return f'<font name="{font}">{self.styles.markup(run.text, font)}</font>'

    # -- front and back matter ------------------------------------------------------------
    def visit_Title(self, block: model.Title) -> list:
        out = [self.para(title_text(block.text, self.theme), "title")]
        if block.subtitle:
            out.append(self.para(block.subtitle, "subtitle"))
        return out

    def visit_Cover(self, block: model.Cover) -> list:
        t = self.theme
        out = [Spacer(1, t.text_height * 0.12), self.para(title_text(block.title, t, "cover_title"), "cover_title")]
        if block.subtitle:
            out.append(self.para(block.subtitle, "cover_subtitle"))
        out.append(Spacer(1, t.text_height * 0.38))
        out += [self.para(x, "cover_meta") for x in block.meta]
        following = "contents" if self.contents is not None else "body"
        return out + [NextPageTemplate(following), *self._new_part()]

    def visit_Contents(self, block: model.Contents) -> list:
        return [self.para(block.title, "contents_title"), self.contents, NextPageTemplate("body"),
                *self._new_part()]

    def _new_part(self) -> list:
        """A page break; for duplex printing, also a blank page when the part would otherwise
        start on a left-hand (even) page."""
        if not self.options.duplex:
            return [PageBreak()]
        return [PageBreak(), DocIf("doc.page % 2 == 0", [PageBreak()])]

    def visit_Masthead(self, block: model.Masthead) -> list:
        t = self.theme
        out = [self.para(t.masthead.get("name", ""), "masthead")]
        if block.issue:
            out.append(self.para(block.issue, "masthead_issue"))
        meta_style = self.styles.paragraph["masthead_meta"]
        left = self.para(block.issuer, meta_style)
        right = self.para(block.date, meta_style.clone("meta_r", alignment=2))
        inset = t.style("masthead_meta").size
        row = Table([[left, right]], colWidths=[t.text_width / 2] * 2)
        row.setStyle(self._table_style([("LEFTPADDING", (0, 0), (0, 0), inset),
                                 ("RIGHTPADDING", (1, 0), (1, 0), inset),
                                 ("LEFTPADDING", (1, 0), (1, 0), 0), ("RIGHTPADDING", (0, 0), (0, 0), 0),
                                 ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
        out.append(row)
        out.append(HRFlowable(width="100%", thickness=t.masthead.get("rule_pt", 2),
                              color=self.styles.color("red"), spaceBefore=4,
                              spaceAfter=t.line_pitch))
        return out

    def visit_ClosingBlock(self, block: model.ClosingBlock) -> list:
        t = self.theme
        rules = t.closing_rules
        size = t.style("closing").size
        style = self.styles.paragraph["closing"].clone("closing_line", leftIndent=size, rightIndent=size,
                                                       spaceBefore=CLOSING_PADDING, spaceAfter=CLOSING_PADDING)
        right = style.clone("closing_right", alignment=2)
        lines = []
        for line in block.lines:
            if line.left and line.right:  # 印发机关 at the left, its date at the right
                plain = style.clone("closing_pair", leftIndent=0, rightIndent=0, spaceBefore=0,
                                    spaceAfter=0)
                pair = Table([[self.para(line.left, plain),
                               self.para(line.right, plain.clone("closing_pair_right", alignment=2))]],
                             colWidths=[t.text_width * 0.55, t.text_width * 0.45])
                # the other lines' one-character indents and their space above and below
                pair.setStyle(self._table_style([("LEFTPADDING", (0, 0), (0, 0), size),
                                                 ("RIGHTPADDING", (0, 0), (0, 0), 0),
                                                 ("LEFTPADDING", (1, 0), (1, 0), 0),
                                                 ("RIGHTPADDING", (1, 0), (1, 0), size),
                                                 ("TOPPADDING", (0, 0), (-1, -1), CLOSING_PADDING),
                                                 ("BOTTOMPADDING", (0, 0), (-1, -1), CLOSING_PADDING)]))
                lines.append(pair)
            else:
                lines.append(self.para(line.left or line.right, style if line.left else right))
        rule = lambda w: HRFlowable(width="100%", thickness=w, color=self.styles.color("rule"),  # noqa: E731
                                    spaceBefore=0, spaceAfter=0)
        # First and last rules 0.35 mm, the ones between 0.25 mm.
        block = [rule(rules.get("outer_pt", 1))]
        for i, line in enumerate(lines):
            block += [line, rule(rules.get("outer_pt" if i == len(lines) - 1 else "inner_pt", 0.7))]
        height = sum(f.wrap(t.text_width, t.text_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                     for f in block)
        # The 版记 sits at the foot of the last page, its last rule on the type area's bottom edge.
        return [CondPageBreak(height + t.line_pitch), _PushToBottom(height), KeepTogether(block)]

    # -- blocks ---------------------------------------------------------------------------
    def visit(self, block) -> list:
        if getattr(block, "origin", None) is not None:
            self.styles.origin = block.origin  # characters without a face are noted where they are
        return super().visit(block)

    def visit_Heading(self, block: model.Heading) -> list:
        label = self.numberer.next(block.level) if block.numbered else ""
        style = heading_style(block)
        # A heading needs itself and two lines of what follows on the page. Not keepWithNext:
        # that would carry a whole long paragraph to the next page, leaving a gap.
        heading = self.para(label + block.text, style)
        heading.outline = (block.level, label + block.text)  # a bookmark and a contents entry
        return [CondPageBreak(self.theme.line_pitch * 3), heading]

    def visit_Paragraph(self, block: model.Paragraph) -> list:
        return [self.para(block.runs, "body")]

    def visit_ListBlock(self, block: model.ListBlock) -> list:
        marks, hang = list_marks(block, self.theme)
        base = self.styles.paragraph["list"]
        size = self.theme.style("list").size
        # the mark where a paragraph's first line starts; wrapped lines under the item's text
        style = base.clone(f"list_hang_{hang}", leftIndent=base.leftIndent + base.firstLineIndent + hang * size,
                           firstLineIndent=-hang * size)
        return [self.para([model.Run(mark)] + item, style) for mark, item in zip(marks, block.items)]

    def visit_PageBreak(self, block: model.PageBreak) -> list:
        return self._new_part() if block.new_part else [PageBreak()]

    def _together(self, caption: str | None, body, source_line: str) -> list:
        """Caption, table (or panel) and its 资料来源 line on one page when they fit there, or
        moved together to the next page when they fit that. A group taller than two thirds of a
        page would leave a page mostly empty and split all the same: it starts where it falls
        and splits, its header repeated, the source line after its last row. Either way the
        caption needs itself, the header and a couple of rows on its page."""
        parts = ([self.para(caption, "caption")] if caption else [Spacer(1, 6)]) + [body]
        parts.append(self.para(source_line, "source_note"))
        start = CondPageBreak(self.theme.line_pitch * 4)
        frame = self.theme.text_height
        height = sum(part.wrap(self.theme.text_width, frame)[1] for part in parts)
        return [start, *parts] if height > frame * 2 / 3 else [start, KeepTogether(parts)]

    def visit_Table(self, block: model.Table) -> list:
        t = self.theme
        head = [self.para(c.label, "table_header") for c in block.columns]
        body = [[self._cell(text, col) for text, col in zip(row, block.columns)] for row in block.rows]
        widths = table_column_widths(block, t)
        table = Table([head] + body, colWidths=widths, repeatRows=1)
        table.setStyle(self._grid_style(len(block.columns)))
        return self._together(block.caption_text, table, block.source_line)

    def _cell(self, text: str, column: model.Column) -> ChineseParagraph:
        style = self.styles.paragraph["table"]
        if column.align != "left":
            style = style.clone(f"table_{column.align}", alignment={"right": 2, "center": 1}[column.align])
        return self.para(text, style)

    def _grid_style(self, columns: int) -> TableStyle:
        border = self.styles.color("table_border")
        return self._table_style([
            ("GRID", (0, 0), (-1, -1), 0.5, border),
            ("BACKGROUND", (0, 0), (-1, 0), self.styles.color("table_header")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), TABLE_PADDING[0]),
            ("BOTTOMPADDING", (0, 0), (-1, -1), TABLE_PADDING[1]),
            ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PADDING[2]),
            ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PADDING[3]),
        ])

    def visit_Chart(self, block: model.Chart) -> list:
        from ... import charts
        drawing = charts.drawing(block, self.theme)  # vector shapes
        drawing.initialFontName = self.styles.font("body")  # else ReportLab sets Helvetica
        factor = self.theme.text_width / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
        drawing.hAlign = "CENTER"
        # a chart's caption goes under it: the three are kept on one page, floating if need be
        parts = [drawing, self.para(block.caption_text, "caption"), self.para(block.source_line, "source_note")]
        return [ChartFloat(parts, [], self.theme.text_height)]

    def _table_style(self, commands: list) -> TableStyle:
        # ReportLab sets a cell font even for cells holding paragraphs; without this it would be
        # Helvetica, referenced but not embedded.
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), self.styles.font("table"))] + commands)

    def visit_FigurePanel(self, block: model.FigurePanel) -> list:
        t = self.theme
        per_row = panel_columns(block)
        cells = [[self.para(f.value, "figure_value"),
                  self.para(panel_label(f.label, block, t), "figure_label"),
                  self.para(f.period, "figure_label")] for f in block.items]
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        table = Table(rows, colWidths=[t.text_width / per_row] * per_row)
        table.setStyle(self._table_style([
            ("BOX", (0, 0), (-1, -1), 0.75, self.styles.color("table_border")),
            ("INNERGRID", (0, 0), (-1, -1), 0.25, self.styles.color("table_border")),
            ("BACKGROUND", (0, 0), (-1, -1), self.styles.color("table_header")),
            # from the top: the figures of a row stand on one baseline whatever their labels
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        return self._together(block.title or None, table, block.source_line)

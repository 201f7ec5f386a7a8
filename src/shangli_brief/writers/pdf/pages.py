"""Page furniture of the PDF: the document template (bookmarks, contents), page numbers, the
report's cover band and running header."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from ...theme import Theme
from .linebreak import install as install_char_spacing


class BriefDocTemplate(BaseDocTemplate):
    """Headings become PDF bookmarks (the reader's outline) and, in a report, contents entries
    with the page they really fall on (ReportLab's multi-pass build settles the numbers)."""

    def __init__(self, path, theme: Theme, contents: bool, **kwargs):
        super().__init__(path, **kwargs)
        self.theme = theme
        self.contents = contents

    def beforeDocument(self):
        self._bookmarks = 0
        self._outline_level = 0

    def afterFlowable(self, flowable):
        mark = getattr(flowable, "outline", None)
        if mark is None:
            return
        level, text = mark
        level = min(level, self._outline_level + 1)  # the outline cannot skip a level
        self._outline_level = level
        self._bookmarks += 1
        key = f"heading-{self._bookmarks}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level - 1, closed=level > 1)
        if self.contents and level == 1:
            self.notify("TOCEntry", (0, text, self.page, key))


def contents_table(styles) -> TableOfContents:
    entry = styles.paragraph["contents_entry"].clone("toc1", firstLineIndent=0)
    # The contents are a ReportLab table: its cells need our font, or an unembedded Helvetica
    # is referenced.
    toc = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), entry.fontName), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    toc.levelStyles = [entry]
    return toc


class PageDecorator:
    """Draws what every page carries besides its text: page number, running header, cover band."""

    def __init__(self, theme: Theme, styles, title: str):
        self.theme, self.styles, self.title = theme, styles, title

    def templates(self, report: bool) -> list[PageTemplate]:
        t = self.theme
        frame = lambda name: Frame(t.margin_left, t.margin_bottom, t.text_width, t.text_height,  # noqa: E731
                                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)
        if not report:
            return [PageTemplate("page", [frame("body")], onPage=self.numbered)]
        return [PageTemplate("cover", [frame("cover")], onPage=self.cover),
                PageTemplate("contents", [frame("contents")], onPage=self.numbered),
                PageTemplate("body", [frame("body")], onPage=self.body)]

    def numbered(self, canvas, document) -> None:
        install_char_spacing(canvas)
        t, style = self.theme, self.theme.style("page_number")
        n = canvas.getPageNumber()
        text = f"— {n} —"
        canvas.saveState()
        canvas.setFont(self.styles.font("page_number"), style.size)
        canvas.setFillColor(HexColor(style.color))
        y = t.margin_bottom - t.page_number_gap - style.size * 0.8
        inset = style.size  # one character in from the type area's edge
        if n % 2:  # odd pages right, even pages left (for duplex printing)
            canvas.drawRightString(t.page_width - t.margin_right - inset, y, text)
        else:
            canvas.drawString(t.margin_left + inset, y, text)
        canvas.restoreState()

    def body(self, canvas, document) -> None:
        self.numbered(canvas, document)
        t, style = self.theme, self.theme.style("running_header")
        y = t.page_height - t.margin_top + 12
        canvas.saveState()
        canvas.setFont(self.styles.font("running_header"), style.size)
        canvas.setFillColor(HexColor(style.color))
        canvas.drawRightString(t.page_width - t.margin_right, y, self.title)
        canvas.setStrokeColor(HexColor(t.color("accent")))
        canvas.setLineWidth(0.6)
        canvas.line(t.margin_left, y - 5, t.page_width - t.margin_right, y - 5)
        canvas.restoreState()

    def cover(self, canvas, document) -> None:
        """No page number on the cover; a restrained band of the accent colour above the title."""
        install_char_spacing(canvas)
        t = self.theme
        canvas.saveState()
        canvas.setFillColor(HexColor(t.color("accent")))
        canvas.rect(0, t.page_height * 0.80, t.page_width, 14, stroke=0, fill=1)
        canvas.setFillColor(HexColor(t.color("table_header")))
        canvas.rect(0, t.page_height * 0.80 - 5, t.page_width, 5, stroke=0, fill=1)
        canvas.restoreState()

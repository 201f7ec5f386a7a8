"""Page furniture of the PDF: the document template (bookmarks, contents), page numbers, the
report's cover band and running header."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, PageBreak,
                                PageTemplate)
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import DocIf

from ...theme import Theme
from .rl import install_char_spacing


CONTENTS_FORM = "shangli-contents"


class BriefDocTemplate(BaseDocTemplate):
    """Headings become PDF bookmarks (the reader's outline) and, in a report, contents entries.

    The contents page is drawn in one pass: the page shows a form XObject that is filled in only
    when the document ends and every heading's page is known (PDF allows a form to be defined
    after the page that uses it)."""

    def __init__(self, path, theme: Theme, contents: Contents | None = None, laid_out=None, **kwargs):
        super().__init__(path, **kwargs)
        self.theme = theme
        self.contents = contents
        self.laid_out = laid_out  # see WriteOptions.laid_out

    def beforeDocument(self):
        self.bookmarks = 0
        self.outline_level = 0

    def beforePage(self):
        self.page_has_content = False  # a blank page (duplex printing) gets no page number

    def afterFlowable(self, flowable):
        if not isinstance(flowable, (DocIf, CondPageBreak, PageBreak, ActionFlowable)):  # not content
            self.page_has_content = True
        mark = getattr(flowable, "outline", None)
        if mark is None:
            return
        level, text = mark
        level = min(level, self.outline_level + 1)  # the outline cannot skip a level
        self.outline_level = level
        self.bookmarks += 1
        key = f"heading-{self.bookmarks}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level - 1, closed=level > 1)
        if self.contents is not None and level == 1:
            self.contents.found(text, self.page)
            self.canv.bookmarkPage(Contents.link_key(len(self.contents.entries)))

    def build(self, flowables):
        contents, laid_out = self.contents, self.laid_out

        class _Canvas(Canvas):
            def save(canvas):  # noqa: N805 - the canvas, inside the template's build
                if contents is not None:
                    contents.draw_form(canvas)
                if laid_out is not None:
                    laid_out(contents.pages() if contents is not None else ())
                super().save()

        super().build(flowables, canvasmaker=_Canvas)


class Contents(Flowable):
    """The contents: one line per level-1 heading, dot leaders, the page it falls on, and a link
    to it. Its size is known from the model; its page numbers only at the end (see above). A long
    contents flows over pages: each page's part draws its own form."""

    def __init__(self, titles: list[str], styles, theme: Theme, start: int = 0, stop: int | None = None,
                 whole: Contents | None = None):
        super().__init__()
        self.titles = titles
        self.start, self.stop = start, len(titles) if stop is None else stop
        self.whole = whole or self  # the part that collects the entries and draws the forms
        style = theme.style("contents_entry")
        self.font, self.size, self.leading = styles.font("contents_entry"), style.size, style.leading
        self.styles, self.theme = styles, theme
        self.entries: list[tuple[str, int]] = []
        self.drawn: list[Contents] = []

    @staticmethod
    def link_key(number: int) -> str:
        return f"contents-{number}"

    @property
    def form(self) -> str:
        return CONTENTS_FORM if self.start == 0 else f"{CONTENTS_FORM}-{self.start}"

    def found(self, title: str, page: int) -> None:
        self.entries.append((title, page))

    def pages(self) -> tuple[int, ...]:
        """The page of each entry (once the document is laid out)."""
        return tuple(number for __, number in self.entries)

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = self.leading * (self.stop - self.start)
        return self.width, self.height

    def split(self, available_width, available_height):
        fits = int((available_height + 1e-6) // self.leading)
        if fits >= self.stop - self.start:
            return [self]
        if fits <= 0:
            return []
        cut = self.start + fits
        return [Contents(self.titles, self.styles, self.theme, self.start, cut, self.whole),
                Contents(self.titles, self.styles, self.theme, cut, self.stop, self.whole)]

    def draw(self):
        self.whole.drawn.append(self)
        self.canv.doForm(self.form)
        # Each line links to its heading; the destinations are named now, defined later.
        for i in range(self.start, self.stop):
            top = self.height - (i - self.start) * self.leading
            self.canv.linkRect("", self.link_key(i + 1), (0, top - self.leading, self.width, top),
                               relative=1, thickness=0)

    def draw_form(self, canvas) -> None:
        for part in self.drawn:
            part.fill_form(canvas, self.entries[part.start:part.stop])

    def fill_form(self, canvas, entries) -> None:
        canvas.beginForm(self.form, lowerx=0, lowery=0, upperx=self.width, uppery=self.height)
        canvas.setFont(self.font, self.size)
        dot = canvas.stringWidth(". ", self.font, self.size)
        for i, (title, number) in enumerate(entries):
            y = self.height - (i + 1) * self.leading + (self.leading - self.size) / 2
            label = str(number)
            right = self.width - canvas.stringWidth(label, self.font, self.size)
            title = _fit(canvas, title, self.font, self.size, right - 3 * dot)
            canvas.drawString(0, y, title)
            canvas.drawString(right, y, label)
            dots = int((right - canvas.stringWidth(title, self.font, self.size) - 2 * dot) / dot)
            if dots > 0:
                canvas.drawString(right - (dots + 0.5) * dot, y, ". " * dots)
        canvas.endForm()


def _fit(canvas, text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis where it would run into the page number."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if canvas.stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


class PageDecorator:
    """Draws what every page carries besides its text: page number, running header, cover band."""

    def __init__(self, theme: Theme, styles, running_header: str | None = None, draft_mark: str | None = None):
        self.theme, self.styles, self.title, self.draft = theme, styles, running_header, draft_mark

    def templates(self, cover: bool) -> list[PageTemplate]:
        """One template for a document that starts with its text; with a cover, one for the
        cover (no number), one for the contents and one for the body (the running header)."""
        t = self.theme
        frame = lambda name: Frame(t.margin_left, t.margin_bottom, t.text_width, t.text_height,  # noqa: E731
                                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)
        # Page numbers and headers are drawn when a page ends, once it is known not to be blank.
        if not cover:
            return [PageTemplate("page", [frame("body")], onPage=self.start, onPageEnd=self.numbered)]
        return [PageTemplate("cover", [frame("cover")], onPage=self.cover),
                PageTemplate("contents", [frame("contents")], onPage=self.start, onPageEnd=self.numbered),
                PageTemplate("body", [frame("body")], onPage=self.start, onPageEnd=self.body)]

    def start(self, canvas, document) -> None:
        install_char_spacing(canvas)
        if self.draft:
            self.watermark(canvas)

    def watermark(self, canvas) -> None:
        """征求意见稿 across the page, light enough to read the text through."""
        t = self.theme
        canvas.saveState()
        canvas.setFillColor(HexColor(t.color("red")), alpha=0.13)
        canvas.setFont(self.styles.font("title"), 72)
        canvas.translate(t.page_width / 2, t.page_height / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -24, self.draft)
        canvas.restoreState()

    def numbered(self, canvas, document) -> None:
        if not getattr(document, "page_has_content", True):
            return  # a blank page left for duplex printing: no number (GB/T 9704)
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
        if not getattr(document, "page_has_content", True):
            return
        self.numbered(canvas, document)
        if not self.title:
            return
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
        self.start(canvas, document)
        t = self.theme
        canvas.saveState()
        canvas.setFillColor(HexColor(t.color("accent")))
        canvas.rect(0, t.page_height * 0.80, t.page_width, 14, stroke=0, fill=1)
        canvas.setFillColor(HexColor(t.color("table_header")))
        canvas.rect(0, t.page_height * 0.80 - 5, t.page_width, 5, stroke=0, fill=1)
        canvas.restoreState()

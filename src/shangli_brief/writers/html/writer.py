"""The HTML edition: one self-contained page for the county website and WeChat articles.

The same model and theme as the paper editions: the same sentences and figures, headings numbered
as in print, tables as tables with captions and source lines, charts as inline SVG (a <title>
and a <desc> carrying the values), the 简报 masthead and closing block. Everything is inside the
file (CSS inline, no scripts, no outside resources); fonts are asked for by name, the theme's
own first and then the faces Windows, macOS, Android and iOS ship. It reads on a 375-pixel phone
without sideways scrolling, and prints on A4 through its print stylesheet. Figures carry their
origin as data-indicator/data-period attributes, as the DOCX carries them in its marks."""
from __future__ import annotations

from html import escape

from ... import model
from ...theme import HeadingNumberer, Theme
from ...typography import FULL_WIDTH_SPACE
from .. import (BlockVisitor, WriteOptions, Written, contents_titles, deliver, list_marks, panel_columns,
               title_text)
from .style import stylesheet


def write(doc: model.Document, theme: Theme, target, options: WriteOptions = WriteOptions()) -> Written:
    deliver(HtmlWriter(doc, theme).page().encode("utf-8"), target)
    return Written(pages=None)


def _attr(text: str) -> str:
    return escape(text, quote=True)


class HtmlWriter(BlockVisitor):
    format_name = "HTML"

    def __init__(self, doc: model.Document, theme: Theme):
        self.doc, self.theme = doc, theme
        self.numberer = HeadingNumberer(theme)
        self.sections = 0

    def page(self) -> str:
        d = self.doc
        body = [self._draft()] + [self.visit(block) for block in d.front + d.blocks + d.back]
        kind = _attr(d.layout)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # no script runs in the edition, whatever a theme or a data file holds
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:; font-src \'self\' data:">\n'
            f"<title>{escape(d.title)}</title>\n"
            '<meta name="generator" content="shangli-brief">\n'
            + (f'<meta name="author" content="{_attr(d.issuer)}">\n' if d.issuer else "")
            + f"<style>\n{stylesheet(self.theme)}</style>\n</head>\n<body>\n"
            f'<article class="brief {kind}{" draft" if d.draft_mark else ""}">\n'
            + "".join(part for part in body if part)
            + "</article>\n</body>\n</html>\n")

    # -- text -------------------------------------------------------------------------------
    def runs(self, runs: list[model.Run]) -> str:
        out = []
        for run in runs:
            text = escape(run.text).replace("\n", "<br>")
            if run.figure is not None:
                figure = self.doc.figures[run.figure]
                text = (f'<span class="figure" data-indicator="{_attr(figure.indicator)}" '
                        f'data-period="{_attr(figure.period)}">{text}</span>')
            if run.bold:
                text = f"<strong>{text}</strong>"
            elif run.italic:
                text = f"<em>{text}</em>"
            out.append(text)
        return "".join(out)

    def text(self, text: str, figure: int | None = None) -> str:
        return self.runs([model.Run(text, figure=figure)])

    # -- front and back matter ----------------------------------------------------------------
    def _draft(self) -> str:
        mark = self.doc.draft_mark
        return f'<p class="draft-mark">{escape(mark)}</p>\n' if mark else ""

    def visit_Masthead(self, block: model.Masthead) -> str:
        issue = f'<p class="issue">{escape(block.issue)}</p>\n' if block.issue else ""
        return (f'<header class="masthead">\n<p class="masthead-name">'
                f'{escape(self.theme.masthead.get("name", ""))}</p>\n{issue}'
                f'<p class="masthead-meta"><span>{escape(block.issuer)}</span>'
                f"<span>{escape(block.date)}</span></p>\n</header>\n")

    def _title(self, text: str, style: str) -> str:
        """The title broken where the PDF and the DOCX break it (between words, balanced)."""
        return "<br>".join(escape(line) for line in title_text(text, self.theme, style).split("\n"))

    def visit_Title(self, block: model.Title) -> str:
        return (f"<h1>{self._title(block.text, 'title')}</h1>\n"
                + (f'<p class="subtitle">{escape(block.subtitle)}</p>\n' if block.subtitle else ""))

    def visit_Cover(self, block: model.Cover) -> str:
        meta = "".join(f"<p>{escape(x)}</p>" for x in block.meta)
        return (f'<header class="cover">\n<h1>{self._title(block.title, "cover_title")}</h1>\n'
                + (f'<p class="subtitle">{escape(block.subtitle)}</p>\n' if block.subtitle else "")
                + f'<div class="cover-meta">{meta}</div>\n</header>\n')

    def visit_Contents(self, block: model.Contents) -> str:
        entries = "".join(f'<li><a href="#s{i}">{escape(title)}</a></li>'
                          for i, title in enumerate(contents_titles(self.doc, self.theme), 1))
        label = _attr(block.title.replace(FULL_WIDTH_SPACE, ""))
        return (f'<nav class="contents" aria-label="{label}">\n<h2>{escape(block.title)}</h2>\n'
                f"<ol>{entries}</ol>\n</nav>\n")

    def visit_ClosingBlock(self, block: model.ClosingBlock) -> str:
        lines = []
        for line in block.lines:
            left = f"<span>{escape(line.left)}</span>" if line.left else ""
            right = f'<span class="right">{escape(line.right)}</span>' if line.right else ""
            lines.append(f"<p>{left}{right}</p>")
        return '<footer class="closing">\n' + "\n".join(lines) + "\n</footer>\n"

    # -- blocks -----------------------------------------------------------------------------
    def visit_Heading(self, block: model.Heading) -> str:
        label = self.numberer.next(block.level) if block.numbered else ""
        level = min(block.level + 1, 6)   # the document title is the page's h1
        ident = ""
        if block.level == 1:
            self.sections += 1
            ident = f' id="s{self.sections}"'
        kind = "" if block.numbered else ' class="appendix"'
        return f"<h{level}{ident}{kind}>{escape(label + block.text)}</h{level}>\n"

    def visit_Paragraph(self, block: model.Paragraph) -> str:
        return f"<p>{self.runs(block.runs)}</p>\n"

    def visit_ListBlock(self, block: model.ListBlock) -> str:
        # the theme's marks, as the PDF and the DOCX set them, with the same hanging indent
        marks, hang = list_marks(block, self.theme)
        tag = "ol" if block.ordered else "ul"
        items = "".join(f'<li><span class="mark">{escape(mark)}</span>{self.runs(item)}</li>'
                        for mark, item in zip(marks, block.items))
        return f'<{tag} class="list" style="--hang: {hang:g}em">{items}</{tag}>\n'

    def visit_PageBreak(self, block: model.PageBreak) -> str:
        return '<hr class="part">\n' if block.new_part else ""

    def _source(self, block) -> str:
        return f'<p class="source">{escape(block.source_line)}</p>'

    def visit_Table(self, block: model.Table) -> str:
        head = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in block.columns)
        rows = []
        for r, row in enumerate(block.rows):
            cells = []
            for k, (text, column) in enumerate(zip(row, block.columns)):
                align = f' class="{column.align}"' if column.align != "left" else ""
                tag = "th" if k == 0 else "td"
                scope = ' scope="row"' if k == 0 else ""
                cells.append(f"<{tag}{scope}{align}>{self.text(text, block.figures.get((r, k)))}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        kind = " appendix" if block.appendix else ""
        return (f'<figure class="table{kind}">\n<table>\n<caption>{escape(block.caption_text)}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
                f"{self._source(block)}\n</figure>\n")

    def visit_Chart(self, block: model.Chart) -> str:
        from ... import charts
        return (f'<figure class="chart">\n{charts.svg(block, self.theme)}\n'
                f"<figcaption>{escape(block.caption_text)}</figcaption>\n{self._source(block)}\n</figure>\n")

    def visit_FigurePanel(self, block: model.FigurePanel) -> str:
        items = "".join(
            f'<div class="key-figure"><p class="value">{self.text(f.value, f.figure)}</p>'
            f'<p class="label">{escape(f.label)}</p><p class="period">{escape(f.period)}</p></div>'
            for f in block.items)
        title = f"<figcaption>{escape(block.title)}</figcaption>\n" if block.title else ""
        return (f'<figure class="key-figures">\n{title}<div class="panel columns-{panel_columns(block)}">'
                f"{items}</div>\n{self._source(block)}\n</figure>\n")

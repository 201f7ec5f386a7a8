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
from ...errors import BuildError
from ...i18n import _
from ...theme import HeadingNumberer, Theme
from .. import (WriteOptions, Written, caption, chinese_date, closing_lines, contents_titles, panel_columns,
                source_note)
from .style import stylesheet


def write(doc: model.Document, theme: Theme, target, options: WriteOptions = WriteOptions()) -> Written:
    data = HtmlWriter(doc, theme).page().encode("utf-8")
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as out:
            out.write(data)
    return Written(pages=None)


def _attr(text: str) -> str:
    return escape(text, quote=True)


class HtmlWriter:
    def __init__(self, doc: model.Document, theme: Theme):
        self.doc, self.theme = doc, theme
        self.numberer = HeadingNumberer(theme)
        self.sections = 0

    def page(self) -> str:
        d = self.doc
        body = [self._front()]
        body += [self.visit(block) for block in d.blocks]
        body.append(self._closing())
        kind = _attr(d.layout)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(d.title)}</title>\n"
            '<meta name="generator" content="shangli-brief">\n'
            + (f'<meta name="author" content="{_attr(d.issuer)}">\n' if d.issuer else "")
            + f"<style>\n{stylesheet(self.theme)}</style>\n</head>\n<body>\n"
            f'<article class="brief {kind}{" draft" if d.draft else ""}">\n'
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
    def _front(self) -> str:
        d = self.doc
        draft = '<p class="draft-mark">征求意见稿</p>\n' if d.draft else ""
        if d.layout == "bulletin":
            issue = f'<p class="issue">第{d.issue}期</p>\n' if d.issue else ""
            return (f'<header class="masthead">\n{draft}<p class="masthead-name">'
                    f'{escape(self.theme.masthead.get("name", ""))}</p>\n{issue}'
                    f'<p class="masthead-meta"><span>{escape(d.issuer or "")}</span>'
                    f"<span>{chinese_date(d.date)}</span></p>\n</header>\n"
                    f"<h1>{escape(d.title)}</h1>\n"
                    + (f'<p class="subtitle">{escape(d.subtitle)}</p>\n' if d.subtitle else ""))
        meta = "".join(f"<p>{escape(x)}</p>" for x in (d.issuer, chinese_date(d.date)) if x)
        entries = "".join(f'<li><a href="#s{i}">{escape(title)}</a></li>'
                          for i, title in enumerate(contents_titles(d, self.theme), 1))
        return (f'<header class="cover">\n{draft}<h1>{escape(d.title)}</h1>\n'
                + (f'<p class="subtitle">{escape(d.subtitle)}</p>\n' if d.subtitle else "")
                + f'<div class="cover-meta">{meta}</div>\n</header>\n'
                f'<nav class="contents" aria-label="目录">\n<h2>目　录</h2>\n<ol>{entries}</ol>\n</nav>\n')

    def _closing(self) -> str:
        c = self.doc.closing
        if c is None or self.doc.layout != "bulletin":
            return ""
        lines = []
        for line in closing_lines(c, self.doc.date):
            left = f"<span>{escape(line.left)}</span>" if line.left else ""
            right = f'<span class="right">{escape(line.right)}</span>' if line.right else ""
            lines.append(f"<p>{left}{right}</p>")
        return '<footer class="closing">\n' + "\n".join(lines) + "\n</footer>\n"

    # -- blocks -----------------------------------------------------------------------------
    def visit(self, block) -> str:
        method = getattr(self, f"visit_{type(block).__name__}", None)
        if method is None:
            raise BuildError(_("the HTML writer cannot render a {kind} block").format(kind=type(block).__name__),
                             getattr(block, "origin", None))
        return method(block)

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
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{self.runs(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>\n"

    def visit_PageBreak(self, block: model.PageBreak) -> str:
        return '<hr class="part">\n' if block.new_part else ""

    def _source(self, sources: list[str]) -> str:
        return f'<p class="source">{escape(source_note(sources))}</p>'

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
        return (f'<figure class="table{kind}">\n<table>\n<caption>{escape(caption(block))}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
                f"{self._source(block.sources)}\n</figure>\n")

    def visit_Chart(self, block: model.Chart) -> str:
        from ... import charts
        return (f'<figure class="chart">\n{charts.svg(block, self.theme)}\n'
                f"<figcaption>{escape(caption(block))}</figcaption>\n{self._source(block.sources)}\n</figure>\n")

    def visit_FigurePanel(self, block: model.FigurePanel) -> str:
        items = "".join(
            f'<div class="key-figure"><p class="value">{self.text(f.value, f.figure)}</p>'
            f'<p class="label">{escape(f.label)}</p><p class="period">{escape(f.period)}</p></div>'
            for f in block.items)
        title = f"<figcaption>{escape(block.title)}</figcaption>\n" if block.title else ""
        return (f'<figure class="key-figures">\n{title}<div class="panel columns-{panel_columns(block)}">'
                f"{items}</div>\n{self._source(block.sources)}\n</figure>\n")

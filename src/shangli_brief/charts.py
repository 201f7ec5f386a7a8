"""Charts: one matplotlib figure per Chart block, drawn in the document's fonts and colours.

The PDF gets it as vector drawing (a small matplotlib renderer records ReportLab shapes, the
labels as outlines of the document's fonts); the DOCX gets a PNG at print resolution. Imported only when a brief has a
chart: matplotlib costs about half a second to load."""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.backend_bases import GraphicsContextBase, RendererBase  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.path import Path as MPath  # noqa: E402

from .errors import InputError  # noqa: E402
from .fonts import resolve_theme_fonts, text_chars  # noqa: E402
from .i18n import _  # noqa: E402
from .model import Chart  # noqa: E402
from .theme import Theme  # noqa: E402

PNG_DPI = 220


@lru_cache(maxsize=None)
def _family(path: str) -> str:
    """Make a font file known to matplotlib and return its family name."""
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def chart_fonts(theme: Theme, chars: frozenset[int]) -> dict[str, str]:
    """Font role -> matplotlib family, from the same files the PDF embeds (holding `chars`)."""
    return {role: _family(font.file) for role, font in resolve_theme_fonts(theme, chars).items()
            if font.index == 0}  # matplotlib reads the first face of a collection only


def figure(chart: Chart, theme: Theme) -> Figure:
    fonts = chart_fonts(theme, text_chars(chart))
    # Labels in 黑体: at 8 pt a sans reads better than 仿宋's thin strokes, as in printed
    # statistical reports (and its simpler outlines make the PDF's label paths lighter)
    body = fonts.get("hei") or fonts.get("body") or next(iter(fonts.values()))
    rc = {"font.family": [body], "font.size": 9, "axes.edgecolor": "#555555", "axes.linewidth": 0.6,
          "xtick.color": "#333333", "ytick.color": "#333333",
          "axes.spines.top": False, "axes.spines.right": False}
    width = theme.text_width / 72
    rows = len(chart.categories)
    height = max(2.4, 0.42 * rows + 0.9) if chart.kind == "hbar" else width * 0.52
    # a ranked chart grows a bar at a time: it, its caption and its source line must fit a page
    most = int((theme.text_height / 72 * 0.85 - 0.9) / 0.42)
    if chart.kind == "hbar" and rows > most:
        raise InputError(_("the chart has {rows} bars; at most {most} fit a page: split it into several charts, "
                           "or show the figures as a table").format(rows=rows, most=most), chart.origin)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        colors = theme.chart_colors
        {"bar": _bars, "hbar": _ranked, "line": _lines}[chart.kind](ax, chart, colors)
        ax.set_title(f"单位：{chart.unit}", loc="left", fontsize=8.5, color="#333333", pad=6)
        if len(chart.series) > 1:
            ax.legend(frameon=False, fontsize=8.5, ncols=min(4, len(chart.series)), loc="upper right")
        if chart.note:  # what a bound's mark means, in the layout's words
            fig.text(0.01, 0.01, chart.note, fontsize=7.5, color="#555555")
        fig.tight_layout(rect=(0, 0.05 if chart.note else 0, 1, 1))
    return fig


def _wrap(label: str, width: int = 8) -> str:
    """A category label in balanced lines of at most `width` characters, broken between words
    (科技 stays whole)."""
    from .words import word_lines
    return word_lines(label, width)


def _bound_box(ax, x, y, w, h, color):
    """A dashed, open box beyond a bar whose value is only a lower bound (超200, 150余)."""
    ax.add_patch(Rectangle((x, y), w, h, fill=False, linestyle=(0, (2, 2)), linewidth=0.8,
                           edgecolor=color))


def _bars(ax, chart: Chart, colors):
    n = len(chart.series)
    width = 0.7 / n
    top = max((p.value for s in chart.series for p in s.points if p), default=1) or 1
    for k, series in enumerate(chart.series):
        color = colors[k % len(colors)]
        for i, point in enumerate(series.points):
            if point is None:
                continue
            x = i - 0.35 + width * k
            ax.bar(x, point.value, width * 0.92, align="edge", color=color,
                   label=series.name if i == next(j for j, p in enumerate(series.points) if p) else None)
            extra = top * 0.08 if point.bound else 0
            if point.bound:
                _bound_box(ax, x, point.value, width * 0.92, extra, color)
            ax.annotate(point.label, (x + width * 0.46, point.value + extra), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8.5)
    ax.set_xticks(range(len(chart.categories)), [_wrap(c) for c in chart.categories], fontsize=8.5)
    ax.set_xlim(-0.6, len(chart.categories) - 0.4)
    ax.set_ylim(0, top * 1.22)
    ax.tick_params(axis="x", length=0)


def _ranked(ax, chart: Chart, colors):
    series = chart.series[0]
    top = max((p.value for p in series.points if p), default=1) or 1
    rows = list(range(len(chart.categories)))[::-1]  # largest at the top
    for row, point in zip(rows, series.points):
        if point is None:
            continue
        ax.barh(row, point.value, 0.6, color=colors[0])
        extra = top * 0.06 if point.bound else 0
        if point.bound:
            _bound_box(ax, point.value, row - 0.3, extra, 0.6, colors[0])
        ax.annotate(point.label, (point.value + extra, row), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8.5)
    ax.set_yticks(rows, [_wrap(c, 10) for c in chart.categories], fontsize=8.5)
    ax.set_xlim(0, top * 1.25)
    ax.tick_params(axis="y", length=0)


def _lines(ax, chart: Chart, colors):
    xs = list(range(len(chart.categories)))
    top = max((p.value for s in chart.series for p in s.points if p), default=1) or 1
    for k, series in enumerate(chart.series):
        color = colors[k % len(colors)]
        pts = [(x, p) for x, p in zip(xs, series.points) if p]
        ax.plot([x for x, _ in pts], [p.value for _, p in pts], color=color, linewidth=1.6,
                label=series.name)
        for x, p in pts:
            # a hollow marker: only a bound is known
            ax.plot([x], [p.value], marker="o", markersize=5, color=color,
                    markerfacecolor="white" if p.bound else color)
            ax.annotate(p.label, (x, p.value), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5)
    ax.set_xticks(xs, chart.categories, fontsize=8.5)
    ax.set_ylim(0, top * 1.25)
    ax.grid(axis="y", linewidth=0.4, color="#DDDDDD")


# The DOCX and the PDF of one brief draw the same charts: lay each figure out once.
_figures: dict[tuple[int, str], tuple[Chart, Figure]] = {}


def _figure_for(chart: Chart, theme: Theme) -> Figure:
    key = (id(chart), theme.key)
    cached = _figures.get(key)
    if cached is None or cached[0] is not chart:
        if len(_figures) > 32:
            _figures.clear()
        cached = _figures[key] = (chart, figure(chart, theme))
    return cached[1]


def png(chart: Chart, theme: Theme) -> bytes:
    buffer = io.BytesIO()
    _figure_for(chart, theme).savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


def svg(chart: Chart, theme: Theme) -> str:
    """The chart as an inline SVG element for the HTML edition: text kept as text (the page's
    stylesheet names the fonts, so any system Chinese font draws it), a <title> and a <desc>
    carrying its values for screen readers, no size of its own (it takes the page's width).
    The same inputs give the same markup (no date, fixed ids)."""
    import re
    from .xmltext import escape
    markup = _svg_markup(chart, theme, "none")
    markup = re.sub(r"font: ([\d.]+)px '[^']*'", r"font-size: \1px", markup)  # fonts from the page
    view_box = re.search(r'viewBox="([^"]*)"', markup[:markup.index(">")]).group(1)
    slug = f"chart{chart.number or 0}"
    # ids unique in the page (several charts), the style scoped to this chart
    markup = re.sub(r'id="([^"]+)"', rf'id="{slug}-\1"', markup)
    markup = re.sub(r'(url\(#|href="#)([^)"]+)', rf"\1{slug}-\2", markup)
    markup = markup.replace("*{stroke-linejoin", f"#{slug} *{{stroke-linejoin")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" id="{slug}" class="chart" '
            f'role="img" aria-labelledby="{slug}-title {slug}-desc"><title id="{slug}-title">'
            f'{escape(chart.title)}</title><desc id="{slug}-desc">{escape(chart.alt_text)}</desc>')
    return head + markup[markup.index(">", markup.index("<svg")) + 1:]


def svg_document(chart: Chart, theme: Theme) -> bytes:
    """The chart as a standalone SVG file for the DOCX, beside its PNG: Word 2016 and later draw
    it at any zoom and print size, WPS and older Word the PNG. Its text drawn as outlines, as in
    the PDF, so that it needs no font on the reader's machine; the same inputs give the same
    bytes (no date, fixed ids)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _svg_markup(chart, theme, "path")).encode("utf-8")


def _svg_markup(chart: Chart, theme: Theme, fonttype: str) -> str:
    """matplotlib's SVG of the chart from its <svg> element on: no XML declaration, no doctype
    (no XML part of a brief has a DTD), no metadata; text as text ("none") or outlines ("path")."""
    import re
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": fonttype, "svg.hashsalt": "shangli-brief"}):
        _figure_for(chart, theme).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", markup, flags=re.S)


def drawing(chart: Chart, theme: Theme):
    """The chart as a ReportLab Drawing: vector shapes, the labels as outlines of the document's
    own fonts (so the PDF needs no further font)."""
    fig = _figure_for(chart, theme)
    dpi = fig.dpi
    fig.dpi = 72  # one display unit = one point
    try:
        width, height = fig.get_size_inches() * 72
        renderer = _ReportLabRenderer(width, height)
        fig.draw(renderer)
    finally:
        fig.dpi = dpi
    return renderer.drawing


class _ReportLabRenderer(RendererBase):
    """A minimal matplotlib renderer that records paths as ReportLab shapes. Text reaches
    draw_path as glyph outlines through RendererBase's text-to-path."""

    def __init__(self, width: float, height: float):
        super().__init__()
        from reportlab.graphics.shapes import Drawing
        self.width, self.height = width, height
        self.drawing = Drawing(width, height)

    def get_canvas_width_height(self):
        return self.width, self.height

    def points_to_pixels(self, points):
        return points

    def new_gc(self):
        return GraphicsContextBase()

    def option_image_nocomposite(self):
        return True

    def draw_image(self, gc, x, y, im, transform=None):
        raise NotImplementedError("charts are vector only")

    def draw_path(self, gc, path, transform, rgbFace=None):
        from reportlab.graphics.shapes import Path
        from reportlab.lib.colors import Color
        shape = Path()
        for points, code in path.iter_segments(transform, remove_nans=True, simplify=False):
            if code == MPath.MOVETO:
                shape.moveTo(*points)
            elif code == MPath.LINETO:
                shape.lineTo(*points)
            elif code == MPath.CURVE3:
                (cx, cy), (x, y) = points.reshape(2, 2)
                x0, y0 = shape.points[-2:]
                shape.curveTo(x0 + 2 / 3 * (cx - x0), y0 + 2 / 3 * (cy - y0),
                              x + 2 / 3 * (cx - x), y + 2 / 3 * (cy - y), x, y)
            elif code == MPath.CURVE4:
                shape.curveTo(*points)
            elif code == MPath.CLOSEPOLY:
                shape.closePath()
        alpha = gc.get_alpha()
        if rgbFace is not None:
            r, g, b = rgbFace[:3]
            shape.fillColor = Color(r, g, b, alpha if gc.get_forced_alpha() or len(rgbFace) < 4
                                    else rgbFace[3])
        else:
            shape.fillColor = None
        width = gc.get_linewidth()
        if width > 0 and gc.get_rgb()[3] > 0:
            r, g, b, a = gc.get_rgb()
            shape.strokeColor = Color(r, g, b, a)
            shape.strokeWidth = width
            offset, dashes = gc.get_dashes()
            if dashes:
                shape.strokeDashArray = list(dashes)
        else:
            shape.strokeColor = None
        self.drawing.add(shape)

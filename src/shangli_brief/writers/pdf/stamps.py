"""The 份号 of each printed copy, as a PDF of stamps: one page per copy, the page size of the
brief, its number at the left of the type area a line above it (GB/T 9704 7.2.1), set in the
theme's face for the layout's role. `print` lays page k over the first page of copy k."""
from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from ...fonts import text_chars
from ...theme import Theme
from .writer import styles_for


def copy_number_pages(theme: Theme, labels: list[str], role: str, size: float) -> bytes:
    styles = styles_for(theme, text_chars(labels))
    font = styles.font_names[role]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(theme.page_width, theme.page_height), invariant=1, pageCompression=1)
    # the baseline a little above the type area: the first line above the 报头
    baseline = theme.page_height - theme.margin_top + size * 0.5
    for label in labels:
        canvas.setFont(font, size)
        canvas.drawString(theme.margin_left, baseline, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()

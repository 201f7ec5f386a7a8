"""Chinese line breaking for the PDF: no line starts with closing punctuation or ends with
opening punctuation, and numbers stay whole with their units and percent signs.

ReportLab's own CJK wrapping breaks between any two characters and at best lets one closing
mark hang into the margin. Here the break moves back instead, so every line stays inside the
type area and is justified."""
from __future__ import annotations

from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.platypus.paragraph import (Paragraph, ParaLines, _handleBulletWidth, cjkU,
                                          makeCJKParaLine)

from ...typography import CLOSING, no_break_before

_FUZZ = 1e-6
CHAR_SPACE_CALLBACK = "shangli_char_space"


def install(canvas) -> None:
    """Let justified lines set the PDF character spacing (Tc) as they are drawn."""
    if hasattr(canvas, "setNamedCB"):  # ReportLab 4.4.9 and later
        canvas.setNamedCB(CHAR_SPACE_CALLBACK, _set_char_space)
    else:  # earlier releases look the callback up as an attribute of the canvas
        setattr(canvas, CHAR_SPACE_CALLBACK, _set_char_space)


def _set_char_space(canvas, kind, label) -> None:
    canvas._curr_tx_info["tx"].setCharSpace(float(label))


def _char_space(frag, value: float):
    marker = frag.clone()
    marker.text = ""
    marker.cbDefn = ABag(kind="charspace", name=CHAR_SPACE_CALLBACK, label=f"{value:.4f}")
    return marker


def _justify(line, glyph_count: int) -> None:
    """Chinese text is justified by spacing every character a little, not by widening spaces:
    the line starts with a character spacing that fills it exactly (negative when the grid
    squeezes 28 characters of 16 pt into 156 mm) and ends by resetting it."""
    if glyph_count < 2 or abs(line.extraSpace) <= _FUZZ or not line.words:
        return
    spacing = line.extraSpace / (glyph_count - 1)
    line.words = [_char_space(line.words[0], spacing)] + line.words + [_char_space(line.words[-1], 0)]
    line.extraSpace = 0


def _is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) >= 0x2E80


def _drop_split_spaces(glyphs: list) -> list:
    """ReportLab joins the lines of a paragraph split across pages with a space, as for Latin
    text; between Chinese characters such a space is never wanted."""
    out = []
    for i, g in enumerate(glyphs):
        if str(g) == " ":
            before = str(out[-1]) if out else ""
            after = str(glyphs[i + 1]) if i + 1 < len(glyphs) else ""
            if _is_cjk(before) or _is_cjk(after) or not before or not after:
                continue
        out.append(g)
    return out


def split_lines(frags, max_widths, calc_bounds, justify: bool = False,
                squeeze: float = 0.0) -> ParaLines:
    """Lines of glyphs. `squeeze`: how much narrower than its width each glyph may be set (a
    fraction of its width), so that the page grid's 28 characters fit a line."""
    glyphs = []
    for frag in frags:
        if getattr(getattr(frag, "cbDefn", None), "name", None) == CHAR_SPACE_CALLBACK:
            continue  # a paragraph split across pages is re-wrapped from lines we justified

        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            glyphs.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:  # an empty frag carries a line break or a callback
            glyphs.append(cjkU(text, frag, "utf8"))
    glyphs = _drop_split_spaces(glyphs)
    text = "".join(str(g) if len(str(g)) == 1 else "\x00" for g in glyphs)
    keep = no_break_before(text)

    max_width = max_widths[0]
    # Widths once (a relative width resolves against the first line's width, as before); the
    # glyphs of a line are then summed as they are added: breaking is linear in the text.
    widths = [g.width.normalizedValue(max_width) if hasattr(g.width, "normalizedValue") else g.width
              for g in glyphs]
    lines = []
    start = 0
    used = 0.0
    i = 0
    while i < len(glyphs):
        g = glyphs[i]
        used += widths[i]
        forced = hasattr(g.frag, "lineBreak")
        # the grid lets a line's glyphs be set `squeeze` narrower: that much more fits
        room = max_width + squeeze * used + _FUZZ
        if forced:
            end = i + 1
        elif used > room and i > start and not (
                # 标点挤压: a closing mark that overflows by at most half its width is squeezed
                # onto the line rather than pushing the last character down.
                squeeze and str(g) in CLOSING and used - widths[i] / 2 <= room):
            end = i  # glyph i does not fit: the line is glyphs[start:i]
            while end > start + 1 and keep[end]:
                end -= 1
            if end == start + 1 and keep[end]:
                end = i  # nowhere to break (a very long number): break where it overflows
        else:
            i += 1
            continue
        line_width = sum(widths[start:end])
        line = makeCJKParaLine(glyphs[start:end], max_width, line_width, max_width - line_width,
                               forced, calc_bounds)
        if (justify and not forced) or line.extraSpace < 0:
            _justify(line, end - start)
        lines.append(line)
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = end
        used = 0.0
    if start < len(glyphs):
        line_width = sum(widths[start:])
        line = makeCJKParaLine(glyphs[start:], max_width, line_width, max_width - line_width,
                               False, calc_bounds)
        if line.extraSpace < 0:  # a last line squeezed to the grid
            _justify(line, len(glyphs) - start)
        lines.append(line)
    return ParaLines(kind=1, lines=lines)


class ChineseParagraph(Paragraph):
    """A Paragraph whose CJK wrapping follows Chinese line-breaking rules."""

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        if not self.frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        prewrapped = getattr(self, "_prewrapped", None)
        if prewrapped is not None and prewrapped[0] == maxWidths[0] == maxWidths[-1]:
            # The rest of a paragraph split across pages, at the width it was broken at: its
            # lines are already known (re-breaking the rest on every page made a long paragraph
            # quadratic in its length).
            return ParaLines(kind=1, lines=prewrapped[1])
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return split_lines(self.frags, maxWidths, auto_leading not in ("", "off"),
                           justify=style.alignment == TA_JUSTIFY,
                           squeeze=getattr(style, "gridSqueeze", 0.0))

    def split(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        lines = getattr(getattr(self, "blPara", None), "lines", None)
        widths = getattr(self, "_wrapWidths", None)
        # ReportLab's split appends a space to the last word of each line it hands on (Latin
        # lines are joined by spaces): keep the words' texts to put them back for our lines.
        texts = [(w, w.text) for line in lines or () for w in getattr(line, "words", ())
                 if hasattr(w, "text")]
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and lines and isinstance(parts[0], Paragraph) \
                and hasattr(parts[0], "blPara") and widths:
            done = len(parts[0].blPara.lines)
            rest = lines[done:]
            kept = {id(w) for line in rest for w in getattr(line, "words", ())}
            for word, text in texts:
                if id(word) in kept:
                    word.text = text
            # the lines after the first all had the paragraph's last width
            parts[1]._prewrapped = (widths[-1], rest)
        return parts

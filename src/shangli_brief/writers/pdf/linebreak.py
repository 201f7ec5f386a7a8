"""Chinese line breaking for the PDF: no line starts with closing punctuation or ends with
opening punctuation, and numbers stay whole with their units and percent signs.

ReportLab's own CJK wrapping breaks between any two characters and at best lets one closing
mark hang into the margin. Here the break moves back instead, so every line stays inside the
type area and is justified."""
from __future__ import annotations

from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.rl_accel import sameFrag
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (FragLine, Paragraph, ParaLines, _handleBulletWidth, cjkU,
                                          imgNormV, imgVRange)

from ...typography import CLOSING, FULL_WIDTH_SPACE, LEFT_INK, RIGHT_INK, compressible_pair, no_break_before

_FUZZ = 1e-6
IDEOGRAPHIC_SPACE = "\ue000"  # stands for U+3000 in Paragraph markup (see PdfWriter.para)
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


_widths: dict[tuple[str, str, float], float] = {}


def _glyphs(text: str, frag) -> list:
    """cjkU(ch, frag) for each character: the same glyphs, with each character's width in a font
    and size measured once per process rather than once per occurrence."""
    if hasattr(frag, "cbDefn"):
        return [cjkU(ch, frag, "utf8") for ch in text]
    font, size = frag.fontName, frag.fontSize
    out = []
    for ch in text:
        glyph = str.__new__(cjkU, ch)
        glyph._frag = frag
        width = _widths.get((ch, font, size))
        if width is None:
            width = _widths[(ch, font, size)] = stringWidth(ch, font, size)
        glyph._width = width
        out.append(glyph)
    return out


def split_lines(frags, max_widths, calc_bounds, justify: bool = False,
                squeeze: float = 0.0) -> ParaLines:
    """Lines of glyphs. `squeeze`: how much narrower than its width each glyph may be set (a
    fraction of its width), so that the page grid's 28 characters fit a line.

    Punctuation is compressed as a print shop does (clreq 3.1.6, JIS X 4051): two adjacent
    full-width marks take 1.5 em, not 2; a line that is a little too long takes the blank halves
    of its punctuation (追い込み) before its last character moves down; a last line of a single
    character pulls one down from the line above. Justification spreads what is left."""
    glyphs = []
    for frag in frags:
        if getattr(getattr(frag, "cbDefn", None), "name", None) == CHAR_SPACE_CALLBACK:
            continue  # a paragraph split across pages is re-wrapped from lines we justified

        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            text = text.replace(IDEOGRAPHIC_SPACE, FULL_WIDTH_SPACE)
            glyphs.extend(_glyphs(text, frag))
        else:  # an empty frag carries a line break or a callback
            glyphs.append(cjkU(text, frag, "utf8"))
    glyphs = _drop_split_spaces(glyphs)
    text = "".join([g if len(g) == 1 else "\x00" for g in glyphs])
    keep = no_break_before(text)

    max_width = max_widths[0]
    # Widths once (a relative width resolves against the first line's width, as before); the
    # glyphs of a line are then summed as they are added: breaking is linear in the text.
    widths = [g.width.normalizedValue(max_width) if hasattr(g.width, "normalizedValue") else g.width
              for g in glyphs]
    # Compression: a pair's first mark gives up half its width; any full-width mark with a blank
    # half may give up what is left of it when a line needs room.
    tight = [0.0] * len(glyphs)
    spare = [0.0] * len(glyphs)
    for k, ch in enumerate(text):
        if ch in LEFT_INK or ch in RIGHT_INK:
            # a third of an em at most inside a line: more, and a comma reads as a Latin one
            spare[k] = widths[k] / 3
    for k in range(len(text) - 1):
        if compressible_pair(text[k], text[k + 1]):
            cut = widths[k] / 2
            tight[k] = cut
            widths[k] -= cut
            spare[k] = 0.0
            if text[k + 1] in RIGHT_INK:  # its blank half is now shared: not to be taken twice
                spare[k + 1] = 0.0
    spare_upto = [0.0]
    for value in spare:
        spare_upto.append(spare_upto[-1] + value)

    breaks = []  # (start, end, forced)
    start = 0
    used = 0.0
    i = 0
    while i < len(glyphs):
        used += widths[i]
        forced = hasattr(glyphs[i].frag, "lineBreak")
        # the grid lets a line's glyphs be set `squeeze` narrower: that much more fits
        room = max_width + squeeze * used + _FUZZ
        if forced:
            end = i + 1
        elif used > room and i > start and used - min(
                spare_upto[i + 1] - spare_upto[start], glyphs[i].frag.fontSize) > room:
            # compressing the line's punctuation may make room for one more character, no more
            end = i  # glyph i does not fit even with the line's punctuation compressed
            while end > start + 1 and keep[end]:
                end -= 1
            if end == start + 1 and keep[end]:
                end = i  # nowhere to break (a very long number): break where it overflows
        else:
            i += 1
            continue
        breaks.append((start, end, forced))
        max_width = max_widths[min(len(breaks), len(max_widths) - 1)]
        start = i = end
        used = 0.0
    if start < len(glyphs):
        breaks.append((start, len(glyphs), None))  # None: the paragraph's last line
    _no_runt(breaks, text, keep)

    lines = []
    for n, (first, stop, forced) in enumerate(breaks):
        width = max_widths[min(n, len(max_widths) - 1)]
        lines.append(_make_line(glyphs, widths, tight, spare, first, stop, width, forced,
                                justify and forced is False, squeeze, calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _no_runt(breaks: list, text: str, keep: list) -> None:
    """A last line of one character (and its punctuation) takes one more from the line above."""
    if len(breaks) < 2 or breaks[-2][2]:
        return
    first, stop, forced = breaks[-1]
    if sum(1 for ch in text[first:stop] if ch not in CLOSING and not ch.isspace()) >= 2:
        return
    previous_start = breaks[-2][0]
    cut = first - 1
    while cut > previous_start + 1 and keep[cut]:
        cut -= 1
    if cut <= previous_start + 1 or keep[cut]:
        return
    breaks[-2] = (previous_start, cut, False)
    breaks[-1] = (cut, stop, forced)


def _make_line(glyphs, widths, tight, spare, first, stop, max_width, forced, spread, squeeze,
               calc_bounds):
    """One line: compressed where it must be, then justified by a character spacing (Tc) set at
    its start; a compressed mark gets its own spacing, less its cut, so the next glyph moves in."""
    cuts = {k: tight[k] for k in range(first, stop) if tight[k]}
    line_width = sum(widths[first:stop])
    over = line_width - max_width
    available = sum(spare[first:stop])
    if over > _FUZZ and available > 0:  # take the blank halves, evenly, as far as needed
        share = min(1.0, over / available)
        for k in range(first, stop):
            if spare[k]:
                cuts[k] = cuts.get(k, 0.0) + spare[k] * share
                line_width -= spare[k] * share
    extra = max_width - line_width
    count = stop - first
    spacing = extra / (count - 1) if count > 1 and (spread or extra < -_FUZZ) else 0.0
    if abs(spacing) <= _FUZZ and not cuts:
        return _para_line(glyphs[first:stop], max_width, line_width, extra, bool(forced), calc_bounds)
    units = [_marker(glyphs[first], spacing)]
    for k in range(first, stop):
        if k in cuts:
            units += [_marker(glyphs[k], spacing - cuts[k]), glyphs[k], _marker(glyphs[k], spacing)]
        else:
            units.append(glyphs[k])
    units.append(_marker(glyphs[stop - 1], 0.0))
    return _para_line(units, max_width, line_width, 0.0 if spacing else extra, bool(forced), calc_bounds)


def _para_line(units, max_width, width_used, extra_space, line_break, calc_bounds):
    """ReportLab's makeCJKParaLine, the same line from the same units, in a fraction of the time:
    a line's glyphs mostly share one frag object, which is the same frag as itself without
    sameFrag()'s attribute comparison, and has the same ascent and descent."""
    words = []
    group_frag, group = None, []
    size = ascent_max = descent_min = 0
    last = None
    for u in units:
        f = u._frag
        if f is not last:
            if calc_bounds and getattr(getattr(f, "cbDefn", None), "width", 0):
                descent, ascent = imgVRange(imgNormV(f.cbDefn.height, f.fontSize), f.cbDefn.valign, f.fontSize)
            else:
                ascent, descent = getAscentDescent(f.fontName, f.fontSize)
            size = max(size, f.fontSize)
            ascent_max = max(ascent_max, ascent)
            descent_min = min(descent_min, descent)
            last = f
        plain = f is group_frag and "cbDefn" not in f.__dict__ and "lineBreak" not in f.__dict__
        if not plain and (group_frag is None or not sameFrag(group_frag, f)):
            if group_frag is not None:
                word = group_frag.clone()
                word.text = "".join(group)
                words.append(word)
            group_frag, group = f, []
        group.append(u)
    if group:
        word = group_frag.clone()
        word.text = "".join(group)
        words.append(word)
    return FragLine(kind=1, extraSpace=extra_space, wordCount=1, words=words, fontSize=size,
                    ascent=ascent_max, descent=descent_min, maxWidth=max_width, currentWidth=width_used,
                    lineBreak=line_break)


def _marker(glyph, value: float):
    """A zero-width unit that sets the character spacing from here on."""
    return cjkU("", _char_space(glyph.frag, value), "utf8")


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
        # A paragraph is wrapped again at the same width when it is kept with the next one or
        # tried in a frame it then does not fit: its lines are the same, found once.
        key = (tuple(maxWidths), auto_leading)
        known = getattr(self, "_lines_at", None)
        if known is not None and known[0] == key:
            return known[1]
        lines = split_lines(self.frags, maxWidths, auto_leading not in ("", "off"),
                            justify=style.alignment == TA_JUSTIFY,
                            squeeze=getattr(style, "gridSqueeze", 0.0))
        self._lines_at = (key, lines)
        return lines

    def _get_split_blParaFunc(self):  # noqa: N802 - ReportLab's name
        """ReportLab hands on the rest of a split paragraph as its words, after appending a space
        to the last word of every line (Latin lines are joined by spaces). For our lines that
        space is wrong, and doing it on every page made a long paragraph quadratic: the rest is
        handed on as it is. The first part keeps ReportLab's way (its output is unchanged)."""
        hard = super()._get_split_blParaFunc()

        def split_words(bl_para, start, stop):
            if start == 0:
                return hard(bl_para, start, stop)
            return [w for line in bl_para.lines[start:stop] for w in line.words]
        return split_words

    def split(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        lines = getattr(getattr(self, "blPara", None), "lines", None)
        widths = getattr(self, "_wrapWidths", None)
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and lines and isinstance(parts[0], Paragraph) \
                and hasattr(parts[0], "blPara") and widths:
            # the lines after the first all had the paragraph's last width
            parts[1]._prewrapped = (widths[-1], lines[len(parts[0].blPara.lines):])
        return parts

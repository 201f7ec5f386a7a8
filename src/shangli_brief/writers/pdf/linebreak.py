"""Chinese line breaking for the PDF: no line starts with closing punctuation or ends with
opening punctuation, and numbers stay whole with their units and percent signs.

ReportLab's own CJK wrapping breaks between any two characters and at best lets one closing
mark hang into the margin. Here the break moves back instead, so every line stays inside the
type area and is justified."""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.rl_accel import sameFrag
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (FragLine, Paragraph, ParaLines, _handleBulletWidth, imgNormV,
                                          imgVRange)

from ...typography import (CLOSING, FULL_WIDTH_PUNCT, FULL_WIDTH_SPACE, LEFT_INK, RIGHT_INK, compressible_pair,
                           no_break_before)

_FUZZ = 1e-6
TEXT_LINES_DIRECT = True  # False: every line through the units and _para_line (the tests' reference)
_BLANK_HALF = re.compile("[" + "".join(sorted(re.escape(ch) for ch in LEFT_INK | RIGHT_INK)) + "]")
_FULL_WIDTH_MARK = re.compile("[" + "".join(sorted(re.escape(ch) for ch in FULL_WIDTH_PUNCT)) + "]")
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


def _clone(frag):
    """frag.clone(), without the keyword-argument round trip (the same attributes, in order)."""
    cls = frag.__class__
    if cls.__init__ is not ABag.__init__:
        return frag.clone()
    copy = object.__new__(cls)
    copy.__dict__.update(frag.__dict__)
    return copy


_bounds: dict[tuple[str, float], tuple[float, float]] = {}


def _ascent_descent(font_name: str, size: float) -> tuple[float, float]:
    """getAscentDescent, once per registered font and size (font names are never reused)."""
    found = _bounds.get((font_name, size))
    if found is None:
        found = _bounds[(font_name, size)] = getAscentDescent(font_name, size)
    return found


def _char_space(frag, value: float):
    marker = _clone(frag)
    marker.text = ""
    marker.cbDefn = ABag(kind="charspace", name=CHAR_SPACE_CALLBACK, label=f"{value:.4f}")
    return marker


def _is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) >= 0x2E80


_widths: dict[tuple[str, str, float], float] = {}


def _read_glyphs(frags) -> tuple[list, list, list, list]:
    """Each character of the paragraph with its frag and width (cjkU's width: a callback's own,
    else the character's in its font and size, measured once per process); and where each
    frag's characters start."""
    chars, owners, widths, starts = [], [], [], []
    for frag in frags:
        cb = getattr(frag, "cbDefn", None)
        if getattr(cb, "name", None) == CHAR_SPACE_CALLBACK:
            continue  # a paragraph split across pages is re-wrapped from lines we justified
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        starts.append(len(chars))
        if not text:  # an empty frag carries a line break or a callback
            chars.append("")
            owners.append(frag)
            widths.append(getattr(cb, "width", 0) if hasattr(frag, "cbDefn") else
                          stringWidth("", frag.fontName, frag.fontSize))
            continue
        text = text.replace(IDEOGRAPHIC_SPACE, FULL_WIDTH_SPACE)
        chars.extend(text)
        owners.extend([frag] * len(text))
        if hasattr(frag, "cbDefn"):
            widths.extend([getattr(cb, "width", 0)] * len(text))
            continue
        font, size = frag.fontName, frag.fontSize
        for ch in text:
            width = _widths.get((ch, font, size))
            if width is None:
                width = _widths[(ch, font, size)] = stringWidth(ch, font, size)
            widths.append(width)
    return chars, owners, widths, starts


def split_lines(frags, max_widths, calc_bounds, justify: bool = False,
                squeeze: float = 0.0) -> ParaLines:
    """Lines of glyphs. `squeeze`: how much narrower than its width each glyph may be set (a
    fraction of its width), so that the page grid's 28 characters fit a line.

    Punctuation is compressed as a print shop does (clreq 3.1.6, JIS X 4051): two adjacent
    full-width marks take 1.5 em, not 2; a line that is a little too long takes the blank halves
    of its punctuation (追い込み) before its last character moves down; a last line of a single
    character pulls one down from the line above. Justification spreads what is left.

    The glyphs are kept as three lists (character, frag, width) rather than one object each:
    the same lines as ReportLab's cjkU glyphs give, at a fraction of the cost."""
    chars, owners, raw_widths, starts = _read_glyphs(frags)
    if " " in chars:
        kept = list(_kept_indices(chars))
        chars = [chars[i] for i in kept]
        owners = [owners[i] for i in kept]
        raw_widths = [raw_widths[i] for i in kept]
        starts = [i for i in range(len(owners)) if i == 0 or owners[i] is not owners[i - 1]]
    text = "".join([ch or "\x00" for ch in chars])
    keep = no_break_before(text)

    max_width = max_widths[0]
    # Widths once (a relative width resolves against the first line's width, as before); the
    # glyphs of a line are then summed as they are added: breaking is linear in the text.
    widths = [w.normalizedValue(max_width) if hasattr(w, "normalizedValue") else w for w in raw_widths] \
        if any(type(w) is not float for w in raw_widths) else raw_widths
    count = len(chars)
    # Compression: a pair's first mark gives up half its width; any full-width mark with a blank
    # half may give up what is left of it when a line needs room. Only the punctuation is
    # visited (found by a regular expression): the rest of the text has neither.
    tight = [0.0] * count
    spare = [0.0] * count
    for mark in _BLANK_HALF.finditer(text):
        k = mark.start()
        # a third of an em at most inside a line: more, and a comma reads as a Latin one
        spare[k] = widths[k] / 3
    for mark in _FULL_WIDTH_MARK.finditer(text, 0, count - 1):  # in order, as each changes the next
        k = mark.start()
        if compressible_pair(text[k], text[k + 1]):
            cut = widths[k] / 2
            tight[k] = cut
            widths[k] -= cut
            spare[k] = 0.0
            if text[k + 1] in RIGHT_INK:  # its blank half is now shared: not to be taken twice
                spare[k + 1] = 0.0
    spare_upto = list(accumulate(spare, initial=0.0))
    line_breaks = {i for i, f in enumerate(owners) if hasattr(f, "lineBreak")} \
        if any(hasattr(f, "lineBreak") for f in frags) else set()

    breaks = []  # (start, end, forced)
    start = 0
    used = 0.0
    i = 0
    while i < count:
        used += widths[i]
        forced = i in line_breaks
        # the grid lets a line's glyphs be set `squeeze` narrower: that much more fits
        room = max_width + squeeze * used + _FUZZ
        if forced:
            end = i + 1
        elif used > room and i > start and used - min(
                spare_upto[i + 1] - spare_upto[start], owners[i].fontSize) > room:
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
    if start < count:
        breaks.append((start, count, None))  # None: the paragraph's last line
    _no_runt(breaks, text, keep)

    lines = []
    for n, (first, stop, forced) in enumerate(breaks):
        width = max_widths[min(n, len(max_widths) - 1)]
        lines.append(_make_line(chars, owners, starts, widths, tight, spare, first, stop, width, forced,
                                justify and forced is False, squeeze, calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _kept_indices(chars: list):
    """The indices _drop_split_spaces keeps."""
    kept_last = ""
    last = len(chars) - 1
    for i, ch in enumerate(chars):
        if ch == " ":
            after = chars[i + 1] if i < last else ""
            if _is_cjk(kept_last) or _is_cjk(after) or not kept_last or not after:
                continue
        kept_last = ch
        yield i


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


def _make_line(chars, owners, starts, widths, tight, spare, first, stop, max_width, forced, spread, squeeze,
               calc_bounds):
    """One line: compressed where it must be, then justified by a character spacing (Tc) set at
    its start; a compressed mark gets its own spacing, less its cut, so the next glyph moves in.

    The line ReportLab's makeCJKParaLine makes from its units (a character and its frag each,
    the spacing markers among them), which _para_line makes in general. A line of text frags
    only (no callback, no line break: nearly all) has its words made here directly, by runs of
    one frag: no unit lists, and a marker is its own word without being copied again."""
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
    marked = not (abs(spacing) <= _FUZZ and not cuts)
    runs = _runs(owners, starts, first, stop)
    if TEXT_LINES_DIRECT and not any(hasattr(f, "cbDefn") or hasattr(f, "lineBreak") for __, __, f in runs):
        return _text_line(chars, owners, runs, cuts, spacing if marked else None, max_width, line_width,
                          (0.0 if spacing else extra) if marked else extra, bool(forced))
    if not marked:
        return _para_line(chars[first:stop], owners[first:stop], max_width, line_width, extra, bool(forced),
                          calc_bounds)
    # zero-width units that set the character spacing from there on
    unit_chars = [""]
    unit_frags = [_char_space(owners[first], spacing)]
    done = first
    for k in sorted(cuts):
        unit_chars += chars[done:k]
        unit_frags += owners[done:k]
        unit_chars += ["", chars[k], ""]
        unit_frags += [_char_space(owners[k], spacing - cuts[k]), owners[k], _char_space(owners[k], spacing)]
        done = k + 1
    unit_chars += chars[done:stop]
    unit_frags += owners[done:stop]
    unit_chars.append("")
    unit_frags.append(_char_space(owners[stop - 1], 0.0))
    return _para_line(unit_chars, unit_frags, max_width, line_width, 0.0 if spacing else extra, bool(forced),
                      calc_bounds)


def _runs(owners, starts, first, stop) -> list[tuple[int, int, object]]:
    """(start, end, frag) of each frag's characters within [first, stop)."""
    k = bisect_right(starts, first) - 1
    out = []
    count = len(starts)
    while k < count and starts[k] < stop:
        begin = max(starts[k], first)
        end = min(starts[k + 1] if k + 1 < count else len(owners), stop)
        if begin < end:
            out.append((begin, end, owners[begin]))
        k += 1
    return out


def _text_line(chars, owners, runs, cuts, spacing, max_width, width_used, extra_space, line_break):
    """_make_line's line of text frags: `spacing` None for a line without markers."""
    size = ascent_max = descent_min = 0
    for __, __, f in runs:
        ascent, descent = _ascent_descent(f.fontName, f.fontSize)
        size = max(size, f.fontSize)
        ascent_max = max(ascent_max, ascent)
        descent_min = min(descent_min, descent)
    if spacing is None:
        words = _text_words(chars, runs, runs[0][0], runs[-1][1], [])
    else:
        first, stop = runs[0][0], runs[-1][1]
        words = [_char_space(owners[first], spacing)]
        done = first
        for k in sorted(cuts):
            _text_words(chars, runs, done, k, words)
            words.append(_char_space(owners[k], spacing - cuts[k]))
            word = _clone(owners[k])
            word.text = chars[k]
            words.append(word)
            words.append(_char_space(owners[k], spacing))
            done = k + 1
        _text_words(chars, runs, done, stop, words)
        words.append(_char_space(owners[stop - 1], 0.0))
    return FragLine(kind=1, extraSpace=extra_space, wordCount=1, words=words, fontSize=size,
                    ascent=ascent_max, descent=descent_min, maxWidth=max_width, currentWidth=width_used,
                    lineBreak=line_break)


def _text_words(chars, runs, first, stop, words: list) -> list:
    """The words of chars[first:stop]: one per group of runs whose frags are the same frag
    (the first run's frag against each next, as makeCJKParaLine compares them)."""
    if first >= stop:
        return words
    group_frag, group_start = None, first
    for begin, end, f in runs:
        if end <= first or begin >= stop:
            continue
        begin = max(begin, first)
        if group_frag is None:
            group_frag, group_start = f, begin
        elif f is not group_frag and not sameFrag(group_frag, f):
            word = _clone(group_frag)
            word.text = "".join(chars[group_start:begin])
            words.append(word)
            group_frag, group_start = f, begin
    if group_frag is not None:
        word = _clone(group_frag)
        word.text = "".join(chars[group_start:stop])
        words.append(word)
    return words


def _para_line(chars, frags, max_width, width_used, extra_space, line_break, calc_bounds):
    """ReportLab's makeCJKParaLine, the same line from the same units (a character and its frag
    each), in a fraction of the time. It is walked by runs of one frag object: a run has one
    ascent and descent, and a frag is the same frag as itself without sameFrag()'s attribute
    comparison, unless it carries a callback or a line break (then each unit is a word)."""
    words = []
    group_frag, group_start = None, 0
    size = ascent_max = descent_min = 0
    count = len(frags)
    n = 0
    while n < count:
        f = frags[n]
        end = n + 1
        while end < count and frags[end] is f:
            end += 1
        if calc_bounds and getattr(getattr(f, "cbDefn", None), "width", 0):
            descent, ascent = imgVRange(imgNormV(f.cbDefn.height, f.fontSize), f.cbDefn.valign, f.fontSize)
        else:
            ascent, descent = _ascent_descent(f.fontName, f.fontSize)
        size = max(size, f.fontSize)
        ascent_max = max(ascent_max, ascent)
        descent_min = min(descent_min, descent)
        plain = "cbDefn" not in f.__dict__ and "lineBreak" not in f.__dict__
        for unit in (range(n, n + 1) if plain else range(n, end)):  # a plain run decides once
            if not (plain and f is group_frag) and (group_frag is None or not sameFrag(group_frag, f)):
                if group_frag is not None:
                    word = _clone(group_frag)
                    word.text = "".join(chars[group_start:unit])
                    words.append(word)
                group_frag, group_start = f, unit
        n = end
    if group_frag is not None:
        word = _clone(group_frag)
        word.text = "".join(chars[group_start:])
        words.append(word)
    return FragLine(kind=1, extraSpace=extra_space, wordCount=1, words=words, fontSize=size,
                    ascent=ascent_max, descent=descent_min, maxWidth=max_width, currentWidth=width_used,
                    lineBreak=line_break)


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

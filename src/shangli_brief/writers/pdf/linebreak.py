"""Chinese line breaking for the PDF, on plain lists: characters, their widths and font sizes.

No line starts with closing punctuation or ends with opening punctuation, numbers stay whole
with their units and percent signs, punctuation is compressed as a print shop does, and every
line but a paragraph's last is justified inside the type area. ReportLab's own CJK wrapping
breaks between any two characters and at best lets one closing mark hang into the margin; here
the break moves back instead. This module knows nothing of ReportLab: rl.py turns its lines
into ReportLab's."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from ...typography import CLOSING, FULL_WIDTH_PUNCT, LEFT_INK, RIGHT_INK, compressible_pair, no_break_before

FUZZ = 1e-6
_BLANK_HALF = re.compile("[" + "".join(sorted(re.escape(ch) for ch in LEFT_INK | RIGHT_INK)) + "]")
_FULL_WIDTH_MARK = re.compile("[" + "".join(sorted(re.escape(ch) for ch in FULL_WIDTH_PUNCT)) + "]")


@dataclass
class Line:
    """Characters [first, stop) of the paragraph. `cuts`: by how much each compressed mark is
    set narrower; `spacing`: the character spacing (Tc) that justifies the line, or None where
    the line needs neither spacing nor cuts; `extra`: the width left unused."""
    first: int
    stop: int
    cuts: dict[int, float]
    spacing: float | None
    extra: float
    width_used: float
    max_width: float
    forced: bool  # ended by a line break in the text


def is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) >= 0x2E80


def kept_indices(chars: list[str]):
    """The characters that stay: a space beside Chinese text, or at either end, is dropped (a
    Latin space is a word gap; no gap is wanted between Chinese and Latin text)."""
    kept_last = ""
    last = len(chars) - 1
    for i, ch in enumerate(chars):
        if ch == " ":
            after = chars[i + 1] if i < last else ""
            if is_cjk(kept_last) or is_cjk(after) or not kept_last or not after:
                continue
        kept_last = ch
        yield i


def break_lines(chars: list[str], widths: list[float], sizes: list[float], forced_at: set[int],
                max_widths: list[float], justify: bool = False, squeeze: float = 0.0) -> list[Line]:
    """The lines of a paragraph. `chars[i]` is "" for a zero-width item (a line break, a
    callback); `sizes[i]` its font size; a line ends after each index in `forced_at`.
    `squeeze`: how much narrower than its width each glyph may be set (a fraction of its width),
    so that the page grid's 28 characters fit a line.

    Punctuation is compressed as a print shop does (clreq 3.1.6, JIS X 4051): two adjacent
    full-width marks take 1.5 em, not 2; a line that is a little too long takes the blank halves
    of its punctuation (追い込み) before its last character moves down; a last line of a single
    character pulls one down from the line above. Justification spreads what is left."""
    text = "".join([ch or "\x00" for ch in chars])
    keep = no_break_before(text)
    widths = list(widths)
    count = len(chars)
    # Compression: a pair's first mark gives up half its width; any full-width mark with a blank
    # half may give up what is left of it when a line needs room.
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

    breaks = []  # (start, end, forced)
    max_width = max_widths[0]
    start = 0
    used = 0.0
    i = 0
    while i < count:
        used += widths[i]
        forced = i in forced_at
        # the grid lets a line's glyphs be set `squeeze` narrower: that much more fits
        room = max_width + squeeze * used + FUZZ
        if forced:
            end = i + 1
        elif used > room and i > start and used - min(spare_upto[i + 1] - spare_upto[start], sizes[i]) > room:
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
    # Justification spaces Chinese characters, never the letters of a Latin word or the digits
    # of a number (2022, 93.82%): the gaps inside such a run stay closed.
    tied = [a.isascii() and b.isascii() and a.strip() != "" and b.strip() != "" for a, b in zip(chars, chars[1:])]
    return [_line(widths, tight, spare, first, stop, max_widths[min(n, len(max_widths) - 1)], forced,
                  justify and forced is False, tied)
            for n, (first, stop, forced) in enumerate(breaks)]


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


def _line(widths, tight, spare, first, stop, max_width, forced, spread, tied=()) -> Line:
    """One line: compressed where it must be (the blank halves of its punctuation taken evenly,
    as far as needed), then justified by a character spacing set at its start, taken back (as a
    cut) after each glyph whose gap is `tied`."""
    cuts = {k: tight[k] for k in range(first, stop) if tight[k]}
    line_width = sum(widths[first:stop])
    over = line_width - max_width
    available = sum(spare[first:stop])
    if over > FUZZ and available > 0:
        share = min(1.0, over / available)
        for k in range(first, stop):
            if spare[k]:
                cuts[k] = cuts.get(k, 0.0) + spare[k] * share
                line_width -= spare[k] * share
    extra = max_width - line_width
    count = stop - first
    closed = [k for k in range(first, stop - 1) if k < len(tied) and tied[k]]
    if len(closed) >= count - 1:  # nothing but a Latin run: its letters spaced after all
        closed = []
    spacing = extra / (count - 1 - len(closed)) if count > 1 and (spread or extra < -FUZZ) else 0.0
    if abs(spacing) > FUZZ:
        for k in closed:
            cuts[k] = cuts.get(k, 0.0) + spacing
    if abs(spacing) <= FUZZ and not cuts:
        return Line(first, stop, cuts, None, extra, line_width, max_width, bool(forced))
    return Line(first, stop, cuts, spacing, 0.0 if spacing else extra, line_width, max_width, bool(forced))

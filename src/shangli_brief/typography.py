"""Chinese typesetting rules shared by both writers: where a line may break, and how a long
title is broken into balanced lines."""
from __future__ import annotations

import math
import re
import unicodedata

CLOSING = set("。，、；：？！）》」』】〕〉”’％‰…～·．,.;:?!)]}%")
OPENING = set("（《「『【〔〈“‘([{")
DASHES = set("—–-")
# Full-width punctuation by where its ink sits in the em box (GB convention): the other half is
# blank and may be taken away (标点挤压, clreq 3.1.6). ：；！？ may be centred (JIS-style
# glyphs): they are compressed only against a neighbour's blank half, never their own.
LEFT_INK = set("，。、）》」』】〕〉”’")
RIGHT_INK = set("（《「『【〔〈“‘")
CENTRED = set("：；！？")


FULL_WIDTH_PUNCT = LEFT_INK | RIGHT_INK | CENTRED
FULL_WIDTH_SPACE = "\u3000"                      # 表1　标题: an em of space, a character of the grid
BOOK_TITLE = re.compile("《[^》]{1,12}》")          # a short book title, kept on one line where it can


def compressible_pair(a: str, b: str) -> bool:
    """Whether the pair ab has at least half an em of blank between the inks: set 1.5 em wide.
    Called for every pair of characters a paragraph has: the set is built once, above."""
    return (a in LEFT_INK and b in FULL_WIDTH_PUNCT) or (b in RIGHT_INK and a in FULL_WIDTH_PUNCT)


# Characters that belong to a number: 28.4%, 1.25万人, 6亿余次, 2021—2025年.
NUMERIC = set("0123456789.%+")
UNIT_CHARS = set("万亿千百十元个家条件种项名人次户吨米平方公里年月日号期余多大类场倍亩岁％‰")
_UNITS_OR_DASHES = UNIT_CHARS | DASHES


# Invisible characters that come with pasted text and mean nothing in print: zero-width space,
# non-joiner and joiner, word joiner, soft hyphen, byte-order marks inside the text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def normalise(text: str) -> str:
    """Text as it is set: combining sequences composed (NFC: e + ◌́ is é, one glyph) and
    invisible pasted characters removed."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


# Characters some rule below looks at; between two others no rule applies. Every ASCII
# character is in (letters, digits and signs are looked at), and so are digits of other scripts.
_RULED = CLOSING | OPENING | DASHES | NUMERIC | UNIT_CHARS
_RULED_RUN = re.compile("[\x00-\x7f" + "".join(sorted(re.escape(ch) for ch in _RULED if not ch.isascii()))
                        + "\\d]+")


def no_break_before(text: str) -> list[bool]:
    """For each index i, whether a line may NOT start at text[i].

    Only the positions in or just after a run of characters some rule looks at are visited:
    where text[i - 1] and text[i] are both other characters no rule applies (and a number has
    ended), so a paragraph costs its punctuation and figures, not its length."""
    flags = [False] * len(text)
    in_number = False
    last = len(text) - 1
    for run in _RULED_RUN.finditer(text):
        # the run's characters and the one after it; at the run's first, text[i - 1] is one
        # no rule looks at, which ends any number as the full scan would
        for i in range(max(run.start(), 1), min(run.end(), last) + 1):
            prev, ch = text[i - 1], text[i]
            if prev.isascii() and prev.isalnum() or prev in NUMERIC:
                in_number = in_number or prev.isdigit()
            elif not (in_number and prev in _UNITS_OR_DASHES):
                in_number = False
            flags[i] = (
                ch in CLOSING
                or prev in OPENING
                or ch in DASHES or prev in DASHES
                or (prev.isascii() and prev.isalnum() and ch.isascii() and (ch.isalnum() or ch in ".%+"))
                or (prev in NUMERIC and (ch in NUMERIC or ch.isdigit()))
                or (in_number and ch in UNIT_CHARS)
            )
    keep_percentage_points(text, flags)
    return flags


def keep_percentage_points(text: str, flags: list[bool]) -> None:
    """个百分点 is one unit: 0.8个百分点 stays whole."""
    start = text.find("百分点")
    while start > 0:
        if flags[start]:
            flags[start + 1] = flags[start + 2] = True
        start = text.find("百分点", start + 1)


def text_units(text: str) -> float:
    """Width in full-width characters: half-width digits and letters count a half."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def _fits(text: str, keep: list[bool], max_units: float) -> bool:
    """Whether no run of characters that may not be broken is wider than a line."""
    run = 0.0
    for i, ch in enumerate(text):
        run = (run if keep[i] else 0.0) + (0.5 if ch.isascii() else 1)
        if run > max_units:
            return False
    return True


def balanced_lines(text: str, max_units: float, breaks: set[int] | None = None) -> list[str]:
    """A title too long for one line, broken into lines of nearly equal length at allowed
    break points (GB/T 9704: long titles in balanced lines, 梯形或菱形); with `breaks`, only at
    those positions (where words begin) as far as a line can hold. Linear in the text's length
    for each line: widths come from running sums."""
    total = text_units(text)
    if total <= max_units:
        return [text]
    count = math.ceil(total / max_units)
    keep = no_break_before(text)
    if breaks is not None:
        within = [keep[i] or i not in breaks for i in range(len(text))]
        if _fits(text, within, max_units):  # else a word longer than a line: characters as before
            keep = within
    upto = [0.0]  # upto[i]: width of text[:i]
    for ch in text:
        upto.append(upto[-1] + (0.5 if ch.isascii() else 1))
    lines, start = [], 0
    for k in range(1, count):
        target = total * k / count
        best = None
        for i in range(start + 1, len(text)):
            if upto[i] - upto[start] > max_units:
                break
            if keep[i]:
                continue
            score = abs(upto[i] - target)
            if best is None or score < best[0]:
                best = (score, i)
        if best is None:
            break
        lines.append(text[start:best[1]])
        start = best[1]
    lines.append(text[start:])
    return lines

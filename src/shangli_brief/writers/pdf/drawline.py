"""Drawing a line of a paragraph into the page: ReportLab's _putFragLine, for the lines our
paragraphs have, in three quarters of the time (19 against 25 ms for the overview brief).

ReportLab's function serves every line any paragraph can have: images, links, underlines,
background colours, dot leaders. For each run of text it also measures the run and counts its
spaces, which only those features use, and it draws the run through the text object's general
_formatText. A line of ours is text in TrueType faces with character-spacing markers
(linebreak.py). For such a line this module writes the same operators in the same order —
font, colour and rise changes, Tc, one Tj per font subset, T* at the end — and leaves every
other line to ReportLab. tests/writers/test_speed_equivalence.py holds the two to the same
bytes, line by line and for whole documents."""
from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph as _paragraph

from .linebreak import CHAR_SPACE_CALLBACK, _set_char_space

_reportlabs = _paragraph._putFragLine
_fonts = pdfmetrics._fonts


def _plain(words, canvas) -> bool:
    """Whether every word is text or one of our character-spacing markers, with no link,
    underline or background: what put_frag_line draws. Anything else is ReportLab's."""
    markers = False
    for f in words:
        d = f.__dict__
        if d.get("us_lines") or d.get("link") or d.get("backColor"):
            return False
        cb = d.get("cbDefn")
        if cb is not None:
            if getattr(cb, "kind", None) != "charspace" or getattr(cb, "name", None) != CHAR_SPACE_CALLBACK:
                return False
            markers = True
        elif "cbDefn" in type(f).__dict__:
            return False
    # the marker's effect is our own callback's (installed on every page: pages.PageDecorator)
    return not markers or getattr(canvas, "getNamedCB", lambda name: None)(CHAR_SPACE_CALLBACK) is _set_char_space


def put_frag_line(cur_x, tx, line, last, pKind):  # noqa: N803 - ReportLab's signature
    xs = tx.XtraState
    words = line.words
    if (not words or xs.autoLeading in ("min", "max") or xs.us_lines or xs.links or xs.backColor
            or (last and xs.style.endDots) or not _plain(words, tx._canvas)):
        return _reportlabs(cur_x, tx, line, last, pKind)
    leading = xs.leading
    if tx._leading != leading:
        tx.setLeading(leading)
    code = tx._code
    last_word = words[-1]
    for f in words:
        cb = f.__dict__.get("cbDefn")
        if cb is not None:  # a marker: the character spacing from here on
            tx.setCharSpace(float(cb.label))
            if f is last_word:
                if not tx._fontname:
                    tx.setFont(xs.style.fontName, xs.style.fontSize)
                code.append(_format(tx, "") + " T*")
            continue
        font_size = f.fontSize
        if tx._fontname != f.fontName or tx._fontsize != font_size:
            tx._setFont(f.fontName, font_size)
        color = f.textColor
        if color is not xs.textColor and xs.textColor != color:
            xs.textColor = color
            tx.setFillColor(color)
        rise = f.rise
        if xs.rise != rise:
            xs.rise = rise
            tx.setRise(rise)
        code.append(_format(tx, f.text) + " T*" if f is last_word else _format(tx, f.text))


def _format(tx, text) -> str:
    """tx._formatText(text) for a TrueType face: its subsets' Tf and the text's Tj operators."""
    font = _fonts.get(tx._fontname)
    if font is None or not font._dynamicFont or type(text) is not str:
        return tx._formatText(text)
    canvas = tx._canvas
    doc = canvas._doc
    escape = canvas._escape
    out = []
    size_and_leading = None
    for subset, chunk in _split(font, text, doc):
        if subset != tx._curSubset:
            if size_and_leading is None:
                size_and_leading = f"{fp_str(tx._fontsize)} Tf {fp_str(tx._leading)} TL"
            out.append(f"{_subset_name(font, subset, doc)} {size_and_leading}")
            tx._curSubset = subset
        out.append(f"({escape(chunk)}) Tj")
    return " ".join(out)


def _subset_name(font, subset: int, doc) -> str:
    """font.getSubsetInternalName, asked once per subset and document (the first call names
    the font in the document)."""
    names = doc.__dict__.setdefault("_shangli_subset_names", {})
    name = names.get((font.fontName, subset))
    if name is None:
        name = names[(font.fontName, subset)] = font.getSubsetInternalName(subset, doc)
    return name


def _split(font, text: str, doc) -> list:
    """font.splitString(text, doc), the codes looked up all at once. Characters still without a
    code in this document are first given theirs by ReportLab, in the order they come (the
    order splitString gives them); one the face lacks is code 0, as there. A no-break space is
    drawn as a space, as there."""
    state = font.state.get(doc)
    if state is None or not text:
        return font.splitString(text, doc)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    assignments = state.assignments
    codes = list(map(assignments.get, map(ord, text)))
    if None in codes:
        font.splitString("".join([ch for ch, code in zip(text, codes) if code is None]), doc)
        codes = [assignments.get(ord(ch), 0) if code is None else code for ch, code in zip(text, codes)]
    sets = [code >> 8 for code in codes]
    if min(sets) == max(sets):
        return [(sets[0], bytes([code & 0xFF for code in codes]))]
    out, start = [], 0
    for i in range(1, len(codes)):
        if sets[i] != sets[i - 1]:
            out.append((sets[start], bytes([code & 0xFF for code in codes[start:i]])))
            start = i
    out.append((sets[start], bytes([code & 0xFF for code in codes[start:]])))
    return out


def install() -> None:
    """ReportLab's line drawers call _putFragLine by its module name: ours answers there."""
    _paragraph._putFragLine = put_frag_line

"""Where the PDF writer goes beneath ReportLab's public interface: the one module that names
ReportLab's private functions and attributes (tests/test_architecture.py holds every other module
to that). pyproject.toml bounds ReportLab to the versions the suite runs against (.ci/run runs
it at both ends).

Two things need it:
- Chinese line breaking. ReportLab's CJK wrapping (Paragraph.breakLinesCJK) breaks between any
  two characters; ChineseParagraph breaks by linebreak.py's rules and hands ReportLab its lines
  in ReportLab's own line objects (FragLine), justified by a character spacing that a named
  callback sets as the line is drawn.
- The face cache. Parsing a CJK TrueType face (cmap, hmtx, loca: some 7,000 glyphs) in
  ReportLab's pure Python takes 13–50 ms a face, five faces a brief, in every fresh process.
  The parsed face is pickled into the user's cache folder, keyed by the file's path, face, size
  and modification time and by ReportLab's version, and restored in a few milliseconds.

Nothing here acts at import time: the writer calls install_char_spacing on each canvas and
load_ttfont for each face."""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import reportlab
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.rl_accel import sameFrag
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines, _handleBulletWidth, imgNormV, imgVRange

from ...portability import cache_dir
from ...typography import FULL_WIDTH_SPACE
from .linebreak import break_lines, kept_indices

IDEOGRAPHIC_SPACE = "\ue000"  # stands for U+3000 in Paragraph markup (see PdfWriter.para)
CHAR_SPACE_CALLBACK = "shangli_char_space"


# -- justification: the character spacing of a line, set as it is drawn ------------------------
def install_char_spacing(canvas) -> None:
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


# -- lines ----------------------------------------------------------------------------------------
_widths: dict[tuple[str, float], dict[str, float]] = {}  # (font, size) -> character -> width
_bounds: dict[tuple[str, float], tuple[float, float]] = {}


def _ascent_descent(font_name: str, size: float) -> tuple[float, float]:
    """getAscentDescent, once per registered font and size (font names are never reused)."""
    found = _bounds.get((font_name, size))
    if found is None:
        found = _bounds[(font_name, size)] = getAscentDescent(font_name, size)
    return found


def _read_glyphs(frags) -> tuple[list, list, list]:
    """Each character of the paragraph with its frag and width (a callback's own width, else the
    character's in its font and size, measured once per process)."""
    chars, owners, widths = [], [], []
    for frag in frags:
        cb = getattr(frag, "cbDefn", None)
        if getattr(cb, "name", None) == CHAR_SPACE_CALLBACK:
            continue  # a paragraph split across pages is re-wrapped from lines we justified
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
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
        known = _widths.get((font, size))
        if known is None:
            known = _widths[(font, size)] = {}
        new = set(text).difference(known)
        if new:
            measure = pdfmetrics.getFont(font).stringWidth  # what stringWidth() calls, found once
            for ch in new:
                known[ch] = measure(ch, size)
        widths.extend([known[ch] for ch in text])
    return chars, owners, widths


def split_lines(frags, max_widths, calc_bounds, justify: bool = False, squeeze: float = 0.0) -> ParaLines:
    """A paragraph's frags as ReportLab's lines, broken by linebreak.break_lines."""
    chars, owners, widths = _read_glyphs(frags)
    if " " in chars:
        kept = list(kept_indices(chars))
        chars = [chars[i] for i in kept]
        owners = [owners[i] for i in kept]
        widths = [widths[i] for i in kept]
    if any(hasattr(f, "cbDefn") for f in frags):  # a relative width resolves against the first line's
        widths = [w.normalizedValue(max_widths[0]) if hasattr(w, "normalizedValue") else w for w in widths]
    breaking = {id(f) for f in frags if hasattr(f, "lineBreak")}
    forced_at = {i for i, f in enumerate(owners) if id(f) in breaking} if breaking else set()
    lines = break_lines(chars, widths, [f.fontSize for f in owners], forced_at, max_widths, justify, squeeze)
    return ParaLines(kind=1, lines=[_frag_line(chars, owners, line, calc_bounds) for line in lines])


def _frag_line(chars, owners, line, calc_bounds) -> FragLine:
    """One line as units (a character and its frag each): zero-width markers set the line's
    character spacing at its start and around each compressed mark, so the next glyph moves in."""
    first, stop = line.first, line.stop
    if line.spacing is None:
        return _para_line(chars[first:stop], owners[first:stop], line, calc_bounds)
    spacing = line.spacing
    markers = [_char_space(owners[first], spacing)]
    unit_chars = [""]
    unit_frags = [markers[-1]]
    done = first
    for k in sorted(line.cuts):
        unit_chars += chars[done:k]
        unit_frags += owners[done:k]
        unit_chars += ["", chars[k], ""]
        markers += [_char_space(owners[k], spacing - line.cuts[k]), _char_space(owners[k], spacing)]
        unit_frags += [markers[-2], owners[k], markers[-1]]
        done = k + 1
    unit_chars += chars[done:stop]
    unit_frags += owners[done:stop]
    unit_chars.append("")
    markers.append(_char_space(owners[stop - 1], 0.0))
    unit_frags.append(markers[-1])
    return _para_line(unit_chars, unit_frags, line, calc_bounds, {id(m) for m in markers})


def _para_line(chars, frags, line, calc_bounds, markers=frozenset()) -> FragLine:
    """The line ReportLab's makeCJKParaLine makes from the same units: a word per run of equal
    frags. A run of one frag object has one ascent and descent and is one word unless it carries
    a callback or a line break (then each unit is a word). `markers`: frags made for this line
    alone, each a word of its own (its text is empty), used without a copy."""
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
                    words.append(_word(group_frag, chars[group_start:unit], markers))
                group_frag, group_start = f, unit
        n = end
    if group_frag is not None:
        words.append(_word(group_frag, chars[group_start:], markers))
    return FragLine(kind=1, extraSpace=line.extra, wordCount=1, words=words, fontSize=size,
                    ascent=ascent_max, descent=descent_min, maxWidth=line.max_width,
                    currentWidth=line.width_used, lineBreak=line.forced)


def _word(frag, chars, markers):
    """A word of the line: a copy of the frag holding `chars`, or a marker made for this line as
    it is (its text is empty already)."""
    if id(frag) in markers:
        return frag
    word = frag.clone()
    word.text = "".join(chars)
    return word


class ChineseParagraph(Paragraph):
    """A Paragraph whose CJK wrapping follows Chinese line-breaking rules."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802, N803 - ReportLab's names
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
        prewrapped = getattr(self, "prewrapped", None)
        if prewrapped is not None and prewrapped[0] == maxWidths[0] == maxWidths[-1]:
            # The rest of a paragraph split across pages, at the width it was broken at: its
            # lines are already known (re-breaking the rest on every page made a long paragraph
            # quadratic in its length).
            return ParaLines(kind=1, lines=prewrapped[1])
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        # A paragraph is wrapped again at the same width when it is kept with the next one or
        # tried in a frame it then does not fit: its lines are the same, found once.
        key = (tuple(maxWidths), auto_leading)
        known = getattr(self, "lines_at", None)
        if known is not None and known[0] == key:
            return known[1]
        lines = split_lines(self.frags, maxWidths, auto_leading not in ("", "off"),
                            justify=style.alignment == TA_JUSTIFY, squeeze=getattr(style, "gridSqueeze", 0.0))
        self.lines_at = (key, lines)
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
            parts[1].prewrapped = (widths[-1], lines[len(parts[0].blPara.lines):])
        return parts


# -- the face cache -------------------------------------------------------------------------------
FACE_CACHE_VERSION = 1
_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the bytes come from the file; the scale is rebuilt


def _entry(file: str, index: int) -> Path:
    stat = os.stat(file)
    key = (f"{os.path.abspath(file)}:{index}:{stat.st_size}:{stat.st_mtime_ns}:{reportlab.Version}:"
           f"{FACE_CACHE_VERSION}")
    return cache_dir() / "reportlab-faces" / (hashlib.sha256(key.encode()).hexdigest()[:20] + ".pickle")


def load_ttfont(name: str, file: str, index: int = 0) -> ttfonts.TTFont:
    """ttfonts.TTFont(name, file, subfontIndex=index), its parsed face from the cache when it can be."""
    try:
        entry = _entry(file, index)
    except OSError:
        return ttfonts.TTFont(name, file, subfontIndex=index)
    face = _restore(entry, file)
    if face is None:
        font = ttfonts.TTFont(name, file, subfontIndex=index)
        _save(entry, font.face)
        return font
    # TTFont builds its face itself: hand it the restored one for this construction
    original = ttfonts.TTFontFace
    ttfonts.TTFontFace = lambda *args, **kwargs: face
    try:
        return ttfonts.TTFont(name, file, subfontIndex=index)
    finally:
        ttfonts.TTFontFace = original


def refresh_font(name: str, font: ttfonts.TTFont) -> None:
    """The font registered as `name` takes `font`'s face: the same face grown by more glyphs.
    ReportLab keeps one font object per face name (pdfmetrics.registerFont hands a second
    registration the first one's font), so a grown subset cannot be registered anew. Between
    documents only: each document's subsets are made from the face it finds."""
    pdfmetrics.getFont(name).face = font.face


def _restore(entry: Path, file: str):
    try:
        with open(entry, "rb") as f:
            state = pickle.load(f)
        face = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
        face.__dict__.update(state)
        with open(file, "rb") as f:
            face._ttf_data = f.read()
    except Exception:  # noqa: BLE001 - missing, damaged or from another version: parse again
        return None
    units = face.unitsPerEm
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    return face


def _save(entry: Path, face) -> None:
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_KEPT}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.part")
        with open(partial, "wb") as f:
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # no cache this time (read-only home …): the next run parses again

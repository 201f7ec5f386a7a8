"""What ReportLab derives from a TrueType file, kept between runs.

Parsing a CJK face's tables (cmap, hmtx, loca: some 7,000 glyphs) in ReportLab's pure Python
takes 13–50 ms a face, five faces a brief, on every run. The parsed face is pickled into the
user's cache folder, keyed by the file's path, face, size and modification time and by the
ReportLab version, and restored in a few milliseconds; the font's bytes are read from the file
itself. A damaged or outdated entry is simply parsed again."""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import reportlab
from reportlab.pdfbase import ttfonts

from ...portability import cache_dir

VERSION = 1
_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the bytes come from the file; the scale is rebuilt


def _entry(file: str, index: int) -> Path:
    stat = os.stat(file)
    key = f"{os.path.abspath(file)}:{index}:{stat.st_size}:{stat.st_mtime_ns}:{reportlab.Version}:{VERSION}"
    return cache_dir() / "reportlab-faces" / (hashlib.sha256(key.encode()).hexdigest()[:20] + ".pickle")


def load_ttfont(name: str, file: str, index: int = 0) -> ttfonts.TTFont:
    """ttfonts.TTFont(name, file, subfontIndex=index), from the cache when it can be."""
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

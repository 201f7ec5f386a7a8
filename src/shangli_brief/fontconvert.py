"""Converting a CFF-based OpenType face (Noto CJK) to a TrueType subset ReportLab can embed, and
subsetting large TrueType faces the same way so that they load faster.

ReportLab embeds TrueType outlines only. fontTools subsets the face to the characters a county
briefing uses (GB2312 and the marks around it) and turns its cubic outlines into quadratic ones.
This takes tens of seconds, so it runs once (`shangli-brief fonts --prepare`, called by
`make brief` and `make test`) and the result is kept in the user's cache folder."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .portability import cache_dir as _app_cache_dir

CHARSET_VERSION = "gb2312-1"


def cache_dir() -> Path:
    """Converted fonts, in this system's per-user cache folder (see portability.cache_dir)."""
    return _app_cache_dir() / "fonts"


def cached_path(source: str, index: int) -> Path:
    """Where the converted face lives: named after the source file, face and its size/date,
    so an updated font package is converted again."""
    stat = Path(source).stat()
    key = f"{source}:{index}:{stat.st_size}:{int(stat.st_mtime)}:{CHARSET_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_dir() / f"{Path(source).stem}-{index}-{digest}.ttf"


def briefing_charset() -> set[int]:
    """GB2312's characters, ASCII, and the CJK and full-width punctuation blocks."""
    codes = set(range(0x20, 0x7F))
    codes |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    codes |= {0xB7, 0xD7, 0xF7, 0x2103, 0x2116, 0x2160, 0x25CF, 0x25A0, 0x2605}
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        codes.add(code)
    return codes


# Called with the source file before each conversion (the `fonts` command says what it waits for)
announce = None


def convert(source: str, index: int, target: Path) -> Path:
    """Subset face `index` of `source` and write it as a TrueType font at `target`."""
    if announce is not None:
        announce(source)
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source, fontNumber=index, lazy=False)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=briefing_charset())
    subsetter.subset(font)

    if "glyf" in font:  # already TrueType: the subset is all we need (it loads 3x faster)
        return _save(font, target)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # left side bearings follow the new outlines
        width, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font["post"].formatType = 3.0  # no glyph names: ReportLab does not need them
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"
    return _save(font, target)


def _save(font, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)  # a half-written cache file is never picked up
    return target

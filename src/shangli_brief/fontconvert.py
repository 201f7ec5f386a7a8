"""Faces ReportLab can embed, made from a CFF-based OpenType face (FandolFang, Noto CJK) or a
large TrueType collection: a TrueType subset holding the characters the briefs use.

ReportLab embeds TrueType outlines only, and parses a face in pure Python. fontTools subsets the
face and turns its cubic outlines into quadratic ones: about 1.5 ms a character, so a brief's
1,000 distinct characters take a second or two a face at its first build, and the whole GB2312
set (`shangli-brief fonts --prepare`, optional) some tens of seconds. The subset is kept in the
user's cache folder and grows when a brief needs characters it lacks (the characters asked for so
far are listed beside it).

The same inputs give the same PDF on every machine, whatever the cache held before: a subset
keeps the source face's global tables (its bounding box, metrics, OS/2 ranges and date, not
recomputed for the subset), and each glyph is converted by itself, so the glyphs and tables
ReportLab copies into a PDF do not depend on which other characters the subset holds."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .folderlock import folder_locked
from .portability import cache_dir as _app_cache_dir

FORMAT_VERSION = "grown-4"  # of the subsets: a change makes them anew


def cache_dir() -> Path:
    """Converted fonts, in this system's per-user cache folder (see portability.cache_dir)."""
    return _app_cache_dir() / "fonts"


def cached_path(source: str, index: int) -> Path:
    """Where the converted face lives: named after the source file, face and its size/date,
    so an updated font package is converted again."""
    stat = Path(source).stat()
    key = f"{source}:{index}:{stat.st_size}:{int(stat.st_mtime)}:{FORMAT_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_dir() / f"{Path(source).stem}-{index}-{digest}.ttf"


def base_charset() -> set[int]:
    """What every subset holds: ASCII, the CJK and full-width punctuation blocks, a few signs and
    the Chinese numerals (page numbers, heading numbers, list marks)."""
    codes = set(range(0x20, 0x7F))
    codes |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    codes |= {0xB7, 0xD7, 0xF7, 0x2103, 0x2116, 0x2160, 0x25CF, 0x25A0, 0x2605}
    codes |= {ord(ch) for ch in "〇一二三四五六七八九十百千万亿零两"}
    return codes


def briefing_charset() -> set[int]:
    """The base set and GB2312's characters: what `fonts --prepare` converts ahead."""
    codes = base_charset()
    for code in range(0x4E00, 0xA000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        codes.add(code)
    return codes


# Called with the source file and the number of characters before each conversion (the `fonts`
# command and a build say what they wait for)
announce = None


def _listing(target: Path) -> Path:
    return target.with_suffix(".json")


def covered(target: Path) -> set[int]:
    """The characters a cached subset was made for (the source may lack some): empty when there
    is none, or its listing does not belong to it (a run killed between the two files)."""
    try:
        listing = json.loads(_listing(target).read_text("utf-8"))
        if listing["size"] != target.stat().st_size:
            return set()
        return set(listing["chars"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def ensure(source: str, index: int, chars) -> Path:
    """The cached subset of face `index` of `source`, holding `chars` (code points) as far as the
    face has them: made now, or grown, when it does not yet."""
    target = cached_path(source, index)
    wanted = set(chars)
    have = covered(target)
    if have and wanted <= have:
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # One process at a time grows the fonts, each from what the last one left: a subset only
        # ever gains characters, so a file another build has registered meanwhile stays valid.
        with folder_locked(target.parent):
            have = covered(target)
            if not have:
                convert(source, index, target, wanted | base_charset())
            elif not wanted <= have:
                grow(source, index, target, have, wanted - have)
        return target
    except OSError:  # no writable cache (a read-only home): made for this process alone
        return convert(source, index, _scratch() / target.name, wanted | base_charset())


def _scratch() -> Path:
    """A temporary folder for this process's conversions, removed when it ends (discard_scratch:
    at exit, and by a forked writer process before it ends, which runs no exit handlers)."""
    global _scratch_dir
    if _scratch_dir is None:
        import atexit
        import tempfile
        _scratch_dir = Path(tempfile.mkdtemp(prefix="shangli-brief-fonts-"))
        atexit.register(discard_scratch)
    return _scratch_dir


def discard_scratch() -> None:
    global _scratch_dir
    if _scratch_dir is not None:
        import shutil
        shutil.rmtree(_scratch_dir, ignore_errors=True)
        _scratch_dir = None


_scratch_dir: Path | None = None


def convert(source: str, index: int, target: Path, chars) -> Path:
    """Subset face `index` of `source` to `chars` and write it as a TrueType font at `target`,
    with the listing of the characters it was made for."""
    if announce is not None:
        announce(source, len(chars))
    return _save(_truetype_subset(source, index, chars), target, chars)


def grow(source: str, index: int, target: Path, have: set[int], more: set[int]) -> Path:
    """Add the glyphs of `more` to the subset at `target` (made for `have`), converting only
    those: a brief's few new characters cost milliseconds, not a conversion of all the others.
    Each glyph is converted by itself, so the glyphs are those a whole conversion makes."""
    from fontTools.ttLib import TTFont
    if announce is not None:
        announce(source, len(more))
    font = TTFont(str(target), lazy=False, recalcBBoxes=False, recalcTimestamp=False)
    addition = _truetype_subset(source, index, more)
    order = list(font.getGlyphOrder())
    known = set(order)
    glyf, hmtx = font["glyf"], font["hmtx"]
    for name in addition.getGlyphOrder():  # glyph names are the source's: the same name, the same glyph
        if name not in known:
            order.append(name)
            known.add(name)
            glyf.glyphs[name] = addition["glyf"][name]
            hmtx.metrics[name] = addition["hmtx"][name]
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    mapping = addition.getBestCmap() or {}  # none: the face has none of the characters
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({code: name for code, name in mapping.items()
                               if code <= 0xFFFF or table.format in (12, 13)})
    font["maxp"].numGlyphs = len(order)
    return _save(font, target, have | more)


def _truetype_subset(source: str, index: int, chars):
    """Face `index` of `source` subset to `chars` as a TrueType font in memory, its glyphs keeping
    the source's names (so that a later subset's glyphs can join it)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    # The source's global tables stay as they are: no bounding boxes, dates, ranges or first and
    # last characters recomputed for the subset (see the module's note on reproducible PDFs).
    # lazy: tables are read as the subsetter asks (a CJK collection holds 65,000 glyphs)
    font = TTFont(source, fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    # fontTools sets OS/2's first and last character from the cmap whenever it writes a font: a
    # subset holding the source's lowest and highest characters keeps the source's values,
    # whatever else it holds (else a brief with one more character would change them, and so
    # the bytes of every later PDF).
    codes = font.getBestCmap() or {}
    chars = set(chars) | ({min(codes), max(codes)} if codes else set())
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.glyph_names = True
    options.prune_unicode_ranges = False
    options.prune_codepage_ranges = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    # glyph names kept in the file (ReportLab writes its own post table into a PDF)
    post = font["post"]
    if post.formatType != 2.0:
        post.formatType, post.mapping, post.extraNames = 2.0, {}, []
    if "glyf" in font:  # already TrueType: the subset is all we need (it loads 3x faster)
        return font
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyph = glyf.glyphs[name] = pen.glyph()
        glyph.recalcBounds(glyf)  # each glyph's own box (the font's stays the source's)
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():  # left side bearings follow the new outlines
        width, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    # Fixed limits rather than the subset's own maxima, which would change with the subset;
    # generous for any CJK glyph (no hinting programs, no composites).
    for field, value in (("maxPoints", 4096), ("maxContours", 512), ("maxCompositePoints", 0),
                         ("maxCompositeContours", 0), ("maxZones", 1), ("maxTwilightPoints", 0),
                         ("maxStorage", 0), ("maxFunctionDefs", 0), ("maxInstructionDefs", 0),
                         ("maxStackElements", 0), ("maxSizeOfInstructions", 0), ("maxComponentElements", 0),
                         ("maxComponentDepth", 0)):
        setattr(maxp, field, value)
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"
    return font


def _save(font, target: Path, chars) -> Path:
    """The subset, then its listing, each written whole and renamed into place: a half-written
    file is never picked up, and a listing that is not the subset's is ignored (see covered)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    listing = {"size": partial.stat().st_size, "chars": sorted(chars)}
    partial_listing = target.with_suffix(f".{os.getpid()}.json.part")
    partial_listing.write_text(json.dumps(listing, separators=(",", ":")), "utf-8")
    os.replace(partial, target)
    os.replace(partial_listing, _listing(target))
    return target

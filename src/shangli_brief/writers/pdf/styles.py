"""Theme values in ReportLab terms: registered fonts and ParagraphStyles."""
from __future__ import annotations

import os
import re
from pathlib import Path
from ...xmltext import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from ...errors import BriefError, BuildError
from ...fontconvert import cache_dir
from ...fonts import ResolvedFont, env_variable, fallback_faces, resolve_role, substitute_warnings
from ...theme import TextStyle, Theme
from .rl import load_ttfont, refresh_font
from ...i18n import _

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")  # Hebrew, Arabic, Syriac, Thaana …
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_registered: dict[tuple, tuple[str, frozenset[int]]] = {}  # file as it is now -> name, characters
_names: dict[tuple[str, int], str] = {}  # file and face -> the name it is registered under


def file_identity(file: str) -> tuple[int, int]:
    """A font file as it is now: a cached subset grown since is another file to ReportLab."""
    stat = os.stat(file)
    return stat.st_size, stat.st_mtime_ns


def register(font: ResolvedFont) -> tuple[str, frozenset[int]]:
    """Register a font file once per process (roles sharing a face share one registration);
    returns its ReportLab name and the characters it has. A cached subset that has grown since
    (a later brief of a batch, a rebuild under `watch`) keeps its name and takes the new face:
    ReportLab hands a second name for the same face the first one's font (rl.refresh_font)."""
    key = (font.file, font.index, *file_identity(font.file))
    if key not in _registered:
        name = _names.get((font.file, font.index))
        if name is None:
            name = f"SB{len(_names)}-{font.family.replace(' ', '').replace(':', '-')}"
            ttf = load_ttfont(name, font.file, font.index)
            pdfmetrics.registerFont(ttf)
            _names[(font.file, font.index)] = name  # once registered: a damaged file is not
        else:
            ttf = load_ttfont(name, font.file, font.index)
            refresh_font(name, ttf)
        _registered[key] = (name, frozenset(ttf.face.charToGlyph))
    return _registered[key]


def _register_or_repair(font: ResolvedFont, role, chars) -> tuple[str, frozenset[int]]:
    """A damaged cached conversion is removed and made again; any other font file that cannot be
    read is named in the error."""
    try:
        return register(font)
    except Exception as first:  # noqa: BLE001 - TTFError, struct.error, OSError …
        error = first
        if Path(font.file).parent == cache_dir() and Path(font.file).exists():
            Path(font.file).unlink()
            try:
                return register(resolve_role(role, chars))
            except BriefError:
                raise
            except Exception as again:  # noqa: BLE001
                error = again
        raise BuildError(
            _(
                "cannot read the font file '{file}' for role '{role}' ({kind}: {error}); "
                "reinstall the font or name another file with {env_variable}=FILE"
            ).format(
                file=font.file,
                role=font.role,
                kind=type(error).__name__,
                error=error,
                env_variable=env_variable(font.role),
            )
        ) from None


class PdfStyles:
    """`resolved`: the theme's fonts as resolve_theme_fonts found them for `chars`, the characters
    of the documents these styles set."""

    def __init__(self, theme: Theme, resolved: dict[str, ResolvedFont], chars):
        self.theme = theme
        registered = {}
        for role, font in resolved.items():
            registered[role] = _register_or_repair(font, theme.fonts[role], chars)
        self.substitutes = tuple(substitute_warnings(resolved, theme))
        self.font_names = {role: name for role, (name, __) in registered.items()}
        self._family = {registered[role][0]: f.family for role, f in resolved.items()}
        # Set by the writer for each document: (character, origin) -> (face, fallback face)
        self.glyphs: dict | None = None
        self.origin = None
        self._chars = {name: chars for name, chars in registered.values()}
        self._fallbacks: list[tuple[str, frozenset[int]]] | None = None
        self.paragraph = {name: self._paragraph(style) for name, style in theme.styles.items()}

    def markup(self, text: str, font_name: str) -> str:
        """Escaped Paragraph markup for text set in `font_name`; a character that face lacks (a
        rare character outside a converted subset) is set in a full-coverage face instead.
        Characters that fall back, that no face has, or that belong to a right-to-left script
        are noted in `glyphs` with the block they came from."""
        chars = self._chars[font_name]
        if chars.issuperset(map(ord, text.replace("\n", ""))) and (text.isascii() or not _RTL.search(text)):
            return escape(text)
        out = []
        for ch in text:
            face = None if ord(ch) in chars or ch == "\n" else self._fallback_for(ch)
            if self.glyphs is not None and ch != "\n":
                if _RTL.match(ch):
                    self.glyphs.setdefault((ch, self.origin), (self._family[font_name], "rtl"))
                elif face is not None or ord(ch) not in chars:
                    self.glyphs.setdefault((ch, self.origin), (self._family[font_name], self._family.get(face)))
            out.append(f'<font name="{face}">{escape(ch)}</font>' if face else escape(ch))
        return "".join(out)

    def _fallback_for(self, ch: str) -> str | None:
        if self._fallbacks is None:  # loaded only when a document needs one
            faces = fallback_faces(self.theme)
            self._fallbacks = [register(f) for f in faces]
            for face, (name, __) in zip(faces, self._fallbacks):
                self._family[name] = face.family
        return next((name for name, chars in self._fallbacks if ord(ch) in chars), None)

    def font(self, style_name: str) -> str:
        return self.font_names[self.theme.style(style_name).font]

    def color(self, name: str):
        return HexColor(self.theme.color(name))

    def _paragraph(self, s: TextStyle) -> ParagraphStyle:
        style = ParagraphStyle(
            s.name, fontName=self.font_names[s.font], fontSize=s.size, leading=s.leading,
            alignment=ALIGN[s.align], firstLineIndent=s.indent_chars * s.size,
            textColor=HexColor(s.color), spaceBefore=s.space_before, spaceAfter=s.space_after,
            wordWrap="CJK", allowWidows=0, allowOrphans=0,  # a lone line never ends or starts a page
        )
        # Justified text on the page grid: N characters a line even when N glyphs of this size
        # are a little wider than the line (16 pt × 28 > 156 mm), as Word's character grid does.
        if s.align == "justify":
            style.gridSqueeze = max(0.0, 1 - self.theme.char_pitch / s.size)
        return style

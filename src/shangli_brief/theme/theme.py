"""Theme model and loading of the built-in themes (YAML package data)."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache

from .. import PACKAGE
from ..errors import InputError, Location
from .schema import validate
from .sizes import SIZE_NAMES, size_pt  # noqa: F401 - SIZE_NAMES is part of this module's interface
from ..i18n import _

MM = 72 / 25.4  # points per millimetre

_DIGITS = "零一二三四五六七八九"


def zh_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (headings rarely pass 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def heading_label(pattern: str, n: int) -> str:
    return pattern.format(zh=zh_numeral(n), n=n)


@dataclass(frozen=True)
class FontRole:
    name: str
    docx: str                          # the font name Word/WPS asks for
    pdf: tuple[str, ...] = ()          # installed TrueType families, first found wins
    convert: tuple[str, ...] = ()      # CFF faces ("Family:Style") converted to TrueType once
    fallback: tuple[str, ...] = ()     # plainer free TrueType faces
    file: str | None = None            # a font file named in the theme
    docx_alt: str | None = None        # the DOCX font table's alternate (仿宋_GB2312 -> 仿宋)


@dataclass(frozen=True)
class TextStyle:
    name: str
    font: str                   # a font role
    size: float                 # pt
    leading: float              # pt, exact line spacing
    align: str = "left"         # left | center | right | justify
    indent_chars: float = 0     # first-line indent in characters
    bold: bool = False
    color: str = "#000000"
    space_before: float = 0
    space_after: float = 0


class Theme:
    def __init__(self, name: str, data: dict):
        self.name = name
        self.data = data
        # What caches of derived things (PDF styles, charts) are keyed by: the theme's content,
        # so an edited theme file (under `watch`) is never served from a stale cache.
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        self.key = f"{name}:{digest[:16]}"
        page = data["page"]
        self.page_width = page["width_mm"] * MM
        self.page_height = page["height_mm"] * MM
        self.margin_top = page["margin_top_mm"] * MM
        self.margin_bottom = page["margin_bottom_mm"] * MM
        self.margin_left = page["margin_left_mm"] * MM
        self.margin_right = page["margin_right_mm"] * MM
        self.page_number_gap = page["page_number_gap_mm"] * MM
        self.text_width = self.page_width - self.margin_left - self.margin_right
        self.text_height = self.page_height - self.margin_top - self.margin_bottom
        grid = data["grid"]
        self.lines_per_page = int(grid["lines"])
        self.chars_per_line = int(grid["chars"])
        # Whole twips, rounded down, so that N lines never overrun the type area: 28.95 pt.
        self.line_pitch = math.floor(self.text_height / self.lines_per_page * 20) / 20
        self.char_pitch = self.text_width / self.chars_per_line    # ≈ 15.79 pt
        self.colors = dict(data["colors"])
        self.latin_font = data["latin_font"]
        self.heading_numbers = list(data["heading_numbers"])
        self.list_marks = dict(data["list_marks"])
        self.chart_colors = [self.color(c) for c in data.get("chart_colors", ["#404040"])]
        self.masthead = dict(data.get("masthead") or {})
        self.closing_rules = dict(data.get("closing_rules") or {})
        self.fonts = {role: FontRole(role, spec["docx"], tuple(spec.get("pdf", ())),
                                     tuple(spec.get("convert", ())), tuple(spec.get("fallback", ())),
                                     spec.get("file"), spec.get("docx_alt"))
                      for role, spec in data["fonts"].items()}
        self.glyph_fallback = tuple(data.get("glyph_fallback", ()))
        self.reference_docx = data.get("reference_docx")  # a Word file whose styles and pages win
        self.styles = {name: self._style(name, spec) for name, spec in data["styles"].items()}

    def color(self, name_or_hex: str) -> str:
        value = self.colors.get(name_or_hex, name_or_hex)
        if not (isinstance(value, str) and value.startswith("#") and len(value) == 7):
            raise InputError(
                _("theme '{name}': colour '{name_or_hex}' is not a #RRGGBB value or a colour name").format(
                    name=self.name, name_or_hex=name_or_hex
                ),
                Location(f"<theme {self.name}>"),
            )
        return value

    def _style(self, name: str, spec: dict) -> TextStyle:
        body = self.data["styles"]["body"]
        size = size_pt(spec.get("size", body["size"]))
        font = spec.get("font", body["font"])
        if font not in self.data["fonts"]:
            raise InputError(
                _("theme '{name}': style '{name2}' uses unknown font role '{font}'").format(
                    name=self.name, name2=name, font=font
                ),
                Location(f"<theme {self.name}>"),
            )
        # Body-sized text sits on the page grid; other sizes say their own leading.
        leading = float(spec["leading"]) if "leading" in spec else (
            self.line_pitch if size <= size_pt(body["size"]) else round(size * 1.6, 2))
        return TextStyle(name, font, size, leading, spec.get("align", "left"),
                         float(spec.get("indent_chars", 0)), bool(spec.get("bold", False)),
                         self.color(spec.get("color", "text")), float(spec.get("space_before", 0)),
                         float(spec.get("space_after", 0)))

    def style(self, name: str) -> TextStyle:
        return self.styles[name]

    def heading_style(self, level: int) -> TextStyle:
        return self.styles[f"heading{min(level, 4)}"]

    def list_mark(self, ordered: bool, n: int) -> str:
        return self.list_marks["ordered" if ordered else "bullet"].format(n=n)

    def heading_pattern(self, level: int) -> str:
        return self.heading_numbers[min(level, len(self.heading_numbers)) - 1]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


@lru_cache(maxsize=None)
def _builtin(name: str) -> dict:
    path = PACKAGE / "themes" / f"{name}.yaml"
    from ..yamlfile import package_yaml  # not at import: the PDF's process only unpickles themes
    data = package_yaml(path)  # the package's own file: plain data, without locations
    base = data.pop("base", None)
    return _merge(_builtin(base), data) if base else data


def load_theme(layout: str, user_file: str | None = None, named_at=None) -> Theme:
    """The layout's built-in theme (named in layouts/LAYOUT.yaml), with a user's theme file
    merged over it."""
    from ..layout import load_layout
    builtin = load_layout(layout).theme
    if user_file is None:
        return Theme(layout, _builtin(builtin))
    from pathlib import Path

    from ..yamlfile import load_yaml
    if not Path(user_file).is_file():
        raise InputError(
            _(
                "theme file '{user_file}' not found; paths in a spec are relative to the "
                "workspace (the folder holding briefs/)"
            ).format(user_file=user_file),
            named_at,
            "theme",
        )
    base = _builtin(builtin)
    doc = load_yaml(user_file, _("theme file"))
    data = _merge(base, validate(doc, base))
    if data.get("reference_docx"):
        reference = Path(data["reference_docx"])
        if not reference.is_absolute():
            data["reference_docx"] = str(Path(user_file).parent / reference)
    return Theme(f"{layout}+{user_file}", data)


class HeadingNumberer:
    """Numbers headings from the structure: 一、 then （一） under it, and so on; a heading
    resets the counters of the levels below it."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        level = max(1, min(level, 4))
        self.counts[level - 1] += 1
        for deeper in range(level, 4):
            self.counts[deeper] = 0
        return heading_label(self.theme.heading_pattern(level), self.counts[level - 1])

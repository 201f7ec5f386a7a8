"""Validation of a user's theme file, with the same file:line:col errors as specs.

A theme file is merged over the layout's built-in theme; it names only what it changes:

    styles:
      body: {size: 小三, color: "#1F1F1F"}
    colors: {red: "#C00000"}
    fonts:
      body: {docx: 仿宋, file: /usr/share/fonts/office/fangsong.ttf}
"""
from __future__ import annotations

import math
import re

from ..errors import ErrorList, InputError, did_you_mean
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # YAML is read where themes are loaded, not where they are only unpickled
    from ..yamlfile import MarkedYAML
from .sizes import SIZE_NAMES, size_pt
from ..i18n import _

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
ALIGNS = ("left", "center", "right", "justify")
STYLE_KEYS = {"font": str, "size": "size", "align": ALIGNS, "indent_chars": float, "bold": bool,
              "color": "color", "leading": float, "space_before": float, "space_after": float}
FONT_KEYS = {"docx": "font", "docx_alt": "font", "pdf": "fonts", "convert": "fonts", "fallback": "fonts", "file": str}
# A font family name goes into Word's XML, the HTML edition's CSS and the PDF: letters of any
# script, digits, spaces and - _ . + & ( ) （ ）, and : before a style (Noto Serif CJK SC:Bold).
FONT_NAME = re.compile(r"^[\w .\-+&()（）:]{1,64}$")
# Numbers in mm or pt: finite, not negative, and within what a page can hold.
MAX_MEASURE = 1000.0
PATTERN_FIELDS = {"heading_numbers": ("zh", "n"), "list_marks": ("n",)}
SECTIONS = {
    "page": {"width_mm": float, "height_mm": float, "margin_top_mm": float, "margin_bottom_mm": float,
             "margin_left_mm": float, "margin_right_mm": float, "page_number_gap_mm": float},
    "grid": {"lines": int, "chars": int},
    "masthead": {"name": str, "rule_pt": float},
    "closing_rules": {"outer_pt": float, "inner_pt": float},
    "list_marks": {"bullet": str, "ordered": str},
}
TOP = {"page", "grid", "fonts", "latin_font", "colors", "chart_colors", "heading_numbers", "list_marks",
       "styles", "masthead", "closing_rules", "glyph_fallback", "reference_docx"}


def validate(doc: MarkedYAML, base: dict) -> dict:
    """The theme file's data, checked against what the built-in theme `base` knows."""
    from ..yamlfile import key_path_text
    errors: list[InputError] = []

    def fail(path, message, at_key=False):
        where = doc.key_where(path) if at_key else doc.where(path)
        errors.append(InputError(message, where, key_path_text(path)))

    def unknown(mapping, allowed, path):
        for key in mapping:
            if key not in allowed:
                fail(path + (key,), _("unknown key '{key}'").format(key=key) + did_you_mean(key, allowed), at_key=True)

    def check(value, kind, path):
        if kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and not (math.isfinite(value) and 0 <= value <= MAX_MEASURE):
                return fail(path, _("{value} is out of range (0 to {most})").format(value=value, most=int(MAX_MEASURE)))
            return ok or fail(path, _("expected a number"))
        if kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            if ok and not 1 <= value <= 200:
                return fail(path, _("{value} is out of range (1 to {most})").format(value=value, most=200))
            return ok or fail(path, _("expected a whole number"))
        if kind == "font":
            return (isinstance(value, str) and FONT_NAME.match(value)) or fail(path, _(
                "'{value}' is not a font name (letters, digits, spaces and - _ . + & ( ) only)").format(value=value))
        if kind == "fonts":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                return fail(path, _("expected a list of names"))
            return all([check(v, "font", path + (i,)) for i, v in enumerate(value)])
        if kind is bool:
            return isinstance(value, bool) or fail(path, _("expected true or false"))
        if kind is str:
            return isinstance(value, str) or fail(path, _("expected text"))
        if kind is list:
            return (isinstance(value, list) and all(isinstance(v, str) for v in value)) or \
                fail(path, _("expected a list of names"))
        if kind == "size":
            try:
                size_pt(value)
                return True
            except ValueError:
                return fail(
                    path,
                    _("size '{value}' is not a number of points or a size name ({size_names})").format(
                        value=value, size_names="、".join(SIZE_NAMES)
                    ),
                )
        if kind == "color":
            return (isinstance(value, str) and (HEX.match(value) or value in colors)) or fail(
                path,
                _("colour '{value}' is not #RRGGBB or a colour name of the theme ({sorted})").format(
                    value=value, sorted=", ".join(sorted(colors))
                ),
            )
        if isinstance(kind, tuple):
            return value in kind or fail(
                path, _("must be one of {kind}").format(kind=", ".join(kind)) + did_you_mean(str(value), kind)
            )
        raise AssertionError(kind)

    data = doc.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(_("a theme file is a mapping (styles:, colors:, fonts:, page: …)"), doc.where(()))
    unknown(data, TOP, ())
    colors = dict(base.get("colors", {}))
    for name, value in (data.get("colors") or {}).items():
        if not (isinstance(value, str) and HEX.match(value)):
            fail(("colors", name), _("colour '{value}' is not #RRGGBB").format(value=value))
        colors[name] = value
    for section, keys in SECTIONS.items():
        if section in data:
            if not isinstance(data[section], dict):
                fail((section,), _("expected a mapping"))
                continue
            unknown(data[section], keys, (section,))
            for key, value in data[section].items():
                if key in keys:
                    check(value, keys[key], (section, key))
    roles = set(base.get("fonts", {})) | set(data.get("fonts") or {})
    for role, spec in (data.get("fonts") or {}).items():
        if not isinstance(spec, dict):
            fail(("fonts", role), _("a font role is a mapping: {docx: 黑体, file: /path/font.ttf}"))
            continue
        unknown(spec, FONT_KEYS, ("fonts", role))
        for key, value in spec.items():
            if key in FONT_KEYS:
                check(value, FONT_KEYS[key], ("fonts", role, key))
        if role not in base.get("fonts", {}) and "docx" not in spec:
            fail(("fonts", role), _("the new font role '{role}' needs a docx name").format(role=role))
    for name, spec in (data.get("styles") or {}).items():
        if name not in base.get("styles", {}):
            fail(("styles", name), _("unknown style '{name}'").format(name=name) + did_you_mean(name,
                base.get("styles", {})),
                 at_key=True)
            continue
        if not isinstance(spec, dict):
            fail(("styles", name), _("a style is a mapping: {size: 三号, color: \"#000000\"}"))
            continue
        unknown(spec, STYLE_KEYS, ("styles", name))
        for key, value in spec.items():
            if key not in STYLE_KEYS:
                continue
            if key == "font" and (not isinstance(value, str) or value not in roles):
                fail(
                    ("styles", name, key),
                    _("unknown font role '{value}'").format(value=value) + did_you_mean(str(value), roles),
                )
            elif key != "font":
                check(value, STYLE_KEYS[key], ("styles", name, key))
        size = spec.get("size", base.get("styles", {}).get(name, {}).get("size"))
        leading = spec.get("leading")
        try:
            too_tight = isinstance(leading, (int, float)) and leading < 0.8 * size_pt(size)
        except ValueError:
            too_tight = False  # the size's own error is reported
        if too_tight:
            fail(("styles", name, "leading"), _("leading {leading} is less than the text's size allows "
                                                "(at least 0.8 × the size, {least:g} pt)").format(
                leading=leading, least=round(0.8 * size_pt(size), 1)))
    for key in ("chart_colors", "heading_numbers"):
        if key in data:
            check(data[key], list, (key,))
    if "glyph_fallback" in data:
        check(data["glyph_fallback"], "fonts", ("glyph_fallback",))
    for key, fields in PATTERN_FIELDS.items():
        patterns = data.get(key)
        items = enumerate(patterns) if isinstance(patterns, list) else (
            patterns.items() if isinstance(patterns, dict) else ())
        for i, pattern in items:
            if isinstance(pattern, str) and not _plain_pattern(pattern, fields):
                fail((key, i), _("'{pattern}' may hold only {fields} in braces, with nothing else inside them").format(
                    pattern=pattern, fields=" ".join("{" + f + "}" for f in fields)))
    page = {**base.get("page", {}), **(data.get("page") or {})}
    numbers = all(isinstance(page.get(k), (int, float)) for k in (
        "width_mm", "height_mm", "margin_top_mm", "margin_bottom_mm", "margin_left_mm", "margin_right_mm"))
    if numbers and (page["width_mm"] - page["margin_left_mm"] - page["margin_right_mm"] < 30
                    or page["height_mm"] - page["margin_top_mm"] - page["margin_bottom_mm"] < 30):
        fail(("page",), _("the margins leave less than 30 mm of the page for text; check the page size and margins"))
    if "heading_numbers" in data and isinstance(data["heading_numbers"], list) and len(data["heading_numbers"]) != 4:
        fail(("heading_numbers",), _("give four patterns, one per heading level, e.g. "
                                   "[\"{zh}、\", \"（{zh}）\", \"{n}.\", \"（{n}）\"]"))
    for i, value in enumerate(data.get("chart_colors") or []):
        check(value, "color", ("chart_colors", i))
    if "latin_font" in data:
        check(data["latin_font"], "font", ("latin_font",))
    if "reference_docx" in data:
        check(data["reference_docx"], str, ("reference_docx",))
    if errors:
        errors.sort(key=lambda e: (e.location.line or 0, e.location.col or 0))  # in file order
        raise ErrorList(errors)
    return data


def _plain_pattern(pattern: str, fields: tuple[str, ...]) -> bool:
    """A numbering pattern whose only fields are the plain names given: no format spec, no
    conversion, no attribute or index (a format string from a theme file is code otherwise)."""
    import string
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return False
    return all(name is None or (name in fields and not spec and conversion is None)
               for __, name, spec, conversion in parsed) and len(pattern) <= 40

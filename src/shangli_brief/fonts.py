"""Which font file the PDF embeds for each font role of the theme, and why.

For each role, in order: a file the user names (environment variable SHANGLI_BRIEF_FONT_<ROLE>,
or `file:` in the theme); an installed official face by family name (SHANGLI_BRIEF_FONT_DIRS,
then the system's fonts: see fontscan), such as a licensed 方正小标宋简体 or Windows' 仿宋; a CFF
OpenType face (FandolFang, Noto CJK) converted to TrueType for the characters the brief uses and
cached (fontconvert); then the plainer free faces, which a build names in a warning. The DOCX
embeds nothing: it asks for the official Windows names and recipients' Word/WPS resolves them."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import BuildError, InputError
from .fontconvert import base_charset, cached_path, ensure
from .fontscan import Face, all_faces
from .portability import font_file_spec
from .theme import FontRole, Theme
from .i18n import _


@dataclass(frozen=True)
class ResolvedFont:
    role: str
    family: str
    file: str
    index: int        # face index inside a .ttc collection
    reason: str
    substitute: bool = False  # not a face the role asks for: the build warns


Chars = frozenset[int] | None  # code points a build needs; None: only show what is there


@lru_cache(maxsize=1)
def installed_faces() -> dict[str, Face]:
    """'Family' and 'Family:Style' -> the installed face, for every installed face; the first
    found wins, so a folder in SHANGLI_BRIEF_FONT_DIRS comes before the system's."""
    faces = all_faces()
    found: dict[str, Face] = {}
    # A face's first style is its own; later ones are aliases (fontconfig calls a Light face
    # "Light,Regular"), so they only fill what no face claims as its own.
    for pass_styles in (lambda styles: styles[:1], lambda styles: styles[1:]):
        for entry in faces:
            for family in entry.families:
                for style in pass_styles(entry.styles):
                    found.setdefault(f"{family}:{style}", entry.face)
    for entry in faces:
        for family in entry.families:
            found.setdefault(family, found.get(f"{family}:Regular") or found.get(f"{family}:Book")
                             or entry.face)
    return found


def _lookup(name: str, fmt: str | None = None) -> Face | None:
    faces = installed_faces()
    # A bare family means its Regular face (fontconfig may also call a Light face "Regular").
    face = faces.get(name if ":" in name else f"{name}:Regular") or faces.get(name)
    return face if face is not None and fmt in (None, face.format) else None


def env_variable(role: str) -> str:
    return f"SHANGLI_BRIEF_FONT_{role.upper()}"


def _font_format(path: Path) -> str | None:
    """TrueType, CFF (OpenType with PostScript outlines) or None for a file that is no font."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head == b"ttcf":  # a collection: look at its first face's header
                f.seek(12)
                f.seek(int.from_bytes(f.read(4), "big"))
                head = f.read(4)
    except OSError:
        return None
    return {b"\0\1\0\0": "TrueType", b"true": "TrueType", b"OTTO": "CFF"}.get(head)


def _named_file(role: FontRole, chars: Chars = None) -> ResolvedFont | None:
    """A file the user names for the role: SHANGLI_BRIEF_FONT_<ROLE> or the theme's `file:`.
    `path:N` picks face N of a collection; `C:\\Windows\\Fonts\\simfang.ttf` is a path."""
    variable = env_variable(role.name)
    named = os.environ.get(variable) or role.file
    if not named:
        return None
    source = variable if os.environ.get(variable) else _("the theme's file:")
    path, index = font_file_spec(named)
    if not path.is_file():
        raise InputError(
            _("font file '{path}' for role '{name}' (from {source}) not found").format(
                path=path, name=role.name, source=source
            )
        )
    kind = _font_format(path)
    if kind is None:
        raise InputError(
            _("'{path}' for role '{name}' (from {source}) is not a font file; name a .ttf, .ttc or .otf file").format(
                path=path, name=role.name, source=source
            )
        )
    if kind == "CFF":  # PostScript outlines: converted to TrueType, like the Noto faces
        target = _subset(str(path), index, chars)
        return ResolvedFont(
            role.name,
            path.stem,
            str(target),
            0,
            _("named by the user ({source}); converted from {name} to TrueType").format(source=source, name=path.name),
        )
    return ResolvedFont(role.name, path.stem, str(path), index, _("named by the user ({source})").format(source=source))


def resolve_role(role: FontRole, chars: Chars = None) -> ResolvedFont:
    """The face for a role. `chars`: the characters a build needs, for which a CFF face (or a
    large TrueType collection) is subset and converted now where the cache lacks them; None
    shows the face without converting anything (the `fonts` command)."""
    named = _named_file(role, chars)
    if named:
        return named
    skipped = []
    # The official faces first (仿宋_GB2312, FangSong, STFangsong ...), TrueType or not.
    for family in role.pdf:
        face = _lookup(family)
        if face is None:
            continue
        if face.format == "TrueType" and Path(face.file).stat().st_size <= BIG_FACE:
            return ResolvedFont(role.name, family, face.file, face.index, _("installed"))
        return _converted(role.name, family, face, chars, _("installed"))
    for n, family in enumerate(role.convert):
        face = _lookup(family, "CFF")
        if face is None:
            skipped.append(_("{family} not installed").format(family=family))
            continue
        # only the first is the face the role asks for (a Song face may stand in for 仿宋)
        return replace(_converted(role.name, family, face, chars), substitute=n > 0)
    for family in role.fallback:
        face = _lookup(family, "TrueType")
        if face:
            why = _("plain free face") + (f"; {'; '.join(skipped)}" if skipped else "")
            return ResolvedFont(role.name, family, face.file, face.index, why, substitute=True)
    tried = ", ".join((*role.pdf, *role.convert, *role.fallback))
    raise BuildError(
        _("no installed font for role '{name}' (tried {tried}); {ways_out}").format(
            name=role.name, tried=tried, ways_out=ways_out(role.name)
        )
    )


# An installed TrueType face larger than this (a full GBK or Unicode collection) is used through
# a subset too: ReportLab reads the small file several times faster.
BIG_FACE = 8_000_000


def _subset(file: str, index: int, chars: Chars) -> Path:
    """The cached subset holding `chars`, made or grown now; with chars None (shown, not built),
    the subset as cached, made with the base characters where there is none yet."""
    if chars is None and cached_path(file, index).exists():
        return cached_path(file, index)
    return ensure(file, index, base_charset() if chars is None else chars)


def _converted(role: str, family: str, face: Face, chars: Chars, reason: str = "") -> ResolvedFont:
    if chars is None and not cached_path(face.file, face.index).exists():  # shown, nothing made yet
        return ResolvedFont(role, family, face.file, face.index, (f"{reason}; " if reason else "") + _(
            "converted to a TrueType subset of the characters each brief uses, at its build"))
    target = _subset(face.file, face.index, chars)
    return ResolvedFont(role, family, str(target), 0, (f"{reason}; " if reason else "")
                        + _("converted from {name} to a TrueType subset, cached").format(name=Path(face.file).name))


def ways_out(role: str) -> str:
    """The three ways to give a role a font, with this system's specifics."""
    if os.name == "nt":
        install = (_("install the fonts (Windows ships 仿宋 simfang.ttf, 黑体 simhei.ttf, 楷体 "
                   "simkai.ttf and 宋体 simsun.ttc: see C:\\Windows\\Fonts, or Settings > "
                   "Personalisation > Fonts)"))
    elif os.path.isdir("/System/Library/Fonts"):
        install = (_("install the fonts (macOS: Font Book > install 华文仿宋 STFangsong, 华文楷体 "
                   "STKaiti and 宋体-简 Songti SC, or double-click a .ttf file)"))
    else:
        install = (_("install the fonts (Debian: sudo apt-get install fonts-noto-cjk "
                   "fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei; or run `make brief`)"))
    return _(
        "{install}; or name a folder of font files in SHANGLI_BRIEF_FONT_DIRS; or name a "
        "font file with {env_variable}=FILE or `file:` under fonts.{role} in a theme"
    ).format(install=install, env_variable=env_variable(role), role=role)


def resolve_theme_fonts(theme: Theme, chars: Chars = None) -> dict[str, ResolvedFont]:
    return {name: resolve_role(role, chars) for name, role in theme.fonts.items()}


def substitute_warnings(fonts: dict[str, ResolvedFont], theme: Theme) -> list[str]:
    """One line per role set in a face it does not ask for: seen before the brief is printed."""
    return [_("font role '{role}' has no {wanted} face here: {family} stands in; {ways_out}").format(
        role=role, wanted=(theme.fonts[role].pdf or theme.fonts[role].convert or [role])[0], family=font.family,
        ways_out=ways_out(role)) for role, font in fonts.items() if font.substitute]


def fallback_faces(theme: Theme) -> list[ResolvedFont]:
    """Full-coverage faces for characters a converted subset lacks (rare characters)."""
    out = []
    for family in theme.glyph_fallback:
        face = _lookup(family, "TrueType")
        if face:
            out.append(ResolvedFont("fallback", family, face.file, face.index, _("glyph fallback")))
    return out


def text_chars(*roots) -> frozenset[int]:
    """Every character of every string in the objects given (a document, a theme), at any depth:
    what the PDF's faces must hold."""
    chars: set[str] = set()  # characters, made code points once, at the end
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            chars.update(item)
        elif isinstance(item, (int, float, bytes)) or item is None or id(item) in seen:
            continue
        else:
            seen.add(id(item))
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, (list, tuple, set, frozenset)):
                stack.extend(item)
            elif hasattr(item, "__dict__"):
                stack.extend(vars(item).values())
    return frozenset(code for code in map(ord, chars) if code >= 0x20)  # line breaks and tabs draw no glyph

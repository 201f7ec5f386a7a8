"""Which font file the PDF embeds for each font role of the theme, and why.

For each role, in order: a file the user names (environment variable SHANGLI_BRIEF_FONT_<ROLE>,
or `file:` in the theme); an installed TrueType face by family name (fontconfig), such as a
licensed 方正小标宋简体; a CFF OpenType face (Noto CJK) converted to TrueType once and cached;
then the plainer free TrueType faces. The DOCX embeds nothing: it asks for the official Windows
names and recipients' Word/WPS resolves them."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BuildError, InputError
from .fontconvert import cached_path, convert
from .theme import FontRole, Theme


@dataclass(frozen=True)
class ResolvedFont:
    role: str
    family: str
    file: str
    index: int        # face index inside a .ttc collection
    reason: str


@dataclass(frozen=True)
class Face:
    file: str
    index: int
    format: str       # TrueType | CFF


@lru_cache(maxsize=1)
def installed_faces() -> dict[str, Face]:
    """'Family' and 'Family:Style' -> the face fontconfig knows, for every installed face."""
    if shutil.which("fc-list") is None:
        return {}
    out = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\t%{fontformat}\n"],
                         capture_output=True, text=True, check=False).stdout
    faces = []
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) == 5 and parts[4] in ("TrueType", "CFF"):
            faces.append((Face(parts[0], int(parts[1] or 0), parts[4]),
                          [f.strip() for f in parts[2].split(",")],
                          [s.strip() for s in parts[3].split(",")]))
    found: dict[str, Face] = {}
    # A face's first style is its own; later ones are aliases (fontconfig calls a Light face
    # "Light,Regular"), so they only fill what no face claims as its own.
    for pass_styles in (lambda styles: styles[:1], lambda styles: styles[1:]):
        for face, families, styles in faces:
            for family in families:
                for style in pass_styles(styles):
                    found.setdefault(f"{family}:{style}", face)
    for face, families, styles in faces:
        for family in families:
            found.setdefault(family, found.get(f"{family}:Regular") or found.get(f"{family}:Book") or face)
    return found


def _lookup(name: str, fmt: str) -> Face | None:
    faces = installed_faces()
    # A bare family means its Regular face (fontconfig may also call a Light face "Regular").
    face = faces.get(name if ":" in name else f"{name}:Regular") or faces.get(name)
    return face if face is not None and face.format == fmt else None


def env_variable(role: str) -> str:
    return f"SHANGLI_BRIEF_FONT_{role.upper()}"


def resolve_role(role: FontRole, prepare: bool = False) -> ResolvedFont:
    """The face for a role. With `prepare`, a CFF face is converted now if not yet cached;
    without, a missing conversion falls through to the plainer faces (builds stay fast)."""
    named = os.environ.get(env_variable(role.name)) or role.file
    if named:
        path, _, index = named.partition(":")
        if not Path(path).is_file():
            source = env_variable(role.name) if os.environ.get(env_variable(role.name)) else "theme"
            raise InputError(f"font file '{path}' for role '{role.name}' (from {source}) not found")
        if not path.lower().endswith((".ttf", ".ttc")):
            raise InputError(f"font file '{path}' for role '{role.name}' is not TrueType (.ttf/.ttc); "
                             "ReportLab embeds TrueType outlines only")
        return ResolvedFont(role.name, Path(path).stem, path, int(index or 0), "named by the user")
    for family in role.pdf:
        face = _lookup(family, "TrueType")
        if face:
            return _subset_if_prepared(role.name, family, face, "installed", prepare)
    skipped = []
    for family in role.convert:
        face = _lookup(family, "CFF")
        if face is None:
            skipped.append(f"{family} not installed")
            continue
        target = cached_path(face.file, face.index)
        if not target.exists() and prepare:
            convert(face.file, face.index, target)
        if target.exists():
            return ResolvedFont(role.name, family, str(target), 0,
                                f"converted from {Path(face.file).name} (CFF) to TrueType, cached")
        skipped.append(f"{family} not converted yet (run `shangli-brief fonts --prepare`)")
    for rank, family in enumerate(role.fallback):
        face = _lookup(family, "TrueType")
        if face:
            why = "plain free face" + (f"; {'; '.join(skipped)}" if skipped else "")
            return ResolvedFont(role.name, family, face.file, face.index, why)
    tried = ", ".join((*role.pdf, *role.convert, *role.fallback))
    raise BuildError(f"no installed font for role '{role.name}' (tried {tried}); run `make brief` "
                     "to install the fonts, or apt-get install fonts-noto-cjk fonts-arphic-uming "
                     "fonts-arphic-ukai fonts-wqy-zenhei")


def _subset_if_prepared(role: str, family: str, face: Face, reason: str, prepare: bool) -> ResolvedFont:
    """A big installed face (a full GBK or Unicode CJK font) is used through its briefing
    subset once `--prepare` has made it: ReportLab reads the small file several times faster.
    Characters outside the subset fall back per character (see fallback_faces)."""
    if Path(face.file).stat().st_size > 8_000_000:
        target = cached_path(face.file, face.index)
        if not target.exists() and prepare:
            convert(face.file, face.index, target)
        if target.exists():
            return ResolvedFont(role, family, str(target), 0, f"{reason}; GB2312 subset cached")
    return ResolvedFont(role, family, face.file, face.index, reason)


def resolve_theme_fonts(theme: Theme, prepare: bool = False) -> dict[str, ResolvedFont]:
    return {name: resolve_role(role, prepare) for name, role in theme.fonts.items()}


def fallback_faces(theme: Theme) -> list[ResolvedFont]:
    """Full-coverage faces for characters a converted subset lacks (rare characters)."""
    out = []
    for family in theme.glyph_fallback:
        face = _lookup(family, "TrueType")
        if face:
            out.append(ResolvedFont("fallback", family, face.file, face.index, "glyph fallback"))
    return out

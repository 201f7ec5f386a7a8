"""Which font file the PDF embeds for each font role of the theme.

The theme names fontconfig families in order of preference; the first installed one wins. The
DOCX does not embed fonts: it asks for the official Windows names and recipients' Word/WPS
resolves them."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from .errors import BuildError
from .theme import FontRole, Theme


@dataclass(frozen=True)
class ResolvedFont:
    role: str
    family: str
    file: str
    index: int        # face index inside a .ttc collection
    reason: str


@lru_cache(maxsize=1)
def installed_families() -> dict[str, tuple[str, int]]:
    """family name -> (file, face index) of every TrueType face fontconfig knows."""
    if shutil.which("fc-list") is None:
        return {}
    out = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{fontformat}\n"],
                         capture_output=True, text=True, check=False).stdout
    found: dict[str, tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or parts[3] != "TrueType":
            continue  # ReportLab embeds TrueType outlines only
        file, index, families = parts[0], int(parts[1] or 0), parts[2]
        if not file.lower().endswith((".ttf", ".ttc")):
            continue
        for family in families.split(","):
            found.setdefault(family.strip(), (file, index))
    return found


def resolve_role(role: FontRole) -> ResolvedFont:
    families = installed_families()
    for rank, family in enumerate(role.pdf):
        if family in families:
            file, index = families[family]
            why = "first choice" if rank == 0 else f"fallback: {', '.join(role.pdf[:rank])} not installed"
            return ResolvedFont(role.name, family, file, index, why)
    raise BuildError(f"no installed font for role '{role.name}' (tried {', '.join(role.pdf)}); "
                     "run `make brief` to install the fonts, or apt-get install fonts-arphic-uming "
                     "fonts-arphic-ukai fonts-wqy-zenhei")


def resolve_theme_fonts(theme: Theme) -> dict[str, ResolvedFont]:
    return {name: resolve_role(role) for name, role in theme.fonts.items()}

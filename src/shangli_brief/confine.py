"""Files a spec names stay inside its workspace.

A spec, a theme or a template pack may come from another office. Whatever it names — data files,
template folders, a theme, a reference Word file — must resolve, links followed, inside the
workspace (the folder holding briefs/) or inside a folder the user named on the command line
(--templates, --allow). Anything else is refused before it is read, so that no shared file can
print /etc/passwd or a colleague's documents into a brief."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError, Location, display_path
from .i18n import _


def real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def inside(path: str | Path, roots) -> bool:
    """Whether `path`, links followed, is one of `roots` or lies under one."""
    target = real(path)
    for root in roots:
        root = real(root)
        if target == root or root in target.parents:
            return True
    return False


def check_inside(path: Path, roots, where: Location | None, key: str | None, what: str) -> Path:
    """`path` if it resolves inside `roots`, else an InputError saying how to use it anyway."""
    if inside(path, roots):
        return path
    link = _(" (through a link)") if real(path) != Path(os.path.abspath(path)) else ""
    raise InputError(
        _(
            "the {what} '{path}' is outside the workspace{link}; copy it into the workspace, "
            "or name its folder with --allow DIR"
        ).format(what=what, path=display_path(str(path)), link=link),
        where,
        key,
    )

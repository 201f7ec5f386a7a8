"""The theme's styled empty document, made once and kept in the cache folder.

Making it (python-docx's template cleaned, fifty styles installed) is most of the time a fresh
process spends on a brief's DOCX; opening the saved result takes a fifth of that. The file is
named after everything it is made from — the theme's content, this package's version and the
code and data that install styles, python-docx's version — so any change makes a new one. A
cache that cannot be read or written is simply not used."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import docx

from ...diskcache import fingerprint, keep
from ...portability import cache_dir
from .base import new_document
from .styles import install_styles

_MADE_FROM = tuple(f"writers/docx/{name}" for name in
                   ("base.py", "styles.py", "styled.py", "style_names.yaml", "font_facts.yaml"))


def styled_document(theme):
    path = _cached_path(theme)
    if path is not None and path.is_file():
        try:
            return docx.Document(io.BytesIO(path.read_bytes()))
        except Exception:  # noqa: BLE001 - damaged or foreign: made again below
            pass
    document = new_document()
    install_styles(document, theme, keep_existing=False)
    if path is not None:
        _keep(document, path)
    return document


def _cached_path(theme) -> Path | None:
    try:
        made_from = f"{theme.key}|{docx.__version__}|{fingerprint(*_MADE_FROM)}"
    except OSError:
        return None
    return cache_dir() / "docx" / f"styled-{hashlib.sha256(made_from.encode()).hexdigest()[:20]}.docx"


def _keep(document, path: Path) -> None:
    buffer = io.BytesIO()
    document.save(buffer)
    keep(path, buffer.getvalue())

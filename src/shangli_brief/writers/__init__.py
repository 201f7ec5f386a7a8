"""Writers: a flat table from format name to a function write(document, theme, path) -> pages."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Written:
    pages: int | None   # None where the format has no fixed pages (DOCX)


def writer_for(fmt: str):
    # Imported on demand: a DOCX-only build never loads ReportLab, and the reverse.
    if fmt == "docx":
        from .docx.writer import write
    elif fmt == "pdf":
        from .pdf.writer import write
    else:
        raise KeyError(fmt)
    return write


def chinese_date(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"

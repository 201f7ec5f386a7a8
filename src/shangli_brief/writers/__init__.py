"""Writers: a flat table from format name to a function write(document, theme, path) -> pages."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Written:
    pages: int | None   # None where the format has no fixed pages (DOCX)
    warnings: tuple[str, ...] = ()   # things the reader should know, e.g. characters without a face


@dataclass(frozen=True)
class WriteOptions:
    duplex: bool = False  # --print: new parts start on a right-hand (odd) page


# Cell padding of data tables in pt (top, bottom, left, right), the same in both writers so
# that a table takes the same height in Word, LibreOffice and the PDF.
TABLE_PADDING = (3, 4, 5, 5)


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


def table_column_widths(columns, theme) -> list[float]:
    """Column widths in pt, the same in both writers: fixed widths for unit, values and change
    (in characters of the table text), the rest for the indicator name."""
    char = theme.style("table").size
    fixed = {"单位": 4, "变化": 9, "时期": 8, "数值": 7, "来源": 8, "章节": 6}
    widths = [fixed.get(c.label, 7) * char for c in columns[1:]]
    return [theme.text_width - sum(widths)] + widths


def title_text(title: str, theme) -> str:
    """The document title, broken into balanced lines when it is too long for one."""
    from ..typography import balanced_lines
    style = theme.style("title")
    return "\n".join(balanced_lines(title, theme.text_width / style.size))


def heading_style(block) -> str:
    """The theme style of a heading: an unnumbered level-1 heading is an appendix's (附件),
    flush left; the others by level."""
    if block.level == 1 and not block.numbered:
        return "appendix_heading"
    return f"heading{min(block.level, 4)}"


def caption_mark(block) -> str:
    """图 for a chart, 表 for a table: the word before a caption's number."""
    return "图" if type(block).__name__ == "Chart" else "表"


def caption(block) -> str:
    """表1　title / 图1　title: numbered in document order by the resolver."""
    if block.number is None:
        return block.title
    return f"{caption_mark(block)}{block.number}　{block.title}"


def contents_titles(doc, theme) -> list[str]:
    """The level-1 headings with their numbers, as both writers' contents list them."""
    from ..model import Heading
    from ..theme import HeadingNumberer
    numberer, titles = HeadingNumberer(theme), []
    for block in doc.blocks:
        if isinstance(block, Heading):
            label = numberer.next(block.level) if block.numbered else ""
            if block.level == 1:
                titles.append(label + block.text)
    return titles

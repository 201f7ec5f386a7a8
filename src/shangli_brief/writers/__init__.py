"""Writers: a flat table from format name to a function write(document, theme, path) -> pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Written:
    pages: int | None   # None where the format has no fixed pages (DOCX)
    warnings: tuple[str, ...] = ()   # things the reader should know, e.g. characters without a face
    contents_pages: tuple[int, ...] = ()  # the PDF: the page of each contents entry


@dataclass(frozen=True)
class WriteOptions:
    duplex: bool = False  # --print: new parts start on a right-hand (odd) page
    # The DOCX's contents: the page of each entry, as the PDF lays them out (None: lay the PDF
    # out to learn them; (): leave them to Word and WPS, which update the field on opening)
    contents_pages: tuple[int, ...] | None = None
    # The PDF: called with the page of each contents entry once every page is laid out, before
    # the file is put together (fonts subset and compressed: a third of the PDF's time)
    laid_out: Callable[[tuple[int, ...]], None] | None = field(default=None, compare=False)


# Space above and below each line of the 版记 in pt, inside its rules, in both writers.
CLOSING_PADDING = 3

# Cell padding of data tables in pt (top, bottom, left, right), the same in both writers so
# that a table takes the same height in Word, LibreOffice and the PDF.
TABLE_PADDING = (3, 4, 5, 5)


# The one table of formats: the spec schema, the command line and the manifest take their names
# from here. Each module has write(document, theme, target, options) -> Written. Imported on
# demand: a DOCX-only build never loads ReportLab, and the reverse.
WRITERS = {"docx": "shangli_brief.writers.docx.writer", "pdf": "shangli_brief.writers.pdf.writer",
           "html": "shangli_brief.writers.html.writer"}
FORMATS = tuple(WRITERS)
DEFAULT_FORMATS = ("docx", "pdf")   # what a spec without `formats:` gets: the paper editions


class BlockVisitor:
    """What the three writers share: `visit(block)` calls `visit_<BlockType>(block)`; a block
    type a writer does not know is a build error naming the format and the block's origin
    (tests/writers/test_writers_table.py makes sure there is none)."""

    format_name = ""

    def visit(self, block):
        method = getattr(self, f"visit_{type(block).__name__}", None)
        if method is None:
            from ..errors import BuildError
            from ..i18n import _

            raise BuildError(
                _("the {format} writer cannot render a {kind} block").format(
                    format=self.format_name, kind=type(block).__name__
                ),
                getattr(block, "origin", None),
            )
        return method(block)


def deliver(data: bytes, target) -> None:
    """The finished file, to a path or a binary stream (publish.py renames it into place)."""
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as out:
            out.write(data)


def has_contents(doc) -> bool:
    from ..model import Contents
    return any(isinstance(block, Contents) for block in doc.front)


def writer_for(fmt: str):
    import importlib
    return importlib.import_module(WRITERS[fmt]).write


def table_column_widths(block, theme) -> list[float]:
    """Column widths in pt, the same in both writers, from the measured text of the cells (in
    characters of the table text, half for digits and Latin letters): every column at least as
    wide as its longest unbreakable piece (a short cell whole, a number with its unit, a period
    such as （2021—2025年）, a short book title 《…》), the rest of the width given where the
    text is longest, so a column wraps only when the table cannot be wider. Should short cells
    kept whole leave the name column narrower than NAME_COLUMN characters, only the shortest
    (SHORT_UNIT) are: names wrapped over four lines read worse than a wrapped figure."""
    widths = _column_widths(block, theme, SHORT_CELL)
    if widths[0] < NAME_COLUMN * theme.style("table").size:
        widths = _column_widths(block, theme, SHORT_UNIT)
    return widths


# A data cell this short (in characters: a figure with its unit, a period, 提高约0.1个百分点) is
# never wrapped: its column is as wide as it, and the name column wraps instead, as prose.
SHORT_CELL = 10
SHORT_UNIT = 4    # when that leaves too little for the names: a unit, a short label
NAME_COLUMN = 7   # characters


def _table_cells(block) -> list[list[str]]:
    return [[c.label for c in block.columns]] + [list(row) for row in block.rows]


def _cell_padding(theme) -> float:
    """A cell's side padding in characters of the table text, and half a character for digits
    and letters wider than half an em."""
    return (TABLE_PADDING[2] + TABLE_PADDING[3]) / theme.style("table").size + 0.5


def _column_widths(block, theme, short: int) -> list[float]:
    from ..typography import text_units
    char = theme.style("table").size
    padding = _cell_padding(theme)
    cells = _table_cells(block)
    count = len(block.columns)
    # a cell's lines (the appendix's 来源: the title, then its section) each measured alone
    longest = [max(text_units(line) for row in cells if k < len(row) for line in row[k].split("\n")) + padding
               for k in range(count)]
    # the name column's text wraps like prose: only its kept runs are unbreakable
    needed = [max(_unbreakable_units(line, short=short if k > 0 else 0)
                  for row in cells if k < len(row) for line in row[k].split("\n")) + padding
              for k in range(count)]
    available = theme.text_width / char
    if sum(longest) <= available:
        widths = longest[:]
        spare = available - sum(widths)
        # the spare width goes to the first (name) column, where a reader's eye starts
        widths[0] += spare
    elif sum(needed) >= available:
        widths = [available * n / sum(needed) for n in needed]
    else:
        # each data column at one of a few widths (its longest cell on 1, 2 or 3 lines, or its
        # unbreakable minimum), the name column the rest: the layout with the fewest lines wins
        import itertools
        import math
        choices = []
        for k in range(1, count):
            top = longest[k] - padding
            titled = max(_unbreakable_units(line, short=short, titles=True)
                         for row in cells for line in row[k].split("\n")) + padding
            options = {needed[k], titled} | {max(needed[k], math.ceil(2 * top / n) / 2 + padding)
                                             for n in (1, 2, 3)}
            choices.append(sorted(options))
        best = None
        for combo in itertools.product(*choices):
            rest = available - sum(combo)
            if rest < needed[0]:
                continue
            cost = _table_lines(cells, [rest, *combo], padding)
            if best is None or cost < best[0]:
                best = (cost, [rest, *combo])
        widths = best[1] if best else [available * n / sum(needed) for n in needed]
    return [w * char for w in widths]


def table_height(block, theme, widths: list[float]) -> float:
    """The table's height in pt as the writers set it (each row its tallest cell's lines at the
    table style's leading, and its padding), estimated from the characters of each cell: where
    the DOCX writer cannot measure the page, it decides with this what to keep together."""
    style = theme.style("table")
    padding = _cell_padding(theme)
    cells = _table_cells(block)
    lines = sum(max(_cell_lines(text, w / style.size - padding) for text, w in zip(row, widths)) for row in cells)
    return lines * style.leading + len(cells) * (TABLE_PADDING[0] + TABLE_PADDING[1])


def _table_lines(cells, widths, padding) -> float:
    """Lines of text the table takes at these column widths (each row as tall as its tallest
    cell), estimated from the characters of each cell."""
    from ..typography import BOOK_TITLE, text_units
    total = 0.0
    for row in cells:
        lines = [_cell_lines(text, widths[k] - padding) for k, text in enumerate(row)]
        # the row's height, and a penalty for each figure, unit or period that wraps, and for
        # each book title 《…》 broken: the name column's text wraps like prose, a figure or a
        # title broken over lines reads badly
        broken_titles = sum(1 for k, text in enumerate(row) if k for m in BOOK_TITLE.finditer(text)
                            if text_units(m.group()) > widths[k] - padding)
        total += max(lines) + 0.5 * sum(n - text.count("\n") - 1 for n, text in zip(lines[1:], row[1:])) \
            + 0.5 * broken_titles
    return total


def _cell_lines(text: str, width: float) -> int:
    """Lines a cell's text takes in a column `width` characters wide (its own line breaks kept)."""
    import math

    from ..typography import text_units
    return sum(math.ceil(text_units(line) / max(width, 0.5) - 1e-9) or 1 for line in text.split("\n"))


def _unbreakable_units(text: str, short: int = SHORT_CELL, titles: bool = False) -> float:
    """Width of the longest piece of `text` that no line may break: the whole text when it has
    `short` characters or fewer; else kept runs (numbers with their units, punctuation with its
    neighbour); with `titles`, book titles of up to 12 characters too (kept whole when the other
    columns can spare the width)."""
    from ..typography import BOOK_TITLE, no_break_before, text_units
    if len(text) <= short:
        return text_units(text)
    keep = no_break_before(text)
    for match in BOOK_TITLE.finditer(text) if titles else ():
        for k in range(match.start() + 1, match.end()):
            keep[k] = True
    best = run = 0.0
    for k, ch in enumerate(text):
        run = (run if k and keep[k] else 0.0) + (0.5 if ch.isascii() else 1.0)
        best = max(best, run)
    return best


def title_text(title: str, theme, style: str = "title") -> str:
    """The document title, broken between words into balanced lines when it is too long for
    one; every writer sets these lines (explicit breaks in the DOCX and the HTML)."""
    from ..words import word_lines
    return word_lines(title, theme.text_width / theme.style(style).size)


def panel_columns(block) -> int:
    """Key figures a row: two for four figures (a square), else three."""
    return 3 if len(block.items) != 4 else 2


def panel_label(label: str, block, theme) -> str:
    """A key figure's label in balanced lines where it needs two (比重 not alone on the second
    line), the same in both writers."""
    from ..words import word_lines
    size = theme.style("figure_label").size
    return word_lines(label, (theme.text_width / panel_columns(block) - 12) / size)  # the cell less its padding


def mark_ems(mark: str) -> float:
    """A list mark's width in ems, as a Chinese face sets it: full-width and ambiguous characters
    (（ ） • ·) one em, the others (digits, Latin) half an em."""
    import unicodedata
    return sum(1.0 if unicodedata.east_asian_width(ch) in "FWA" else 0.5 for ch in mark)


def list_marks(block, theme) -> tuple[list[str], float]:
    """A list's marks from the theme, and its hanging indent in ems: its widest mark, so that
    every item's wrapped lines start under its text, clear of the marks."""
    marks = [theme.list_mark(block.ordered, i) for i in range(1, len(block.items) + 1)]
    return marks, max((mark_ems(m) for m in marks), default=0.0)


def heading_style(block) -> str:
    """The theme style of a heading: an unnumbered level-1 heading is an appendix's (附件),
    flush left; the others by level."""
    if block.level == 1 and not block.numbered:
        return "appendix_heading"
    return f"heading{min(block.level, 4)}"


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

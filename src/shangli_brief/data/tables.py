"""Data updates as spreadsheets: CSV (UTF-8) and XLSX, one value a row.

Columns (the first row names them; order free, case ignored):
    id         indicator id, e.g. fireworks.cluster_output          (required)
    period     2025, or a span such as 2021-2025                      (required)
    value      the number as published: 230 for 突破230亿元           (required)
    qualifier  exact | approx | over | plus, or 约 / 超 / 余; empty: exact
    source     where it was published, e.g. 县统计局2025年统计公报     (required)
    section    the table or section of that source
    name, unit only for a new indicator
    replace    yes / 是 / true to replace a value the dataset already has for that period

Rows become the same structure as a YAML data file, each keeping its row number, so every
problem is reported as file:row."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError, Location
from ..safezip import WORKBOOK, check_xml_parts
from ..yamlfile import MAX_BYTES, MarkedYAML, read_text
from ..i18n import _
from .cells import YES, clean_cell

COLUMNS = ("id", "period", "value", "qualifier", "source", "section", "name", "unit", "replace")
REQUIRED = ("id", "period", "value", "source")
QUALIFIER_WORDS = {"": "exact", "约": "approx", "超": "over", "突破": "over", "以上": "over",
                   "余": "plus", "多": "plus"}


def load_table(path: str | Path, dataset=None) -> MarkedYAML:
    """A long table (a value a row, by indicator id) or a wide one as the statistics bureau
    sends it (an indicator a row by its Chinese name, a period a column: data/wide.py)."""
    from . import wide
    path = str(path)
    sheet, rows = _xlsx_rows(path) if path.lower().endswith(".xlsx") else (None, _csv_rows(path))
    if wide.is_wide(rows):
        return wide.as_data_file(path, sheet, rows, dataset)
    return _as_data_file(path, rows)


def table_rows(path: str | Path, what: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV or XLSX table (its first sheet), each with its line or row number."""
    path = str(path)
    return _xlsx_rows(path)[1] if path.lower().endswith(".xlsx") else _csv_rows(path, what)


def _csv_rows(path: str, what: str | None = None) -> list[tuple[int, list[str]]]:
    text = read_text(path, what or _("data file"), excel=True)
    csv.field_size_limit(MAX_BYTES)  # the file is within MAX_BYTES; cells are checked below
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as e:
        raise InputError(_("not a valid CSV file: {e}; save it from Excel or WPS as CSV UTF-8").format(e=e),
            Location(path, reader.line_num)) from None
    return rows


def _xlsx_rows(path: str) -> tuple[str, list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # only for spreadsheets
    # sizes, DTDs, and the sheets' rows, columns and cells, before openpyxl inflates or allocates
    check_xml_parts(path, _("workbook"), WORKBOOK)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The <dimension> a program wrote may be wrong: read every row that is there.
        sheet.reset_dimensions()
        out = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            out.append((number, ["" if v is None else _cell_text(v) for v in row]))
        name = sheet.title
        book.close()
    except Exception as e:  # openpyxl raises several kinds for a file that is not a workbook
        raise InputError(
            _("cannot read the workbook: {kind}: {e}; save it again from Excel or WPS as .xlsx").format(
                kind=type(e).__name__, e=e
            ),
            Location(path),
        ) from None
    return name, out


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _as_data_file(path: str, rows: list[tuple[int, list[str]]]) -> MarkedYAML:
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError(
            _("the data file is empty; its first row names the columns ({columns})").format(columns=", ".join(COLUMNS)),
            Location(path, 1),
        )
    header_line, header = rows[0]
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise InputError(
            _("unknown column '{unknown}'; the columns are {columns}").format(
                unknown=unknown[0], columns=", ".join(COLUMNS)
            ),
            Location(path, header_line),
        )
    twice = next((h for k, h in enumerate(names) if h and h in names[:k]), None)
    if twice:
        raise InputError(_("column '{twice}' appears twice; keep one").format(twice=twice), Location(path, header_line))
    for line, cells in rows:
        for k, cell in enumerate(cells):
            column = names[k] if line != header_line and k < len(names) and names[k] else None
            cells[k] = clean_cell(cell, Location(path, line), column)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            _("missing column '{missing}'; the columns are {columns}").format(
                missing=missing[0], columns=", ".join(COLUMNS)
            ),
            Location(path, header_line),
        )
    marked = MarkedYAML(path, {"indicators": []})
    for i, (line, cells) in enumerate(rows[1:]):
        row = {name: cells[k].strip() for k, name in enumerate(names) if name and k < len(cells)}
        qualifier = row.get("qualifier", "")
        value = {"period": row.get("period", ""), "value": row.get("value", ""),
                 "qualifier": QUALIFIER_WORDS.get(qualifier, qualifier),
                 "source": row.get("source", ""), "section": row.get("section", ""),
                 "replace": row.get("replace", "").lower() in YES}
        item = {"id": row.get("id", ""), "values": [value]}
        for key in ("name", "unit"):
            if row.get(key):
                item[key] = row[key]
        marked.data["indicators"].append(item)
        where = Location(path, line)
        for sub in ((), ("id",), ("values",), ("values", 0), ("values", 0, "period"),
                    ("values", 0, "value"), ("values", 0, "qualifier")):
            marked._values[("indicators", i) + sub] = where
    return marked

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
from pathlib import Path

from ..errors import InputError, Location
from ..yamlfile import MarkedYAML, read_text

COLUMNS = ("id", "period", "value", "qualifier", "source", "section", "name", "unit", "replace")
REQUIRED = ("id", "period", "value", "source")
QUALIFIER_WORDS = {"": "exact", "约": "approx", "超": "over", "突破": "over", "以上": "over",
                   "余": "plus", "多": "plus"}
YES = {"yes", "y", "true", "1", "是", "替换"}


def load_table(path: str | Path) -> MarkedYAML:
    path = str(path)
    rows = _xlsx_rows(path) if path.lower().endswith(".xlsx") else _csv_rows(path)
    return _as_data_file(path, rows)


def _csv_rows(path: str) -> list[tuple[int, list[str]]]:
    text = read_text(path, "data file")
    reader = csv.reader(text.splitlines())
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(path: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only for spreadsheets
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several kinds for a file that is not a workbook
        raise InputError(f"cannot read the workbook: {e}", Location(path)) from None
    sheet = book.worksheets[0]
    out = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        out.append((number, ["" if v is None else _cell_text(v) for v in row]))
    book.close()
    return out


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _as_data_file(path: str, rows: list[tuple[int, list[str]]]) -> MarkedYAML:
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError("the data file is empty; its first row names the columns "
                         f"({', '.join(COLUMNS)})", Location(path, 1))
    header_line, header = rows[0]
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'; the columns are {', '.join(COLUMNS)}",
                         Location(path, header_line))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"missing column '{missing[0]}'; the columns are {', '.join(COLUMNS)}",
                         Location(path, header_line))
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

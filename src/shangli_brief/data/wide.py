"""Wide tables, as the statistics bureau sends them: an indicator a row, a period a column.

    指标            单位    2022年   2023年   2024年   来源
    全县花炮总产值   亿元    超200    约215    230      县统计局2024年快报

- The indicator is named as the bureau names it. A name is matched to the catalogue's Chinese
  names, or through `indicator-names.yaml` beside the table, which maps the bureau's names to
  indicator ids, and may declare an indicator the dataset does not have:

      花炮产业总产值: fireworks.cluster_output
      规上工业增加值（示例）: {id: example.industrial_value_added, unit: 亿元}

- A 单位 column is checked against the catalogue's unit; 约/超/突破/逾 before a number and
  余/多/以上 after it become its qualifier; an empty cell (or —) is no value.
- 来源 names where the figures were published (else the file's name); each value keeps its
  cell (工作表1!D7) as its section, and every problem is reported at its cell.
- A `replace`/替换 column of 是 lets a row replace values the dataset already has.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, Location, did_you_mean
from ..i18n import _
from ..typography import normalise
from ..yamlfile import MarkedYAML, load_yaml
from .cells import ID_RE, YES, clean_cell, parse_number

NAME_HEADERS = {"指标", "指标名称", "名称", "项目", "indicator", "name"}
UNIT_HEADERS = {"单位", "计量单位", "unit"}
SOURCE_HEADERS = {"来源", "资料来源", "数据来源", "source"}
REPLACE_HEADERS = {"替换", "replace"}
NOTE_HEADERS = {"备注", "说明", "注", "note", "notes"}
PERIOD_HEADER = re.compile(r"^(\d{4})(?:\s*[-—–~～至]\s*(\d{4}))?\s*年?$")
CELL = re.compile(r"^(约|超|突破|逾|超过)?\s*([+-]?[\d,]*\.?\d+)\s*(余|多|以上|左右)?$")
QUALIFIERS = {"约": "approx", "左右": "approx", "超": "over", "突破": "over", "逾": "over", "超过": "over",
              "以上": "over", "余": "plus", "多": "plus"}
EMPTY = {"", "—", "-", "–", "…", "/", "——"}
MAPPING_FILE = "indicator-names.yaml"


def is_wide(rows: list[tuple[int, list[str]]]) -> bool:
    """A header with a period column and no `id` column."""
    header = next((cells for _n, cells in rows if any(c.strip() for c in cells)), [])
    names = [c.strip().lower() for c in header]
    return "id" not in names and any(PERIOD_HEADER.match(c.strip()) for c in header)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as a spreadsheet names its columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def as_data_file(path: str, sheet: str | None, rows: list[tuple[int, list[str]]], dataset) -> MarkedYAML:
    def at(line: int, column: int) -> Location:
        ref = f"{column_letter(column)}{line}"
        return Location(path, line, column + 1, f"{sheet}!{ref}" if sheet else ref)

    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    periods: dict[int, str] = {}
    for k, raw in enumerate(header):
        text = normalise(raw.strip())
        lowered = text.lower()
        match = PERIOD_HEADER.match(text)
        if match:
            periods[k] = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        for role, names in (("name", NAME_HEADERS), ("unit", UNIT_HEADERS), ("source", SOURCE_HEADERS),
                            ("replace", REPLACE_HEADERS), ("note", NOTE_HEADERS)):
            if lowered in names:
                columns.setdefault(role, k)
    if "name" not in columns:
        first = next(k for k in range(len(header)) if k not in periods)
        columns["name"] = first  # the bureau's first column names the indicator, whatever its header
    mapping = _mapping(Path(path).with_name(MAPPING_FILE))
    by_name = {ind.name: ind for ind in dataset.indicators.values()} if dataset is not None else {}
    label = Path(path).name
    marked = MarkedYAML(path, {"indicators": []})
    for line, cells in rows[1:]:
        cells = cells + [""] * (len(header) - len(cells))
        cells = [clean_cell(cell, at(line, k)).strip() for k, cell in enumerate(cells)]
        name = re.sub(r"\s+", "", cells[columns["name"]])
        if not name or all(cells[k] in EMPTY for k in periods):
            continue  # a heading, a note (注：…) or an indicator without figures yet
        item = _indicator(name, mapping, by_name, at(line, columns["name"]))
        ind = dataset.indicators.get(item["id"]) if dataset is not None else None
        if "unit" in columns and cells[columns["unit"]]:
            unit = cells[columns["unit"]]
            expected = ind.unit if ind is not None else item.get("unit")
            if expected is not None and unit != expected:
                raise InputError(
                    _(
                        "the unit '{unit}' of {name} differs from the catalogue's '{expected}'; "
                        "convert the figures to {expected}, or correct the unit"
                    ).format(unit=unit, name=name, expected=expected),
                    at(line, columns["unit"]),
                )
        source = cells[columns["source"]] if "source" in columns and cells[columns["source"]] else label
        replace = "replace" in columns and cells[columns["replace"]].lower() in YES
        values = []
        for k, period in periods.items():
            raw = cells[k]
            if raw in EMPTY:
                continue
            qualifier, number = _cell_value(raw, at(line, k))
            ref = at(line, k).cell
            values.append({"period": period, "value": number, "qualifier": qualifier, "source": source,
                           "section": ref, "replace": replace})
            i = len(marked.data["indicators"])
            marked._values[("indicators", i, "values", len(values) - 1)] = at(line, k)
            for key in ("period", "value", "qualifier"):
                marked._values[("indicators", i, "values", len(values) - 1, key)] = at(line, k)
        if not values:
            continue
        item["values"] = values
        i = len(marked.data["indicators"])
        marked.data["indicators"].append(item)
        for sub in ((), ("id",), ("values",), ("name",), ("unit",)):
            marked._values[("indicators", i) + sub] = at(line, columns["name"])
    return marked


def _cell_value(raw: str, where: Location) -> tuple[str, str]:
    text = raw.replace(" ", "").replace("　", "")
    m = CELL.match(text)
    if not m:
        raise InputError(
            _(
                "'{raw}' is not a number; write the figure, with 约/超 before it or 余/多 after it "
                "if it was published so"
            ).format(raw=raw),
            where,
        )
    number, problem = parse_number(m.group(2))
    if problem:
        raise InputError(problem, where)
    word = m.group(1) or m.group(3)
    return QUALIFIERS.get(word, "exact") if word else "exact", str(number)


def _indicator(name: str, mapping: dict, by_name: dict, where: Location) -> dict:
    if name in mapping:
        return dict(mapping[name])
    if name in by_name:
        return {"id": by_name[name].id}
    known = list(by_name) + list(mapping)
    raise InputError(
        _(
            "unknown indicator '{name}'{hint}; name it as the catalogue does (shangli-brief "
            "indicators), or map it in {mapping}: '{name}: indicator.id'"
        ).format(name=name, hint=did_you_mean(name, known), mapping=MAPPING_FILE),
        where,
    )


def _mapping(path: Path) -> dict[str, dict]:
    """The workspace's own names for indicators: name -> {id} or {id, unit} for a new one."""
    if not path.is_file():
        return {}
    doc = load_yaml(path, _("indicator names file"))
    if not isinstance(doc.data, dict):
        raise InputError(
            _("{file} maps the bureau's names to indicator ids: 名称: indicator.id").format(file=MAPPING_FILE),
            doc.where(()),
        )
    out = {}
    for name, target in doc.data.items():
        item = {"id": target} if isinstance(target, str) else dict(target) if isinstance(target, dict) else {}
        ind_id = str(item.get("id", ""))
        if not ID_RE.match(ind_id):
            raise InputError(
                _(
                    "'{id}' is not an indicator id (lowercase ASCII, dotted by category, like 'fireworks.output')"
                ).format(id=ind_id),
                doc.where((name,)),
            )
        clean = {"id": ind_id}
        if "unit" in item:
            clean["unit"] = str(item["unit"])
            clean["name"] = str(item.get("name", name))
        out[re.sub(r"\s+", "", str(name))] = clean
    return out


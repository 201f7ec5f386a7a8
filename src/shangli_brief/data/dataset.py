"""Loads the built-in dataset and users' data files into one catalogue of indicators."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import PACKAGE
from ..errors import ErrorList, InputError, Location, did_you_mean, display_path
from ..yamlfile import MarkedYAML, key_path_text, load_yaml, parse_yaml
from ..i18n import _
from .cells import ID_RE, parse_number

QUALIFIERS = ("exact", "approx", "over", "plus")
PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


@dataclass(frozen=True)
class Value:
    period: str
    value: Decimal
    qualifier: str
    source: str            # the article's file name, or what a user's data file names
    section: str           # the article section (or table) it was read from
    derived: bool = False
    formula: str | None = None
    note: str | None = None
    origin: Location | None = None  # where in a data file this value was defined


@dataclass
class Indicator:
    id: str
    name: str
    unit: str
    category: str
    kind: str = "level"  # level | growth (a year-on-year rate: rendered 增长x%)
    values: list[Value] = field(default_factory=list)
    origin: Location | None = None

    def periods(self) -> list[str]:
        return [v.period for v in self.values]

    def at(self, period: str) -> Value | None:
        return next((v for v in self.values if v.period == period), None)

    def nearest(self, period: str) -> Value:
        """The value for `period`; else the latest one not after it; else the earliest (a figure
        published only for a later period). Callers show the period of what they get."""
        found = self.at(period)
        if found is not None:
            return found
        limit = period_sort_key(period)
        earlier = [v for v in self.values if period_sort_key(v.period) <= limit]
        return earlier[-1] if earlier else self.values[0]


@dataclass(frozen=True)
class Fact:
    """A named honour or event, dated by period."""
    id: str
    kind: str
    period: str
    text: str
    source: str
    section: str
    date: str | None = None


@dataclass
class Dataset:
    indicators: dict[str, Indicator]
    facts: list[Fact]
    categories: dict[str, str]
    sources: dict[str, dict]   # file name -> {title, author, published}
    _by_name: dict | None = field(default=None, repr=False, compare=False)

    def get(self, indicator_id: str) -> Indicator | None:
        """An indicator by its id, or by its Chinese name where one indicator has that name."""
        found = self.indicators.get(indicator_id)
        if found is None:
            named = self._named(indicator_id)
            found = named[0] if len(named) == 1 else None
        return found

    def _named(self, name: str) -> list[Indicator]:
        if self._by_name is None:
            self._by_name = {}
            for ind in self.indicators.values():
                self._by_name.setdefault(ind.name.strip(), []).append(ind)
        return self._by_name.get(name.strip(), [])

    def periods(self) -> set[str]:
        out = {v.period for ind in self.indicators.values() for v in ind.values}
        return out | {f.period for f in self.facts}

    def source_label(self, source: str) -> str:
        """How a source line names a source: an article by its short title in 《》, anything
        else (a user's data file) as given."""
        meta = self.sources.get(source)
        return f"《{meta.get('short', meta['title'])}》" if meta else source

    def unknown(self, indicator_id: str) -> str:
        named = self._named(indicator_id)
        if len(named) > 1:
            return _("'{name}' names {count} indicators ({ids}); name one by its id").format(
                name=indicator_id, count=len(named), ids=", ".join(ind.id for ind in named))
        return _("unknown indicator '{indicator_id}'").format(indicator_id=indicator_id) + did_you_mean(
            indicator_id, [*self.indicators, *(ind.name for ind in self.indicators.values())])

    def to_json(self, category: str | None = None, period: str | None = None,
                origins: bool = False) -> list[dict]:
        """The contract's JSON (brief-spec.md); `origins`: values from a data file also say
        which file and row (defined_in)."""
        out = []
        for ind in self.indicators.values():
            if category and ind.category != category:
                continue
            values = [v for v in ind.values if not period or v.period == period]
            if period and not values:
                continue
            out.append({
                "id": ind.id, "name": ind.name, "unit": ind.unit, "category": ind.category,
                "values": [_value_json(v) | ({"defined_in": value_origin(v)} if origins and
                                              value_origin(v) != "built-in" else {})
                           for v in values],
            })
        return out


def _value_json(v: Value) -> dict:
    number = int(v.value) if v.value == v.value.to_integral_value() else float(v.value)
    out = {"period": v.period, "value": number, "qualifier": v.qualifier,
           "source": v.source, "section": v.section}
    if v.derived:
        out["derived"] = True
        out["formula"] = v.formula
    if v.note:
        out["note"] = v.note
    return out


def value_origin(v: Value) -> str:
    """Where a value comes from: "built-in", or the data file and row (data/update.csv:2)."""
    if v.origin is None or v.origin.file == BUILTIN_NAME:
        return "built-in"
    if v.origin.cell:  # a wide table: the cell (data/快报.xlsx:工作表1!D7)
        return str(v.origin)
    return f"{display_path(v.origin.file)}:{v.origin.line}" if v.origin.line else display_path(v.origin.file)


def period_sort_key(period: str) -> tuple[int, int]:
    m = PERIOD_RE.match(period)
    if not m:
        return (0, 0)
    start = int(m.group(1))
    end = int(m.group(2) or start)
    return (end, start)


def normalise_period(raw) -> str | None:
    """2024 -> '2024'; '2021-2025' and '2021—2025' -> '2021-2025'; anything else -> None."""
    text = str(raw).strip().replace("—", "-").replace("–", "-")
    m = PERIOD_RE.match(text)
    if not m or (m.group(2) and int(m.group(2)) <= int(m.group(1))):
        return None
    return text


BUILTIN_NAME = "<built-in dataset>"


_builtin_parse: tuple[str, MarkedYAML] | None = None


def _parsed_builtin(text: str) -> MarkedYAML:
    """The built-in file parsed once per process (read only by _merge), and kept in the cache
    folder for the next: parsing it was a third of resolving a brief."""
    global _builtin_parse
    if _builtin_parse is None or _builtin_parse[0] != text:
        from ..diskcache import fingerprint, remembered
        made_from = f"dataset|{fingerprint('yamlfile.py')}|".encode() + text.encode("utf-8")
        _builtin_parse = (text, remembered("parsed", made_from, lambda: parse_yaml(text, BUILTIN_NAME)))
    return _builtin_parse[1]


def load_dataset(extra_files: list[tuple[str, Location | None]] = ()) -> Dataset:
    """The built-in dataset, with each extra data file merged over it in order.
    `extra_files` pairs a path with where it was named (for 'not found' errors)."""
    text = (PACKAGE / "data" / "indicators.yaml").read_text("utf-8")
    builtin = _parsed_builtin(text)
    dataset = Dataset({}, [], {}, {})
    errors: list[InputError] = []
    _merge(dataset, builtin, errors, builtin=True)
    for path, named_at in extra_files:
        if not Path(path).is_file():
            errors.append(
                InputError(
                    _(
                        "data file '{path}' not found; paths in 'data' are relative to the workspace "
                        "(the folder holding briefs/)"
                    ).format(path=display_path(path)),
                    named_at,
                )
            )
            continue
        try:
            if str(path).lower().endswith((".csv", ".xlsx")):
                from .tables import load_table
                doc = load_table(path, dataset)
            else:
                doc = load_yaml(path, _("data file"))
            _merge(dataset, doc, errors, builtin=False)
        except InputError as e:
            errors.append(e)
    if errors:
        raise ErrorList(errors)
    return dataset


class _Reader:
    """Small typed accessors over a MarkedYAML that collect errors instead of stopping."""

    def __init__(self, doc: MarkedYAML, errors: list):
        self.doc, self.errors = doc, errors

    def fail(self, path, message):
        self.errors.append(InputError(message, self.doc.where(path), self.key(path)))

    def key(self, path) -> str | None:
        """The key path in a YAML file; in a spreadsheet (a row per value) the column, if any."""
        if self.doc.file.lower().endswith((".csv", ".xlsx")):
            last = path[-1] if path else None
            return last if isinstance(last, str) and last not in ("values", "indicators") else None
        return key_path_text(path)

    def text(self, data: dict, path, key, required=True):
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, _("missing '{key}'").format(key=key))
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail(path + (key,), _("expected text"))
            return None
        return str(value).strip()


def _merge(dataset: Dataset, doc: MarkedYAML, errors: list, builtin: bool) -> None:
    r = _Reader(doc, errors)
    data = doc.data
    if not isinstance(data, dict):
        r.fail((), _("a data file is a mapping with an 'indicators:' list"))
        return
    allowed = {"indicators", "facts", "sources", "categories"}
    for key in data:
        if key not in allowed:
            errors.append(InputError(_("unknown key '{key}'").format(key=key) + did_you_mean(key, allowed),
                                     doc.key_where((key,)), key))
    sources = data.get("sources") or {}
    if builtin:
        for meta in sources.values():
            dataset.sources[meta["file"]] = meta
        dataset.categories.update(data.get("categories") or {})
    elif "categories" in data:
        dataset.categories.update({str(k): str(v) for k, v in (data["categories"] or {}).items()})
    short_names = {short: meta["file"] for short, meta in sources.items()} if builtin else {}

    for i, item in enumerate(data.get("indicators") or []):
        path = ("indicators", i)
        if not isinstance(item, dict):
            r.fail(path, _("each indicator is a mapping with id, name, unit and values"))
            continue
        ind_id = r.text(item, path, "id")
        if ind_id is None:
            continue
        if not ID_RE.match(ind_id):
            r.fail(
                path + ("id",),
                _(
                    "indicator id '{ind_id}' must be lowercase ASCII, dotted by category, like 'fireworks.output'"
                ).format(ind_id=ind_id),
            )
            continue
        existing = dataset.indicators.get(ind_id)
        if existing is None:
            name, unit = r.text(item, path, "name"), r.text(item, path, "unit")
            if name is None or unit is None:
                continue
            if len(name) > MAX_NAME or len(unit) > MAX_UNIT:
                key, limit = ("name", MAX_NAME) if len(name) > MAX_NAME else ("unit", MAX_UNIT)
                r.fail(
                    path + (key,),
                    _("{count} characters; an indicator's {key} takes at most {limit}").format(
                        count=len(name if key == "name" else unit), key=key, limit=limit
                    ),
                )
                continue
            existing = Indicator(ind_id, name, unit, ind_id.split(".")[0],
                                 kind=str(item.get("kind", "level")), origin=doc.where(path))
            dataset.indicators[ind_id] = existing
        else:
            # A data file may update a built-in indicator's name or unit only deliberately.
            for key in ("name", "unit"):
                if key in item and str(item[key]) != getattr(existing, key):
                    r.fail(
                        path + (key,),
                        _("'{ind_id}' already has {key} '{existing}'").format(
                            ind_id=ind_id, key=key, existing=getattr(existing, key)
                        ),
                    )
        values = item.get("values")
        if not isinstance(values, list) or not values:
            r.fail(path, _("missing 'values': a list of {period, value, qualifier, source}"))
            continue
        for j, raw in enumerate(values):
            value = _read_value(r, raw, path + ("values", j), short_names, builtin)
            if value is None:
                continue
            old = existing.at(value.period)
            if old is not None and (old.value, old.qualifier) != (value.value, value.qualifier) \
                    and not raw.get("replace"):
                r.fail(
                    path + ("values", j),
                    _(
                        "'{ind_id}' already has {period} = {value} ({qualifier}, from {source}); this file says "
                        "{value2} ({qualifier2}): to replace it, say replace: true (a 'replace' column of yes in "
                        "a spreadsheet)"
                    ).format(
                        ind_id=ind_id,
                        period=value.period,
                        value=old.value,
                        qualifier=old.qualifier,
                        source=old.source,
                        value2=value.value,
                        qualifier2=value.qualifier,
                    ),
                )
                continue
            existing.values = [v for v in existing.values if v.period != value.period] + [value]
        existing.values.sort(key=lambda v: period_sort_key(v.period))

    for i, item in enumerate(data.get("facts") or []):
        path = ("facts", i)
        if not isinstance(item, dict):
            r.fail(path, _("each fact is a mapping with id, kind, period and text"))
            continue
        period = normalise_period(item.get("period", ""))
        if period is None:
            r.fail(path + ("period",), _("period must be a year like 2024 or a span like 2021-2025"))
            continue
        source = short_names.get(str(item.get("src")), item.get("source"))
        dataset.facts.append(Fact(str(item["id"]), str(item.get("kind", "event")), period,
                                  str(item["text"]), str(source), str(item.get("section", "")),
                                  str(item["date"]) if item.get("date") else None))


MAX_NAME, MAX_UNIT = 60, 12  # characters: a table cell and a chart label must hold them
# A county's figures are published with a few digits: anything beyond these bounds is a typing
# or export mistake, and an exponent such as 1e999999999 would make the number formatting hang.
def _read_value(r: _Reader, raw, path, short_names, builtin) -> Value | None:
    if not isinstance(raw, dict):
        r.fail(path, _("each value is a mapping: {period, value, qualifier, source}"))
        return None
    period = normalise_period(raw.get("period", ""))
    if period is None:
        r.fail(path + ("period",), _("period must be a year like 2024 or a span like 2021-2025"))
        return None
    number = raw.get("value")
    if isinstance(number, bool) or not isinstance(number, (int, float, str)):
        r.fail(path + ("value",), _("value must be a number, as published (200 for 突破200亿元)"))
        return None
    number, problem = parse_number(number)
    if problem:
        r.fail(path + ("value",), problem)
        return None
    qualifier = str(raw.get("qualifier", "exact"))
    if qualifier not in QUALIFIERS:
        r.fail(
            path + ("qualifier",),
            _("qualifier must be one of {qualifiers}").format(qualifiers=", ".join(QUALIFIERS))
            + did_you_mean(qualifier, QUALIFIERS),
        )
        return None
    source = short_names.get(str(raw.get("src"))) if builtin else raw.get("source")
    if not source:
        r.fail(path, _("missing 'source': say where the figure was published"))
        return None
    return Value(period, number, qualifier, str(source), str(raw.get("section", "")),
                 bool(raw.get("derived", False)), raw.get("formula"), raw.get("note"),
                 r.doc.where(path))

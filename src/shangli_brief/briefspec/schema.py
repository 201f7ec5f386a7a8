"""The spec schema, declared in one place, and its validation.

Validation goes on past the first problem and reports each as `file:line:col: key.path: message`.
References to the dataset and templates (section names, indicator ids, periods) are checked
later, by the resolver, against the same locations."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorList, InputError, Location, did_you_mean
from ..model import Closing
from ..portability import user_path
from ..layout import aliases as layout_aliases
from ..layout import names as layout_names
from ..writers import DEFAULT_FORMATS, FORMATS  # the table of writers names the formats
from ..yamlfile import MarkedYAML, key_path_text, load_yaml
from ..i18n import N_, _

LAYOUTS = layout_names()   # one file each in layouts/
ENTRY_KINDS = ("section", "table", "chart", "figures", "text", "page_break")

# Top-level keys of a spec, and whether each is required.
TOP_KEYS = {
    "title": True, "subtitle": False, "layout": False, "theme": False, "reference_docx": False,
    "issuer": False, "issue": False, "date": False, "period": False, "compare": False,
    "formats": False, "data": False, "sections": True, "sources": False, "draft": False,
    "closing": False, "templates": False, "recipients": False,
}
# Keys of the contract whose feature has not landed yet: used, they are an error, not ignored.
NOT_YET: dict[str, str] = {}  # contract keys whose feature has not landed: none left
CHART_KINDS = ("bar", "hbar", "line")
CLOSING_KEYS = ("report", "send", "distribute", "cc", "printed_by", "printed_on", "copies")
# The same keys in the words of the 版记 itself
CLOSING_ALIASES = {"报": "report", "送": "send", "发": "distribute", "抄送": "cc",
                   "印发机关": "printed_by", "印发日期": "printed_on", "共印": "copies", "份数": "copies"}
CLOSING_HELP = (N_("report (报), send (送), distribute (发), cc (抄送), printed_by (印发机关), "
                "printed_on (印发日期), copies (共印)"))


@dataclass
class SectionEntry:
    name: str
    title: str | None
    origin: Location
    name_at: Location


@dataclass
class TableEntry:
    title: str
    indicators: list[tuple[str, Location]]
    origin: Location


@dataclass
class FiguresEntry:
    title: str
    indicators: list[tuple[str, Location]]
    origin: Location


@dataclass
class ChartEntry:
    kind: str
    title: str
    indicators: list[tuple[str, Location]]
    periods: list[tuple[str, Location]]
    origin: Location
    kind_at: Location


@dataclass
class TextEntry:
    text: str
    origin: Location


@dataclass
class PageBreakEntry:
    origin: Location


Entry = SectionEntry | TableEntry | ChartEntry | FiguresEntry | TextEntry | PageBreakEntry


@dataclass
class Spec:
    path: Path
    title: str
    layout: str = "bulletin"
    subtitle: str | None = None
    issuer: str | None = None
    issue: int | None = None
    date: _dt.date | None = None
    period: str | None = None
    compare: str | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    data: list[tuple[str, Location]] = field(default_factory=list)
    templates: list[tuple[str, Location]] = field(default_factory=list)  # folders searched first
    theme: tuple[str, Location] | None = None           # a theme file merged over the layout's
    reference_docx: tuple[str, Location] | None = None  # a Word file whose styles and pages win
    recipients: tuple[str, Location] | None = None      # the distribution list (`print`): 类别,单位,份数
    entries: list[Entry] = field(default_factory=list)
    closing: Closing | None = None
    sources: bool = False      # an appendix listing every figure cited, with its source
    draft: bool = False        # 征求意见稿 across every page
    marked: MarkedYAML | None = None

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def workspace(self) -> Path:
        return workspace_of(self.path)

    def workspace_relative(self) -> str:
        """The spec's own path in its workspace, with forward slashes (briefs/overview.yaml)."""
        try:
            return Path(self.path).resolve().relative_to(self.workspace).as_posix()
        except ValueError:
            return Path(self.path).name

    def path_in_workspace(self, path: str) -> Path:
        """Paths in a spec (data, templates, theme) are relative to the workspace; written with
        backslashes on Windows, they name the same files elsewhere."""
        given = user_path(path)
        return given if given.is_absolute() else self.workspace / given

    def where(self, *path) -> Location:
        return self.marked.where(path)


MAX_ENTRIES = 500  # sections, tables, charts and texts of one brief (a long report has 30)
MAX_LINE = 200  # characters of a one-line text: a title, issuer, table title or 版记 entry


class _Checker:
    def __init__(self, marked: MarkedYAML):
        self.m = marked
        self.errors: list[InputError] = []

    def fail(self, path, message, at_key=False):
        where = self.m.key_where(path) if at_key else self.m.where(path)
        self.errors.append(InputError(message, where, key_path_text(path)))

    def text(self, data, path, required=False):
        if path[-1] not in data or data[path[-1]] is None:
            if required:
                self.fail(path[:-1], _("missing required key '{path}'").format(path=path[-1]))
            return None
        value = data[path[-1]]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path, _("expected text, got {kind}").format(kind=_kind(value)))
            return None
        text = str(value).strip()
        if required and not text:
            self.fail(path, _("must not be empty"))
            return None
        if len(text) > MAX_LINE:
            self.fail(
                path,
                _(
                    "{count} characters; a title or name takes at most {max_line} (write longer text in a section)"
                ).format(count=len(text), max_line=MAX_LINE),
            )
            return None
        return text

    def text_list(self, value, path) -> list[tuple[str, Location]]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(path, _("expected a list, got {kind}").format(kind=_kind(value)))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.fail(path + (i,), _("expected text, got {kind}").format(kind=_kind(item)))
            elif len(str(item).strip()) > MAX_LINE:
                self.fail(
                    path + (i,),
                    _("{count} characters; at most {max_line}").format(count=len(str(item).strip()), max_line=MAX_LINE),
                )
            else:
                out.append((str(item).strip(), self.m.where(path + (i,))))
        return out

    def unknown_keys(self, data: dict, allowed, path=()):
        for key in data:
            if key not in allowed:
                self.fail(path + (key,), _("unknown key '{key}'").format(key=key) + did_you_mean(key, allowed),
                          at_key=True)


def _kind(value) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def workspace_of(spec_path) -> Path:
    """The folder that holds `briefs/`, `templates/` and data files: the nearest ancestor of
    the spec with a `templates/` or `briefs/` folder, else the spec's own folder."""
    folder = Path(spec_path).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "templates").is_dir() or (candidate / "briefs").is_dir():
            return candidate
    return folder


def out_folder(spec_path) -> Path:
    """Where a spec's files go without --out: its workspace's out/, wherever the command runs
    (shown relative to the current folder when under it)."""
    import os
    workspace = workspace_of(spec_path)
    try:
        relative = os.path.relpath(workspace / "out")
    except ValueError:  # another drive (Windows)
        return workspace / "out"
    return Path(relative) if not relative.startswith("..") else workspace / "out"


# Top-level keys a run may set on the command line (build --set KEY=VALUE)
SETTABLE = ("title", "subtitle", "issue", "date", "period", "compare", "issuer", "draft")
SET_OPTION = "--set"  # the Location.file of a value given with --set


def parse_settings(items) -> tuple[tuple[str, object], ...]:
    """`--set KEY=VALUE` options as (key, value) pairs, the value read as YAML reads it (9 is a
    number, true a yes, 2025-06-30 a date); a wrong key or form is one error naming the option."""
    import yaml
    out = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(_("--set takes KEY=VALUE (for example --set issue=9), got '{item}'").format(item=item))
        if key not in SETTABLE:
            raise InputError(_("unknown key '{key}'").format(key=key) + did_you_mean(key, SETTABLE)
                             + _("; --set takes {settable}").format(settable=', '.join(SETTABLE)),
                                 Location(SET_OPTION), key)
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except (yaml.YAMLError, ValueError):  # ValueError: a date such as 2025-02-30
            value = text
        if isinstance(value, (dict, list)):
            value = text  # a title such as [草稿] stays text
        out.append((key, value))
    return tuple(out)


def load_spec(path: str | Path, settings=()) -> Spec:
    """The validated spec, or an ErrorList of every problem found. `settings`: --set values,
    validated like the file's own."""
    spec, errors = read_spec(path, settings)
    if errors:
        raise ErrorList(errors)
    return spec


def read_spec(path: str | Path, settings=()) -> tuple[Spec, list[InputError]]:
    """The spec as far as it is valid, and the problems found: `check` goes on with the valid
    part to find problems in section names and indicators too."""
    path = Path(path)
    marked = load_yaml(path, _("spec"))
    if settings and isinstance(marked.data, dict):
        for key, value in settings:  # this run's values win over the file's
            marked.data[key] = value
            marked._values[(key,)] = marked._keys[(key,)] = Location(SET_OPTION)
    c = _Checker(marked)
    data = marked.data
    if data is None:
        raise InputError(_("the spec is empty; it needs at least 'title' and 'sections' "
                         "(see briefs/ for examples)"), Location(str(path), 1, 1))
    if not isinstance(data, dict):
        raise InputError(_("a spec is a mapping of keys (title:, sections:, ...), not {kind}").format(kind=_kind(data)),
                         marked.where(()))
    c.unknown_keys(data, TOP_KEYS)
    for key, why in NOT_YET.items():
        if data.get(key) not in (None, False):
            c.fail((key,), _("not supported yet: {why}").format(why=why), at_key=True)

    spec = Spec(path=path, title=c.text(data, ("title",), required=True) or "", marked=marked)
    spec.subtitle = c.text(data, ("subtitle",))
    spec.issuer = c.text(data, ("issuer",))

    layout = c.text(data, ("layout",))
    if layout is not None:
        layout = layout_aliases().get(layout.strip(), layout)
        if layout in LAYOUTS:
            spec.layout = layout
        else:
            c.fail(
                ("layout",),
                _("layout must be one of {layouts}").format(layouts=", ".join(LAYOUTS)) + did_you_mean(layout, LAYOUTS),
            )

    if "issue" in data and data["issue"] is not None:
        issue = data["issue"]
        if isinstance(issue, bool) or not isinstance(issue, int) or issue < 1:
            c.fail(("issue",), _("issue must be a whole number from 1 (第3期: issue: 3)"))
        else:
            spec.issue = issue

    if data.get("date") is not None:
        spec.date = _date(c, data["date"])

    from ..data.dataset import normalise_period  # the one rule for periods
    for key in ("period", "compare"):
        if data.get(key) is not None:
            value = normalise_period(data[key])
            if value is None:
                c.fail((key,), _("{key} must be a year like 2024 or a span like 2021-2025").format(key=key))
            setattr(spec, key, value)

    if data.get("formats") is not None:
        formats = [f for f, __ in c.text_list(data["formats"], ("formats",))]
        for i, fmt in enumerate(formats):
            if fmt not in FORMATS:
                c.fail(
                    ("formats", i),
                    _("unknown format '{fmt}'; use {formats}").format(fmt=fmt, formats=", ".join(FORMATS))
                    + did_you_mean(fmt, FORMATS),
                )
        if not formats:
            c.fail(("formats",), _("formats must name one or more of {formats}").format(formats=", ".join(FORMATS)))
        spec.formats = tuple(f for f in FORMATS if f in formats)

    if data.get("data") is not None:
        spec.data = c.text_list(data["data"], ("data",))

    for key in ("theme", "reference_docx", "recipients"):
        if data.get(key) is not None:
            value = c.text(data, (key,))
            if value:
                setattr(spec, key, (value, c.m.where((key,))))

    if data.get("templates") is not None:
        spec.templates = c.text_list(data["templates"], ("templates",))

    if "sections" in data:
        spec.entries = _entries(c, data["sections"])
    else:
        c.fail((), _("missing required key 'sections' (a list of section:, table:, figures:, text: entries)"))

    if data.get("closing") is not None:
        spec.closing = _closing(c, data["closing"])

    for key, what in (("sources", _("an appendix of every figure cited")),
                      ("draft", _("征求意见稿 across every page"))):
        if data.get(key) is not None:
            if isinstance(data[key], bool):
                setattr(spec, key, data[key])
            else:
                c.fail((key,), _("{key} takes true or false (true: {what})").format(key=key, what=what))

    return spec, c.errors


# Dates a brief can carry: a DOCX (a zip file) cannot date its parts before 1980, nor after 2107.
FIRST_DATE, LAST_DATE = _dt.date(1980, 1, 1), _dt.date(2099, 12, 31)


_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


def parse_date(text: str) -> _dt.date:
    """2025-06-30 or 2025年6月30日; ValueError for anything else, or a day the month lacks."""
    found = _CHINESE_DATE.match(text)
    if found:
        return _dt.date(*map(int, found.groups()))
    return _dt.date.fromisoformat(text.strip())


def _date(c: _Checker, value, path=("date",)) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        try:
            value = parse_date(str(value))
        except ValueError:
            c.fail(path, _("date '{value}' is not a date; write it as 2025-03-15 or 2025年3月15日").format(value=value))
            return None
    if not FIRST_DATE <= value <= LAST_DATE:
        c.fail(
            path,
            _("date '{value}' is outside {first}–{last}; check the year").format(
                value=value, first=FIRST_DATE.year, last=LAST_DATE.year
            ),
        )
        return None
    return value


def _closing(c: _Checker, value) -> Closing | None:
    if not isinstance(value, dict):
        c.fail(
            ("closing",),
            _("closing is a mapping with the keys {closing_help}, got {kind}").format(
                closing_help=CLOSING_HELP, kind=_kind(value)
            ),
        )
        return None
    given = {}  # canonical key -> the key as written (for locations)
    for key in value:
        canonical = CLOSING_ALIASES.get(key, key)
        if canonical not in CLOSING_KEYS:
            c.fail(("closing", key), _("unknown key '{key}'").format(key=key)
                   + did_you_mean(key, (*CLOSING_KEYS, *CLOSING_ALIASES))
                   + _("; the keys are {closing_help}").format(closing_help=CLOSING_HELP), at_key=True)
        elif canonical in given:
            c.fail(
                ("closing", key),
                _("'{key}' and '{given}' say the same; keep one").format(key=key, given=given[canonical]),
                at_key=True,
            )
        else:
            given[canonical] = key
    lists = {k: tuple(t for t, __ in c.text_list(value[given[k]], ("closing", given[k])))
             for k in ("report", "send", "distribute", "cc")
             if k in given and value[given[k]] is not None}
    copies = value.get(given.get("copies", "copies"))
    if copies is not None and (isinstance(copies, bool) or not isinstance(copies, int) or copies < 1):
        c.fail(("closing", given["copies"]), _("copies must be a whole number (共印60份: copies: 60)"))
        copies = None
    printed_by = c.text(value, ("closing", given["printed_by"])) if "printed_by" in given else None
    printed_on = None
    if "printed_on" in given and value[given["printed_on"]] is not None:
        printed_on = _date(c, value[given["printed_on"]], ("closing", given["printed_on"]))
    return Closing(copies=copies, printed_by=printed_by, printed_on=printed_on, **lists)


def _entries(c: _Checker, value) -> list[Entry]:
    if not isinstance(value, list) or not value:
        c.fail(("sections",), _("sections must be a list of entries (section:, table:, figures:, text:, page_break)"))
        return []
    if len(value) > MAX_ENTRIES:
        c.fail(
            ("sections",),
            _("{count} entries; a brief takes at most {max_entries}: split it into several briefs").format(
                count=len(value), max_entries=MAX_ENTRIES
            ),
        )
        return []
    out: list[Entry] = []
    for i, item in enumerate(value):
        path = ("sections", i)
        where = c.m.where(path)
        if item == "page_break":
            out.append(PageBreakEntry(where))
            continue
        if isinstance(item, str):
            c.fail(path, _("'{item}' is not an entry; did you mean '- section: {item}'?").format(item=item))
            continue
        if not isinstance(item, dict) or not item:
            c.fail(path, _("each entry is a mapping like '- section: fireworks', got {kind}").format(kind=_kind(item)))
            continue
        kinds = [k for k in item if k in ENTRY_KINDS]
        if len(kinds) != 1:
            if not kinds:
                key = next(iter(item))
                c.fail(path + (key,), _("unknown entry '{key}'").format(key=key) + did_you_mean(key, ENTRY_KINDS)
                       + _("; an entry is one of {entry_kinds}").format(entry_kinds=', '.join(ENTRY_KINDS)),
                           at_key=True)
            else:
                c.fail(path, _("an entry has one kind, this one has {kinds}").format(kinds=' and '.join(kinds)))
            continue
        kind = kinds[0]
        entry = _ENTRY_READERS[kind](c, item, path, where)
        if entry is not None:
            out.append(entry)
    return out


def _section(c, item, path, where):
    c.unknown_keys(item, ("section", "title"), path)
    name = c.text(item, path + ("section",), required=True)
    title = c.text(item, path + ("title",))
    return SectionEntry(name, title, where, c.m.where(path + ("section",))) if name else None


def _indicator_block(c, item, path, kind, title_required):
    body = item[kind]
    c.unknown_keys(item, (kind,), path)
    if isinstance(body, list):  # short form: figures: [ids]
        return "", c.text_list(body, path + (kind,))
    if not isinstance(body, dict):
        c.fail(path + (kind,), _("{kind} takes title and indicators, got {kind2}").format(kind=kind, kind2=_kind(body)))
        return None, []
    c.unknown_keys(body, ("title", "indicators"), path + (kind,))
    title = c.text(body, path + (kind, "title"), required=title_required) or ""
    if "indicators" not in body:
        c.fail(path + (kind,), _("missing required key 'indicators'"))
        return None, []
    ids = c.text_list(body["indicators"], path + (kind, "indicators"))
    if not ids:
        c.fail(path + (kind, "indicators"), _("list at least one indicator (see `shangli-brief indicators`)"))
    return title, ids


def _table(c, item, path, where):
    title, ids = _indicator_block(c, item, path, "table", title_required=True)
    return TableEntry(title, ids, where) if title is not None and ids else None


def _figures(c, item, path, where):
    title, ids = _indicator_block(c, item, path, "figures", title_required=False)
    if ids and not 3 <= len(ids) <= 6:  # reported; the ids are still checked by `check`
        c.fail(
            path + ("figures",),
            _("a key-figure panel shows 3 to 6 figures, this one has {count}").format(count=len(ids)),
        )
    return FiguresEntry(title, ids, where) if title is not None and ids else None


def _text(c, item, path, where):
    c.unknown_keys(item, ("text",), path)
    text = item["text"]
    if not isinstance(text, str) or not text.strip():
        c.fail(path + ("text",), _("text takes Markdown text (use 'text: |' for several lines)"))
        return None
    return TextEntry(text, c.m.where(path + ("text",)))


def _chart(c, item, path, where):
    from ..data.dataset import normalise_period
    body = item["chart"]
    c.unknown_keys(item, ("chart",), path)
    here = path + ("chart",)
    if not isinstance(body, dict):
        c.fail(here, _("chart takes kind, title and indicators, got {kind}").format(kind=_kind(body)))
        return None
    c.unknown_keys(body, ("kind", "title", "indicators", "periods"), here)
    kind = c.text(body, here + ("kind",)) or "bar"
    if kind not in CHART_KINDS:
        c.fail(
            here + ("kind",),
            _(
                "chart kind must be one of {chart_kinds} (bar: one or two periods; hbar: ranked "
                "items; line: three or more periods)"
            ).format(chart_kinds=", ".join(CHART_KINDS))
            + did_you_mean(kind, CHART_KINDS),
        )
        return None
    title = c.text(body, here + ("title",), required=True)
    if "indicators" not in body:
        c.fail(here, _("missing required key 'indicators'"))
        return None
    ids = c.text_list(body["indicators"], here + ("indicators",))
    periods = []
    for raw, at in c.text_list(body.get("periods") or [], here + ("periods",)):
        period = normalise_period(raw)
        if period is None:
            c.fail(here + ("periods",), _("'{raw}' is not a period like 2024 or 2021-2025").format(raw=raw))
        else:
            periods.append((period, at))
    if not ids or title is None:
        if not ids:
            c.fail(here + ("indicators",), _("list at least one indicator (see `shangli-brief indicators`)"))
        return None
    kind_at = c.m.where(here + ("kind",)) if "kind" in body else c.m.where(here)
    return ChartEntry(kind, title, ids, periods, where, kind_at)


def _page_break(c, item, path, where):
    if item.get("page_break") is not None:
        c.fail(path + ("page_break",), _("page_break takes no value"))
    return PageBreakEntry(where)


_ENTRY_READERS = {"section": _section, "table": _table, "figures": _figures, "text": _text,
                  "chart": _chart, "page_break": _page_break}

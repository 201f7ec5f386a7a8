"""Resolve a validated spec against the dataset and the narrative templates into a Document.

This is the only place where spec, data and Jinja meet; writers see only the result."""
from __future__ import annotations

import datetime as _dt
import os

from .data import Dataset, Indicator, Value, period_sort_key
from .errors import BriefError, ErrorList, InputError, Location
from .layout import Layout, load_layout
from .model import (Caption, Chart, ChartPoint, ChartSeries, Citation, ClosingBlock, ClosingLine, Column, Contents,
                    Cover, Document, Figure, FigurePanel, Masthead, Title,
                    Heading, KeyFigure, PageBreak, Paragraph, Run, Table)
from .narrative import numbers
from .narrative.helpers import Helpers, record_citation, record_figure
from .narrative.markdown import to_blocks
from .narrative.sandbox import brief_budget
from .narrative.templates import SECTION_SUFFIX, SectionCatalogue, render_string, render_template
from .briefspec import (ChartEntry, FiguresEntry, PageBreakEntry, SectionEntry, Spec, TableEntry,
                   TextEntry)
from .i18n import _


def default_period(dataset: Dataset) -> str:
    """The latest single year with indicator values."""
    years = {v.period for ind in dataset.indicators.values() for v in ind.values if "-" not in v.period}
    return max(years, key=period_sort_key)


def build_date() -> _dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    from .briefspec.schema import FIRST_DATE, LAST_DATE
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return _dt.date.today()
    day = None
    if epoch.isdigit() and len(epoch) <= 12:
        day = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    if day is None or not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(
            _(
                "SOURCE_DATE_EPOCH='{epoch}' is not a time between {first} and {last} in "
                "seconds since 1970; unset it or give such a number"
            ).format(epoch=epoch[:20], first=FIRST_DATE.year, last=LAST_DATE.year)
        )
    return day


def resolve(spec: Spec, dataset: Dataset, catalogue: SectionCatalogue) -> Document:
    with brief_budget():  # every template of the brief shares one budget (narrative/sandbox)
        return _resolve(spec, dataset, catalogue)


def _resolve(spec: Spec, dataset: Dataset, catalogue: SectionCatalogue) -> Document:
    errors: list[BriefError] = []
    known = dataset.periods()
    period = spec.period or default_period(dataset)
    for key in ("period", "compare"):
        value = getattr(spec, key)
        if value is not None and value not in known:
            errors.append(
                InputError(
                    _("no data for period '{value}'; the dataset has {sorted}").format(
                        value=value, sorted=", ".join(sorted(known, key=period_sort_key))
                    ),
                    spec.where(key),
                    key,
                )
            )
    if errors:
        raise ErrorList(errors)

    doc = Document(title=spec.title, layout=spec.layout, date=spec.date or build_date(),
                   subtitle=spec.subtitle, issuer=spec.issuer, issue=spec.issue,
                   closing=spec.closing, draft=spec.draft, source_file=str(spec.path),
                   spec_in_workspace=spec.workspace_relative())
    layout = load_layout(spec.layout)
    helpers = Helpers(dataset, period, spec.compare, doc.citations, doc.figures)
    context = helpers.context() | {"title": spec.title, "layout": spec.layout}
    tables = _TableMaker(dataset, period, spec.compare, doc.citations, doc.figures, layout)

    for index, entry in enumerate(spec.entries):
        try:
            if isinstance(entry, SectionEntry):
                info = catalogue.get(entry.name)
                if info is None:
                    raise InputError(catalogue.unknown(entry.name) + _("; see `shangli-brief sections`"),
                                     entry.name_at, f"sections[{index}].section")
                markdown = render_template(catalogue.env, f"sections/{entry.name}{SECTION_SUFFIX}",
                                           context, entry.origin)
                doc.blocks.append(Heading(1, entry.title or info.title, entry.origin))
                doc.blocks.extend(to_blocks(markdown, _template_origin(info.template)))
            elif isinstance(entry, TextEntry):
                markdown = render_string(catalogue.env, entry.text, context, entry.origin)
                doc.blocks.extend(to_blocks(markdown, entry.origin))
            elif isinstance(entry, TableEntry):
                doc.blocks.append(tables.table(entry, index))
            elif isinstance(entry, ChartEntry):
                doc.blocks.append(tables.chart(entry, index))
            elif isinstance(entry, FiguresEntry):
                doc.blocks.append(tables.figures(entry, index))
            elif isinstance(entry, PageBreakEntry):
                doc.blocks.append(PageBreak(entry.origin))
            else:  # pragma: no cover - the schema admits no other kind
                raise TypeError(_("unknown entry {entry!r}").format(entry=entry))
        except ErrorList as e:
            errors.extend(e.errors)
        except BriefError as e:
            errors.append(e)
    if errors:
        raise ErrorList(errors)
    if spec.sources:
        doc.blocks += tables.sources_appendix()
    _number_captions(doc, layout)
    _matter(doc, spec, layout)
    return doc


def _number_captions(doc: Document, layout: Layout) -> None:
    """表1, 表2 … and 图1, 图2 … in document order, the same in every format; and the
    资料来源 line under each table, chart and key-figure panel."""
    counts = {Table: 0, Chart: 0}
    labels = {Table: layout.word("caption_table"), Chart: layout.word("caption_chart")}
    for block in doc.blocks:
        kind = type(block)
        if kind in counts and block.title and not getattr(block, "appendix", False):
            counts[kind] += 1
            block.number = counts[kind]
            block.caption = Caption(labels[kind], block.number, layout.word("caption_separator"), block.title)
        if isinstance(block, (Table, Chart, FigurePanel)):
            block.source_line = layout.word(
                "source_note", sources=layout.word("source_separator").join(block.sources))
        if isinstance(block, Chart) and block.has_bounds:
            block.note = layout.words["chart_bound_notes"][block.kind]


def _matter(doc: Document, spec: Spec, layout: Layout) -> None:
    """The front and back matter the layout has, as blocks with their words."""
    date = layout.date(doc.date)
    for part in layout.front:
        if part == "masthead":
            issue = layout.word("issue", issue=spec.issue) if spec.issue else None
            doc.front.append(Masthead(issue, spec.issuer or "", date))
        elif part == "title":
            doc.front.append(Title(spec.title, spec.subtitle))
        elif part == "cover":
            doc.front.append(Cover(spec.title, spec.subtitle, [x for x in (spec.issuer, date) if x]))
        elif part == "contents":
            doc.front.append(Contents(layout.word("contents")))
    if "closing" in layout.back and spec.closing is not None:
        doc.back.append(ClosingBlock(closing_lines(spec.closing, doc.date, layout)))
    doc.running_header = spec.title if layout.running_header else None
    doc.draft_mark = layout.word("draft") if spec.draft else None
    doc.keywords = layout.word("keywords_separator").join(
        b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1)


def closing_lines(closing, date, layout: Layout) -> list[ClosingLine]:
    """The 版记's lines, in the order of GB/T 9704 and of a 简报's 报尾: 报, 送, 发, 抄送, then
    the 印发机关 with its date (…印发), then the number of copies."""
    labels, separator = layout.words["closing_labels"], layout.word("closing_names_separator")
    lines = [ClosingLine(layout.word("closing_line", label=labels[key], names=separator.join(names)))
             for key, names in (("report", closing.report), ("send", closing.send),
                                ("distribute", closing.distribute), ("cc", closing.cc)) if names]
    if closing.printed_by or closing.printed_on:
        lines.append(ClosingLine(closing.printed_by or "",
                                 layout.word("printed_on", date=layout.date(closing.printed_on or date))))
    if closing.copies:
        lines.append(ClosingLine("", layout.word("copies", copies=closing.copies)))
    return lines


def _template_origin(path: str) -> Location:
    return Location(path, 1)


class _TableMaker:
    """Indicator tables and key-figure panels, normalised once for every writer."""

    def __init__(self, dataset: Dataset, period: str, compare: str | None, citations: list[Citation],
                 figures: list[Figure], layout: Layout):
        self.dataset, self.period, self.compare, self.citations = dataset, period, compare, citations
        self.layout = layout
        self.written = figures

    def _figure(self, ind: Indicator, period: str, text: str, source: str) -> int:
        return record_figure(self.written, self.dataset, ind.id, period, text, source)

    def _indicators(self, ids, index, kind) -> list[Indicator]:
        out, errors = [], []
        for j, (ident, where) in enumerate(ids):
            ind = self.dataset.get(ident)
            if ind is None:
                errors.append(InputError(self.dataset.unknown(ident), where,
                                         f"sections[{index}].{kind}.indicators[{j}]"))
            else:
                out.append(ind)
        if errors:
            raise ErrorList(errors)
        return out

    def _pick(self, ind: Indicator) -> Value | None:
        """The brief's period; else, unless the compare column holds the indicator, its latest
        value not after the period, or its earliest (the cell then shows that value's period)."""
        if self.compare is not None and ind.at(self.compare) is not None:
            return ind.at(self.period)
        return ind.nearest(self.period)

    def _cite(self, ind: Indicator, v: Value) -> str:
        text = numbers.quantity(v.value, ind.unit, v.qualifier)
        record_citation(self.citations, ind, v, text)
        return text

    def _cell(self, ind: Indicator, v: Value | None, column_period: str, at: tuple, figures: dict,
              unit: str | None = None) -> str:
        if v is None:
            return "—"
        self._cite(ind, v)
        text = numbers.cell(v.value, ind.unit, v.qualifier, unit)
        text = text if v.period == column_period else f"{text}（{numbers.period_label(v.period)}）"
        figures[at] = self._figure(ind, v.period, text, v.source)
        return text

    def _sources(self, values: list[Value]) -> list[str]:
        out = []
        for v in values:
            label = self.dataset.source_label(v.source)
            if label not in out:
                out.append(label)
        return out

    def table(self, entry: TableEntry, index: int) -> Table:
        indicators = self._indicators(entry.indicators, index, "table")
        word = self.layout.word
        columns = [Column(word("table_indicator")), Column(word("table_unit"), "center"),
                   Column(numbers.period_label(self.period), "right")]
        if self.compare:
            columns += [Column(numbers.period_label(self.compare), "right"), Column(word("table_change"), "right")]
        rows, used, figures = [], [], {}
        for r, ind in enumerate(indicators):
            now = self._pick(ind)
            before = ind.at(self.compare) if self.compare else None
            unit = numbers.row_unit([v.value for v in (now, before) if v is not None], ind.unit)
            row = [ind.name, unit, self._cell(ind, now, self.period, (r, 2), figures, unit)]
            used += [now] if now else []
            if self.compare:
                used += [before] if before else []
                row.append(self._cell(ind, before, self.compare, (r, 3), figures, unit))
                change = None
                if now is not None and before is not None:
                    change = numbers.change(before.value, now.value, ind.unit,
                                            before.qualifier, now.qualifier)
                    if change is not None:
                        figures[(r, 4)] = self._figure(ind, f"{before.period}~{now.period}", change, now.source)
                row.append(change or "—")
            rows.append(row)
        return Table(entry.title, columns, rows, self._sources(used), entry.origin, figures=figures)

    def _point(self, ind: Indicator, v: Value | None, drawn: list[Value]) -> ChartPoint | None:
        if v is None:
            return None
        self._cite(ind, v)
        drawn.append(v)
        return ChartPoint(float(v.value), numbers.bare(v.value, v.qualifier),
                          bound=v.qualifier in ("over", "plus"))

    def chart(self, entry: ChartEntry, index: int) -> Chart:
        """Chart data checked against what the chart can honestly show."""
        key = f"sections[{index}].chart"
        indicators = self._indicators(entry.indicators, index, "chart")
        unit = indicators[0].unit
        for j, ind in enumerate(indicators):
            if ind.unit != unit:
                raise InputError(
                    _(
                        "'{id}' is in {unit} but '{id2}' is in {unit2}: one chart has one value axis; "
                        "put them in separate charts"
                    ).format(id=ind.id, unit=ind.unit, id2=indicators[0].id, unit2=unit),
                    entry.indicators[j][1],
                    f"{key}.indicators[{j}]",
                )
        wanted = [p for p, __ in entry.periods]
        drawn: list[Value] = []
        if entry.kind == "line":
            periods = wanted or sorted({v.period for ind in indicators for v in ind.values},
                                       key=period_sort_key)
            if len(periods) < 3:
                have = "、".join(periods) or "none"
                raise InputError(
                    _("a line chart needs three or more periods; these indicators have {have}: use kind: bar").format(
                        have=have
                    ),
                    entry.kind_at,
                    f"{key}.kind",
                )
            series = [ChartSeries(ind.name, [self._point(ind, ind.at(p), drawn) for p in periods])
                      for ind in indicators]
            categories = [numbers.period_label(p) for p in periods]
        else:
            periods = wanted or ([self.compare, self.period] if self.compare else [self.period])
            if entry.kind == "hbar" and len(periods) > 1:
                raise InputError(_("a ranked (hbar) chart shows one period; use kind: bar to compare "
                                 "periods"), entry.kind_at, f"{key}.kind")
            categories = [ind.name for ind in indicators]
            if len(periods) == 1:
                values = [ind.at(periods[0]) if wanted else self._pick(ind) for ind in indicators]
                categories = [name if v is None or v.period == periods[0] else
                              f"{name}（{numbers.period_label(v.period)}）"
                              for name, v in zip(categories, values)]
                series = [ChartSeries(numbers.period_label(periods[0]),
                                      [self._point(ind, v, drawn) for ind, v in zip(indicators, values)])]
            else:
                series = [ChartSeries(numbers.period_label(p),
                                      [self._point(ind, ind.at(p), drawn) for ind in indicators])
                          for p in periods]
            if entry.kind == "hbar":  # ranked: largest first
                order = sorted(range(len(categories)), key=lambda i: -(series[0].points[i].value
                                                                       if series[0].points[i] else 0))
                categories = [categories[i] for i in order]
                series[0].points = [series[0].points[i] for i in order]
        if not any(p for s in series for p in s.points):
            raise InputError(_("no values to draw for {periods}").format(periods=', '.join(periods)), entry.origin, key)
        return Chart(entry.kind, entry.title, unit, categories, series, self._sources(drawn), entry.origin)

    def sources_appendix(self) -> list:
        """附件: every figure the brief cites, with its article and section."""
        word = self.layout.word
        rows, figures = [], {}
        for r, c in enumerate(self.citations):
            text = c.text + (word("derived") if c.derived else "")
            title, section = self.dataset.source_label(c.source), c.section.split("——")[0]
            rows.append([c.name, numbers.period_label(c.period), text,
                         word("appendix_source", title=title, section=section) if section else title])
            figures[(r, 2)] = record_figure(self.written, self.dataset, c.indicator, c.period, text, c.source)
        cited = [v for ind in self.dataset.indicators.values() for v in ind.values
                 if any(c.indicator == ind.id and c.period == v.period for c in self.citations)]
        labels = self.layout.words["appendix_columns"]
        aligns = ("left", "center", "right", "left")
        table = Table(word("appendix_table"), [Column(label, align) for label, align in zip(labels, aligns)],
                      rows, self._sources(cited), appendix=True, figures=figures)
        intro = Paragraph([Run(word("appendix_intro"))])
        return [PageBreak(new_part=True), Heading(1, word("appendix_heading"), numbered=False), intro, table]

    def figures(self, entry: FiguresEntry, index: int) -> FigurePanel:
        indicators = self._indicators(entry.indicators, index, "figures")
        items, used = [], []
        for ind in indicators:
            v = self._pick(ind) or ind.values[-1]
            used.append(v)
            text = self._cite(ind, v)
            items.append(KeyFigure(ind.name, text, numbers.period_label(v.period),
                                   self._figure(ind, v.period, text, v.source)))
        return FigurePanel(items, self._sources(used), entry.title, entry.origin)

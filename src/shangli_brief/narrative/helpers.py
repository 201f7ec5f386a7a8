"""Template helpers: every figure in a narrative comes from the dataset through one of these.

A helper records what it quoted (a Citation) so the brief can name its sources, and reports a
bad indicator id or a missing period at the template line that asked for it."""
from __future__ import annotations

import sys

from ..data import Dataset, Indicator, Value
from ..data.dataset import normalise_period, period_sort_key
from ..errors import InputError, Location, did_you_mean
from ..model import Citation, Figure, figure_mark
from . import numbers
from ..i18n import _

# Helpers whose first argument is an indicator id (used to list and check a template's indicators).
INDICATOR_HELPERS = ("value", "growth", "change", "yoy", "previous", "streak", "when", "name", "unit")


def template_location() -> Location | None:
    """The template file and line of the innermost Jinja frame on the stack."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return Location(template.filename or template.name,
                            template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return None


def record_citation(citations: list[Citation], ind: Indicator, v: Value, text: str) -> None:
    """Note a quoted figure once per indicator and period, with its source."""
    if not any(c.indicator == ind.id and c.period == v.period for c in citations):
        citations.append(Citation(ind.id, ind.name, v.period, text, v.source, v.section, v.derived))


def record_figure(figures: list[Figure], dataset: Dataset, indicator: str, period: str, text: str,
                  source: str) -> int:
    """Note a figure the document writes (see model.Figure); its index in `figures`."""
    figures.append(Figure(indicator, period, text, dataset.source_label(source)))
    return len(figures) - 1


class Helpers:
    """The functions and values a narrative template sees."""

    def __init__(self, dataset: Dataset, period: str, compare: str | None, citations: list[Citation],
                 figures: list[Figure] | None = None):
        self.dataset, self.period, self.compare = dataset, period, compare
        self.citations = citations
        self.figures = figures if figures is not None else []

    def context(self) -> dict:
        return {
            "value": self.value, "growth": self.growth, "change": self.change, "yoy": self.yoy,
            "previous": self.previous, "streak": self.streak, "when": self.when,
            "name": self.name, "unit": self.unit, "facts": self.facts, "fact": self.fact, "year": self.year,
            "has": self.has, "period": self.period, "compare": self.compare,
        }

    # -- lookups -------------------------------------------------------------------------
    def _indicator(self, indicator_id) -> Indicator:
        ind = self.dataset.get(str(indicator_id))
        if ind is None:
            raise InputError(self.dataset.unknown(str(indicator_id)), template_location())
        return ind

    def _pick(self, ind: Indicator, period) -> Value:
        """The value for an explicit period ('2022', or 'earliest'/'latest' of the indicator's
        values); else the brief's period; else the latest value not after it; else the earliest
        (a figure published only for a later period)."""
        if period == "earliest":
            return ind.values[0]
        if period == "latest":
            return ind.values[-1]
        if period is not None:
            wanted = normalise_period(period)
            found = ind.at(wanted) if wanted else None
            if found is None:
                raise InputError(
                    _("'{id}' has no value for period '{period}' (it has: {periods})").format(
                        id=ind.id, period=period, periods=", ".join(ind.periods())
                    ),
                    template_location(),
                )
            return found
        return ind.nearest(self.period)

    def _cite(self, ind: Indicator, v: Value, text: str) -> None:
        record_citation(self.citations, ind, v, text)

    def _figure(self, ind: Indicator, period: str, text: str, source: str) -> str:
        """The text, marked as a figure of the document (see model.Figure)."""
        return figure_mark(record_figure(self.figures, self.dataset, ind.id, period, text, source), text)

    # -- helpers -------------------------------------------------------------------------
    def value(self, indicator_id, period=None, over="超") -> str:
        """The figure with qualifier and unit: 突破200亿元 (over='突破'), 约58万人次, 150余种."""
        ind = self._indicator(indicator_id)
        v = self._pick(ind, period)
        text = numbers.quantity(v.value, ind.unit, v.qualifier, over_word=over)
        self._cite(ind, v, text)
        return self._figure(ind, v.period, text, v.source)

    def growth(self, indicator_id, period=None) -> str:
        """A rate read as growth: 增长28.4%, 下降3%."""
        ind = self._indicator(indicator_id)
        if ind.unit != "%":
            raise InputError(
                _("growth() needs a rate in %; '{id}' is in {unit}: use value()").format(id=ind.id, unit=ind.unit),
                template_location(),
            )
        v = self._pick(ind, period)
        text = numbers.growth(v.value, v.qualifier)
        self._cite(ind, v, text)
        return self._figure(ind, v.period, text, v.source)

    def change(self, indicator_id, since=None, until=None) -> str:
        """The change between two periods (default: the brief's compare and period):
        提高3.82个百分点 for rates, 增长x% for levels."""
        ind = self._indicator(indicator_id)
        since = since if since is not None else self.compare
        if since is None:
            raise InputError(_("change() needs a period to compare with: set 'compare' in the spec "
                             "or pass one, change('id', '2022')"), template_location())
        return self._series_change(ind, self._pick(ind, since), self._pick(ind, until))

    # -- series ----------------------------------------------------------------------------
    def yoy(self, indicator_id, period=None) -> str:
        """同比: against the same period a year before (2024 against 2023): 同比增长12.5%,
        同比提高1.2个百分点 for a rate. The year before must be in the data."""
        ind = self._indicator(indicator_id)
        after = self._pick(ind, period)
        year = after.period.split("-")[0]
        before = ind.at(str(int(year) - 1)) if "-" not in after.period else None
        if before is None:
            raise InputError(
                _(
                    "yoy() compares {period} with the year before, and '{id}' has no value for it (it has: {periods})"
                ).format(period=after.period, id=ind.id, periods=", ".join(ind.periods())),
                template_location(),
            )
        return self._series_change(ind, before, after, "同比")

    def previous(self, indicator_id, period=None) -> str:
        """环比: against the period just before in the indicator's series: 环比增长3.1%."""
        ind = self._indicator(indicator_id)
        after = self._pick(ind, period)
        earlier = [v for v in ind.values if period_sort_key(v.period) < period_sort_key(after.period)]
        if not earlier:
            raise InputError(
                _("previous() needs a period before {period}, and '{id}' has none").format(
                    period=after.period, id=ind.id
                ),
                template_location(),
            )
        return self._series_change(ind, earlier[-1], after, "环比")

    def streak(self, indicator_id, period=None) -> str:
        """连续3年增长 (or 下降): the years in a row, up to the period, in which the value rose (or
        fell) from the year before; empty when fewer than two, for `{% if streak(…) %}`. Values
        known only as a bound (超/余) end the run: nobody can say they rose."""
        ind = self._indicator(indicator_id)
        last = self._pick(ind, period)
        by_year = {v.period: v for v in ind.values if "-" not in v.period}
        years, direction = 0, 0
        year = int(last.period) if last.period.isdigit() else None
        while year is not None and str(year) in by_year and str(year - 1) in by_year:
            now, before = by_year[str(year)], by_year[str(year - 1)]
            if {now.qualifier, before.qualifier} - {"exact", "approx"} or now.value == before.value:
                break
            step = 1 if now.value > before.value else -1
            if direction and step != direction:
                break
            direction, years, year = step, years + 1, year - 1
        if years < 2:
            return ""
        first = by_year[str(year)]
        self._cite(ind, first, numbers.quantity(first.value, ind.unit, first.qualifier))
        self._cite(ind, last, numbers.quantity(last.value, ind.unit, last.qualifier))
        text = f"连续{years}年{'增长' if direction > 0 else '下降'}"
        return self._figure(ind, f"{first.period}~{last.period}", text, last.source)

    def _series_change(self, ind: Indicator, before: Value, after: Value, word: str = "") -> str:
        """The change from one value to another, cited and marked as a figure; `word` (同比,
        环比) before it. Two bounds (超/余) give no change: nobody can say by how much."""
        text = numbers.change(before.value, after.value, ind.unit, before.qualifier, after.qualifier)
        if text is None:
            raise InputError(
                _(
                    "'{id}' cannot show a change between {period} and {period2}: a value is only "
                    "known as a bound (超/余)"
                ).format(id=ind.id, period=before.period, period2=after.period),
                template_location(),
            )
        self._cite(ind, before, numbers.quantity(before.value, ind.unit, before.qualifier))
        self._cite(ind, after, numbers.quantity(after.value, ind.unit, after.qualifier))
        return self._figure(ind, f"{before.period}~{after.period}", word + text, after.source)

    def when(self, indicator_id, period=None) -> str:
        """The period a figure belongs to, as text: 2022年, 2021—2025年."""
        return numbers.period_label(self._pick(self._indicator(indicator_id), period).period)

    def name(self, indicator_id) -> str:
        return self._indicator(indicator_id).name

    def unit(self, indicator_id) -> str:
        return self._indicator(indicator_id).unit

    def has(self, indicator_id, period=None) -> bool:
        """Whether the dataset holds the indicator (for a given period), for optional sentences."""
        ind = self.dataset.get(str(indicator_id))
        if ind is None:
            return False
        return period is None or ind.at(normalise_period(period) or "") is not None

    def year(self, period=None) -> str:
        """A period as text; by default the brief's own: 2024年."""
        return numbers.period_label(normalise_period(period or self.period) or str(period))

    def facts(self, kind=None, period=None) -> list:
        """Honours and events, optionally of one kind ('honour', 'event') or period."""
        wanted = normalise_period(period) if period else None
        return [f for f in self.dataset.facts
                if (not kind or f.kind == kind) and (not wanted or f.period == wanted)]

    def fact(self, fact_id) -> str:
        """One named honour or event, by id: fact('honour.civilised_city') -> 全国文明城市."""
        found = next((f for f in self.dataset.facts if f.id == fact_id), None)
        if found is None:
            raise InputError(_("unknown fact '{fact_id}'").format(fact_id=fact_id) + did_you_mean(
                fact_id, [f.id for f in self.dataset.facts]), template_location())
        return found.text

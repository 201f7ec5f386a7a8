"""Numbers in Chinese official usage (see the README, "Numbers in Chinese text").

No thousands separators below 万 (7120人次); 万 and 亿 as units (2.8万户, 5.5亿元); percentages
with % (93.82%); differences of percentages in 个百分点; growth as 增长/下降 without a sign;
qualifiers in their place: 约58万人次, 超80%, 突破200亿元, 150余种, 6亿余次."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from ..i18n import _

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def plain(number: Decimal) -> str:
    """As published, without exponent or separators; integral values without decimals."""
    number = Decimal(number)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def scale(number: Decimal, unit: str) -> tuple[Decimal, str]:
    """Counts of 万 or more take 万/亿 into the unit: (12500, 人) -> (1.25, 万人)."""
    if unit.startswith(("万", "亿")) or unit == "%" or abs(number) < WAN:
        return Decimal(number), unit
    if abs(number) >= YI:
        return Decimal(number) / YI, "亿" + unit
    return Decimal(number) / WAN, "万" + unit


def quantity(number, unit: str, qualifier: str = "exact", over_word: str = "超") -> str:
    """A number with its unit and qualifier: 约58万人次, 超80%, 150余种, 6亿余次."""
    number, unit = scale(Decimal(number), unit)
    n = plain(number)
    if qualifier == "exact":
        return f"{n}{unit}"
    if qualifier == "approx":
        return f"约{n}{unit}"
    if qualifier == "over":
        if over_word == "以上":
            return f"{n}{unit}以上"
        return f"{over_word}{n}{unit}"
    if qualifier == "plus":
        # 余 follows the number, or 万/亿 when the unit starts with one: 6亿余次, 150余种.
        if unit[:1] in ("万", "亿"):
            return f"{n}{unit[0]}余{unit[1:]}"
        if unit == "%":
            return f"{n}%以上"
        return f"{n}余{unit}"
    raise ValueError(_("unknown qualifier {qualifier!r}").format(qualifier=qualifier))


def bare(number, qualifier: str = "exact", suffix: str = "") -> str:
    """A number with its qualifier and no unit: 超200, 约58, 150余 (chart labels, cells)."""
    n = plain(number) + suffix
    return {"exact": n, "approx": f"约{n}", "over": f"超{n}", "plus": f"{n}余"}[qualifier]


def cell(number, unit: str, qualifier: str = "exact", shown_unit: str | None = None) -> str:
    """A table cell: the number and qualifier, the unit being in its own column. With
    `shown_unit` (the row's unit, 万元 for values in 元: see row_unit) the number is written in
    that unit, without 万/亿 of its own."""
    if shown_unit is not None:
        gained = shown_unit[: len(shown_unit) - len(unit)]
        return bare(Decimal(number) / {"": 1, "万": WAN, "亿": YI}[gained], qualifier)
    number, scaled_unit = scale(Decimal(number), unit)
    gained = scaled_unit[: len(scaled_unit) - len(unit)]  # 万 or 亿 gained by scaling
    return bare(number, qualifier, gained)


def row_unit(numbers, unit: str) -> str:
    """The unit a table row states in its unit column, so that its cells need no 万 or 亿 of
    their own: that of its largest value (5.136 and 4.892 under 万元, not 5.136万 under 元)."""
    largest = max((abs(Decimal(n)) for n in numbers), default=Decimal(0))
    return scale(largest, unit)[1]


def growth(rate, qualifier: str = "exact") -> str:
    """A year-on-year rate: 28.4 -> 增长28.4%; -3 -> 下降3%; 0 -> 持平."""
    rate = Decimal(rate)
    if rate == 0:
        return "持平"
    word = "增长" if rate > 0 else "下降"
    mark = {"exact": "", "approx": "约", "over": "超", "plus": ""}[qualifier]
    tail = "以上" if qualifier == "plus" else ""
    return f"{word}{mark}{plain(abs(rate))}%{tail}"


def _places(*numbers: Decimal) -> int:
    return max(max(0, -Decimal(n).normalize().as_tuple().exponent) for n in numbers)


def point_change(before, after) -> str:
    """Difference of two percentages: 90 -> 93.82 gives 提高3.82个百分点."""
    before, after = Decimal(before), Decimal(after)
    diff = after - before
    if diff == 0:
        return "持平"
    q = Decimal(1).scaleb(-_places(before, after))
    word = "提高" if diff > 0 else "下降"
    return f"{word}{plain(abs(diff).quantize(q, ROUND_HALF_UP))}个百分点"


def relative_change(before, after) -> str:
    """Change of a level, in per cent to one decimal: 100 -> 128.4 gives 增长28.4%."""
    before, after = Decimal(before), Decimal(after)
    if before == 0:
        raise ValueError(_("cannot compute a change from zero"))
    pct = ((after - before) / abs(before) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return growth(pct)


def period_label(period: str) -> str:
    """'2022' -> 2022年; '2021-2025' -> 2021—2025年."""
    return period.replace("-", "—") + "年"


def change(before, after, unit: str, q_before: str = "exact", q_after: str = "exact") -> str | None:
    """The change between two published values, or None when their qualifiers make it unknowable
    (from 超100 to 超200 nobody can say by how much)."""
    if {q_before, q_after} - {"exact", "approx"}:
        return None
    if unit != "%" and Decimal(before) == 0:  # no rate from nothing: say where it went
        if Decimal(after) == 0:
            return "持平"
        return f"由0{'增至' if Decimal(after) > 0 else '降至'}{quantity(after, unit, q_after)}"
    text = point_change(before, after) if unit == "%" else relative_change(before, after)
    if "approx" in (q_before, q_after) and text != "持平":
        text = text[:2] + "约" + text[2:]
    return text

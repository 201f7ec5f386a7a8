"""Numbers in Chinese official usage, case by case (README: "Numbers in Chinese text")."""
from decimal import Decimal

import pytest

from shangli_brief.narrative import numbers


@pytest.mark.parametrize("value, unit, qualifier, expected", [
    (62, "条", "exact", "62条"),
    (7120, "人次", "exact", "7120人次"),          # no thousands separator below 万
    (Decimal("2.8"), "万户", "exact", "2.8万户"),
    (Decimal("5.5"), "亿元", "over", "超5.5亿元"),
    (Decimal("93.82"), "%", "exact", "93.82%"),
    (58, "万人次", "approx", "约58万人次"),
    (80, "%", "over", "超80%"),
    (150, "种", "plus", "150余种"),
    (6, "亿次", "plus", "6亿余次"),                # 余 after 亿
    (1500, "家", "plus", "1500余家"),
    (12500, "人", "exact", "1.25万人"),            # 万 as a unit from 10 000 up
    (350000000, "元", "exact", "3.5亿元"),
    (15000, "人", "plus", "1.5万余人"),
    (Decimal("90.00"), "%", "exact", "90%"),
])
def test_quantity(value, unit, qualifier, expected):
    assert numbers.quantity(value, unit, qualifier) == expected


def test_over_word_choice():
    assert numbers.quantity(200, "亿元", "over", over_word="突破") == "突破200亿元"
    assert numbers.quantity(25, "%", "over", over_word="以上") == "25%以上"


@pytest.mark.parametrize("rate, qualifier, expected", [
    (Decimal("28.4"), "exact", "增长28.4%"),
    (Decimal("-3.5"), "exact", "下降3.5%"),        # sign dropped
    (0, "exact", "持平"),
    (16, "approx", "增长约16%"),
])
def test_growth(rate, qualifier, expected):
    assert numbers.growth(rate, qualifier) == expected


def test_point_change_uses_percentage_points():
    assert numbers.point_change(Decimal("90.00"), Decimal("93.82")) == "提高3.82个百分点"
    assert numbers.point_change(Decimal("16.8"), Decimal("16")) == "下降0.8个百分点"


def test_relative_change_of_levels():
    assert numbers.relative_change(100, Decimal("128.4")) == "增长28.4%"
    assert numbers.relative_change(200, 150) == "下降25%"


def test_change_refuses_bounds_and_marks_approximations():
    assert numbers.change(100, 200, "亿元", "over", "over") is None
    assert numbers.change(50, 58, "万人次", "approx", "exact") == "增长约16%"
    assert numbers.change(Decimal("16.8"), 16, "%") == "下降0.8个百分点"


def test_table_cells_keep_unit_out():
    assert numbers.cell(200, "亿元", "over") == "超200"
    assert numbers.cell(150, "种", "plus") == "150余"
    assert numbers.cell(12500, "人", "exact") == "1.25万"


def test_period_labels():
    assert numbers.period_label("2022") == "2022年"
    assert numbers.period_label("2021-2025") == "2021—2025年"

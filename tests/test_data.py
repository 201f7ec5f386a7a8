"""The built-in dataset: complete, sourced, and traceable to the articles' text."""
import json
import re
from decimal import Decimal

import pytest

from conftest import ROOT, run_cli
from shangli_brief.data import load_dataset
from shangli_brief.narrative import numbers

SOURCES = ROOT / "tests" / "sources"  # copies of ../shared/sources, the two articles


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_indicators_json_follows_the_contract():
    result = run_cli("indicators", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    values = [v for row in rows for v in row["values"]]
    assert len(values) >= 60  # every quantitative fact of both articles
    for row in rows:
        assert set(row) == {"id", "name", "unit", "category", "values"}
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", row["id"])
        assert row["category"] == row["id"].split(".")[0]
        for v in row["values"]:
            assert v["source"] in ("000_fef3c14de18c72bf.txt", "001_785c74f41207e478.txt")
            assert v["section"] and v["qualifier"] in ("exact", "approx", "over", "plus")
            assert isinstance(v["value"], (int, float))
    cluster = next(r for r in rows if r["id"] == "fireworks.cluster_output")
    assert cluster["values"] == [{"period": "2024", "value": 200, "qualifier": "over",
                                  "source": "001_785c74f41207e478.txt", "section": "加快转型升级"}]


def test_derived_values_say_how(dataset):
    air = dataset.get("ecology.good_air_days")
    baseline = air.at("2020")
    assert baseline.derived and "3.82" in baseline.formula
    assert air.at("2024").value - baseline.value == Decimal("3.82")


def test_every_published_number_is_in_its_article(dataset):
    """Each value (not derived, not reworded: those carry a note) appears in its source text,
    in the section the dataset names."""
    texts = {p.name: p.read_text("utf-8") for p in SOURCES.glob("*.txt")}
    for ind in dataset.indicators.values():
        for v in ind.values:
            if v.derived or v.note:
                continue
            text = texts[v.source]
            number = numbers.plain(v.value)
            unit = ind.unit.lstrip("万亿") if ind.unit[:1] in "万亿" else ind.unit
            assert number in text, f"{ind.id}: {number} not in {v.source}"
            section = v.section.split("——")[0]
            assert section in text, f"{ind.id}: section {v.section} not in {v.source}"
            pattern = rf"(?<![\d.]){re.escape(number)}(?![\d.]).{{0,2}}{re.escape(unit[:1])}"
            assert re.search(pattern, text), f"{ind.id}: no '{number}' followed by {ind.unit}"


def test_facts_are_dated_and_sourced(dataset):
    assert len([f for f in dataset.facts if f.kind == "honour"]) >= 12
    for fact in dataset.facts:
        assert fact.source.endswith(".txt") and fact.period and fact.text


def test_indicator_filters():
    result = run_cli("indicators", "--category", "fireworks", "--period", "2022", "--json")
    rows = json.loads(result.stdout)
    assert rows and all(r["category"] == "fireworks" for r in rows)
    assert all(v["period"] == "2022" for r in rows for v in r["values"])
    bad = run_cli("indicators", "--category", "firework")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: unknown category 'firework' (did you mean 'fireworks'?)"


def test_data_file_merges_over_builtin(workspace):
    (workspace / "data").mkdir()
    (workspace / "data" / "update.yaml").write_text(
        "indicators:\n"
        "  - id: fireworks.cluster_output\n"
        "    values:\n"
        "      - {period: 2025, value: 230, qualifier: over, source: 县统计局, section: 年报}\n",
        "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\nperiod: 2025\ndata: [data/update.yaml]\nsections:\n"
        "  - text: 集群产值{{ value('fireworks.cluster_output') }}。\n", "utf-8")
    result = run_cli("build", "--format", "docx", cwd=workspace)
    assert result.returncode == 0, result.stderr
    import docx
    text = "\n".join(p.text for p in docx.Document(workspace / "out" / "b.docx").paragraphs)
    assert "集群产值超230亿元。" in text

"""Data as the statistics bureau sends it (an indicator a row, a year a column), and the series
helpers (同比, 环比, 连续x年增长) fed by it."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import ROOT, run_cli


def _workspace(tmp_path: Path, rows: list[list], name: str = "2025年快报.xlsx", sheet: str = "工作表1",
               text: str = "", extra: str = "") -> Path:
    (tmp_path / "briefs").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "data" / name)
    text = text or "{{ value('ecology.good_air_days') }}"
    (tmp_path / "briefs" / "t.yaml").write_text(
        f"title: 测试\nperiod: 2024\ndata: ['data/{name}']\n{extra}sections:\n  - text: |\n      {text}\n",
        "utf-8")
    return tmp_path


HEADER = ["指标", "单位", "2022年", "2023年", "2024年", "来源"]


def test_catalogue_names_qualifiers_and_empty_cells(tmp_path):
    ws = _workspace(tmp_path, [
        HEADER,
        ["空气质量优良天数比例", "%", "", "92.5", "93.82", "县生态环境局快报"],
        ["全县花炮总产值", "亿元", "", "120余", "", "县统计局快报"],
        [],
        ["注：2023年数据为初步统计。"],
    ])
    result = run_cli("indicators", "--spec", "briefs/t.yaml", "--json", cwd=ws)
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    air = {v["period"]: v for v in rows["ecology.good_air_days"]["values"]}
    assert air["2023"]["value"] == 92.5 and air["2023"]["defined_in"] == "data/2025年快报.xlsx:工作表1!D2"
    assert air["2023"]["source"] == "县生态环境局快报" and air["2023"]["section"] == "工作表1!D2"
    assert "2022" not in air or air["2022"].get("defined_in", "built-in") == "built-in"   # the empty cell adds nothing
    output = {v["period"]: v for v in rows["fireworks.output"]["values"]}
    assert output["2023"]["qualifier"] == "plus" and output["2023"]["value"] == 120
    assert output["2022"].get("defined_in", "built-in") == "built-in"


def _error(ws: Path) -> str:
    result = run_cli("check", "briefs/t.yaml", cwd=ws)
    assert result.returncode == 2, result.stdout + result.stderr
    return result.stderr.splitlines()[0]


def test_an_unknown_name_is_named_with_its_cell_and_a_did_you_mean(tmp_path):
    ws = _workspace(tmp_path, [HEADER, ["空气质量优良天数比列", "%", "", "", "93.82", "快报"]])
    assert _error(ws) == (
        "error: data/2025年快报.xlsx:工作表1!A2: unknown indicator '空气质量优良天数比列' (did you mean "
        "'空气质量优良天数比例'?); name it as the catalogue does (shangli-brief indicators), or map it in "
        "indicator-names.yaml: '空气质量优良天数比列: indicator.id'")


def test_a_cell_that_is_not_a_number_is_named_with_what_was_found(tmp_path):
    ws = _workspace(tmp_path, [HEADER, ["空气质量优良天数比例", "%", "", "九十三", "93.82", "快报"]])
    assert _error(ws) == ("error: data/2025年快报.xlsx:工作表1!D2: '九十三' is not a number; write the "
                          "figure, with 约/超 before it or 余/多 after it if it was published so")


def test_a_unit_unlike_the_catalogue_is_refused_at_its_cell(tmp_path):
    ws = _workspace(tmp_path, [HEADER, ["全县花炮总产值", "万元", "", "", "2300000", "快报"]])
    assert _error(ws) == ("error: data/2025年快报.xlsx:工作表1!B2: the unit '万元' of 全县花炮总产值 differs "
                          "from the catalogue's '亿元'; convert the figures to 亿元, or correct the unit")


def test_a_csv_wide_table_and_a_mapping_file(tmp_path):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "快报.csv").write_text(
        "项目,计量单位,2023,2025,备注\n花炮产业总产值,亿元,,超230,初步\n", "utf-8")
    (tmp_path / "data" / "indicator-names.yaml").write_text(
        "花炮产业总产值: fireworks.cluster_output\n", "utf-8")
    (tmp_path / "briefs" / "t.yaml").write_text(
        "title: 测试\nperiod: 2024\ndata: [data/快报.csv]\nsections:\n"
        "  - text: \"{{ value('fireworks.cluster_output') }}\"\n", "utf-8")
    result = run_cli("indicators", "--spec", "briefs/t.yaml", "--category", "fireworks", cwd=tmp_path)
    assert "2025年 超230亿元 [data/快报.csv:D2]" in result.stdout


def test_series_helpers_with_the_honesty_rules(tmp_path):
    # the rows replace the dataset's own values for those years (a 替换 column of 是)
    rows = [HEADER[:2] + ["2021年"] + HEADER[2:] + ["替换"],
            ["花炮产业集群总产值", "亿元", "180", "190", "200", "212", "快报", "是"],
            ["空气质量优良天数比例", "%", "90", "91", "约92", "93.82", "快报", "是"]]
    text = ("{{ yoy('fireworks.cluster_output') }}；{{ streak('fireworks.cluster_output') }}；"
            "{{ previous('ecology.good_air_days') }}；{{ streak('ecology.good_air_days') or '无' }}")
    ws = _workspace(tmp_path, rows, text=text)
    result = run_cli("build", "--format", "pdf", cwd=ws)
    assert result.returncode == 0, result.stderr
    pdf = subprocess.run(["pdftotext", str(ws / "out" / "t.pdf"), "-"], capture_output=True, text=True).stdout
    flat = "".join(pdf.split())
    assert "同比增长6%；连续3年增长；环比提高约1.82个百分点；连续3年增长" in flat
    bound = [["指标", "单位", "2023年", "2024年", "替换"], ["花炮产业集群总产值", "亿元", "超200", "230", "是"]]
    ws = _workspace(tmp_path / "bound", bound, text="{{ yoy('fireworks.cluster_output') }}")
    assert _error(ws).endswith("'fireworks.cluster_output' cannot show a change between 2023 and 2024: a value "
                               "is only known as a bound (超/余)")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("bureau")
    shutil.copytree(ROOT / "briefs", ws / "briefs")
    shutil.copytree(ROOT / "data", ws / "data")
    result = run_cli("build", "briefs/bureau-example.yaml", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws


SENTENCE = "规模以上工业增加值158.3亿元，同比增长7.8%，连续4年增长"


def test_the_sample_wide_workbook_feeds_a_line_chart_and_yoy_sentences_in_both_formats(sample):
    pdf = subprocess.run(["pdftotext", str(sample / "out" / "bureau-example.pdf"), "-"],
                         capture_output=True, text=True).stdout
    assert SENTENCE in "".join(pdf.split())
    assert "图1" in pdf and "资料来源：示例数据（虚构，仅演示宽表格式）" in "".join(pdf.split())
    with zipfile.ZipFile(sample / "out" / "bureau-example.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
        assert any(n.startswith("word/media/") for n in z.namelist())      # the chart
    import re
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert SENTENCE in text
    assert "descr=\"规模以上工业增加值和社会消费品零售总额（示例）（单位：亿元）" in xml  # values in the alt text


def test_example_values_stay_out_of_the_sourced_dataset(sample):
    """The example indicators exist only for a spec that names the example workbook."""
    plain = run_cli("indicators", "--category", "example", cwd=sample)
    assert plain.returncode == 2 and "unknown category 'example'" in plain.stderr
    named = run_cli("indicators", "--spec", "briefs/bureau-example.yaml", "--category", "example", cwd=sample)
    assert "[data/bureau-example.xlsx:主要指标!G2]" in named.stdout


def test_init_shows_a_wide_table(tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("init", ws).returncode == 0
    assert (ws / "data" / "统计局宽表示例.csv").is_file()
    spec = (ws / "briefs" / "example.yaml").read_text("utf-8")
    (ws / "briefs" / "example.yaml").write_text(
        spec.replace("data: [data/2025-update.csv]", "data: [data/2025-update.csv, data/统计局宽表示例.csv]"),
        "utf-8")
    result = run_cli("indicators", "--spec", "briefs/example.yaml", "--category", "ecology", cwd=ws)
    assert result.returncode == 0, result.stderr
    assert "[data/统计局宽表示例.csv:C2]" in result.stdout

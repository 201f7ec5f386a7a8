"""Tables as a print shop sets them and pages a reader would not send back, measured in the PDF:
no short cell wrapped, units that agree with the figures, no page inside a brief under a
quarter full because a table was carried to the next one — on the samples and on a brief of
long names, big figures and a long table written here."""
from __future__ import annotations

import pdfplumber
import pytest

from conftest import ROOT, run_cli

UNSEEN_DATA = "indicators:\n" + "".join(
    f"  - {{id: test.long{i}, name: {name}, unit: '{unit}', category: test, values: "
    f"[{{period: 2023, value: {before}, source: 县统计局快报}}, "
    f"{{period: 2024, value: {now}, source: 县统计局快报}}]}}\n"
    for i, (name, unit, before, now) in enumerate([
        ("全县规模以上工业企业研究与试验发展经费内部支出总额", "元", 8123400000, 9051200000),
        ("城乡居民人均可支配收入（农村常住居民，全口径）", "元", 21380, 23105),
        ("新增省级专精特新中小企业", "家", 12, 19),
        ("森林覆盖率", "%", 66.61, 66.72),
        ("年末常住人口", "人", 430000, 428000),
    ]))
LONG_TABLE = "".join(f"  - {{id: test.row{i}, name: 第{i}项重点项目完成投资额占年度计划比例, unit: '%', "
                     f"category: test, values: [{{period: 2024, value: {80 + i}.5, source: 县发改委快报}}]}}\n"
                     for i in range(40))


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    ws = tmp_path_factory.mktemp("unseen")
    (ws / "briefs").mkdir()
    (ws / "data").mkdir()
    (ws / "data" / "long.yaml").write_text(UNSEEN_DATA + LONG_TABLE, "utf-8")
    ids = ", ".join(f"test.long{i}" for i in range(5))
    rows = ", ".join(f"test.row{i}" for i in range(40))
    (ws / "briefs" / "unseen.yaml").write_text(
        "title: 上栗县关于规模以上工业企业研发投入和重点项目推进情况的报告\nperiod: 2024\ncompare: 2023\n"
        "formats: [pdf]\ndata: [data/long.yaml]\nsections:\n"
        "  - text: |\n      本报告汇总研发投入和重点项目推进情况。\n"
        f"  - table: {{title: 研发投入与人口主要指标, indicators: [{ids}]}}\n"
        "  - text: |\n" + "      各乡镇和县直有关单位要加强统筹调度，压实工作责任，确保目标任务按期完成。\n\n" * 12 +
        f"  - table: {{title: 重点项目完成投资情况, indicators: [{rows}]}}\n", "utf-8")
    result = run_cli("build", "--out", ws / "out", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws / "out"


def _briefs(built, unseen):
    return [built / f"{p.stem}.pdf" for p in sorted((ROOT / "briefs").glob("*.yaml"))] + [unseen / "unseen.pdf"]


def _model_tables(pdf_path):
    from shangli_brief import model
    from shangli_brief.briefspec import load_spec
    from shangli_brief.build import Workspace
    spec = ROOT / "briefs" / f"{pdf_path.stem}.yaml"
    if not spec.exists():
        spec = pdf_path.parent.parent / "briefs" / f"{pdf_path.stem}.yaml"
    return [b for b in Workspace().document(load_spec(spec)).blocks if isinstance(b, model.Table)]


def test_no_short_table_cell_is_wrapped(built, unseen):
    """A data cell of ten characters or fewer (a figure, a period, 提高约0.1个百分点) stands on one
    line of its row in the PDF."""
    wrapped = []
    for pdf_path in _briefs(built, unseen):
        with pdfplumber.open(pdf_path) as pdf:
            lines = ["".join(line["text"].split()) for page in pdf.pages for line in page.extract_text_lines()]
        for table in _model_tables(pdf_path):
            for row in table.rows:
                for text in row[1:]:
                    if len(text) <= 10 and not any(text in line for line in lines):
                        wrapped.append((pdf_path.name, table.title, text))
    assert not wrapped


def test_a_row_states_the_unit_its_figures_are_written_in(unseen):
    with pdfplumber.open(unseen / "unseen.pdf") as pdf:
        text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    assert "亿元90.51281.234增长11.4%" in text    # 9 051 200 000 元 and 8 123 400 000 元, in 亿元
    assert "万元2.31052.138增长8.1%" in text       # 23 105 元 and 21 380 元: 2.3105 is not 2.3105万 under 元
    assert "万人42.843" in text


def _fill(page) -> float:
    """How far down the type area the page's content reaches (0 to 1), running heads and page
    numbers left out."""
    top, bottom = 0.12 * page.height, 0.9 * page.height
    shown = [o["bottom"] for o in page.extract_words() + page.rects + page.lines if top < o["bottom"] < bottom]
    return (max(shown) - top) / (bottom - top) if shown else 0.0


def test_no_page_inside_a_brief_is_left_under_a_quarter_full(built, unseen):
    """Only a part's last page may be short (the page before the appendix or the contents; the
    brief's last page); no page is emptied by a table carried whole to the next one."""
    short = []
    for pdf_path in _briefs(built, unseen):
        with pdfplumber.open(pdf_path) as pdf:
            pages = pdf.pages
            for i, page in enumerate(pages[:-1]):
                following = (pages[i + 1].extract_text() or "").strip()
                ends_a_part = following.startswith(("附件", "目")) or i == 0 and "目" in following[:3]
                if not ends_a_part and _fill(page) < 0.25:
                    short.append((pdf_path.name, i + 1, round(_fill(page), 2)))
    assert not short


def test_a_chart_that_would_leave_a_third_of_a_page_empty_lets_the_text_run_on(tmp_path):
    """Four paragraphs, then a chart that no longer fits the first page: the text after the
    chart is set first (the page filled), the chart heads the next page, no text is lost."""
    para = "      各乡镇和县直有关单位要加强统筹调度，压实工作责任，确保各项目标任务按期完成，推动产业升级。\n\n"
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "f.yaml").write_text(
        "title: 测试浮动图表\nformats: [pdf]\nperiod: 2024\ncompare: 2022\nsections:\n  - text: |\n" + para * 4 +
        "  - chart: {kind: bar, title: 花炮产值、税收、出口增速, indicators: [fireworks.output_growth, "
        "fireworks.tax_growth, fireworks.export_growth]}\n  - text: |\n" + para.replace("各乡镇", "后文各乡镇") * 6,
        "utf-8")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "out" / "f.pdf") as pdf:
        assert _fill(pdf.pages[0]) > 2 / 3
        text = ["".join((page.extract_text() or "").split()) for page in pdf.pages]
    assert "后文各乡镇" in text[0] and "图1" not in text[0]
    assert text[1].index("图1") < text[1].index("后文各乡镇")
    assert sum(t.count("后文各乡镇") for t in text) == 6

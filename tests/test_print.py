"""`shangli-brief print`: a distribution list as county offices keep it (GBK CSV from Excel or
WPS, or XLSX), the 版记 made from it, the print job with every copy's 份号, the register, and the
booklet for saddle stitching, all read back from the files as a print shop and a clerk would."""
from __future__ import annotations

import re
import subprocess

import pdfplumber
import pytest

from conftest import ROOT, run_cli, same_bytes

RECIPIENTS = ("类别,单位,份数,备注\r\n报,萍乡市发展和改革委员会,2,\r\n送,县委办公室,3,\r\n"
              "送,县政府办公室,3,\r\n发,各乡镇人民政府,3,\r\n抄送,县统计局,1,存档\r\n")
RANGES = [("报", "萍乡市发展和改革委员会", 2, "000001—000002"), ("送", "县委办公室", 3, "000003—000005"),
          ("送", "县政府办公室", 3, "000006—000008"), ("发", "各乡镇人民政府", 3, "000009—000011"),
          ("抄送", "县统计局", 1, "000012")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The fireworks bulletin printed for five recipients, twelve copies (a GBK CSV)."""
    tmp = tmp_path_factory.mktemp("print")
    table = tmp / "分发名单.csv"
    table.write_bytes(RECIPIENTS.encode("gbk"))
    result = run_cli("print", "briefs/fireworks-bulletin.yaml", "--recipients", table, "--out", tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp


def _pages(pdf) -> int:
    with pdfplumber.open(pdf) as document:
        return len(document.pages)


def _copy_number(page) -> str | None:
    """The six digits at the top left of a page, above the type area (37 mm from the top)."""
    words = [w for w in page.extract_words() if re.fullmatch(r"\d{6}", w["text"])]
    found = [w["text"] for w in words if w["x0"] < 100 and w["bottom"] < 37 / 25.4 * 72]
    return found[0] if found else None


def test_the_print_job_holds_every_copy_with_its_copy_number(printed):
    out = printed / "out"
    brief = _pages(out / "fireworks-bulletin.pdf")
    with pdfplumber.open(out / "fireworks-bulletin-print.pdf") as job:
        assert len(job.pages) == 12 * brief
        numbers = [_copy_number(page) for page in job.pages]
    assert numbers[::brief] == [f"{n:06d}" for n in range(1, 13)]
    assert all(n is None for i, n in enumerate(numbers) if i % brief)  # on first pages only
    assert _copy_number(pdfplumber.open(out / "fireworks-bulletin.pdf").pages[0]) is None  # the brief itself has none


def test_the_closing_block_names_the_recipients_and_their_total(printed):
    text = subprocess.run(["pdftotext", str(printed / "out" / "fireworks-bulletin.pdf"), "-"], capture_output=True,
                          text=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert "报：萍乡市发展和改革委员会。" in lines
    assert "送：县委办公室，县政府办公室。" in lines
    assert "发：各乡镇人民政府。" in lines and "抄送：县统计局。" in lines
    assert "（共印12份）" in lines
    import docx
    closing = [c.text for c in docx.Document(printed / "out" / "fireworks-bulletin.docx").tables[-1].columns[0].cells]
    assert closing[0] == "报：萍乡市发展和改革委员会。" and closing[-1] == "（共印12份）"


def test_the_register_lists_who_got_which_copies(printed):
    from openpyxl import load_workbook
    sheet = load_workbook(printed / "out" / "fireworks-bulletin-register.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["类别", "单位", "份数", "份号", "签收", "标题", "期号", "印发日期"]
    assert [tuple(r[:4]) for r in rows[2:]] == RANGES
    assert all(r[4] is None for r in rows[2:])  # a column to sign
    assert {r[5] for r in rows[2:]} == {"上栗县花炮产业转型升级情况"} and {r[6] for r in rows[2:]} == {"第3期"}
    assert sheet.page_setup.orientation == "landscape"


def test_the_same_inputs_give_the_same_files(printed, tmp_path):
    table = printed / "分发名单.csv"
    assert run_cli("print", "briefs/fireworks-bulletin.yaml", "--recipients", table, "--out", tmp_path).returncode == 0
    for name in ("fireworks-bulletin-print.pdf", "fireworks-bulletin-register.xlsx"):
        assert same_bytes(tmp_path / name, printed / "out" / name), name


def _page_number(page, left: bool) -> int | None:
    half = page.crop((0, 0, page.width / 2, page.height) if left else (page.width / 2, 0, page.width, page.height))
    found = re.findall(r"—\s*(\d+)\s*—", half.extract_text() or "")
    return int(found[-1]) if found else None


def test_a_booklet_is_imposed_for_saddle_stitching(printed, tmp_path):
    from shangli_brief.distribution import saddle_order
    result = run_cli("print", "briefs/livelihood-bulletin.yaml", "--recipients", printed / "分发名单.csv",
                     "--booklet", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    pages = _pages(tmp_path / "livelihood-bulletin.pdf")
    sides = -(-pages // 4) * 2
    with pdfplumber.open(tmp_path / "livelihood-bulletin-print.pdf") as job:
        assert len(job.pages) == 12 * sides
        assert all((round(p.width), round(p.height)) == (1191, 842) for p in job.pages)  # A3 landscape
        order = [(_page_number(p, True), _page_number(p, False)) for p in job.pages[:sides]]
        # each copy's first page (the right half of its first side) carries its 份号
        numbers = [re.findall(r"\d{6}", p.crop((p.width / 2, 0, p.width, 110)).extract_text() or "")
                   for p in job.pages[::sides]]
    assert order == saddle_order(pages)
    assert numbers == [[f"{n:06d}"] for n in range(1, 13)]


def test_saddle_order_folds_into_page_order():
    from shangli_brief.distribution import saddle_order
    assert saddle_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_order(3) == [(None, 1), (2, 3)]  # a blank to make four
    assert saddle_order(5) == [(None, 1), (2, None), (None, 3), (4, 5)]


def test_bad_rows_are_one_line_each_and_nothing_is_written(tmp_path):
    table = tmp_path / "名单.csv"
    table.write_bytes("类别,单位,份数\r\n报,市发改委,2\r\n呈,县委办,1\r\n送,,3\r\n发,各乡镇,两份\r\n".encode("gbk"))
    result = run_cli("print", "briefs/fireworks-bulletin.yaml", "--recipients", table, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {table}:3:1: 类别: '呈' is not a category; write 报, 送, 发 or 抄送",
        f"error: {table}:4:2: 单位: the recipient's name is empty",
        f"error: {table}:5:3: 份数: '两份' is not a number of copies; write a whole number such as 2"]
    assert not (tmp_path / "out").exists()


def test_a_layout_without_copy_numbers_prints_none(tmp_path):
    """The report layout's data carries no 份号: its copies go unnumbered (and it has no 版记)."""
    table = tmp_path / "名单.xlsx"
    from openpyxl import Workbook
    book = Workbook()
    for row in (["类别", "单位", "份数"], ["送", "投资方代表", 2]):
        book.active.append(row)
    book.save(table)
    result = run_cli("print", "briefs/investment.yaml", "--recipients", table, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pages = _pages(tmp_path / "out" / "investment.pdf")
    with pdfplumber.open(tmp_path / "out" / "investment-print.pdf") as job:
        assert len(job.pages) == 2 * pages
        assert _copy_number(job.pages[0]) is None and _copy_number(job.pages[pages]) is None


def test_print_without_a_table_says_how(tmp_path):
    result = run_cli("print", ROOT / "briefs" / "fireworks-bulletin.yaml", "--out", tmp_path)
    assert result.returncode == 2
    assert "print needs a recipients table: --recipients FILE, or recipients: in the spec" in result.stderr

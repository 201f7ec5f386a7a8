"""Text a user can type or paste: long, many, odd characters, damaged spreadsheets."""
from __future__ import annotations

import zipfile

import pdfplumber
import pytest

from .conftest import one_error, run, write_spec


def test_a_100000_character_paragraph_in_seconds(ws):
    write_spec(ws, "formats: [pdf]\nsections:\n  - text: |\n      " + "上栗县花炮产业，" * 12500 + "\n")
    result = run("build", cwd=ws, timeout=300)  # a hang guard: about 10 s here
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(ws / "out" / "t.pdf") as pdf:
        assert len(pdf.pages) > 100


@pytest.mark.parametrize("key", ["title", "issuer"])
def test_over_long_one_line_texts_are_refused(ws, key):
    path = write_spec(ws, "sections:\n  - section: health\n")
    text = path.read_text("utf-8")
    text = text.replace("测试简报", "测" * 4000) if key == "title" else text.replace(
        "上栗县发展和改革委员会", "委" * 300)
    path.write_text(text, "utf-8")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    assert f"{key}: " in one_error(result) and "at most 200" in one_error(result)


def test_long_titles_and_many_headings_build(ws):
    """A 200-character title, 40 level-1 headings: the DOCX properties are cut with an
    ellipsis, the report's contents flows over pages."""
    import docx
    path = write_spec(ws, "sections:\n" + "".join(
        f"  - text: |\n      # 第{i}部分的标题写得相当长以便检验目录能否跨页排列\n\n      正文。\n"
        for i in range(40)))
    path.write_text(path.read_text("utf-8").replace("测试简报", "测" * 200).replace("bulletin", "report"), "utf-8")
    result = run("build", cwd=ws)
    assert result.returncode == 0, result.stderr
    props = docx.Document(ws / "out" / "t.docx").core_properties
    assert len(props.title) == 255 or props.title == "测" * 200
    assert len(props.keywords) == 255 and props.keywords.endswith("…")
    with pdfplumber.open(ws / "out" / "t.pdf") as pdf:
        contents = [p.page_number for p in pdf.pages if "第39部分" in (p.extract_text() or "")]
    assert len(contents) == 2  # once in the contents (its second page), once in the body


def test_a_long_word_is_broken(ws):
    write_spec(ws, "formats: [pdf]\nsections:\n  - text: " + "a" * 3000 + "\n")
    result = run("build", cwd=ws)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(ws / "out" / "t.pdf") as pdf:
        words = [w for p in pdf.pages for w in p.extract_words()]
        width = pdf.pages[0].width
    assert all(w["x1"] <= width - 50 for w in words)


def csv_spec(ws, content: str, ext: str = "csv"):
    (ws / "data" / f"u.{ext}").write_text(content, "utf-8")
    write_spec(ws, f"data: [data/u.{ext}]\nsections:\n  - section: fireworks\n")


@pytest.mark.parametrize("content, message", [
    ('id,period,value,source\nfireworks.output,2025,1,"' + "x" * 140000 + '"\n',
     "data/u.csv:2: source: a cell of 140000 characters (at most 2000); is the file damaged?"),
    ("id,period,value,source,name,unit\nfireworks.new_x,2025,1,x\x01y,名,个\n",
     "data/u.csv:2: source: control character U+0001 in the text"),
    ("id,period,value,source,name,unit\nfireworks.new_x,2025,1,x,名\udcff字,个\n"
     .encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
     None),
    ("id,period,value,value,source\nfireworks.output,2025,1,2,x\n",
     "data/u.csv:1: column 'value' appears twice; keep one"),
    ('id,period,value,source\nfireworks.output,2025,1,"x\n', None),
])
def test_damaged_csv(ws, content, message):
    csv_spec(ws, content)
    result = run("check", cwd=ws)
    if message is None:
        assert result.returncode in (0, 2)
        return
    assert result.returncode == 2
    assert one_error(result).startswith(f"error: {message}"), one_error(result)


def xlsx(path, rows):
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_xlsx_with_a_dtd_is_refused(ws, encoding):
    """In any encoding expat reads: UTF-16 without a byte order mark passed the check before."""
    path = ws / "data" / "u.xlsx"
    xlsx(path, [["id", "period", "value", "source"], ["fireworks.output", 2025, 1, "x"]])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
    data = parts[sheet]
    data = data.replace(b"?>", b"?>" + dtd, 1) if data.startswith(b"<?xml") else dtd + data
    if encoding != "utf-8":
        data = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(encoding)
    parts[sheet] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_spec(ws, "data: [data/u.xlsx]\nsections:\n  - section: fireworks\n")
    result = run("check", cwd=ws)
    assert result.returncode == 2
    assert one_error(result) == ("error: data/u.xlsx: the workbook declares a DTD or entities in "
                                 "xl/worksheets/sheet1.xml (Word, WPS and Excel never write one); "
                                 "save it again from Excel or WPS")


def test_xlsx_with_a_wrong_dimension_keeps_every_row(ws):
    path = ws / "data" / "u.xlsx"
    xlsx(path, [["id", "period", "value", "qualifier", "source", "replace"],
                ["health.staff_rewarded", "2021-2025", 480, "", "县卫健委", "是"],
                ["fireworks.output", 2024, 999, "", "x", "是"]])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:F3"/>', b'<dimension ref="A1:F2"/>')
    assert b'<dimension ref="A1:F2"/>' in parts[sheet]  # the last row lies outside it
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_spec(ws, "data: [data/u.xlsx]\nsections:\n  - section: health\n  - table:\n      title: 表\n"
                   "      indicators: [fireworks.output]\n")
    result = run("build", "--format", "docx", cwd=ws)
    assert result.returncode == 0, result.stderr
    import docx
    cells = [c.text for t in docx.Document(ws / "out" / "t.docx").tables for r in t.rows for c in r.cells]
    assert any("999" in c for c in cells)


def test_characters_without_a_face_are_listed(ws):
    write_spec(ws, "sections:\n  - text: \"花炮😀𠀀鿏مر ﬁ a\u200db\ufeffe\u0301\"\n")
    checked = run("check", cwd=ws)
    built = run("build", cwd=ws)
    assert checked.returncode == 0 and built.returncode == 0, built.stderr
    for output in (checked.stderr, built.stderr):
        assert ("warning: briefs/t.yaml:8: in no font of this brief, printed as empty boxes: "
                "'𠀀' U+20000, '鿏' U+9FCF;") in output
        assert "right-to-left script, set left to right with unjoined letters: 'م' U+0645, 'ر' U+0631" in output
        assert "U+200D" not in output and "U+FEFF" not in output and "U+0301" not in output
    with pdfplumber.open(ws / "out" / "t.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "ab" in text and "é" in text  # joiner gone, e + combining acute composed


@pytest.mark.parametrize("old, new, message", [
    (b'<row r="2"', b'<row r="2000000000"', "the workbook's sheet reaches row 2,000,000,000"),
    (b'r="D2"', b'r="XFD2"', "the workbook's sheet reaches column XFD"),
])
def test_a_workbook_naming_rows_or_columns_it_cannot_need_is_refused_before_reading(ws, old, new, message):
    """A 5 KB workbook whose one row is numbered 2,000,000,000 took gigabytes in openpyxl; its
    row and cell references are counted first."""
    path = ws / "data" / "u.xlsx"
    xlsx(path, [["id", "period", "value", "source"], ["fireworks.output", 2025, 1, "x"]])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old in parts[sheet]
    parts[sheet] = parts[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_spec(ws, "data: [data/u.xlsx]\nsections:\n  - section: fireworks\n")
    result = run("check", cwd=ws, timeout=60)  # a hang guard: a second here
    assert result.returncode == 2
    line = one_error(result)
    assert line.startswith("error: data/u.xlsx: ") and message in line, line

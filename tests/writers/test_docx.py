"""The DOCX files read back: real heading styles, East Asian fonts on every CJK run, page-number
fields, tables that are tables, and LibreOffice opening them."""
import re
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from conftest import SAMPLES, needs

CJK = re.compile(r"[\u4e00-\u9fff]")


def _east_asian_font(document, run, paragraph):
    """The East Asian font a run resolves to: run, character style, paragraph style chain,
    document defaults, in Word's order."""
    def from_rpr(rpr):
        if rpr is None:
            return None
        fonts = rpr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia")) if fonts is not None else None

    found = from_rpr(run._r.rPr)
    if found:
        return found
    if run.style is not None and run.style.name != "Default Paragraph Font":
        found = from_rpr(run.style.element.rPr)
        if found:
            return found
    style = paragraph.style
    while style is not None:
        found = from_rpr(style.element.rPr)
        if found:
            return found
        style = style.base_style
    defaults = document.styles.element.find(qn("w:docDefaults"))
    return from_rpr(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


@pytest.mark.parametrize("name", SAMPLES)
def test_cjk_runs_resolve_to_named_east_asian_fonts(built, name):
    document = docx.Document(built / f"{name}.docx")
    allowed = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"}
    checked = 0
    for paragraph in _all_paragraphs(document):
        for run in paragraph.runs:
            if CJK.search(run.text):
                assert _east_asian_font(document, run, paragraph) in allowed, run.text
                checked += 1
    assert checked > 10


@pytest.mark.parametrize("name", SAMPLES)
def test_headings_use_word_heading_styles(built, name):
    document = docx.Document(built / f"{name}.docx")
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings
    assert any(p.style.name == "Heading 1" and re.match(r"^[一二三四五六七八九十]+、", p.text)
               for p in headings)
    for p in headings:
        if p.text.startswith("附件"):
            continue  # the appendix heading is not numbered
        level = int(p.style.name.split()[-1])
        pattern = {1: r"^[一二三四五六七八九十]+、", 2: r"^（[一二三四五六七八九十]+）", 3: r"^\d+\.",
                   4: r"^（\d+）"}[level]
        assert re.match(pattern, p.text), p.text
    title = document.styles["Title"]
    assert title.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"


@pytest.mark.parametrize("name", SAMPLES)
def test_page_setup_and_page_number_fields(built, name):
    document = docx.Document(built / f"{name}.docx")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "fldChar" in xml
        assert footer.paragraphs[0].text.startswith("— ")
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


def test_tables_are_tables_with_repeating_header(built):
    document = docx.Document(built / "fireworks-bulletin.docx")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    assert [c.text for c in table.rows[0].cells] == ["指标", "单位", "2024年", "2022年", "变化"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    body = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert body["花炮产业集群总产值"] == ["花炮产业集群总产值", "亿元", "超200", "—", "—"]


@needs("soffice")
def test_libreoffice_opens_every_docx(built, tmp_path):
    files = [str(built / f"{name}.docx") for name in SAMPLES]
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in SAMPLES:
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 10_000, name
        # LibreOffice lays the DOCX out in exactly as many pages as our own PDF.
        assert _pages(pdf) == _pages(built / f"{name}.pdf"), name
        assert _split_numbers(pdf) == [], name
        # the 版记 at the foot of the last page, its rules across the type area, as in our PDF;
        # the contents with the PDF's page numbers
        ours, theirs = _closing_rules(built / f"{name}.pdf"), _closing_rules(pdf)
        assert (ours is None) == (theirs is None), name
        assert ours is None or max(abs(a - b) for a, b in zip(ours, theirs)) <= 2, (name, ours, theirs)
        assert _contents_numbers(pdf) == _contents_numbers(built / f"{name}.pdf"), name


def _closing_rules(pdf) -> tuple | None:
    """Where the last page's lowest full-width rule lies (its bottom, left and right ends, in pt),
    when that page has a 版记 (（共印N份）)."""
    import pdfplumber
    with pdfplumber.open(pdf) as document:
        page = document.pages[-1]
        if "共印" not in (page.extract_text() or ""):
            return None
        rules = [r for r in page.lines + page.rects if r["x1"] - r["x0"] > page.width / 2]
        lowest = max(rules, key=lambda r: r["bottom"])
        return tuple(lowest[k] for k in ("bottom", "x0", "x1"))


def _contents_numbers(pdf) -> list[str]:
    """The page numbers the contents page lists (the numbers ending its lines of leader dots)."""
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "3", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    return re.findall(r"(?:[.．…]\s*){4,}(\d+)\s*$", text, re.M)


def _split_numbers(pdf) -> list[str]:
    """Line ends that cut a number (2|022年, 15|0余种, 93.82|%) in a PDF's text, line by line."""
    lines = [line.strip() for line in subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                                     text=True).stdout.splitlines() if line.strip()]
    return [f"{a}|{b}" for a, b in zip(lines, lines[1:])
            if a[-1].isdigit() and (b[0].isdigit() or b[0] in ".%．％余")]


def _pages(pdf) -> int:
    import pdfplumber
    with pdfplumber.open(pdf) as document:
        return len(document.pages)


def test_closing_block_floats_to_the_foot_of_the_page(built):
    document = docx.Document(built / "fireworks-bulletin.docx")
    closing = document.tables[-1]
    assert [c.text for c in closing.columns[0].cells] == [
        "报：萍乡市发展和改革委员会。", "送：县委办公室，县政府办公室。",
        "发：各乡镇人民政府，县直有关单位。", "（共印60份）"]
    position = closing._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and int(position.get(qn("w:tblpY"))) > 10000
    assert position.get(qn("w:horzAnchor")) == "page" and position.get(qn("w:tblpX")) == "1587"  # 28 mm
    borders = closing._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"        # 1 pt ≈ 0.35 mm
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "6"    # 0.7 pt ≈ 0.25 mm


@pytest.mark.parametrize("name", SAMPLES)
def test_geometry_in_twips_and_style_fonts(built, name):
    document = docx.Document(built / f"{name}.docx")
    sect = document.sections[0]._sectPr
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")   # A4
    assert {k: round(int(margins.get(qn(f"w:{k}"))) / 56.7) for k in ("top", "bottom", "left", "right")} \
        == {"top": 37, "bottom": 35, "left": 28, "right": 26}                   # mm
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None

    def east_asian(style_name):
        return document.styles[style_name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("Title") == "方正小标宋简体"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Heading 2") == "楷体_GB2312"
    assert document.styles["Normal"].font.size.pt == 16
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing.pt == pytest.approx(28.95, abs=0.01)


def test_closing_block_with_cc_and_printing_office(workspace):
    """GB/T 9704's 版记: 抄送 and 印发机关/印发日期 besides 报/送/发, in both files; keys in
    Chinese too; an unknown key lists the valid ones."""
    from conftest import run_cli
    spec = ("title: 测试简报\nissuer: 上栗县发展和改革委员会\ndate: 2025-03-15\n"
            "sections:\n  - section: health\nclosing:\n  报: [萍乡市发展和改革委员会]\n"
            "  cc: [县人大常委会办公室, 县政协办公室]\n  印发机关: 上栗县发展和改革委员会办公室\n"
            "  copies: 60\n")
    (workspace / "briefs" / "c.yaml").write_text(spec, "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 0, result.stderr
    cells = [c.text for c in docx.Document(workspace / "out" / "c.docx").tables[-1].columns[0].cells]
    assert cells == ["报：萍乡市发展和改革委员会。", "抄送：县人大常委会办公室，县政协办公室。",
                     "上栗县发展和改革委员会办公室\t2025年3月15日印发", "（共印60份）"]
    text = subprocess.run(["pdftotext", "-layout", str(workspace / "out" / "c.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "抄送：县人大常委会办公室，县政协办公室。" in text
    assert re.search(r"上栗县发展和改革委员会办公室 +2025年3月15日印发", text)
    (workspace / "briefs" / "c.yaml").write_text(spec.replace("  cc:", "  抄 送:"), "utf-8")
    result = run_cli("check", cwd=workspace)
    assert ("error: briefs/c.yaml:8:3: closing.抄 送: unknown key '抄 送' (did you mean '抄送'?); "
            "the keys are report (报), send (送), distribute (发), cc (抄送), printed_by (印发机关), "
            "printed_on (印发日期), copies (共印)") in result.stderr

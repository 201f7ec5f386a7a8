"""The report layout and figures that speak: contents, charts, captions, sources."""
import re
import subprocess
import sys

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from conftest import ROOT, run_cli
from shangli_brief.build import Workspace
from shangli_brief.model import Chart, FigurePanel, Heading, Table
from shangli_brief.briefspec import load_spec

HEADING = re.compile(r"^([一二三四五六七八九十]+、|附件)")


@pytest.fixture(scope="module")
def investment_model():
    return Workspace().document(load_spec(ROOT / "briefs" / "investment.yaml"))


def test_investment_brief_is_a_report_with_charts_table_and_panel(investment_model):
    doc = investment_model
    assert doc.layout == "report"
    kinds = [type(b) for b in doc.blocks]
    assert kinds.count(Chart) >= 2 and Table in kinds and FigurePanel in kinds


def test_charts_are_vector_drawings(built, investment_model):
    with pdfplumber.open(built / "investment.pdf") as pdf:
        assert all(not page.images for page in pdf.pages)  # no raster image anywhere
        chart_pages = [p for p in pdf.pages if re.search(r"图\d", p.extract_text() or "")]
        assert len(chart_pages) >= 1
        for page in chart_pages:
            assert len(page.rects) + len(page.curves) + len(page.lines) > 20  # bars, axes, ticks


def test_contents_page_numbers_match_where_headings_fall(built, investment_model):
    with pdfplumber.open(built / "investment.pdf") as pdf:
        contents = pdf.pages[1].extract_text().splitlines()
        entries = {}
        for line in contents:
            m = re.match(r"^(\S.*?)[\s.]+(\d+)$", line)
            if m and HEADING.match(m.group(1)):
                entries[re.sub(r"\s+", "", m.group(1))] = int(m.group(2))
        level1 = [b for b in investment_model.blocks if isinstance(b, Heading) and b.level == 1]
        assert len(entries) == len(level1)
        for title, page_no in entries.items():
            page = pdf.pages[page_no - 1]
            lines = [re.sub(r"\s+", "", ln) for ln in (page.extract_text() or "").splitlines()]
            assert title in lines, (title, page_no)
            # and on no earlier body page
            for earlier in pdf.pages[2:page_no - 1]:
                assert title not in [re.sub(r"\s+", "", ln) for ln in (earlier.extract_text() or "").splitlines()]
        assert pdf.pages[1].extract_text().startswith("目") and "— 2 —" in pdf.pages[1].extract_text()



def _captions_in_order(texts):
    figures = [int(n) for n in re.findall(r"图(\d+)[\u3000 ]", "\n".join(texts))]
    tables = [int(n) for n in re.findall(r"表(\d+)[\u3000 ]", "\n".join(texts))]
    return figures, tables


def test_captions_numbered_in_order_with_sources_in_both_formats(built, investment_model):
    charts = [b for b in investment_model.blocks if isinstance(b, Chart)]
    tables = [b for b in investment_model.blocks if isinstance(b, Table) and not b.appendix]
    with pdfplumber.open(built / "investment.pdf") as pdf:
        text = [p.extract_text() or "" for p in pdf.pages]
    assert _captions_in_order(text) == (list(range(1, len(charts) + 1)), list(range(1, len(tables) + 1)))
    joined = "\n".join(text)
    assert joined.count("资料来源：") >= len(charts) + len(tables) + 1  # and the key-figure panel
    document = docx.Document(built / "investment.docx")
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text]
    assert _captions_in_order(captions) == _captions_in_order(text)
    paragraphs = [p.text for p in document.paragraphs]
    for cap in (c for c in captions if c.startswith("图")):
        after = paragraphs[paragraphs.index(cap) + 1]
        assert after.startswith("资料来源：《"), after


def test_docx_pictures_have_alt_text_and_print_resolution(built):
    document = docx.Document(built / "investment.docx")
    pictures = list(document.element.body.iter(qn("wp:inline")))
    assert len(pictures) >= 2
    for inline in pictures:
        doc_pr = inline.find(qn("wp:docPr"))
        assert len(doc_pr.get("descr", "")) > 20 and doc_pr.get("title")
        width_in = int(inline.find(qn("wp:extent")).get("cx")) / 914400
        blip = inline.find(".//" + qn("a:blip"))
        image = document.part.related_parts[blip.get(qn("r:embed"))]
        from PIL import Image
        import io
        pixels = Image.open(io.BytesIO(image.blob)).size[0]
        assert pixels / width_in >= 200


def test_docx_report_has_contents_field_and_running_header(built):
    document = docx.Document(built / "investment.docx")
    body = document.element.body.xml
    assert 'TOC \\o "1-1"' in body
    # its result written with the PDF's page numbers: nothing for Word to ask on opening
    assert document.settings.element.find(qn("w:updateFields")) is None
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "投资上栗：赣湘合作产业园推介"
    toc_entries = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    assert toc_entries[0] == "一、园区与电子信息首位产业\t3" and toc_entries[-1].startswith("附件")
    with pdfplumber.open(built / "investment.pdf") as pdf:
        for entry in toc_entries:
            title, page = entry.split("\t")
            assert title.replace("\u3000", "") in re.sub(r"\s", "", pdf.pages[int(page) - 1].extract_text())


def test_a_docx_alone_numbers_its_contents_as_the_pdf_would(tmp_path):
    result = run_cli("build", "briefs/investment.yaml", "--format", "docx", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    alone = [p.text for p in docx.Document(tmp_path / "investment.docx").paragraphs if p.style.name == "toc 1"]
    assert alone[0] == "一、园区与电子信息首位产业\t3" and all("\t" in entry for entry in alone)


def test_sources_appendix_lists_every_citation(built, investment_model):
    appendix = next(b for b in investment_model.blocks if isinstance(b, Table) and b.appendix)
    assert len(appendix.rows) == len(investment_model.citations)
    with pdfplumber.open(built / "investment.pdf") as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    start = [m.start() for m in re.finditer(r"附件[\s\u3000]*引用数据来源", text)][-1]
    tail = re.sub(r"\s+", "", text[start:])
    for row in appendix.rows:
        assert re.sub(r"\s+", "", row[2]) in tail


def test_a_brief_without_charts_does_not_load_matplotlib(tmp_path):
    code = ("import sys\nfrom shangli_brief.cli import main\n"
            f"main(['build', 'briefs/fireworks-bulletin.yaml', '--out', {str(tmp_path)!r}])\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr


def test_line_chart_with_bounds(workspace):
    (workspace / "data").mkdir()
    (workspace / "data" / "series.yaml").write_text(
        "indicators:\n  - id: fireworks.cluster_output\n    values:\n"
        "      - {period: 2022, value: 150, qualifier: approx, source: 县统计局, section: 年报}\n"
        "      - {period: 2023, value: 180, qualifier: exact, source: 县统计局, section: 年报}\n",
        "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 走势\nlayout: report\ndata: [data/series.yaml]\nsections:\n"
        "  - chart:\n      kind: line\n      title: 花炮产业集群总产值\n"
        "      indicators: [fireworks.cluster_output]\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 0, result.stderr
    doc = Workspace().document(load_spec(workspace / "briefs" / "b.yaml"))
    chart = next(b for b in doc.blocks if isinstance(b, Chart))
    assert chart.categories == ["2022年", "2023年", "2024年"]
    assert [(p.label, p.bound) for p in chart.series[0].points] == [
        ("约150", False), ("180", False), ("超200", True)]
    assert chart.sources == ["县统计局", "《花炮故里向新攀高》"]


def test_docx_charts_carry_an_svg_beside_their_png(built):
    """Word 2016 and later draw the SVG (sharp at any size), WPS and older Word the PNG; the SVG
    has its text as outlines (no font needed) and no DTD; the alt text stays on the picture."""
    import zipfile

    from lxml import etree
    document = docx.Document(built / "investment.docx")
    blips = list(document.element.body.iter(qn("a:blip")))
    assert blips
    svg_ns = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
    with zipfile.ZipFile(built / "investment.docx") as package:
        for blip in blips:
            png = document.part.related_parts[blip.get(qn("r:embed"))]
            assert png.content_type == "image/png"
            svg_blip = blip.find(f"{qn('a:extLst')}/{qn('a:ext')}/{{{svg_ns}}}svgBlip")
            svg = document.part.related_parts[svg_blip.get(qn("r:embed"))]
            assert svg.content_type == "image/svg+xml"
            data = package.read(str(svg.partname).lstrip("/"))
            assert b"<!DOCTYPE" not in data and b"<text" not in data
            assert etree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
    titles = [d.get("title") for d in document.element.body.iter(qn("wp:docPr"))]
    assert all(titles) and len(titles) == len(blips)

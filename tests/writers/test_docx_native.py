"""The DOCX as Word and WPS see it: clean by Word's own rules (openxml-audit's Office 365 rule
set), no compatibility mode, zh-CN, a font table with alternates, Word's built-in styles, the
GB/T 9704 geometry, captions Word can renumber."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT, SAMPLES, run_cli
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUDIT = Path(sys.executable).parent / "openxml-audit"

EVERY_SECTION = """title: 上栗县高质量发展全景（各章节）
layout: bulletin
issuer: 上栗县发展和改革委员会
issue: 9
formats: [docx, pdf]
sources: true
sections:
{sections}
  - table:
      title: 主要指标
      indicators: [fireworks.cluster_output, fireworks.mechanization_rate]
  - chart:
      kind: bar
      title: 花炮产值、税收、出口增速
      indicators: [fireworks.output_growth, fireworks.tax_growth, fireworks.export_growth]
closing:
  report: [萍乡市发展和改革委员会]
  copies: 30
"""


def _xml(path: Path, part: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _audit(files, folder: Path) -> str:
    """openxml-audit takes one path: the files are gathered into a folder it reads whole."""
    folder.mkdir()
    for i, f in enumerate(files):
        shutil.copy(f, folder / f"{i}-{f.name}")
    result = subprocess.run([str(AUDIT), "-f", "microsoft365", "-m", "0", "-r", str(folder)],
                            capture_output=True, text=True, timeout=300)
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Briefs the samples do not cover: every section in a bulletin with a chart and the sources
    appendix; a report built for duplex printing as a draft."""
    ws = tmp_path_factory.mktemp("ws")
    (ws / "briefs").mkdir()
    names = [line.split()[0] for line in run_cli("sections").stdout.splitlines()
             if line and not line.startswith(" ")]
    (ws / "briefs" / "every.yaml").write_text(
        EVERY_SECTION.format(sections="\n".join(f"  - section: {n}" for n in names)), "utf-8")
    (ws / "briefs" / "duplex.yaml").write_text(
        (ROOT / "briefs" / "investment.yaml").read_text("utf-8") + "\ndraft: true\n",
        "utf-8")
    result = run_cli("build", "--print", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws / "out"


def test_every_docx_is_clean_by_the_office_365_rules(built, generated, tmp_path):
    files = [built / f"{n}.docx" for n in SAMPLES] + sorted(generated.glob("*.docx"))
    report = _audit(files, tmp_path / "audit")
    assert report.count("Errors: 0") == len(files), report
    assert "expected to repair" not in report


@pytest.mark.parametrize("name", SAMPLES)
def test_no_compatibility_mode_and_nothing_foreign(built, name):
    path = built / f"{name}.docx"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        app = z.read("docProps/app.xml").decode()
    assert not {n for n in names if "thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml")}
    assert "<Application>shangli-brief" in app and "Macintosh" not in app
    settings = _xml(path, "word/settings.xml")
    mode = settings.find(f".//{W}compatSetting[@{W}name='compatibilityMode']")
    assert mode.get(f"{W}val") == "15"
    zoom = settings.find(f"{W}zoom")
    assert zoom.get(f"{W}percent") == "100"
    styles = _xml(path, "word/styles.xml")
    ids = {s.get(f"{W}styleId") for s in styles.findall(f"{W}style")}
    assert not {i for i in ids if i.endswith("Char")}, ids
    assert not ids & {"Heading5", "Quote", "IntenseQuote", "BodyText", "MacroText", "NoSpacing"}


@pytest.mark.parametrize("name", SAMPLES)
def test_chinese_throughout(built, name):
    path = built / f"{name}.docx"
    styles = _xml(path, "word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    # Latin text in a Latin language (as Chinese Word writes it), East Asian text in Chinese
    assert (lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) == ("en-US", "zh-CN")
    defaults = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    assert defaults.find(f"{W}overflowPunct").get(f"{W}val") == "0"  # no punctuation past the margin
    theme_lang = _xml(path, "word/settings.xml").find(f"{W}themeFontLang")
    assert theme_lang.get(f"{W}eastAsia") == "zh-CN"
    normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}pPr")
    assert normal.find(f"{W}autoSpaceDE").get(f"{W}val") == "0"
    assert normal.find(f"{W}autoSpaceDN").get(f"{W}val") == "0"
    # every run with Chinese quotes, dashes or ellipses asks for the East Asian font
    body = _xml(path, "word/document.xml")
    quoted = [r for r in body.iter(f"{W}r")
              if any(ch in "".join(t.text or "" for t in r.iter(f"{W}t")) for ch in "“”—…")]
    assert quoted
    for run in quoted:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}hint") == "eastAsia"


@pytest.mark.parametrize("name", SAMPLES)
def test_font_table_names_every_font_with_alternates(built, name):
    path = built / f"{name}.docx"
    styles = _xml(path, "word/styles.xml")
    asked = {f.get(f"{W}{attr}") for f in styles.iter(f"{W}rFonts")
             for attr in ("eastAsia", "ascii") if f.get(f"{W}{attr}")}
    table = {f.get(f"{W}name"): f for f in _xml(path, "word/fontTable.xml").findall(f"{W}font")}
    assert asked <= set(table), asked - set(table)
    alternates = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "黑体": "SimHei"}
    for font, alternate in alternates.items():
        assert table[font].find(f"{W}altName").get(f"{W}val") == alternate
        assert table[font].find(f"{W}charset").get(f"{W}val") == "86"
        assert table[font].find(f"{W}family") is not None and table[font].find(f"{W}pitch") is not None


def test_word_built_in_styles_with_outline_levels(built):
    document = docx.Document(built / "overview.docx")
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        assert style.style_id == f"Heading{level}"
        assert style.element.get(qn("w:customStyle")) is None
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    subtitle = document.styles["Subtitle"]
    assert not subtitle.font.italic and subtitle.element.pPr.find(qn("w:numPr")) is None


def test_gbt_9704_geometry_in_word(built):
    path = built / "fireworks-bulletin.docx"
    document = docx.Document(path)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")
    # 28 characters a line: 16 pt type condensed to the 15.79 pt pitch of a 156 mm line
    spacing = int(document.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    assert 28 * (16 + spacing / 20) <= 156 / 25.4 * 72 < 29 * (16 + spacing / 20)
    # the masthead's red rule spans the type area: its paragraph has no side indents
    meta = next(p for p in document.paragraphs if p.style.name == "报头信息")
    assert meta._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "E60012"
    ind = meta._p.pPr.find(qn("w:ind"))
    assert ind is None or all(ind.get(qn(f"w:{k}")) in (None, "0") for k in ("left", "right"))
    assert document.styles["报头信息"].paragraph_format.left_indent in (None, 0)
    # page numbers: digits in the 宋体 role too
    footer = document.styles["Footer"].element.rPr.find(qn("w:rFonts"))
    assert footer.get(qn("w:ascii")) == footer.get(qn("w:eastAsia")) == "宋体"


def test_appendix_heading_flush_left_and_print_sections_keep_page_numbers(generated):
    document = docx.Document(generated / "duplex.docx")
    appendix = next(p for p in document.paragraphs if p.text.startswith("附件") and p.style.name != "toc 1")
    assert appendix.style.name == "附件标题"
    assert appendix.style.paragraph_format.first_line_indent in (None, 0)
    assert appendix.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    sections = document.sections
    assert len(sections) >= 2  # the appendix starts a section on a right-hand page
    assert sections[0].different_first_page_header_footer  # the cover: no number
    for section in sections[1:]:
        assert not section.different_first_page_header_footer
        assert section.start_type == WD_SECTION.ODD_PAGE
        # no footer of its own means Word carries the previous section's on: it has numbers
        assert "PAGE" in etree.tostring(section.footer._element, encoding="unicode")


def test_captions_are_seq_fields_word_can_renumber(built):
    body = _xml(built / "investment.docx", "word/document.xml")
    captions = []
    for p in body.iter(f"{W}p"):
        instr = "".join(t.text for t in p.iter(f"{W}instrText"))
        if "SEQ" in instr:
            text = "".join(t.text or "" for t in p.iter(f"{W}t"))
            captions.append((instr.strip(), text))
    assert len(captions) >= 3
    seen: dict[str, int] = {}
    for instr, text in captions:
        mark = re.fullmatch(r"SEQ ([表图]) \\\* ARABIC", instr).group(1)
        seen[mark] = seen.get(mark, 0) + 1
        # the field's current value is written in: 表1　title, 图2　title, in document order
        assert text.startswith(f"{mark}{seen[mark]}　"), text
    assert seen["表"] >= 1 and seen["图"] >= 2


@pytest.mark.parametrize("name", SAMPLES)
def test_our_own_styles_have_chinese_names(built, name):
    """A colleague in Chinese Word or WPS sees 报头, 版记, 资料来源 … in the style pane; the English
    name stays as an alias and the style id."""
    styles = _xml(built / f"{name}.docx", "word/styles.xml")
    custom = [s for s in styles.iter(f"{W}style") if s.get(f"{W}customStyle") == "1"]
    assert custom
    for style in custom:
        shown = style.find(f"{W}name").get(f"{W}val")
        alias = style.find(f"{W}aliases")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown
        assert alias is not None and alias.get(f"{W}val").replace(" ", "") == style.get(f"{W}styleId"), shown


def test_headings_are_set_in_the_docx_as_in_the_pdf(built):
    """The PDF has no bold 仿宋: no heading style of the DOCX is bold where the PDF's is not."""
    document = docx.Document(built / "fireworks-bulletin.docx")
    for level in (1, 2, 3, 4):
        assert not document.styles[f"Heading {level}"].font.bold, level

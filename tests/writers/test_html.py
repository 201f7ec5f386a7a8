"""The HTML edition: valid, self-contained, the same sentences and figures as the paper editions,
and readable in a real browser (Debian's Chromium, headless) on a phone and on a desktop."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import html5lib
import pytest

from conftest import SAMPLES, run_cli, same_bytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
H = "{http://www.w3.org/1999/xhtml}"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def html(built) -> Path:
    """The samples as HTML, beside the DOCX and PDF of the session's build."""
    result = run_cli("build", "--format", "html", "--out", built)
    assert result.returncode == 0, result.stderr
    return built


def _tree(path: Path):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(path.read_bytes())   # raises on any parse error


def _text(element) -> str:
    return "".join(element.itertext())


@pytest.mark.parametrize("name", SAMPLES)
def test_valid_self_contained_chinese_page(html, name):
    path = html / f"{name}.html"
    tree = _tree(path)
    assert tree.get("lang") == "zh-CN"
    source = path.read_text("utf-8")
    assert source.startswith("<!DOCTYPE html>")
    # nothing from outside: no scripts, stylesheets, images or fonts by address
    assert not re.search(r"<(script|link|img|iframe|object)\b", source)
    assert not re.search(r'\b(src|href)="(?!#)', source)
    assert not re.search(r"url\((?!#)|@import|@font-face", source)
    ids = re.findall(r'\bid="([^"]+)"', source)
    assert len(ids) == len(set(ids)), "ids are unique"


def _docx_paragraphs(path: Path) -> list[str]:
    from lxml import etree
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append(((style.get(f"{W}val") if style is not None else ""), text))
    return out


@pytest.mark.parametrize("name", SAMPLES)
def test_the_same_sentences_headings_and_figures_as_the_docx(html, name):
    tree = _tree(html / f"{name}.html")
    page_paragraphs = {re.sub(r"\s+", "", _text(p)) for p in tree.iter(f"{H}p")}
    page_paragraphs |= {re.sub(r"\s+", "", _text(li)) for li in tree.iter(f"{H}li")}
    docx = _docx_paragraphs(html / f"{name}.docx")
    body = [t for style, t in docx if style in ("BodyText", "Body", "ListParagraph", "Normal") and len(t) > 12]
    assert body
    missing = [t for t in body if re.sub(r"\s+", "", t).replace("●", "") not in
               {x.replace("●", "") for x in page_paragraphs}]
    assert missing == []
    headings = [re.sub(r"\s+", "", _text(h)) for level in (2, 3, 4, 5) for h in tree.iter(f"{H}h{level}")]
    docx_headings = [re.sub(r"\s+", "", t) for style, t in docx
                     if re.fullmatch(r"Heading\d|AppendixHeading", style) and t]
    assert sorted(h for h in headings if h != "目录") == sorted(docx_headings)
    figures = sorted(_text(s) for s in tree.iter(f"{H}span") if s.get("data-indicator"))
    with zipfile.ZipFile(html / f"{name}.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    marked = sorted(re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<w:sdtContent>(.*?)</w:sdtContent>", xml))
    assert figures == marked


def test_tables_and_charts_carry_their_captions_sources_and_values(html):
    tree = _tree(html / "bureau-example.html")
    table = next(tree.iter(f"{H}table"))
    assert _text(table.find(f"{H}caption")) == "表1　主要指标（示例）"
    assert [_text(th) for th in table.find(f"{H}thead").iter(f"{H}th")] == ["指标", "单位", "2024年", "2023年", "变化"]
    svg = next(tree.iter("{http://www.w3.org/2000/svg}svg"))
    assert _text(svg.find("{http://www.w3.org/2000/svg}title")) == "规模以上工业增加值和社会消费品零售总额（示例）"
    desc = _text(svg.find("{http://www.w3.org/2000/svg}desc"))
    assert "2024年158.3亿元" in desc and "2020年95.1亿元" in desc
    sources = [_text(p) for p in tree.iter(f"{H}p") if p.get("class") == "source"]
    assert sources and all(s.startswith("资料来源：") for s in sources)


def test_the_bulletin_masthead_and_closing_block(html):
    tree = _tree(html / "fireworks-bulletin.html")
    header = next(e for e in tree.iter(f"{H}header") if e.get("class") == "masthead")
    assert "第3期" in _text(header) and "2025年3月15日" in _text(header)
    closing = next(e for e in tree.iter(f"{H}footer") if e.get("class") == "closing")
    assert "（共印60份）" in _text(closing)


def test_html_is_reproducible(tmp_path):
    first = run_cli("build", "briefs/investment.yaml", "--format", "html", "--out", tmp_path / "a")
    second = run_cli("build", "briefs/investment.yaml", "--format", "html", "--out", tmp_path / "b")
    assert first.returncode == second.returncode == 0
    assert same_bytes(tmp_path / "a" / "investment.html", tmp_path / "b" / "investment.html")


# -- in a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Debian's chromium is needed for these tests (make test installs it)"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


MEASURE = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .map(e => e.tagName + '.' + e.className).slice(0, 5),
  charts: [...document.querySelectorAll('svg.chart')].map(s => {
      const r = s.getBoundingClientRect(); const st = getComputedStyle(s);
      return r.width > 100 && r.height > 50 && st.visibility !== 'hidden' && st.display !== 'none'; }),
  chartCount: document.querySelectorAll('figure.chart').length,
})"""


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", SAMPLES)
def test_in_chromium_without_sideways_scrolling(html, browser, tmp_path_factory, name, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(f"request {r.url}") if not r.url.startswith("file:") else None)
    page.goto((html / f"{name}.html").as_uri())
    found = page.evaluate(MEASURE)
    shots = tmp_path_factory.mktemp("screenshots")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)   # for a person to look at
    page.close()
    assert found["overflow"] <= 0, (found["overflow"], found["wide"])
    assert all(found["charts"]) and len(found["charts"]) == found["chartCount"]
    assert problems == []


@pytest.mark.parametrize("name", SAMPLES)
def test_printed_from_chromium_every_page_has_its_number(html, browser, tmp_path, name):
    """Printed from the browser, as a clerk prints the web edition: — N — at the foot of every
    page, odd pages at the right and even pages at the left; a report's cover and contents on
    pages of their own."""
    import unicodedata

    import pdfplumber
    page = browser.new_page()
    page.goto((html / f"{name}.html").as_uri())
    page.pdf(path=str(tmp_path / "printed.pdf"), prefer_css_page_size=True)
    page.close()
    with pdfplumber.open(tmp_path / "printed.pdf") as printed:
        for number, sheet in enumerate(printed.pages, 1):
            foot = sheet.crop((0, sheet.height * 0.85, sheet.width, sheet.height))
            words = foot.extract_words()
            text = re.sub(r"\s+", "", "".join(w["text"] for w in words))
            assert f"—{number}—" in text, (number, text)
            marks = [w for w in words if str(number) in w["text"]]
            assert (marks[0]["x0"] > sheet.width / 2) == (number % 2 == 1), number
        if name == "overview":  # the report layout: cover, then contents, each a page
            # NFKC: Chromium's PDF names some glyphs by their Kangxi radicals (⽬ for 目)
            first, second = (unicodedata.normalize("NFKC", re.sub(r"\s+", "", p.extract_text() or ""))
                             for p in printed.pages[:2])
            assert "目录" not in first and "目录" in second


PHONE = """() => ({
  chartText: Math.min(...[...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale); }),
      Infinity),
  splitFigures: [...document.querySelectorAll('[data-indicator]')].filter(s => s.getClientRects().length > 1)
      .map(s => s.textContent),
  splitCells: [...document.querySelectorAll('td')].filter(td => {
      const r = document.createRange(); r.selectNodeContents(td);
      // a line break of its own (the appendix's title, then its section) is not a wrap
      const lines = td.querySelectorAll('br').length + 1.5;
      return r.getBoundingClientRect().height > lines * parseFloat(getComputedStyle(td).lineHeight); })
      .map(td => td.textContent),
  titleFonts: getComputedStyle(document.documentElement).getPropertyValue('--title'),
})"""


@pytest.mark.parametrize("name", SAMPLES)
def test_on_a_phone_charts_read_and_figures_stay_whole(html, browser, name):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto((html / f"{name}.html").as_uri())
    found = page.evaluate(PHONE)
    page.close()
    assert found["chartText"] >= 11, found["chartText"]
    assert found["splitFigures"] == [] and found["splitCells"] == [], found
    fonts = found["titleFonts"]
    assert fonts.index("Noto Serif CJK SC") < fonts.index("宋体"), fonts

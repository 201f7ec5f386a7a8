"""The PDFs as a reader sees them: embedded fonts, no tofu, headings present, a valid file."""
import re
import subprocess

import pdfplumber
import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from conftest import ROOT, SAMPLES, needs
from shangli_brief.build import Workspace
from shangli_brief.fonts import fallback_faces, resolve_theme_fonts, text_chars
from shangli_brief.briefspec import load_spec
from shangli_brief.theme import load_theme

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def font_cmaps():
    """Face name (as in the PDF's font names) -> the code points the face really has."""
    cmaps = {}
    chars = text_chars(*(Workspace().document(load_spec(ROOT / "briefs" / f"{name}.yaml")) for name in SAMPLES))
    for layout in ("bulletin", "report"):
        theme = load_theme(layout)
        for font in [*resolve_theme_fonts(theme, chars).values(), *fallback_faces(theme)]:
            face = TTFontFile(font.file, subfontIndex=font.index)
            cmaps[face.name.decode()] = set(face.charToGlyph)
    return cmaps


@needs("pdffonts")
@pytest.mark.parametrize("name", SAMPLES)
def test_every_font_is_embedded_truetype(built, name):
    out = subprocess.run(["pdffonts", built / f"{name}.pdf"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        fields = line.split()
        emb, sub = fields[-5], fields[-4]
        assert (emb, sub) == ("yes", "yes"), line  # embedded and subset
        assert "TrueType" in line, line


@pytest.mark.parametrize("name", SAMPLES)
def test_no_tofu(built, name, font_cmaps):
    """Every character drawn is in the font that draws it."""
    missing = []
    with pdfplumber.open(built / f"{name}.pdf") as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                subset = ch["fontname"].split("+", 1)[-1]  # ABCDEF+FaceName-N
                face = max((f for f in font_cmaps if subset.startswith(f)), key=len, default=None)
                assert face is not None, ch["fontname"]
                if ch["text"].strip() and ord(ch["text"][0]) not in font_cmaps[face]:
                    missing.append((page.page_number, ch["text"], face))
    assert missing == []


@pytest.mark.parametrize("name", SAMPLES)
def test_title_and_headings_are_in_the_text(built, name):
    from conftest import ROOT
    spec = load_spec(ROOT / "briefs" / f"{name}.yaml")
    doc = Workspace().document(spec)
    with pdfplumber.open(built / f"{name}.pdf") as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages)
        pages = len(pdf.pages)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", spec.title) in flat
    headings = [b.text for b in doc.blocks if type(b).__name__ == "Heading"]
    assert headings
    for heading in headings:
        assert re.sub(r"\s+", "", heading) in flat, heading
    assert CJK.search(text)
    # a page number — N — on every page but a report's cover
    first = 2 if spec.layout == "report" else 1
    assert all(f"— {n} —" in text for n in range(first, pages + 1))


@needs("qpdf")
@pytest.mark.parametrize("name", SAMPLES)
def test_qpdf_check(built, name):
    result = subprocess.run(["qpdf", "--check", built / f"{name}.pdf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_table_header_repeats_and_change_column(built):
    """The fireworks bulletin compares 2022 with 2024: a change column in Chinese usage."""
    with pdfplumber.open(built / "fireworks-bulletin.pdf") as pdf:
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))
    assert "指标单位2024年2022年变化" in text
    assert "下降0.8个百分点" in text  # tourism.visitor_growth 16.8% -> 16%


def test_fonts_command_names_a_cjk_face_for_every_role():
    from conftest import run_cli
    result = run_cli("fonts")
    assert result.returncode == 0, result.stdout + result.stderr
    roles = [line for line in result.stdout.splitlines() if "PDF embeds" in line]
    assert len(roles) == 5
    cjk = ("Noto Serif CJK", "Noto Sans CJK", "LXGW WenKai", "AR PL", "WenQuanYi", "Fandol", "方正", "仿宋",
           "黑体", "楷体", "宋体")
    for line in roles:
        assert any(name in line for name in cjk), line


def test_overview_pdf_stays_small(built):
    assert (built / "overview.pdf").stat().st_size < 2 * 1024 * 1024


def test_a_font_file_named_by_the_user_wins(workspace):
    from conftest import run_cli
    zenhei = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    if not __import__("os").path.exists(zenhei):
        pytest.skip("fonts-wqy-zenhei not installed")
    env = {"SHANGLI_BRIEF_FONT_BODY": zenhei}
    shown = run_cli("fonts", env=env).stdout
    assert ("body    DOCX asks for 仿宋_GB2312; PDF embeds wqy-zenhei  "
            "[named by the user (SHANGLI_BRIEF_FONT_BODY)]") in shown
    (workspace / "briefs" / "b.yaml").write_text("title: 字体\nsections:\n  - section: ecology\n", "utf-8")
    assert run_cli("build", "--format", "pdf", cwd=workspace, env=env).returncode == 0
    with pdfplumber.open(workspace / "out" / "b.pdf") as pdf:
        fonts = {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars if c["size"] == 16}
    assert any(f.startswith("WenQuanYiZenHei") for f in fonts), fonts
    bad = run_cli("build", cwd=workspace, env={"SHANGLI_BRIEF_FONT_BODY": "/no/such.ttf"})
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == [
        "error: font file '/no/such.ttf' for role 'body' (from SHANGLI_BRIEF_FONT_BODY) not found"]

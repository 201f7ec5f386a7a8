"""The speed work changed how the writers do things, never what they write: each faster path is
checked here against the library path it replaces, on inputs beyond the samples."""
from __future__ import annotations

import contextlib
import io
import random

import pytest

from conftest import ROOT


def _frags():
    """Frags as ReportLab's parser makes them: two faces, a line break, a callback, a link."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import Paragraph
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.pdf.writer import styles_for
    styles = styles_for(load_theme("bulletin"))
    body, strong = styles.font("body"), styles.font("strong")
    style = ParagraphStyle("t", fontName=body, fontSize=16, leading=29)
    markup = (f'上栗县花炮<font name="{strong}">产业集群</font>产值突破300亿元，<br/>'
              f'<a href="#x">机械化</a>应用率达到85%。<font size="12">小字</font>结束')
    return Paragraph(markup, style).frags


@pytest.mark.parametrize("seed", range(40))
def test_para_line_is_reportlabs_make_cjk_para_line(seed):
    """linebreak._para_line, fed units of characters and frags (markers with callbacks, line
    breaks, repeated and alternating frags), makes the same FragLine as makeCJKParaLine fed the
    same units as cjkU glyphs."""
    from reportlab.platypus.paragraph import cjkU, makeCJKParaLine
    from shangli_brief.writers.pdf.linebreak import _char_space, _para_line
    rng = random.Random(seed)
    frags = _frags()
    chars, owners = [], []
    for __ in range(rng.randint(1, 60)):
        frag = rng.choice(frags)
        kind = rng.random()
        if kind < 0.1:
            chars.append("")
            owners.append(_char_space(frag, rng.uniform(-1, 3)))
        elif getattr(frag, "text", "") == "" or kind < 0.15:
            chars.append("")
            owners.append(frag)
        else:
            chars.append(rng.choice("上栗县花炮产值，。（）30%aZ "))
            owners.append(frag)
    calc_bounds = bool(seed % 2)
    ours = _para_line(chars, owners, 400.0, 380.5, 1.25, bool(seed % 3), calc_bounds)
    theirs = makeCJKParaLine([cjkU(c, f, "utf8") for c, f in zip(chars, owners)], 400.0, 380.5, 1.25,
                             bool(seed % 3), calc_bounds)
    assert {k: v for k, v in vars(ours).items() if k != "words"} == \
        {k: v for k, v in vars(theirs).items() if k != "words"}
    assert [vars(w) for w in ours.words] == [vars(w) for w in theirs.words]


@pytest.mark.parametrize("text", ["", "上栗县", " 前后有空格 ", "\u3000全角空格开头", "“引号”—破折号…",
                                  "甲\t乙\t", "\t", "一行\r回车", "a b  c"])
@pytest.mark.parametrize("style_id", [None, "Strong"])
def test_run_element_is_python_docxs_run(text, style_id):
    """ooxml.run_element() builds the w:r that paragraph.add_run(text), run.style and the East
    Asian hint build."""
    import docx
    from shangli_brief.writers.docx import ooxml
    document = docx.Document()
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    if style_id:
        run._r.get_or_add_rPr().style = style_id
    ooxml.east_asian_hint(run._r, text)
    assert _shape(ooxml.run_element(text, style_id)) == _shape(run._r)


def _shape(element) -> tuple:
    """An element as it is written: tag, attributes in order, text and children (namespace
    declarations aside, which the document's root carries)."""
    return (element.tag, list(element.attrib.items()), element.text, element.tail,
            [_shape(child) for child in element])


def test_styled_documents_are_independent_copies():
    """The theme's styled document is made once and copied: what one brief writes into its copy
    never reaches the next brief's."""
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.docx.writer import _styled_document
    theme = load_theme("bulletin")
    first = _styled_document(theme)
    first.add_paragraph("只在第一份")
    first.styles.element.append(first.styles.element[-1].__copy__())
    second = _styled_document(theme)
    assert "只在第一份" not in second.element.xml
    assert len(second.styles.element) == len(first.styles.element) - 1


def test_pdf_is_the_same_without_the_subsets_made_ahead(monkeypatch):
    """deflate.py makes and compresses font subsets on a worker thread: the PDF is byte for byte
    the one ReportLab writes alone."""
    from shangli_brief.briefspec import load_spec
    from shangli_brief.build import Workspace
    from shangli_brief.writers import WriteOptions, writer_for
    from shangli_brief.writers.pdf import pages
    spec = load_spec(ROOT / "briefs" / "overview.yaml")
    workspace = Workspace()
    doc, theme = workspace.document(spec), workspace.theme(spec)

    def pdf() -> bytes:
        buffer = io.BytesIO()
        writer_for("pdf")(doc, theme, buffer, WriteOptions())
        return buffer.getvalue()

    ahead = pdf()
    monkeypatch.setattr(pages, "page_done", lambda doc: None)
    monkeypatch.setattr(pages, "subsets_compressed_ahead", lambda doc: contextlib.nullcontext())
    assert pdf() == ahead

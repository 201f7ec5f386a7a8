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


def _pdf_of(name: str):
    """A function writing the sample brief `name`'s PDF (resolved once) and returning its bytes,
    to compare what two ways of writing it give."""
    from shangli_brief.briefspec import load_spec
    from shangli_brief.build import Workspace
    from shangli_brief.writers import WriteOptions, writer_for
    spec = load_spec(ROOT / "briefs" / f"{name}.yaml")
    workspace = Workspace()
    doc, theme = workspace.document(spec), workspace.theme(spec)

    def pdf() -> bytes:
        buffer = io.BytesIO()
        writer_for("pdf")(doc, theme, buffer, WriteOptions())
        return buffer.getvalue()
    return pdf


def test_pdf_is_the_same_without_the_subsets_made_ahead(monkeypatch):
    """deflate.py makes and compresses font subsets on a worker thread: the PDF is byte for byte
    the one ReportLab writes alone."""
    from shangli_brief.writers.pdf import pages
    pdf = _pdf_of("overview")
    ahead = pdf()
    monkeypatch.setattr(pages, "page_done", lambda doc: None)
    monkeypatch.setattr(pages, "subsets_compressed_ahead", lambda doc: contextlib.nullcontext())
    assert pdf() == ahead


def _random_markup(rng: random.Random, body: str, strong: str) -> str:
    """Paragraph markup of the kinds a brief has and some it never has: a second face, other
    sizes and colours, links, underlines, a background, superscripts, line breaks, no-break
    spaces, Latin text and characters the faces lack."""
    pieces = ["上栗县花炮产业", "产值突破300亿元，", "同比增长8.5%。", "（规上企业）", "“十四五”以来",
              "“压舱石”。", "（试行）》，", "。“", "”、“",
              "GDP", " a b ", "\u00a0", "\u3000", "——", "……", "😀", "ᠮᠣᠩ"]
    wrappers = [(0.15, lambda t: f'<font name="{strong}">{t}</font>'),
                (0.2, lambda t: f'<font size="{rng.choice([10, 12, 18])}">{t}</font>'),
                (0.25, lambda t: f'<font color="#c00000">{t}</font>'),
                (0.28, lambda t: f'<a href="#x">{t}</a>'),
                (0.31, lambda t: f"<u>{t}</u>"),
                (0.33, lambda t: f'<span backColor="#eeeeee">{t}</span>'),
                (0.35, lambda t: f"<super>{t}</super>"),
                (0.4, lambda t: t + "<br/>")]
    out = []
    for __ in range(rng.randint(1, 14)):
        text = rng.choice(pieces)
        kind = rng.random()
        out.append(next((wrap(text) for below, wrap in wrappers if kind < below), text))
    return "".join(out)


def _draw_paragraphs(markups: list[str], styles_of) -> bytes:
    """A PDF of these paragraphs, wrapped and drawn as the writer does (our line breaking and
    character-spacing callback)."""
    from reportlab.pdfgen.canvas import Canvas
    from shangli_brief.writers.pdf.linebreak import ChineseParagraph, install
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=styles_of[0].fontName)
    install(canvas)
    canvas.bookmarkPage("x")  # where the links go
    y = 800
    for markup, style in zip(markups, styles_of):
        paragraph = ChineseParagraph(markup, style)
        __, height = paragraph.wrap(300, 800)
        if y - height < 40:
            canvas.showPage()
            install(canvas)
            y = 800
        paragraph.drawOn(canvas, 50, y - height)
        y -= height + 6
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(30))
def test_line_drawing_is_reportlabs_put_frag_line(seed, monkeypatch):
    """drawline.put_frag_line writes the page's text operators that ReportLab's _putFragLine
    writes, for random paragraphs in every alignment: plain ones take our path, the rest (links,
    underlines, backgrounds, automatic leading) ReportLab's. The whole PDF is compared, so the
    font subsets' codes must come out in the same order too."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import paragraph
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.pdf import drawline
    from shangli_brief.writers.pdf.writer import styles_for
    rng = random.Random(seed)
    styles = styles_for(load_theme("bulletin"))
    body, strong = styles.font("body"), styles.font("strong")
    markups, styles_of = [], []
    for n in range(rng.randint(3, 12)):
        markups.append(_random_markup(rng, body, strong))
        styles_of.append(ParagraphStyle(
            f"s{n}", fontName=rng.choice([body, strong]), fontSize=rng.choice([12, 16]), leading=24,
            alignment=rng.choice([TA_JUSTIFY, TA_JUSTIFY, TA_LEFT, TA_CENTER, TA_RIGHT]),
            firstLineIndent=rng.choice([0, 32]), autoLeading=rng.choice(["", "", "max", "min"])))
    assert paragraph._putFragLine is drawline.put_frag_line  # installed by the writer's import
    ours = _draw_paragraphs(markups, styles_of)
    monkeypatch.setattr(paragraph, "_putFragLine", drawline._reportlabs)
    assert _draw_paragraphs(markups, styles_of) == ours


@pytest.mark.parametrize("name", ["overview", "fireworks-bulletin", "investment"])
def test_briefs_draw_the_same_as_with_reportlabs_line_drawing(name, monkeypatch):
    """Whole briefs (a report with a contents page, a bulletin, charts and tables): the same
    PDF bytes whether their lines are drawn by drawline or by ReportLab."""
    from reportlab.platypus import paragraph
    from shangli_brief.writers.pdf import drawline
    pdf = _pdf_of(name)
    ours = pdf()
    monkeypatch.setattr(paragraph, "_putFragLine", drawline._reportlabs)
    assert pdf() == ours


def _no_break_before_every_position(text: str) -> list[bool]:
    """typography.no_break_before as it was, visiting every position: the reference."""
    from shangli_brief.typography import (_UNITS_OR_DASHES, CLOSING, DASHES, NUMERIC, OPENING, UNIT_CHARS,
                                          keep_percentage_points)
    flags = [False] * len(text)
    in_number = False
    for i in range(1, len(text)):
        prev, ch = text[i - 1], text[i]
        if prev.isascii() and prev.isalnum() or prev in NUMERIC:
            in_number = in_number or prev.isdigit()
        elif not (in_number and prev in _UNITS_OR_DASHES):
            in_number = False
        flags[i] = (ch in CLOSING or prev in OPENING or ch in DASHES or prev in DASHES
                    or (prev.isascii() and prev.isalnum() and ch.isascii() and (ch.isalnum() or ch in ".%+"))
                    or (prev in NUMERIC and (ch in NUMERIC or ch.isdigit()))
                    or (in_number and ch in UNIT_CHARS))
    keep_percentage_points(text, flags)  # the rule after the scan, unchanged
    return flags


@pytest.mark.parametrize("seed", range(200))
def test_no_break_before_visits_only_ruled_positions_to_the_same_flags(seed):
    """The break rules looked at only in and after runs of ruled characters give every
    position's flag the full scan gives: numbers with units and dashes, Latin words, brackets,
    full-width and other digits, 百分点, at the start, the end and across runs."""
    from shangli_brief.typography import no_break_before
    rng = random.Random(seed)
    alphabet = ["上", "栗", "县", "万", "亿", "元", "年", "个", "百分点", "，", "。", "（", "）", "《", "》", "—",
                "–", "-", "0", "3", "8", ".", "%", "+", "１", "²", "٣", "a", "Z", " ", "“", "”", "％", "\n", "\x00"]
    for __ in range(20):
        text = "".join(rng.choice(alphabet) for __ in range(rng.randint(0, 40)))
        assert no_break_before(text) == _no_break_before_every_position(text), repr(text)


def _shape(value):
    """A line, its words and their callbacks as nested plain values, to compare two of them."""
    if hasattr(value, "__dict__"):
        return type(value).__name__, {k: _shape(v) for k, v in vars(value).items()}
    if isinstance(value, (list, tuple)):
        return [_shape(v) for v in value]
    return value


@pytest.mark.parametrize("seed", range(60))
def test_text_lines_made_directly_are_the_lines_made_from_units(seed, monkeypatch):
    """linebreak._text_line makes a line's words from runs of one frag; the general path makes
    every unit (character, frag, spacing marker) and groups them in _para_line, which is held to
    ReportLab's makeCJKParaLine above. Random paragraphs in several faces, sizes and colours,
    with links and line breaks, justified and not, at several widths: the same lines."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.pdf import linebreak
    from shangli_brief.writers.pdf.writer import styles_for
    rng = random.Random(seed)
    styles = styles_for(load_theme("bulletin"))
    body, strong = styles.font("body"), styles.font("strong")
    style = ParagraphStyle("t", fontName=body, fontSize=16, leading=29,
                           alignment=rng.choice([TA_JUSTIFY, TA_LEFT]))
    paragraph = linebreak.ChineseParagraph(_random_markup(rng, body, strong), style)
    widths = [rng.choice([120.0, 200.0, 443.0])] * rng.randint(1, 3)
    squeeze = rng.choice([0.0, 0.03])

    def lines():
        return _shape(linebreak.split_lines(paragraph.frags, widths, bool(seed % 2),
                                            justify=style.alignment == TA_JUSTIFY, squeeze=squeeze))

    direct = lines()
    monkeypatch.setattr(linebreak, "TEXT_LINES_DIRECT", False)
    assert lines() == direct


@pytest.mark.parametrize("seed", range(60))
def test_writer_markup_is_read_into_reportlabs_frags(seed):
    """paramarkup.frags_of reads PdfWriter.para's markup (text with &, < and >, runs of spaces
    and other white space, faces, line breaks) into the text, style and frags Paragraph's own
    parser gives; markup of other kinds it leaves to that parser."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import Paragraph
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.pdf.paramarkup import frags_of
    from shangli_brief.writers.pdf.writer import styles_for
    rng = random.Random(seed)
    styles = styles_for(load_theme("bulletin"))
    body, strong = styles.font("body"), styles.font("strong")
    style = ParagraphStyle("t", fontName=body, fontSize=16, leading=29, textColor="#333333")
    pieces = ["上栗县", "A&amp;B", "&lt;2&gt;", "  两个空格  ", "\t制表", "\u00a0", "\ue000", "“引号”", "x", " "]
    markup = ""
    for __ in range(rng.randint(0, 12)):
        text = rng.choice(pieces)
        kind = rng.random()
        if kind < 0.25:
            markup += f'<font name="{rng.choice([strong, body])}">{text}</font>'
        elif kind < 0.35:
            markup += text + "<br/>"
        else:
            markup += text
    read = frags_of(markup, style)
    theirs = Paragraph(markup, style)
    assert read is not None, markup
    text, read_style, frags = read
    assert (text, read_style) == (theirs.text, theirs.style)
    assert _shape(frags) == _shape(theirs.frags), markup
    for other in (f"<b>{markup}</b>", '<font color="red">红</font>', "<para>已包</para>", "<unknown/>"):
        assert frags_of(other, style) is None


@pytest.mark.parametrize("seed", range(40))
def test_pdf_objects_are_written_as_reportlab_writes_them(seed, monkeypatch):
    """serialize.py's number arrays, text encoding and names give ReportLab's bytes (or its
    error) for random input: ints, floats, negative zero, huge and tiny numbers, arrays mixing
    numbers with names, strings and references, in every line-breaking mode; ASCII text with and
    without the control characters extpdfdoc refuses, and Chinese."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc
    from shangli_brief.writers.pdf import serialize
    rng = random.Random(seed)
    document = pdfdoc.PDFDocument(invariant=1)
    numbers = [0, 1, -1, 500, 1000, 0.5, -0.0, 1e-7, 123456789.123, 3.14159, True]
    arrays = []
    for __ in range(30):
        length = rng.choice([0, 1, 9, 10, 11, 20, 21, 256])
        items = [rng.choice(numbers) if rng.random() < 0.95 else rng.choice(["x", pdfdoc.PDFName("Y"), None])
                 for __ in range(length)]
        array = rng.choice([pdfdoc.PDFArray, pdfdoc.PDFArrayCompact])(items)
        array.multiline = rng.choice([array.multiline, "forced", False])
        arrays.append(array)
    texts = ["".join(rng.choice(["a", " ", "\n", "(", "\x18", "\x1f", "\x17", "\x7f", "上", "é"])
                     for __ in range(rng.randint(0, 12))) for __ in range(30)]

    def written(array):
        try:
            return array.format(document)
        except Exception as e:  # noqa: BLE001 - the error is compared too
            return type(e)

    def encoded(text):
        try:
            return pdfdoc.pdfdocEnc(text)
        except Exception as e:  # noqa: BLE001
            return type(e)

    for multi in (0, 1):
        monkeypatch.setattr(rl_config, "pdfMultiLine", multi)
        serialize.install()
        ours = ([written(a) for a in arrays], [encoded(t) for t in texts],
                [pdfdoc.PDFName(t) for t in texts])
        serialize.uninstall()
        try:
            assert ([written(a) for a in arrays], [encoded(t) for t in texts],
                    [pdfdoc.PDFName(t) for t in texts]) == ours
        finally:
            serialize.install()


def test_briefs_are_the_same_with_reportlabs_object_writing():
    from shangli_brief.writers.pdf import serialize
    pdf = _pdf_of("overview")
    ours = pdf()
    serialize.uninstall()
    try:
        assert pdf() == ours
    finally:
        serialize.install()

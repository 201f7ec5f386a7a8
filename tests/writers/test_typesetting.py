"""Typesetting a Chinese print shop would sign off (clreq): the audit of benchmarks/
typeset_audit.py finds no fault in any sample or in a bulletin holding every section, the
body is set in a 仿宋 face, and the audit itself finds the faults it is there for."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from conftest import ROOT, SAMPLES, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import typeset_audit  # noqa: E402

SECTIONS = sorted(p.name[: -len(".md.j2")] for p in
                  (ROOT / "src" / "shangli_brief" / "templates" / "sections").glob("*.md.j2"))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_passes_the_audit(built, name):
    report = typeset_audit.audit(built / f"{name}.pdf")
    assert report.lines > 20
    assert report.total == 0, report.faults


@pytest.fixture(scope="module")
def every_section(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("every")
    (ws / "briefs").mkdir()
    body = "".join(f"  - section: {name}\n" for name in SECTIONS)
    (ws / "briefs" / "all.yaml").write_text(
        "title: 上栗县高质量发展情况\nlayout: bulletin\nissuer: 上栗县发展和改革委员会\nissue: 9\n"
        "date: 2025-06-30\nperiod: 2024\nformats: [pdf]\nsections:\n" + body, "utf-8")
    result = run_cli("build", cwd=ws)
    assert result.returncode == 0, result.stderr
    return ws / "out" / "all.pdf"


def test_a_bulletin_with_every_section_passes_the_audit(every_section):
    report = typeset_audit.audit(every_section)
    assert report.lines > 150
    assert report.total == 0, report.faults


def test_the_body_is_set_in_fangsong(every_section):
    fonts = subprocess.run(["pdffonts", str(every_section)], capture_output=True, text=True).stdout
    # FandolFang after `make`; an installed official 仿宋 (FangSong, STFangsong) would win
    assert any(name in fonts for name in ("FandolFang", "FangSong", "Fangsong", "simfang")), fonts


def test_the_audit_finds_what_it_is_for(tmp_path):
    """A hand-set page with one fault of each kind: the audit reports each (a check that
    cannot fail would pass anything)."""
    from shangli_brief.theme import load_theme
    from shangli_brief.writers.pdf.writer import styles_for
    from shangli_brief.fonts import text_chars
    SAMPLE_CHARS = text_chars("国，上栗县花炮产业值亿2")
    font = styles_for(load_theme("bulletin"), SAMPLE_CHARS).font("body")
    path = tmp_path / "faults.pdf"
    canvas = Canvas(str(path), pagesize=(210 * typeset_audit.MM, 297 * typeset_audit.MM))
    size, left, right = 16, typeset_audit.LEFT, typeset_audit.RIGHT
    top = 297 * typeset_audit.MM - typeset_audit.TOP - size

    def line(y, text, x=left, spacing=0.0):
        t = canvas.beginText(x, y)
        t.setFont(font, size)
        t.setCharSpace(spacing)
        t.textOut(text)
        canvas.drawText(t)

    width = right - left
    full = "上栗县花炮产业集群总产值突破二百亿元，产业向高端"  # 24 characters: 0.11 em apart
    line(top, full, spacing=(width - len(full) * size) / (len(full) - 1))        # loose
    line(top - 29, "，" + full, spacing=(width - (len(full) + 1) * size) / len(full))  # kinsoku
    line(top - 58, "他说，“好”。", x=left + 2 * size)                      # pairs: ，“ and ”。 at 2 em
    line(top - 87, "力。", x=left)                                       # runt
    line(top - 116, "产值2022亿", x=left + 2 * size, spacing=2)            # spread: 3 digit gaps
    canvas.showPage()
    canvas.save()
    report = typeset_audit.audit(path)
    assert len(report.faults["kinsoku"]) == 1
    assert len(report.faults["pairs"]) == 2
    assert len(report.faults["runts"]) == 1
    assert len(report.faults["loose"]) >= 1
    assert len(report.faults["spread"]) == 3


def test_docx_keeps_caption_table_and_source_together(built):
    """Word's own keep rules: the caption keeps with its table, a short table's rows keep with
    each other and with the 资料来源 line after it; captions read 表1　标题."""
    import docx
    document = docx.Document(built / "fireworks-bulletin.docx")
    captions = [p for p in document.paragraphs if p.text.startswith("表1")]
    assert captions and captions[0].text.startswith("表1\u3000")
    assert captions[0].paragraph_format.keep_with_next
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标")
    assert all(p.paragraph_format.keep_with_next for row in table.rows for cell in row.cells
               for p in cell.paragraphs)
    following = table._tbl.getnext()
    assert "资料来源" in "".join(following.itertext())


def test_docx_lets_a_tall_table_start_where_it_falls(built):
    """The sources appendix is taller than two thirds of a page: as in the PDF, Word may start
    it where it falls — its header and first rows keep with the caption, its last row with the
    资料来源 line, the rows between are free to break over the page."""
    import docx
    document = docx.Document(built / "investment.docx")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "指标" and len(t.rows) > 10)
    keeps = [all(p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs)
             for row in table.rows]
    assert keeps[:3] == [True, True, True] and keeps[-1] and not any(keeps[3:-1])

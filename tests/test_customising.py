"""Customising without code: template overrides, themes, a reference DOCX, workspaces, data updates."""
import re
import shutil

import docx
import pdfplumber
import pytest

from conftest import run_cli

SPEC = "title: 定制\nperiod: 2024\nsections:\n  - section: health\n"


def pdf_text(path):
    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))


def docx_text(path):
    return "\n".join(p.text for p in docx.Document(path).paragraphs)


def test_override_extends_the_builtin_section(workspace):
    sections = workspace / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "health.md.j2").write_text(
        '{% extends "builtin/sections/health.md.j2" %}\n'
        "{% block intro %}\n本办改写的开头：奖励医护人员{{ value('health.staff_rewarded') }}。\n{% endblock %}\n",
        "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC, "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 0, result.stderr
    for text in (docx_text(workspace / "out" / "b.docx"), pdf_text(workspace / "out" / "b.pdf")):
        assert "本办改写的开头：奖励医护人员473人。" in text          # the override
        assert "深化紧密型县域医共体改革" not in text                # the replaced intro
        assert "改革管理机制" in text                                 # the built-in body, kept
    listed = run_cli("sections", cwd=workspace).stdout
    assert "templates/sections/health.md.j2 (your template)" in listed


def test_templates_folder_named_by_the_command_line(workspace, tmp_path):
    other = tmp_path / "shared-templates" / "sections"
    other.mkdir(parents=True)
    (other / "health.md.j2").write_text("{% set title = '共享模板' %}\n共享的文字。\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC, "utf-8")
    assert run_cli("build", "--format", "docx", "--templates", other.parent, cwd=workspace).returncode == 0
    assert "一、共享模板" in docx_text(workspace / "out" / "b.docx")


def test_theme_changes_size_and_colours_in_both_formats(workspace):
    (workspace / "themes").mkdir()
    (workspace / "themes" / "office.yaml").write_text(
        "styles:\n  body: {size: 小三, color: \"#1F3A5F\"}\ncolors:\n  red: \"#0000C0\"\n"
        "masthead: {name: 测试办公室简报}\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC + "theme: themes/office.yaml\nissue: 2\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 0, result.stderr
    document = docx.Document(workspace / "out" / "b.docx")
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 15 and str(normal.font.color.rgb) == "1F3A5F"
    masthead = document.styles["报头"]
    assert str(masthead.font.color.rgb) == "0000C0"
    with pdfplumber.open(workspace / "out" / "b.pdf") as pdf:
        sizes = [round(c["size"], 1) for p in pdf.pages for c in p.chars if c["text"].strip()]
        colours = {c["non_stroking_color"] for p in pdf.pages for c in p.chars
                   if round(c["size"], 1) == 15}
    assert max(set(sizes), key=sizes.count) == 15.0
    assert any(tuple(round(x, 2) for x in col) == (0.12, 0.23, 0.37) for col in colours if col)
    assert "测试办公室简报" in pdf_text(workspace / "out" / "b.pdf")


def build_with(workspace, folder: str, name: str, content: str, spec_line: str):
    """Write one file into a folder of the workspace, a spec using it, and build."""
    (workspace / folder).mkdir(exist_ok=True)
    (workspace / folder / name).write_text(content, "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC + spec_line, "utf-8")
    return run_cli("build", cwd=workspace)


def test_theme_errors_name_file_and_line(workspace):
    result = build_with(workspace, "themes", "office.yaml",
                        "styles:\n  body: {size: 大号}\n  bodi: {size: 三号}\ncolour: {}\n",
                        "theme: themes/office.yaml\n")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: themes/office.yaml:2:16: styles.body.size: size '大号' is not")
    assert "error: themes/office.yaml:3:3: styles.bodi: unknown style 'bodi' (did you mean 'body'?)" in lines
    assert "error: themes/office.yaml:4:1: colour: unknown key 'colour' (did you mean 'colors'?)" in lines
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())


def test_reference_docx_gives_the_letterhead(workspace):
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "上栗县人民政府办公室 专用信笺"
    reference.sections[0].left_margin = docx.shared.Mm(30)
    reference.add_paragraph("信笺正文里的样例文字，不应出现在简报中。")
    reference.save(workspace / "letterhead.docx")
    (workspace / "briefs" / "b.yaml").write_text(SPEC + "reference_docx: letterhead.docx\n", "utf-8")
    result = run_cli("build", "--format", "docx", cwd=workspace)
    assert result.returncode == 0, result.stderr
    out = docx.Document(workspace / "out" / "b.docx")
    assert out.sections[0].header.paragraphs[0].text == "上栗县人民政府办公室 专用信笺"
    assert round(out.sections[0].left_margin.mm) == 30
    text = docx_text(workspace / "out" / "b.docx")
    assert "一、医疗卫生" in text and "信笺正文里的样例文字" not in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_spreadsheet_update_changes_a_figure_in_both_outputs(workspace, kind):
    (workspace / "data").mkdir()
    rows = [["id", "period", "value", "qualifier", "source", "section", "replace"],
            ["health.staff_rewarded", "2021-2025", "480", "", "县卫健委", "年报", "是"]]
    path = workspace / "data" / f"update.{kind}"
    if kind == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
    else:
        from openpyxl import Workbook
        book = Workbook()
        for r in rows:
            book.active.append([int(v) if v.isdigit() else v for v in r])
        book.save(path)
    (workspace / "briefs" / "b.yaml").write_text(SPEC + f"data: [data/update.{kind}]\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert "奖励优秀医护人员480人" in docx_text(workspace / "out" / "b.docx")
    assert "奖励优秀医护人员480人" in pdf_text(workspace / "out" / "b.pdf")


def test_conflicting_update_is_rejected_with_file_and_row(workspace):
    result = build_with(workspace, "data", "update.csv",
                        "id,period,value,source\nhealth.staff_rewarded,2021-2025,480,县卫健委\n",
                        "data: [data/update.csv]\n")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: data/update.csv:2: 'health.staff_rewarded' already has "  # the row, in CSV terms
        "2021-2025 = 473 (exact, from 001_785c74f41207e478.txt); this file says 480 (exact): to "
        "replace it, say replace: true (a 'replace' column of yes in a spreadsheet)"]
    indicators = run_cli("indicators", "--json", cwd=workspace)
    assert indicators.returncode == 0


@pytest.mark.parametrize("attempt, expected", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "not allowed in a template"),
    ("{{ cycler.__init__.__globals__ }}", "not allowed in a template"),
    ("{% include '/etc/passwd' %}", "template '/etc/passwd' not found"),
    ("{% import 'os' as os %}", "template 'os' not found"),
])
def test_sandbox_refuses_escapes(workspace, attempt, expected):
    (workspace / "briefs" / "b.yaml").write_text(
        f"title: x\nsections:\n  - text: \"{attempt}\"\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert expected in result.stderr and "root:" not in result.stderr
    assert result.stderr.startswith("error: briefs/b.yaml:3")


def test_init_writes_a_workspace_that_builds(tmp_path):
    target = tmp_path / "ws"
    result = run_cli("init", target)
    assert result.returncode == 0, result.stderr
    built = run_cli("build", cwd=target)
    assert built.returncode == 0, built.stderr
    assert {p.name for p in (target / "out").iterdir()} == {"example.docx", "example.pdf", "manifest.json"}
    text = pdf_text(target / "out" / "example.pdf")
    assert "上栗县发展改革工作简报" in text and "突破210亿元" in text   # theme, override, data
    again = run_cli("init", target)
    assert again.returncode == 2 and "not an empty folder" in again.stderr
    shutil.rmtree(target)


def test_check_warns_about_typed_figures(workspace):
    sections = workspace / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "health.md.j2").write_text("{% set title = '医疗' %}\n全县共有卫生院12家。\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC, "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 0
    assert ("warning: templates/sections/health.md.j2:2: '12' is typed into the text; use a helper "
            "such as value('…') so that a data update changes it too") in result.stderr.splitlines()


def test_a_broken_reference_docx_is_one_clear_error(workspace):
    (workspace / "letterhead.docx").write_text("not a word file", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(SPEC + "reference_docx: letterhead.docx\n", "utf-8")
    result = run_cli("build", cwd=workspace)   # the DOCX is written in a second process
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "Traceback" not in line
    assert "letterhead.docx: not a Word (.docx) file (not a zip package)" in line
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())

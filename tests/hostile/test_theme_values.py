"""Themes come from other offices: every value is checked for its context when the theme is read
(font names for CSS, XML and the PDF; numbers in range; numbering patterns with their two
fields only), the HTML edition forbids scripts whatever it holds, and random theme values
give exit 0 or 2 with one line, never an internal error."""
from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import one_error, run, write_spec

INJECTION = "仿宋</style><script>document.title='X'</script><style>"


def theme_ws(ws, theme: str, formats: str = "[pdf]"):
    (ws / "theme.yaml").write_text(theme, "utf-8")
    write_spec(ws, f"formats: {formats}\ntheme: theme.yaml\nsections:\n  - section: health\n")


@pytest.mark.parametrize("where", ["docx", "docx_alt", "pdf", "convert", "fallback"])
def test_markup_in_a_font_name_is_refused(ws, where):
    value = f'"{INJECTION}"' if where.startswith("docx") else f'["{INJECTION}"]'
    theme_ws(ws, f"fonts:\n  body:\n    {where}: {value}\n", "[html]")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    line = one_error(result)
    assert line.startswith("error: theme.yaml:3:") and "is not a font name" in line, line
    assert not (ws / "out").exists() or not list((ws / "out").glob("*.html"))


def test_the_html_edition_forbids_scripts(ws):
    theme_ws(ws, "colors: {red: '#CC0000'}\n", "[html]")
    assert run("build", cwd=ws).returncode == 0
    html = (ws / "out" / "t.html").read_text("utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html and "<script" not in html


@pytest.mark.parametrize("theme, message", [
    ("page: {width_mm: 0}", "the margins leave less than 30 mm"),
    ("page: {margin_left_mm: -5}", "-5 is out of range (0 to 1000)"),
    ("page: {height_mm: .nan}", "nan is out of range"),
    ("page: {width_mm: 1.0e+300}", "is out of range (0 to 1000)"),
    ("grid: {lines: 0}", "0 is out of range (1 to 200)"),
    ("styles: {body: {size: 0}}", "size '0' is not a number of points"),
    ("styles: {body: {size: 10000}}", "size '10000' is not a number of points"),
    ('heading_numbers: ["{n:>400000000}", "{zh}", "{n}", "{n}"]', "may hold only {zh} {n} in braces"),
    ('heading_numbers: ["{x}", "{zh}", "{n}", "{n}"]', "may hold only {zh} {n} in braces"),
    ('heading_numbers: ["{zh.__class__.__mro__}", "{zh}", "{n}", "{n}"]', "may hold only {zh} {n} in braces"),
    ('list_marks: {ordered: "{n!r}"}', "may hold only {n} in braces"),
    ("styles: {body: {leading: 0}}", "leading 0 is less than the text's size allows"),
])
def test_absurd_theme_values_are_one_line_with_file_and_line(ws, theme, message):
    theme_ws(ws, theme + "\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2, result.stderr
    line = one_error(result)
    assert line.startswith("error: theme.yaml:1:") and message in line, line


VALUES = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=12), st.booleans(), st.none(), st.lists(st.text(max_size=6), max_size=3))
KEYS = {"page": ["width_mm", "height_mm", "margin_top_mm", "margin_left_mm", "page_number_gap_mm"],
        "grid": ["lines", "chars"], "masthead": ["name", "rule_pt"], "closing_rules": ["outer_pt"],
        "list_marks": ["bullet", "ordered"]}


@st.composite
def themes(draw):
    section = draw(st.sampled_from(sorted(KEYS)))
    data = {section: {draw(st.sampled_from(KEYS[section])): draw(VALUES)}}
    if draw(st.booleans()):
        data["styles"] = {"body": {draw(st.sampled_from(["size", "leading", "indent_chars", "color", "font"])):
                                   draw(VALUES)}}
    if draw(st.booleans()):
        data["heading_numbers"] = draw(st.lists(st.text(alphabet="{}zhn.:>!x、（）0", max_size=8), min_size=4,
                                                max_size=4))
    return yaml.safe_dump(data, allow_unicode=True)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(theme=themes())
def test_any_theme_values_check_cleanly(theme, tmp_path_factory):
    from shangli_brief.cli import main
    ws = tmp_path_factory.mktemp("theme")
    (ws / "briefs").mkdir()
    theme_ws(ws, theme)
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["check", str(ws / "briefs" / "t.yaml")])
    assert code in (0, 2), err.getvalue()
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue(), err.getvalue()

"""Templates and values from other offices cannot hang a build or fill the memory: every case
ends within seconds in one line naming the file and line."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


import pytest

from .conftest import nothing_written, one_error, run, write_spec


def text_entry(ws, template: str):
    write_spec(ws, "sections:\n  - text: |\n      " + template + "\n")


@pytest.mark.parametrize("template, message", [
    ("{{ range(10**9)|list|length }}", "range() of 1,000,000,000 numbers; a template may count to 10,000"),
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
     "the template's loops ran more than 1,000,000 times; simplify it"),
    ("{% set s = 'x' * 5000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
     "the template's loops ran more than 1,000,000 times; simplify it"),
    ("{{ 'x' * 10**9 }}", "the template makes a text of 1,000,000,000 characters, more than the "
                          "300,000 a section may have; check its loops and repeats"),
    ("{{ '{:>1000000000}'.format(1) }}", "a width or precision of 1000000000 in a format; at most 1000"),
    ("{{ '%1000000000d' % 1 }}", "a width or precision of 1000000000 in a % format; at most 1000"),
    ("{{ '%1000000000d'|format(1) }}", "a width or precision of 1000000000 in a % format; at most 1000"),
    ("{{ 'a'.ljust(10**9) }}", "ljust() was given 1000000000; at most 1000"),
    ("{{ ('a' * 10000)|replace('a', 'a' * 10000) }}", "the template makes a text of 100,000,000 characters"),
    ("{{ ('abc ' * 50000)|wordwrap(1) }}", "wordwrap on a text of 200,000 characters; at most 20,000"),
    ("{{ 'x'|center(10**9) }}", "center() was given 1000000000; at most 1000"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}",
     "macros call each other more than 50 deep (a macro calling itself without end?)"),
    ("{{ 2 ** 100000 }}", "2 ** 100000 is too large a number for a brief"),
    ("{{ 1 / 0 }}", "the template failed: ZeroDivisionError: division by zero"),
    ("{{ lipsum(10**9) }}", "'lipsum' is undefined"),
])
def test_template_budgets(ws, template, message):
    text_entry(ws, template)
    result = run("build", cwd=ws, timeout=60)
    assert result.returncode == 2
    line = one_error(result)
    assert line.startswith("error: briefs/t.yaml:9: ") and message in line, line
    assert nothing_written(ws)


def test_a_template_including_itself(ws):
    (ws / "templates" / "sections" / "me.md.j2").write_text("{% include 'sections/me.md.j2' %}", "utf-8")
    write_spec(ws, "sections:\n  - section: me\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    # named at the include that recurses
    assert one_error(result) == ("error: templates/sections/me.md.j2:1: templates include or call each "
                                 "other without end; check the includes and macros")


def test_the_whole_brief_has_a_budget_too(ws):
    """Four sections' worth each is fine; past the brief's budget the error says so."""
    big = "{{ 'x' * 290000 }}"
    write_spec(ws, "sections:\n" + f"  - text: \"{big}\"\n" * 5)
    result = run("check", cwd=ws)
    assert result.returncode == 2
    assert ("the brief's sections make more than 1,200,000 characters in all; split it into "
            "several briefs") in result.stderr


@pytest.mark.parametrize("value, message", [
    (".inf", "value 'inf' is infinite"),
    (".nan", "value 'nan' is not a number"),
    ("sNaN", "value 'sNaN' is not a number"),
    ("1e999999999", "value '1e999999999' is not a number; write digits, such as 230 or 28.4"),
    ("1e30", "value '1e30' is out of range (at most 20 digits, below 10^15)"),
    ("123456789012345678901.5", "is out of range"),
])
def test_values_must_be_finite_published_figures(ws, value, message):
    (ws / "data" / "u.yaml").write_text(
        "indicators:\n  - id: fireworks.output\n    values:\n"
        f"      - {{period: 2024, value: {value}, source: x, replace: true}}\n", "utf-8")
    write_spec(ws, "data: [data/u.yaml]\nsections:\n  - section: fireworks\n")
    result = run("build", cwd=ws, timeout=30)
    assert result.returncode == 2
    line = one_error(result)
    assert line.startswith("error: data/u.yaml:4:") and message in line, line


@pytest.mark.parametrize("date, env, message", [
    ("2108-01-01", {}, "briefs/t.yaml:6:7: date: date '2108-01-01' is outside 1980–2099; check the year"),
    (None, {"SOURCE_DATE_EPOCH": "99999999999"},
     "SOURCE_DATE_EPOCH='99999999999' is not a time between 1980 and 2099 in seconds since 1970"),
])
def test_dates_in_range(ws, date, env, message):
    path = write_spec(ws, "sections:\n  - section: health\n")
    text = path.read_text("utf-8")
    text = text.replace("2025-03-15", date) if date else text.replace("date: 2025-03-15\n", "")
    path.write_text(text, "utf-8")
    result = run("build", cwd=ws, env=env)
    assert result.returncode == 2
    assert message in one_error(result)


def test_yaml_nested_thousands_deep(ws):
    write_spec(ws, "x: " + "[" * 3000 + "]" * 3000 + "\nsections: []\n")
    result = run("check", cwd=ws)
    assert result.returncode == 2
    assert one_error(result) == ("error: briefs/t.yaml:7:36: lists and mappings are nested more than "
                                 "32 deep; check the brackets and indentation")


@pytest.mark.parametrize("kind", ["csv", "yaml"])
def test_every_input_file_is_size_limited(ws, kind):
    if kind == "csv":
        (ws / "data" / "u.csv").write_text("id,period,value,source\n" + "fireworks.output,2025,1,x\n" * 60000)
    else:
        (ws / "data" / "u.yaml").write_text("indicators: []\n" + "# padding\n" * 120000)
    write_spec(ws, f"data: [data/u.{kind}]\nsections:\n  - section: health\n")
    result = run("check", cwd=ws)
    assert result.returncode == 2
    assert f"data/u.{kind}: the data file is larger than 1 MB; is it the right file?" in result.stderr


def test_an_honest_zero_is_said_in_words(ws):
    """A compared year's value of 0: the table and the text say where it went (由0增至5家),
    never an internal error."""
    (ws / "data" / "u.yaml").write_text(
        "indicators:\n  - id: test.new_firms\n    name: 新落户企业\n    unit: 家\n    category: park\n"
        "    values:\n      - {period: 2022, value: 0, source: 县商务局}\n"
        "      - {period: 2024, value: 5, source: 县商务局}\n", "utf-8")
    write_spec(ws, "compare: 2022\ndata: [data/u.yaml]\nformats: [docx]\nsections:\n"
                   "  - text: \"新落户企业{{ change('test.new_firms') }}。\"\n"
                   "  - table: {title: 新落户企业, indicators: [test.new_firms]}\n")
    for command in ("check", "build"):
        result = run(command, cwd=ws)
        assert result.returncode == 0, result.stderr
    import docx
    document = docx.Document(ws / "out" / "t.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "新落户企业由0增至5家。" in text, text


@pytest.mark.parametrize("template, message", [
    # `~` joins without a call or an operator the sandbox sees: doubled 26 times, a gigabyte
    ('{% set ns = namespace(s="ab") %}{% for i in range(26) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
     '{{ ns.s|length }}',
     "the template makes a text of 524,288 characters, more than the 300,000 a section may have"),
    # a list grown in place by its own methods
    ("{% set ns = namespace(l=[1, 2]) %}{% for i in range(30) %}{% set _ = ns.l.extend(ns.l) %}{% endfor %}"
     "{{ ns.l|length }}", "the template makes a text of 524,288 characters"),
    ("{% set ns = namespace(d={}) %}{% for i in range(9000) %}{% for j in range(100) %}"
     "{% set _ = ns.d.update({i * 100 + j: j}) %}{% endfor %}{% endfor %}{{ ns.d|length }}",
     "the template makes a text of 300,001 characters"),
])
def test_what_a_template_grows_by_any_means_is_counted(ws, template, message):
    text_entry(ws, template)
    result = run("build", cwd=ws, timeout=120)  # a hang guard: a second or two here
    assert result.returncode == 2
    assert message in one_error(result), result.stderr
    assert nothing_written(ws)


def test_a_build_cannot_take_the_machines_memory(ws):
    """Distinct big strings kept in a list: the time budget would stop it after gigabytes, the
    memory cap (set low here, 4 GB by default) long before."""
    text_entry(ws, '{% set ns = namespace(l=[]) %}{% for i in range(10000) %}{% for j in range(100) %}'
                   '{% set _ = ns.l.append(("x" * 299990) ~ i ~ j) %}{% endfor %}{% endfor %}{{ ns.l|length }}')
    result = run("build", cwd=ws, env={"SHANGLI_BRIEF_MEMORY_MB": "1000"}, timeout=120)
    assert result.returncode == 2
    assert "the template used more memory than a build may have" in one_error(result)
    assert nothing_written(ws)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_a_build_inside_a_template_loop(ws, signum):
    """Wherever the signal lands (while starting, or inside the four-second loop), the build
    stops at once, says so, and writes nothing."""
    text_entry(ws, "{% set ns = namespace(n=0) %}{% for i in range(1000) %}{% for j in range(999) %}"
                   "{% set ns.n = ns.n + i * j %}{% endfor %}{% endfor %}{{ ns.n }}")
    exe = Path(sys.executable).parent / "shangli-brief"
    process = subprocess.Popen([str(exe), "build"], cwd=ws, stderr=subprocess.PIPE, text=True)
    time.sleep(1)  # most likely inside the loop by then; earlier or later, it must stop the same
    process.send_signal(signum)
    __, stderr = process.communicate(timeout=30)  # a hang guard: it stops at once
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] in ("interrupted", "已中断"), stderr
    assert nothing_written(ws)


@pytest.mark.parametrize("formats", ["[pdf]", "[docx]"])
def test_a_chart_with_more_bars_than_a_page_holds_is_one_line(ws, formats):
    rows = "".join(f"  - {{id: test.bar{i}, name: 指标{i}, unit: 个, category: test, "
                   f"values: [{{period: 2024, value: {i + 1}, source: 县统计局}}]}}\n" for i in range(500))
    (ws / "data" / "bars.yaml").write_text("indicators:\n" + rows, "utf-8")
    ids = ", ".join(f"test.bar{i}" for i in range(500))
    write_spec(ws, f"formats: {formats}\ndata: [data/bars.yaml]\nsections:\n"
                   f"  - chart: {{kind: hbar, title: 五百项, indicators: [{ids}]}}\n")
    result = run("build", cwd=ws, timeout=120)  # a hang guard: seconds here
    assert result.returncode == 2, result.stderr
    line = one_error(result)
    assert line.startswith("error: briefs/t.yaml:") and "the chart has 500 bars; at most" in line, line
    assert nothing_written(ws)

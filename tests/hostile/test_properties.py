"""Hypothesis properties over whole commands: any spec text a user could save, any template
text, any data row gives exit 0, 1 or 2 with no traceback and no internal error, in time.
The command runs in this process (a subprocess per example would be too slow), with the same
last-resort handler as the console command."""
from __future__ import annotations

import contextlib
import io
import signal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangli_brief.cli import main

KEYS = ["title", "subtitle", "layout", "issuer", "issue", "date", "period", "compare", "sections",
        "data", "templates", "theme", "formats", "closing", "draft", "sources"]
SCALARS = st.one_of(
    st.text(max_size=40), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.sampled_from(["bulletin", "report", "2024", "2021-2025", ".nan", ".inf", "1e999999",
                     "2108-01-01", "fireworks", "[docx]", "{}", "[]", "'", '"', "&a", "*a", "|",
                     "{{ value('fireworks.output') }}", "{% for i in range(10**9) %}x{% endfor %}",
                     "\x00", "\x1b", "\ufeff", "😀"]))
ENTRY = st.sampled_from([
    "  - section: fireworks\n", "  - section: nosuch\n", "  - table: {title: 表, indicators: [fireworks.output]}\n",
    "  - text: \"{{ value('fireworks.output') }}\"\n", "  - page_break\n", "  - figures: {indicators: []}\n",
    "  - chart: {kind: line, title: 图, indicators: [fireworks.output]}\n", "  - text: |\n      # 标题\n\n      正文\n",
    "  - text: \"{{ 'x' * 10**9 }}\"\n", "  -\n", "  - {}\n", "  - [1, 2]\n"])


@st.composite
def spec_texts(draw):
    lines = []
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=8, unique=True)):
        if key == "sections":
            lines.append("sections:\n" + "".join(draw(st.lists(ENTRY, max_size=4))))
        else:
            value = draw(SCALARS)
            lines.append(f"{key}: {value!r}\n" if draw(st.booleans()) else f"{key}: {value}\n")
    if draw(st.booleans()):
        lines.insert(0, "title: 简报\nsections:\n  - section: health\n")
    text = "".join(lines)
    if draw(st.booleans()):  # damage: cut it anywhere, or splice random characters in
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.text(max_size=10)) + text[cut:]
    return text


def run_in_process(*args) -> tuple[int, str]:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(list(map(str, args)))
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    return code, err.getvalue()


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(text=spec_texts())
def test_any_spec_text_checks_cleanly(text, tmp_path_factory):
    ws = tmp_path_factory.mktemp("prop")
    (ws / "briefs").mkdir()
    (ws / "briefs" / "p.yaml").write_text(text, "utf-8", errors="surrogatepass")
    code, err = run_in_process("check", ws / "briefs" / "p.yaml")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=spec_texts())
def test_any_spec_text_builds_cleanly(text, tmp_path_factory):
    ws = tmp_path_factory.mktemp("propb")
    (ws / "briefs").mkdir()
    (ws / "briefs" / "p.yaml").write_text(text, "utf-8", errors="surrogatepass")
    code, err = run_in_process("build", "--format", "docx", "--out", ws / "out", ws / "briefs" / "p.yaml")
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code:  # nothing half-written
        assert not (ws / "out").exists() or not [p for p in (ws / "out").iterdir()]


TOKENS = st.sampled_from([*"{}%#()'\"*+-|.,:x 0123456789", "{{", "}}", "{%", "%}", "for ", "in ",
                          "range(", "endfor", "macro ", "endmacro", "set ", "value(",
                          "'fireworks.output'", "10**9", "|wordwrap", "|center", ".format(",
                          "include ", "if ", "endif", "self", "__class__", "loop"])


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(template=st.lists(TOKENS, max_size=40).map("".join))
def test_any_template_text_renders_or_fails_cleanly(template, tmp_path_factory):
    ws = tmp_path_factory.mktemp("propt")
    (ws / "briefs").mkdir()
    (ws / "templates" / "sections").mkdir(parents=True)
    (ws / "templates" / "sections" / "t.md.j2").write_text(template, "utf-8")
    (ws / "briefs" / "p.yaml").write_text("title: 简报\nsections:\n  - section: t\n", "utf-8")
    code, err = run_in_process("check", ws / "briefs" / "p.yaml")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


GROWING = st.sampled_from([
    "{% set ns.s = ns.s ~ ns.s %}", "{% set ns.s = ns.s * 2 %}", "{% set _ = ns.l.extend(ns.l) %}",
    "{% set _ = ns.l.append(ns.s) %}", "{% set ns.s = ns.l|join(ns.s) %}",
    "{% set ns.s = ns.s|center(ns.s|length * 2) %}", "{% set _ = ns.d.update({ns.s: ns.l}) %}",
    "{% set ns.s = ns.s|replace('x', ns.s) %}", "{% set ns.l = ns.l + ns.l %}",
    "{% set ns.s = (ns.l|string) ~ ns.s %}", "{% set ns.s = ns.s|wordwrap(5) %}", "{{ ns.s[:20] }}",
])


@st.composite
def template_programs(draw):
    """Valid programs that grow values by every means a template has, in nested loops: most
    stay small, some double until a budget stops them."""
    depth = draw(st.integers(1, 3))
    loops = [draw(st.integers(1, 40)) for _ in range(depth)]
    body = "".join(draw(st.lists(GROWING, min_size=1, max_size=3)))
    opening = "".join(f"{{% for i{d} in range({n}) %}}" for d, n in enumerate(loops))
    return ("{% set ns = namespace(s='x', l=[1], d={}) %}" + opening + body + "{% endfor %}" * depth +
            "长度{{ ns.s|length }}，{{ ns.l|length }}项。")


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(program=template_programs())
def test_any_template_program_renders_within_its_budgets(program, tmp_path_factory):
    """Whatever such a program builds, the build ends with the brief or one line naming the
    template and the budget it passed — never an internal error, a hang or the machine's memory."""
    ws = tmp_path_factory.mktemp("progs")
    (ws / "briefs").mkdir()
    (ws / "templates" / "sections").mkdir(parents=True)
    (ws / "templates" / "sections" / "t.md.j2").write_text(program, "utf-8")
    (ws / "briefs" / "p.yaml").write_text("title: 简报\nformats: [docx]\nsections:\n  - section: t\n", "utf-8")
    code, err = run_in_process("build", "--out", ws / "out", ws / "briefs" / "p.yaml")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert "t.md.j2:" in err and not (ws / "out" / "p.docx").exists(), err

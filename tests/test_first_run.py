"""A new user's first builds: fonts made for the brief in an empty cache, the same bytes on any
machine whatever its cache held before, a face standing in for a role's own named in a warning,
and the clerk's own files (GBK CSV, Chinese dates and indicator names, 简报) taken as they come."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, run_cli, same_bytes


def _fonts(pdf) -> list[str]:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]


def test_two_fresh_caches_give_the_same_pdf_whatever_was_built_first(tmp_path):
    """One cache starts with the bulletin, the other with the investment report (a different
    set of characters); the bulletin comes out byte for byte the same from both, its body in the
    free 仿宋 (FandolFang), every face embedded."""
    first = {"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache-a")}
    second = {"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache-b")}
    built = run_cli("build", "briefs/fireworks-bulletin.yaml", "--format", "pdf", "--out", tmp_path / "a", env=first)
    assert built.returncode == 0, built.stderr
    for spec in ("investment", "fireworks-bulletin"):
        built = run_cli("build", f"briefs/{spec}.yaml", "--format", "pdf", "--out", tmp_path / "b", env=second)
        assert built.returncode == 0, built.stderr
    a, b = tmp_path / "a" / "fireworks-bulletin.pdf", tmp_path / "b" / "fireworks-bulletin.pdf"
    assert same_bytes(a, b)
    fonts = _fonts(a)
    assert any("FandolFang" in line for line in fonts), fonts
    assert all(" yes " in line for line in fonts), fonts  # embedded


def test_a_face_standing_in_for_the_roles_own_is_named(tmp_path):
    """A theme whose 仿宋 is not installed: the build works, and says which face stands in and
    how to get the right one (build and check alike)."""
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    theme = ws / "themes" / "office.yaml"
    theme.write_text(theme.read_text("utf-8") + "fonts:\n  body:\n    pdf: [没有这种仿宋]\n"
                     "    convert: [NoSuchFang:Regular]\n", "utf-8")
    for command in ("build", "check"):
        result = run_cli(command, cwd=ws)
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stderr.splitlines() if "font role 'body'" in line]
        assert len(lines) == 1, result.stderr
        assert "has no 没有这种仿宋 face here" in lines[0] and "stands in" in lines[0]


def test_an_excel_gbk_csv_reaches_the_catalogue_and_the_brief(tmp_path):
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    csv = ws / "data" / "2025-update.csv"
    csv.write_bytes("id,period,value,qualifier,source,section,replace\r\n"
                    "fireworks.cluster_output,2025,217,超,县统计局,2025年快报,\r\n".encode("gbk"))
    listed = run_cli("indicators", "--spec", "briefs/example.yaml", cwd=ws)
    assert listed.returncode == 0, listed.stderr
    assert "2025年 超217亿元" in listed.stdout
    assert run_cli("build", "--format", "docx", cwd=ws).returncode == 0
    import docx
    text = "\n".join(p.text for p in docx.Document(ws / "out" / "example.docx").paragraphs)
    assert "217亿元" in text


def test_a_file_neither_utf8_nor_gbk_says_how_to_save_it(tmp_path):
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    (ws / "data" / "2025-update.csv").write_bytes(b"id,period,value\r\n\x81\x20\xff\xfe,2025,1\r\n")
    result = run_cli("build", cwd=ws)
    assert result.returncode == 2
    assert result.stderr.startswith("error: data/2025-update.csv:2: neither UTF-8 nor GBK text; in Excel:"), \
        result.stderr


def test_chinese_dates_indicator_names_and_layout_names(tmp_path):
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    spec = ws / "briefs" / "example.yaml"
    text = spec.read_text("utf-8").replace("layout: bulletin", "layout: 简报\ndate: 2025年6月30日")
    spec.write_text(text.replace("indicators: [fireworks.cluster_output,", "indicators: [花炮产业集群总产值,"), "utf-8")
    result = run_cli("build", "--format", "pdf", cwd=ws)
    assert result.returncode == 0, result.stderr
    shown = subprocess.run(["pdftotext", str(ws / "out" / "example.pdf"), "-"], capture_output=True,
                           text=True).stdout
    assert "2025年6月30日" in shown and "花炮产业集群总产值" in shown


def test_an_indicator_name_two_indicators_share_lists_them(tmp_path):
    assert run_cli("init", tmp_path / "ws").returncode == 0
    ws = tmp_path / "ws"
    (ws / "data" / "twins.yaml").write_text(
        "indicators:\n"
        "  - {id: test.one, name: 同名指标, unit: 个, category: test, values: [{period: 2024, value: 1, source: x}]}\n"
        "  - {id: test.two, name: 同名指标, unit: 个, category: test, values: [{period: 2024, value: 2, source: x}]}\n",
        "utf-8")
    spec = ws / "briefs" / "example.yaml"
    text = spec.read_text("utf-8").replace("data: [data/2025-update.csv]",
                                           "data: [data/2025-update.csv, data/twins.yaml]")
    spec.write_text(text.replace("indicators: [fireworks.cluster_output,", "indicators: [同名指标,"), "utf-8")
    result = run_cli("build", cwd=ws)
    assert result.returncode == 2
    assert "'同名指标' names 2 indicators (test.one, test.two); name one by its id" in result.stderr


@pytest.mark.parametrize("command", ["build", "verify"])
def test_an_impossible_date_in_set_is_one_input_error(tmp_path, command):
    args = ["briefs/fireworks-bulletin.yaml", "--set", "date=2025-02-30", "--out", tmp_path]
    if command == "verify":
        args = [tmp_path / "x.docx", "--spec", "briefs/fireworks-bulletin.yaml", "--set", "date=2025-02-30"]
        assert run_cli("build", "briefs/fireworks-bulletin.yaml", "--format", "docx", "--out", tmp_path).returncode == 0
        (tmp_path / "fireworks-bulletin.docx").rename(tmp_path / "x.docx")
    result = run_cli(command, *args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: --set date: date '2025-02-30' is not a date; write it as 2025-03-15 or 2025年3月15日"]


ZH = {"SHANGLI_BRIEF_LANG": "", "LC_ALL": "zh_CN.UTF-8"}


@pytest.mark.parametrize("given", ["out.pdf", "nosuch.docx"])
def test_verify_speaks_only_chinese(tmp_path, given):
    (tmp_path / "out.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = run_cli("verify", tmp_path / given, env=ZH)
    assert result.returncode == 2
    message = result.stderr.replace(str(tmp_path / given), "").replace(given, "")
    english = [w for w in message.replace("Word", "").replace("WPS", "").replace("zip", "").split()
               if w.isascii() and any(c.isalpha() for c in w) and w not in ("(.docx)",)]
    assert not english, result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
def test_a_named_pipe_for_a_spec_is_refused_not_waited_on(tmp_path):
    (tmp_path / "briefs").mkdir()
    os.mkfifo(tmp_path / "briefs" / "p.yaml")
    result = subprocess.run([str(Path(sys.executable).parent / "shangli-brief"), "check", "briefs/p.yaml"],
                            cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env={**os.environ})
    assert result.returncode == 2
    assert "is not a regular file" in result.stderr


def test_a_brief_after_another_in_one_process_is_the_same_as_alone(tmp_path):
    """A batch worker (or `check`, or `watch`) sets a second brief after the cached subsets have
    grown for it: the same PDF as a fresh process in a fresh cache, its every glyph drawn (the
    watermark 征求意见稿 is drawn outside any paragraph, so no fallback face hides a gap)."""
    ws = tmp_path / "ws"
    (ws / "briefs").mkdir(parents=True)
    (ws / "briefs" / "a.yaml").write_text((ROOT / "briefs" / "fireworks-bulletin.yaml").read_text("utf-8"), "utf-8")
    (ws / "briefs" / "b.yaml").write_text("title: 草稿\ndraft: true\nsections:\n  - section: health\n", "utf-8")
    one = {"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache-one")}
    first = run_cli("build", "briefs/a.yaml", "--format", "pdf", "--out", tmp_path / "first", cwd=ws, env=one)
    assert first.returncode == 0, first.stderr
    batch = run_cli("build", "briefs/a.yaml", "briefs/b.yaml", "--jobs", "1", "--format", "pdf", "--out",
                    tmp_path / "batch", cwd=ws, env=one)
    assert batch.returncode == 0, batch.stderr
    alone = run_cli("build", "briefs/b.yaml", "--format", "pdf", "--out", tmp_path / "alone", cwd=ws,
                    env={"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache-two")})
    assert alone.returncode == 0, alone.stderr
    assert same_bytes(tmp_path / "batch" / "b.pdf", tmp_path / "alone" / "b.pdf")
    with pdfplumber.open(tmp_path / "batch" / "b.pdf") as pdf:
        assert "".join(c["text"] for c in pdf.pages[0].chars if c["size"] > 60) == "征求意见稿"


def test_a_subset_grows_by_characters_its_face_lacks_without_error(tmp_path):
    """A later brief asks for a character the face does not have (ª): the subset grows by
    nothing, the character is drawn by a fallback face and named, and it is not asked again."""
    env = {"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache")}
    (tmp_path / "briefs").mkdir()
    spec = tmp_path / "briefs" / "p.yaml"
    spec.write_text("title: 简报\nsections:\n  - section: health\n", "utf-8")
    assert run_cli("check", spec, env=env).returncode == 0
    spec.write_text("title: 简报\nsubtitle: ª\nsections:\n  - section: health\n", "utf-8")
    for attempt in range(2):
        result = run_cli("check", spec, env=env)
        assert result.returncode == 0, result.stderr
        assert "'ª' U+00AA" in result.stderr
        assert ("preparing" in result.stderr) == (attempt == 0), result.stderr


def test_a_subsets_global_tables_are_its_sources_whatever_it_holds(tmp_path):
    """fontTools rewrites OS/2's first and last character from the cmap on every save: subsets of
    different characters (a line break once slipped into one) keep the source's values all the
    same, so what ReportLab copies into a PDF does not depend on the cache's history."""
    from fontTools.ttLib import TTFont

    from shangli_brief import fontconvert
    source = Path("/usr/local/share/fonts/fandol/FandolFang-Regular.otf")
    if not source.exists():
        pytest.skip("FandolFang is not installed here")
    original = TTFont(str(source), lazy=True)["OS/2"]
    for n, chars in enumerate(({0x4E0A}, {0x4E0A, 0x9, 0x2605, 0xFF01}, {0x6817})):
        made = TTFont(str(fontconvert.convert(str(source), 0, tmp_path / f"s{n}.ttf", chars)))["OS/2"]
        assert (made.usFirstCharIndex, made.usLastCharIndex) == \
            (original.usFirstCharIndex, original.usLastCharIndex), chars

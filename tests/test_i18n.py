"""The interface in Chinese: every message has a translation, the language is chosen as the
README says, and errors keep their file:line:col and key path in either language."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import string
import sys
import types

import pytest

from conftest import ROOT, run_cli
from shangli_brief import i18n

spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(messages)

ZH = {"SHANGLI_BRIEF_LANG": "", "LC_ALL": "zh_CN.UTF-8"}


@pytest.fixture(scope="module")
def catalog():
    return messages.merged(messages.extracted(), messages.read_translations())


def test_every_message_has_chinese_and_the_compiled_catalog_is_current(catalog):
    assert messages.missing(catalog) == []
    # by content: the compiled file's header names the Babel that wrote it
    assert messages.translations_of(messages.MO.read_bytes()) == messages.translations_of(
        messages.compiled(catalog)), "run `make messages`"


def _fields(text: str) -> list[str]:
    brace = sorted(f"{{{name}{'!' + conv if conv else ''}}}" for _, name, _spec, conv in
                   string.Formatter().parse(text) if name is not None)
    percent = sorted(re.findall(r"%(?:\(\w+\))?[sdr]", text))
    return brace + percent


def test_translations_keep_every_placeholder(catalog):
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            assert _fields(text) == _fields(ids[-1]), f"{m.id!r} -> {text!r}"


# Calls whose first argument is shown to the user: a bare English literal there was never
# put through _() and would stay English under a Chinese locale.
SHOWN = {"print", "InputError", "BuildError", "BriefError", "BudgetExceeded", "fail", "report"}


def _english(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return False
    return re.search(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}", text) is not None


def test_no_message_bypasses_the_catalog():
    bare = []
    for path in sorted((ROOT / "src" / "shangli_brief").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in SHOWN and _english(node.args[0]):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == []


@pytest.mark.parametrize("env, expected", [
    ({"LC_ALL": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.GB18030"}, "zh"),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),        # the first one set decides
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"SHANGLI_BRIEF_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),
    ({"SHANGLI_BRIEF_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({}, "en"),
])
def test_language_from_the_environment(monkeypatch, env, expected):
    for name in ("SHANGLI_BRIEF_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n._from_environment() == expected


@pytest.mark.parametrize("lang_id, expected", [(0x0804, "zh"), (0x0404, "zh"), (0x0409, "en")])
def test_language_from_the_windows_display_language(monkeypatch, lang_id, expected):
    """Simulated: Windows has no LANG; the display language comes from the kernel."""
    import ctypes
    for name in ("SHANGLI_BRIEF_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    kernel = types.SimpleNamespace(GetUserDefaultUILanguage=lambda: lang_id)
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel), raising=False)
    assert i18n._from_environment() == expected


def test_help_is_chinese_under_a_chinese_locale_and_english_with_lang_en():
    zh = run_cli("--help", env=ZH)
    assert zh.returncode == 0
    assert zh.stdout.startswith("用法：shangli-brief")
    assert "把简报配置生成为 DOCX 和 PDF" in zh.stdout and "显示本帮助并退出" in zh.stdout
    sub = run_cli("build", "--help", env=ZH)
    assert "输出文件夹（默认：各配置所在工作区的 out/）" in sub.stdout
    assert max(_width(line) for line in sub.stdout.splitlines()) <= 80  # wrapped by display width
    en = run_cli("--lang", "en", "--help", env=ZH)
    assert en.stdout.startswith("usage: shangli-brief") and "build specs into DOCX and PDF" in en.stdout
    assert "usage: shangli-brief build" in run_cli("build", "--help", "--lang=en", env=ZH).stdout


def _width(line: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_errors_are_chinese_with_their_place_and_key(tmp_path):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "bad.yaml").write_text(
        "title: 测试\nlayot: bulletin\nsections:\n  - section: fireworkz\n", "utf-8")
    result = run_cli("check", "briefs/bad.yaml", cwd=tmp_path, env=ZH)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "错误：briefs/bad.yaml:2:1: layot: 未知键“layot”（是否想写“layout”？）",
        "错误：briefs/bad.yaml:4:14: sections[0].section: 未知章节“fireworkz”（是否想写“fireworks”？）；"
        "可用 `shangli-brief sections` 查看",
        "发现 2 个问题",
    ]
    english = run_cli("check", "briefs/bad.yaml", "--lang", "en", cwd=tmp_path, env=ZH)
    assert english.stderr.splitlines()[0] == \
        "error: briefs/bad.yaml:2:1: layot: unknown key 'layot' (did you mean 'layout'?)"


def test_yaml_and_argument_errors_are_chinese(tmp_path):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "tab.yaml").write_text("title: 测试\nsections:\n\t- text: a\n", "utf-8")
    result = run_cli("check", "briefs/tab.yaml", cwd=tmp_path, env=ZH)
    assert result.stderr.splitlines()[0] == "错误：briefs/tab.yaml:3:1: YAML 语法错误：出现制表符；请用空格缩进"
    args = run_cli("build", "--jobs", "x", cwd=tmp_path, env=ZH)
    assert args.returncode == 2
    assert args.stderr.splitlines()[-1] == "shangli-brief build：错误：参数 --jobs/-j：无效的 int 值：'x'"
    setting = run_cli("build", "--set", "isue=9", cwd=tmp_path, env=ZH)
    assert setting.stderr.startswith("错误：--set isue: 未知键“isue”（是否想写“issue”？）")


def test_build_progress_and_summary_are_chinese(tmp_path):
    workspace = tmp_path / "ws"
    init = run_cli("init", workspace, env=ZH)
    assert init.stderr.strip() == f"下一步：先运行 `cd {workspace}`，再运行 `shangli-brief build`"
    built = run_cli("build", "--format", "pdf", cwd=workspace, env=ZH)
    assert built.returncode == 0, built.stderr
    assert re.search(r"out[/\\]example\.pdf +\d+ 页 ", built.stdout)
    check = run_cli("check", cwd=workspace, env=ZH)
    assert check.stdout.strip() == "通过：未发现问题"


def test_the_language_reaches_worker_processes(tmp_path):
    """Batch workers (spawned on Windows and macOS) take the parent's --lang."""
    (tmp_path / "briefs").mkdir()
    for name in ("a", "b"):
        (tmp_path / "briefs" / f"{name}.yaml").write_text(
            "title: 测试\nsections:\n  - section: fireworkz\n", "utf-8")
    result = run_cli("build", "--jobs", "2", "--lang", "zh", cwd=tmp_path,
                     env={"SHANGLI_BRIEF_LANG": "", "LC_ALL": "C"})
    assert result.returncode == 1
    assert sum("未知章节“fireworkz”" in line for line in result.stderr.splitlines()) == 2
    assert "2 份简报中有 2 份失败" in result.stderr


def test_library_messages_in_english_stay_as_the_library_wrote_them(monkeypatch):
    monkeypatch.setattr(i18n, "_language", "en")
    assert i18n.library_message("mapping values are not allowed here") == "mapping values are not allowed here"
    monkeypatch.setattr(i18n, "_language", "zh")
    monkeypatch.setattr(i18n, "_current", None)
    assert i18n.library_message("Encountered unknown tag 'endfo'.") == "未知标签“endfo”"
    assert os.environ.get("SHANGLI_BRIEF_LANG") == "en"  # the suite's own language is untouched


def test_help_headings_take_full_width_colons_in_chinese():
    for command in ("build", "print", "verify"):
        shown = run_cli(command, "--help", env=ZH).stdout
        headings = [line for line in shown.splitlines() if line and not line.startswith(" ")]
        assert "位置参数：" in headings or "选项：" in headings, shown
        assert not [line for line in headings if line.endswith(":")], shown

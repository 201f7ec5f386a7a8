"""Narrative templates: no typed figures, Markdown to model, helpers at their template line."""
import json

import pytest

from conftest import run_cli
from shangli_brief.model import Heading, ListBlock, Paragraph, Run
from shangli_brief.narrative.markdown import to_blocks
from shangli_brief.narrative.templates import (BUILTIN_TEMPLATES, SectionCatalogue,
                                                make_environment, typed_digits)

REQUIRED_THEMES = {"overview", "park", "innovation", "fireworks", "cooperation", "town_country",
                   "services_jobs", "health", "ecology", "culture_tourism", "governance", "outlook"}


@pytest.fixture(scope="module")
def env():
    return make_environment(None)


def test_every_theme_of_the_articles_has_a_section(env):
    sections = SectionCatalogue(env).sections()
    assert REQUIRED_THEMES <= set(sections)
    for info in sections.values():
        assert info.title != info.name  # each names its own Chinese title
        assert info.indicators or info.name == "governance"


@pytest.mark.parametrize("path", sorted((BUILTIN_TEMPLATES / "sections").glob("*.md.j2")),
                         ids=lambda p: p.name)
def test_no_digit_typed_into_a_section_template(env, path):
    assert typed_digits(env, path.read_text("utf-8"), str(path)) == []


def test_typed_digit_check_can_fail(env):
    source = "全县共有{{ value('park.enterprises') }}企业，其中规上企业58家。\n支持5G网络。\n"
    assert typed_digits(env, source, "x.md.j2") == [(1, "58")]


def test_sections_command_lists_title_indicators_and_template():
    rows = json.loads(run_cli("sections", "--json").stdout)
    fireworks = next(r for r in rows if r["name"] == "fireworks")
    assert fireworks["title"] == "花炮产业转型升级"
    assert "fireworks.cluster_output" in fireworks["indicators"]
    assert fireworks["template"].endswith("templates/sections/fireworks.md.j2")


def test_markdown_to_model():
    blocks = to_blocks("## 小标题\n\n**一是**第一条\n内容。\n\n- 甲\n- *乙*\n", None)
    assert blocks[0] == Heading(2, "小标题", None)
    assert isinstance(blocks[1], Paragraph)
    assert blocks[1].runs == [Run("一是", bold=True), Run("第一条内容。")]  # no space at CJK line break
    assert isinstance(blocks[2], ListBlock)
    assert blocks[2].items == [[Run("甲")], [Run("乙", italic=True)]]


def test_unsupported_markdown_is_reported_not_dropped(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: x\nsections:\n  - text: |\n      段落。\n\n      ```\n      code\n      ```\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: briefs/b.yaml:6: unsupported Markdown (fence); use paragraphs, headings, **bold** and lists"]


def test_workspace_template_replaces_builtin_by_name(workspace):
    sections = workspace / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "health.md.j2").write_text(
        "{% set title = '我们的医疗' %}\n奖励医护人员{{ value('health.staff_rewarded') }}。\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text("title: x\nsections:\n  - section: health\n", "utf-8")
    rows = json.loads(run_cli("sections", "--json", cwd=workspace).stdout)
    health = next(r for r in rows if r["name"] == "health")
    assert health["title"] == "我们的医疗" and health["template"] == "templates/sections/health.md.j2"
    assert run_cli("build", "--format", "docx", cwd=workspace).returncode == 0
    import docx
    text = [p.text for p in docx.Document(workspace / "out" / "b.docx").paragraphs]
    assert "一、我们的医疗" in text and "奖励医护人员473人。" in text


def test_helper_error_names_template_line(workspace):
    sections = workspace / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "mine.md.j2").write_text("第一段。\n\n{{ value('health.staff_rewarded', '2019') }}\n",
                                         "utf-8")
    (workspace / "briefs" / "b.yaml").write_text("title: x\nsections:\n  - section: mine\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.stderr.splitlines() == [
        "error: templates/sections/mine.md.j2:3: 'health.staff_rewarded' has no value for period "
        "'2019' (it has: 2021-2025)"]


def test_sandbox_refuses_python_internals(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: x\nsections:\n  - text: \"{{ ''.__class__.__mro__ }}\"\n", "utf-8")
    result = run_cli("build", cwd=workspace)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "briefs/b.yaml:" in result.stderr

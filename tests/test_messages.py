"""Messages as a clerk meets them (issue 13's list)."""
from __future__ import annotations

from conftest import run_cli


def test_unquoted_braces_get_a_hint_on_their_own_line(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\nsections:\n  - text: {{ value('fireworks.output') }}\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "error: briefs/b.yaml:3:11: text with {{ … }} must be in quotes, or YAML reads the braces "
        "as a mapping: write \"{{ value('…') }}\" (or use text: |)")


def test_a_csv_conflict_names_the_row_not_a_yaml_path(workspace):
    (workspace / "data").mkdir()
    (workspace / "data" / "u.csv").write_text(
        "id,period,value,source\nfireworks.cluster_output,2024,999,x\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\ndata: [data/u.csv]\nsections:\n  - section: health\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.stderr.startswith("error: data/u.csv:2: 'fireworks.cluster_output' already has 2024")
    assert "indicators[" not in result.stderr


def test_years_are_not_typed_figures_and_ok_mentions_warnings(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\nsections:\n  - text: 2026年，全县继续推进。\n  - text: 全县有12个乡镇。\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "'12' is typed into the text" in warnings[0]
    assert result.stdout.strip() == "ok: no errors; 1 warning(s) above"


def test_a_quoted_size_in_a_theme_is_a_size(workspace):
    (workspace / "themes").mkdir()
    (workspace / "themes" / "t.yaml").write_text("styles:\n  body: {size: '16'}\n", "utf-8")
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\ntheme: themes/t.yaml\nsections:\n  - section: health\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 0, result.stderr


def test_closing_unknown_key_lists_the_keys(workspace):
    (workspace / "briefs" / "b.yaml").write_text(
        "title: 测试\nsections:\n  - section: health\nclosing:\n  抄报: [县委]\n", "utf-8")
    result = run_cli("check", cwd=workspace)
    assert result.returncode == 2
    assert "the keys are report (报), send (送), distribute (发), cc (抄送)" in result.stderr


def test_version_on_every_subcommand():
    for command in ("build", "check", "indicators", "sections", "init", "fonts"):
        result = run_cli(command, "--version")
        assert result.returncode == 0 and result.stdout.startswith("shangli-brief "), command


def test_the_first_build_says_it_prepares_fonts_and_the_next_one_does_not(tmp_path):
    """Fonts are converted for the characters a build needs, once: the first build in an empty
    cache says so, the same build again says nothing of fonts."""
    env = {"SHANGLI_BRIEF_CACHE": str(tmp_path / "cache")}
    first = run_cli("build", "briefs/fireworks-bulletin.yaml", "--format", "pdf", "--out", tmp_path / "out", env=env)
    assert first.returncode == 0, first.stderr
    assert "preparing FandolFang-Regular.otf for the PDF" in first.stderr, first.stderr
    again = run_cli("build", "briefs/fireworks-bulletin.yaml", "--format", "pdf", "--out", tmp_path / "out", env=env)
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_a_specs_files_go_to_its_workspaces_out_wherever_the_command_runs(tmp_path):
    assert run_cli("init", tmp_path / "ws" / "我的简报").returncode == 0
    result = run_cli("build", "我的简报/briefs/example.yaml", cwd=tmp_path / "ws")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ws" / "我的简报" / "out" / "example.pdf").exists()
    assert not (tmp_path / "ws" / "out").exists()
    assert "我的简报/out/example.pdf" in result.stdout
    # inside briefs/, `build` builds that folder's specs, into the workspace's out/ too
    (tmp_path / "ws" / "我的简报" / "out" / "example.pdf").unlink()
    inside = run_cli("build", cwd=tmp_path / "ws" / "我的简报" / "briefs")
    assert inside.returncode == 0, inside.stderr
    assert (tmp_path / "ws" / "我的简报" / "out" / "example.pdf").exists()


def test_indicators_and_sections_for_a_spec(tmp_path):
    """indicators --spec shows the values that brief will use, an updated one with its file and
    row; sections --spec shows the workspace's own template."""
    assert run_cli("init", tmp_path / "ws").returncode == 0
    (tmp_path / "ws" / "data" / "2025-update.csv").write_text(
        "id,period,value,qualifier,source,section,replace\n"
        "fireworks.mechanization_rate,2025,85,超,县应急管理局,年报,是\n", "utf-8")
    listed = run_cli("indicators", "--spec", "briefs/example.yaml", "--category", "fireworks",
                     cwd=tmp_path / "ws")
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith("fireworks.mechanization_rate"))
    assert line.endswith("2025年 超85% [data/2025-update.csv:2]")
    plain = run_cli("indicators", "--category", "fireworks", cwd=tmp_path / "ws")
    assert "2025年 超80%" in plain.stdout
    sections = run_cli("sections", "--spec", "ws/briefs/example.yaml", cwd=tmp_path)
    assert "template: ws/templates/sections/fireworks.md.j2 (your template)" in sections.stdout

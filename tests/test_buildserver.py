"""The build server (launch.py, buildserver.py): a command it runs behaves as one run in a fresh
process — same files, messages, exit status, language, working folder — and Ctrl-C, a killed
client, a code or font change and an unsafe folder are handled. Each test has its own server
in its own folder, stopped at the end."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

pytestmark = pytest.mark.skipif(not (hasattr(os, "fork") and hasattr(socket, "AF_UNIX")),
                                reason="the build server needs fork() and Unix sockets")
EXE = Path(sys.executable).parent / "shangli-brief"


@pytest.fixture
def server(tmp_path):
    """Environment for commands that use a server of their own; the server is stopped after."""
    run = tmp_path / "run"
    env = {"SHANGLI_BRIEF_SERVER": "1", "SHANGLI_BRIEF_RUN_DIR": str(run), "SHANGLI_BRIEF_SERVER_IDLE": "120"}
    yield env
    for log in run.glob("*.log") if run.exists() else []:
        for pid in re.findall(r"ready: pid (\d+)", log.read_text()):
            try:
                os.kill(int(pid), signal.SIGTERM)
            except ProcessLookupError:
                pass


def started(env, timeout: float = 60) -> Path:
    """Build once (in this process: no server yet), then wait until the server it starts listens."""
    first = Path(env["SHANGLI_BRIEF_RUN_DIR"]).parent / "first"
    result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", first, env=env)
    assert result.returncode == 0, result.stderr
    run = Path(env["SHANGLI_BRIEF_RUN_DIR"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for log in run.glob("*.log"):
            if log.with_suffix(".sock").exists() and "ready:" in log.read_text():
                return log
        time.sleep(0.1)
    raise AssertionError("no build server started")


def served(log: Path) -> list[tuple[int, list]]:
    return [(int(pid), json.loads(argv)) for pid, argv in re.findall(r"run (\d+): (\[.*\]) in ", log.read_text())]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_served_build_is_the_build_of_a_fresh_process(server, built, tmp_path):
    log = started(server)
    assert "warm-up problem" not in log.read_text()
    assert oct(Path(server["SHANGLI_BRIEF_RUN_DIR"]).stat().st_mode & 0o777) == "0o700"
    result = run_cli("build", "--out", tmp_path / "out", env=server)
    assert result.returncode == 0, result.stderr
    assert served(log)[-1][1] == ["build", "--out", str(tmp_path / "out")]
    for made in sorted(built.glob("*.*")):
        if made.suffix in (".docx", ".pdf"):
            assert (tmp_path / "out" / made.name).read_bytes() == made.read_bytes(), made.name
    local = run_cli("build", "--out", tmp_path / "local", env={**server, "SHANGLI_BRIEF_SERVER": "0"})
    # the same lines (a batch reports each brief as it finishes, in any order)
    assert sorted(result.stdout.replace(str(tmp_path / "out"), "OUT").splitlines()) == \
        sorted(local.stdout.replace(str(tmp_path / "local"), "OUT").splitlines())
    assert len(served(log)) == 1  # SHANGLI_BRIEF_SERVER=0 ran the last one here


def test_errors_language_and_working_folder_follow_the_client(server, workspace):
    log = started(server)
    (workspace / "briefs" / "bad.yaml").write_text("title: 坏\nlayot: bulletin\n", "utf-8")
    result = run_cli("build", "briefs/bad.yaml", cwd=workspace, env=server)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("error: briefs/bad.yaml:2:1: layot: unknown key 'layot'")
    chinese = run_cli("check", "briefs/bad.yaml", cwd=workspace, env={**server, "SHANGLI_BRIEF_LANG": "zh"})
    assert chinese.returncode == 2 and "未知键“layot”" in chinese.stderr
    wrong = run_cli("build", "--format", "odt", env=server)
    assert wrong.returncode == 2 and "--format takes" in wrong.stderr
    usage = run_cli("build", "--no-such-option", env=server)
    assert usage.returncode == 2 and "unrecognized arguments" in usage.stderr
    assert [argv[0] for __, argv in served(log)] == ["build", "check", "build", "build"]


def test_ctrl_c_reaches_the_command_and_leaves_no_partial_file(server, tmp_path):
    log = started(server)
    out = tmp_path / "out"
    proc = subprocess.Popen([str(EXE), "build", "--jobs", "1", "--out", str(out)], cwd=ROOT,
                            env={**os.environ, **server}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not served(log):
        time.sleep(0.02)
    time.sleep(0.8)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    pid = served(log)[-1][0]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)
    assert not [p.name for p in out.glob(".*") if p.name != ".manifest.lock"] if out.exists() else True


def test_a_killed_client_stops_its_command(server, tmp_path):
    log = started(server)
    proc = subprocess.Popen([str(EXE), "build", "--jobs", "1", "--out", str(tmp_path / "out")], cwd=ROOT,
                            env={**os.environ, **server}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not served(log):
        time.sleep(0.02)
    pid = served(log)[-1][0]
    time.sleep(0.3)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the command went on after its client was killed"
    assert "the client went; stopping it" in log.read_text()


def test_a_font_setting_change_starts_a_new_server_that_stops_the_old(server, tmp_path):
    old_log = started(server)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    changed = {**server, "SHANGLI_BRIEF_FONT_DIRS": str(fonts)}
    result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "o", env=changed)
    assert result.returncode == 0, result.stderr
    assert len(served(old_log)) == 0  # the old server, made for other fonts, was not used
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "stopped" not in old_log.read_text():
        time.sleep(0.1)
    assert "stopping: replaced by a newer server" in old_log.read_text()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        logs = [p for p in Path(server["SHANGLI_BRIEF_RUN_DIR"]).glob("*.log") if p != old_log]
        if len(logs) == 1 and "ready:" in logs[0].read_text():
            break
        time.sleep(0.1)
    assert len(logs) == 1 and "ready:" in logs[0].read_text()


def test_the_key_follows_code_fonts_and_settings(tmp_path, monkeypatch):
    from shangli_brief import launch
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "fonts").mkdir()
    before = launch.server_key()
    assert launch.server_key() == before
    monkeypatch.setenv("SHANGLI_BRIEF_LANG", "zh")  # read per command: the same server
    assert launch.server_key() == before
    (tmp_path / "fonts" / "new").mkdir()  # a font folder changed
    after_fonts = launch.server_key()
    assert after_fonts != before
    monkeypatch.setenv("SHANGLI_BRIEF_FONT_BODY", "/x.ttf")
    assert launch.server_key() != after_fonts
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    listed = launch._package_files(str(package))
    os.utime(package / "a.py", ns=(1, 2))
    assert launch._package_files(str(package)) != listed


@pytest.mark.parametrize("case", ["shared folder", "turned off"])
def test_no_server_where_it_is_not_safe_or_wanted(server, tmp_path, case):
    run = Path(server["SHANGLI_BRIEF_RUN_DIR"])
    env = dict(server)
    if case == "shared folder":
        run.mkdir()
        run.chmod(0o777)
    else:
        env["SHANGLI_BRIEF_SERVER"] = "0"
    for __ in range(2):
        result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "o", env=env)
        assert result.returncode == 0, result.stderr
    time.sleep(3)
    assert not list(run.glob("*")) if run.exists() else True


def test_status_stop_and_idle_exit(server):
    log = started({**server, "SHANGLI_BRIEF_SERVER_IDLE": "2"})
    status = run_cli("server", env=server)
    assert status.returncode == 0 and re.search(r"build server \d+: since .*, 0 command\(s\) run", status.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "stopped" not in log.read_text():
        time.sleep(0.1)
    assert "stopping: idle for 2 s" in log.read_text()
    assert run_cli("server", env=server).stdout.startswith("no build server running")
    started(server)
    assert run_cli("server", "stop", env=server).stdout.strip() == "1 build server(s) stopped"


def test_check_verify_and_two_commands_at_once(server, built, tmp_path):
    """check and verify answer as in a fresh process; a second command arriving while the first
    runs (no spare ready: a fork of the server takes it) builds the same files."""
    log = started(server)
    local = {**server, "SHANGLI_BRIEF_SERVER": "0"}
    for args in (["check"], ["verify", built / "overview.docx"], ["verify", ROOT / "README.md"]):
        served_run, fresh_run = run_cli(*args, env=server), run_cli(*args, env=local)
        assert (served_run.returncode, served_run.stdout, served_run.stderr) == \
            (fresh_run.returncode, fresh_run.stdout, fresh_run.stderr), args
    procs = [subprocess.Popen([str(EXE), "build", "briefs/overview.yaml", "briefs/investment.yaml", "--out",
                               str(tmp_path / f"out{i}")], cwd=ROOT, env={**os.environ, **server},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    for i in range(2):
        for name in ("overview.pdf", "overview.docx", "investment.pdf", "investment.docx"):
            assert (tmp_path / f"out{i}" / name).read_bytes() == (built / name).read_bytes(), (i, name)
    assert len(served(log)) == 5  # check, two verifies and the two builds


def _wait_for_ready_spare(log: Path, ready_before: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(re.findall(r"spare \d+ ready in", log.read_text())) > ready_before:
            return
        time.sleep(0.05)
    raise AssertionError("no spare became ready:\n" + log.read_text())


def test_a_rehearsed_spare_or_a_fork_runs_the_command_the_same(server, built, tmp_path):
    """A command goes to the spare once it has rehearsed (warm.rehearse); one that comes while
    the spare still rehearses ends that spare, unfinished, and is run by a fork of the server
    instead. Both build the files a fresh process builds; an ended spare is not counted as one
    that failed (those stop the server making spares)."""
    log = started(server)
    _wait_for_ready_spare(log, 0)
    names = ("fireworks-bulletin.pdf", "fireworks-bulletin.docx")
    outs = []
    for i in range(3):  # the second and third come before a new spare can have rehearsed
        out = tmp_path / f"out{i}"
        result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", out, env=server)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    hows = re.findall(r"run \d+: .* \((spare|fork)\)", log.read_text())
    assert hows[0] == "spare" and "fork" in hows[1:], log.read_text()
    for out in outs:
        for name in names:
            assert (out / name).read_bytes() == (built / name).read_bytes(), (out, name)
    _wait_for_ready_spare(log, 1)
    assert "ended without a command" not in log.read_text()
    result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "again", env=server)
    assert result.returncode == 0 and re.findall(r"\((spare|fork)\)", log.read_text())[-1] == "spare"


def test_the_key_stays_while_builds_fill_the_cache(tmp_path, monkeypatch):
    """Builds write compiled templates and parsed faces into the cache folder: the same server
    serves on. Only a converted font (the cache's fonts/ folder) makes a new one."""
    from shangli_brief import launch
    monkeypatch.setenv("SHANGLI_BRIEF_CACHE", str(tmp_path))
    (tmp_path / "fonts").mkdir()
    before = launch.server_key()
    for folder in ("templates-0.1.0", "reportlab-faces"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "entry").write_text("x")
    (tmp_path / "font-scan.json").write_text("{}")
    assert launch.server_key() == before
    (tmp_path / "fonts" / "FandolFang-0-abc.ttf").write_text("x")
    assert launch.server_key() != before

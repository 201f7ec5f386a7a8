"""The hostile-input suite: files a colleague or another office might send, and failures a
build must survive. Each case runs the real command with a time budget and asserts one clear
line, no traceback, and no file written outside the output folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = """title: 测试简报
layout: bulletin
issuer: 上栗县发展和改革委员会
issue: 1
period: 2024
date: 2025-03-15
"""


def run(*args, cwd: Path, env=None, timeout: float = 60) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "shangli-brief"
    result = subprocess.run([str(exe), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def one_error(result) -> str:
    """The single error line of a failed command."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def ws(tmp_path) -> Path:
    """A workspace with briefs/, templates/sections/ and data/."""
    for folder in ("briefs", "templates/sections", "data"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path


def write_spec(ws: Path, body: str, name: str = "t") -> Path:
    path = ws / "briefs" / f"{name}.yaml"
    path.write_text(SPEC + body, "utf-8")
    return path


def nothing_written(ws: Path) -> bool:
    out = ws / "out"
    return not out.exists() or not [p for p in out.iterdir() if p.name != ".gitkeep"]

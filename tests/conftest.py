"""Shared fixtures: the sample briefs built once per test session."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The suite asserts the English messages whatever the machine's locale; tests/test_i18n.py
# asks for Chinese where it means to.
os.environ["SHANGLI_BRIEF_LANG"] = "en"


def _text_as_word_shows_it(paragraph) -> str:
    """python-docx's Paragraph.text leaves out runs inside content controls (w:sdt), where the
    DOCX writer puts every figure (see `verify`); Word, WPS and LibreOffice show them. The tests
    read a paragraph's text as those programs show it."""
    from docx.oxml.ns import qn
    from docx.text.run import Run
    return "".join(Run(r, paragraph).text for r in paragraph._p.iter(qn("w:r")))


def _patch_python_docx() -> None:
    from docx.text.paragraph import Paragraph
    Paragraph.text = property(_text_as_word_shows_it, Paragraph.text.fset)


_patch_python_docx()
SAMPLES = sorted(p.stem for p in (ROOT / "briefs").glob("*.yaml"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/cases/*/expected.model.txt from the current output")


@pytest.fixture(scope="session")
def update_golden(request):
    return request.config.getoption("--update-golden")


def run_cli(*args, cwd: Path = ROOT, env=None) -> subprocess.CompletedProcess:
    """The installed console command, as a user runs it."""
    exe = Path(sys.executable).parent / "shangli-brief"
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="session", autouse=True)
def fonts_for_the_suite():
    """The suite's briefs use a couple of thousand characters, met one test at a time: the
    user's font cache is filled with all of them at once (what the repository's specs, templates,
    data and tests hold), instead of growing in a hundred steps. Tests of the growing itself
    use caches of their own."""
    from shangli_brief.fonts import resolve_role
    from shangli_brief.layout import names
    from shangli_brief.theme import load_theme
    texts = [p.read_text("utf-8", errors="ignore") for pattern in ("src/shangli_brief/**/*.yaml",
             "src/shangli_brief/**/*.j2", "briefs/*.yaml", "tests/**/*.py", "tests/**/*.yaml")
             for p in ROOT.glob(pattern)]
    chars = frozenset(ord(ch) for text in texts for ch in text if ord(ch) >= 0x80)
    for layout in names():
        for role in load_theme(layout).fonts.values():
            try:
                resolve_role(role, chars)
            except Exception:  # noqa: BLE001 - a missing font is the tests' own business
                pass


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every sample brief in briefs/, built into a fresh folder in both formats."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def workspace(tmp_path) -> Path:
    """An empty workspace with a briefs/ folder, for specs written by a test."""
    (tmp_path / "briefs").mkdir()
    return tmp_path


def same_bytes(a: Path, b: Path) -> bool:
    """Two files byte for byte the same (compared as such: pytest's diff of two PDFs that differ
    would take minutes to compute)."""
    import filecmp
    return filecmp.cmp(a, b, shallow=False)


def needs(tool: str):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} not installed")

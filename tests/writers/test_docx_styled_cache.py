"""The theme's styled empty document is kept in the cache folder: a DOCX made with it is the
same, byte for byte, as one made without; a damaged file there is made again."""
from __future__ import annotations

import shutil

from conftest import ROOT, run_cli, same_bytes


def test_a_docx_from_the_cached_styled_document_is_byte_identical(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(_fonts_cache(), cache / "fonts")  # the faces, not what is tested here
    env = {"SHANGLI_BRIEF_CACHE": str(cache)}
    spec = ROOT / "briefs" / "fireworks-bulletin.yaml"
    made = run_cli("build", spec, "--format", "docx", "--out", tmp_path / "made", env=env)
    assert made.returncode == 0, made.stderr
    kept = list((cache / "docx").glob("styled-*.docx"))
    assert len(kept) == 1
    read = run_cli("build", spec, "--format", "docx", "--out", tmp_path / "read", env=env)
    assert read.returncode == 0, read.stderr
    first = tmp_path / "made" / "fireworks-bulletin.docx"
    assert same_bytes(tmp_path / "read" / "fireworks-bulletin.docx", first)
    kept[0].write_bytes(b"PK\x03\x04 damaged")
    again = run_cli("build", spec, "--format", "docx", "--out", tmp_path / "again", env=env)
    assert again.returncode == 0, again.stderr
    assert same_bytes(tmp_path / "again" / "fireworks-bulletin.docx", first)


def _fonts_cache():
    from shangli_brief.fontconvert import cache_dir
    return cache_dir()

"""What a fresh process keeps in the cache folder is used only for the same inputs and code, and
a cache that is damaged or cannot be written changes nothing but speed."""
from __future__ import annotations

import pytest

from shangli_brief import diskcache, portability


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SHANGLI_BRIEF_CACHE", str(tmp_path / "cache"))
    portability.cache_dir.cache_clear()
    yield tmp_path / "cache"
    portability.cache_dir.cache_clear()


def test_made_once_then_read_for_the_same_inputs_only(cache):
    calls = []
    def make(value):
        calls.append(value)
        return {"value": value}
    assert diskcache.remembered("t", b"a", lambda: make(1)) == {"value": 1}
    assert diskcache.remembered("t", b"a", lambda: make(2)) == {"value": 1}  # kept
    assert diskcache.remembered("t", b"b", lambda: make(3)) == {"value": 3}  # other inputs
    assert calls == [1, 3]


def test_a_damaged_entry_is_made_again(cache):
    diskcache.remembered("t", b"a", lambda: 1)
    (entry,) = (cache / "t").iterdir()
    entry.write_bytes(b"\x80\x05damaged")
    assert diskcache.remembered("t", b"a", lambda: 2) == 2
    assert diskcache.remembered("t", b"a", lambda: 3) == 2


def test_a_cache_that_cannot_be_written_is_not_used(cache):
    cache.write_text("a file where the folder would be")
    assert diskcache.remembered("t", b"a", lambda: 1) == 1
    assert diskcache.remembered("t", b"a", lambda: 2) == 2


def test_the_fingerprint_follows_the_code():
    assert diskcache.fingerprint("yamlfile.py") != diskcache.fingerprint("yamlfile.py", "model.py")
    assert diskcache.fingerprint("yamlfile.py") == diskcache.fingerprint("yamlfile.py")


def test_fontconfigs_list_is_asked_again_when_a_font_folder_changes(cache, tmp_path, monkeypatch):
    from shangli_brief import fontscan
    fonts = tmp_path / "fonts"
    (fonts / "truetype").mkdir(parents=True)
    monkeypatch.setattr(fontscan, "system_font_dirs", lambda: [fonts])
    asked = []
    monkeypatch.setattr(fontscan, "_ask_fontconfig", lambda: asked.append(1) or [])
    fontscan.fontconfig_faces()
    fontscan.fontconfig_faces()
    assert len(asked) == 1  # the second from the cache
    import os
    (fonts / "truetype" / "simfang.ttf").write_bytes(b"")  # a font installed: its folder changes
    os.utime(fonts / "truetype", ns=(1, 1))
    fontscan.fontconfig_faces()
    assert len(asked) == 2

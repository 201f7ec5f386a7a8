"""The user's machine: damaged fonts, an unwritable home, consoles that cannot show Chinese."""
from __future__ import annotations

from pathlib import Path

from .conftest import one_error, run, write_spec

BODY = "formats: [pdf]\nsections:\n  - section: health\n"


def test_a_truncated_font_file_is_named(ws, tmp_path):
    real = next(Path("/usr/share/fonts/truetype/arphic").glob("uming.ttc"))
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(real.read_bytes()[:4096])  # a real header, its tables cut off
    write_spec(ws, BODY)
    result = run("build", cwd=ws, env={"SHANGLI_BRIEF_FONT_BODY": str(broken)})
    assert result.returncode == 1
    line = one_error(result)
    assert f"cannot read the font file '{broken}' for role 'body'" in line
    assert "SHANGLI_BRIEF_FONT_BODY=FILE" in line


def test_a_damaged_cached_conversion_is_made_again(ws, tmp_path):
    cache = tmp_path / "cache"
    write_spec(ws, BODY + "  - text: '*强调*'\n")
    assert run("build", cwd=ws, env={"SHANGLI_BRIEF_CACHE": str(cache)}, timeout=300).returncode == 0
    # the kai role's conversion in use: the newest (an older one may be left from a font update)
    found = list((cache / "fonts").glob("FandolKai*.ttf")) or list((cache / "fonts").glob("LXGWWenKai*.ttf"))
    assert found
    damaged = [max(found, key=lambda p: p.stat().st_mtime)]
    data = bytearray(damaged[0].read_bytes())
    data[12:2000] = bytes(1988)  # its table directory gone, its size (and listing) unchanged
    damaged[0].write_bytes(bytes(data))
    result = run("build", cwd=ws, env={"SHANGLI_BRIEF_CACHE": str(cache)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert damaged[0].stat().st_size > 100_000  # converted anew
    from reportlab.pdfbase.ttfonts import TTFontFile
    TTFontFile(str(damaged[0]), validate=1)  # ReportLab reads it: its tables parse


def test_no_writable_home_or_cache_still_builds(ws):
    write_spec(ws, BODY)
    result = run("build", cwd=ws, env={"HOME": "/proc/nonexistent", "XDG_CACHE_HOME": "/proc/x",
                                        "SHANGLI_BRIEF_CACHE": "/proc/x/cache"})
    assert result.returncode == 0, result.stderr  # converted for this build alone, nothing cached
    assert "stands in" not in result.stderr and "warning" not in result.stderr, result.stderr


def test_a_console_that_cannot_show_chinese(ws):
    result = run("indicators", cwd=ws, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert "\\u82b1" in result.stdout  # 花, escaped rather than a UnicodeEncodeError


def test_init_into_an_impossible_folder(ws):
    result = run("init", "/proc/x/y", cwd=ws)
    assert result.returncode == 1
    assert one_error(result) == ("error: cannot write the workspace '/proc/x/y': No such file or "
                                 "directory; name a folder you can write to")

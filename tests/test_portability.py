"""Windows and macOS, simulated on Linux by taking capabilities away and running the real paths:
no os.fork / os.register_at_fork / os.O_TMPFILE, no fontconfig tools, a font folder laid out
like C:\\Windows\\Fonts, a target file Word holds open, parents killed with SIGKILL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from conftest import ROOT, SAMPLES, run_cli, same_bytes

# Runs the command with the capabilities Windows lacks taken away, and optionally a target file
# that cannot be replaced (Windows refuses to replace a file Word or WPS holds open).
SIMULATOR = r"""
import os, sys
for name in ("fork", "register_at_fork", "O_TMPFILE"):
    if hasattr(os, name):
        delattr(os, name)
locked = os.environ.get("SIMULATE_LOCKED")
if locked:
    real_replace = os.replace
    def replace(src, dst, **kw):
        if os.path.basename(str(dst)) == locked:
            raise PermissionError(13, "The process cannot access the file because it is being "
                                  "used by another process", str(dst))
        return real_replace(src, dst, **kw)
    os.replace = replace
from shangli_brief.cli import main
sys.exit(main(sys.argv[1:]))
"""

# Family names as Windows' own files carry them (English and Chinese), with the PostScript name
# the PDF will show.
WINDOWS_FACES = {
    "simfang.ttf": ("body", "FangSong", "仿宋"),
    "simhei.ttf": ("hei", "SimHei", "黑体"),
    "simkai.ttf": ("kai", "KaiTi", "楷体"),
    "simsun.ttc": ("song", "SimSun", "宋体"),
}


def _rename(source: str, target: Path, english: str, chinese: str) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection
    font = TTFont(source)
    table = font["name"]
    table.names = [r for r in table.names if r.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for lang, family in ((0x409, english), (0x804, chinese)):
        for name_id, text in ((1, family), (2, "Regular"), (3, f"{english}-sim"), (4, family)):
            table.setName(text, name_id, 3, 1, lang)
    table.setName(english, 6, 3, 1, 0x409)
    if target.suffix == ".ttc":  # simsun.ttc is a collection: so is ours
        collection = TTCollection()
        collection.fonts = [font]
        collection.save(str(target))
    else:
        font.save(str(target))


@pytest.fixture(scope="module")
def windows_fonts(tmp_path_factory) -> Path:
    """A folder like C:\\Windows\\Fonts: today's free faces renamed to Windows' official ones."""
    from shangli_brief.briefspec import load_spec
    from shangli_brief.build import Workspace
    from shangli_brief.fonts import resolve_role, text_chars
    from shangli_brief.theme import load_theme
    roles = load_theme("bulletin").fonts
    # TrueType faces holding every character of the samples (and the tests' own briefs)
    chars = text_chars(*(Workspace().document(load_spec(p)) for p in sorted((ROOT / "briefs").glob("*.yaml"))),
                       "测试简报上栗县花炮")
    folder = tmp_path_factory.mktemp("Fonts")
    for file, (role, english, chinese) in WINDOWS_FACES.items():
        _rename(resolve_role(roles[role], chars).file, folder / file, english, chinese)
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\n", "utf-8")  # as Windows has it
    return folder


def _windows_env(tmp_path: Path, fonts: Path) -> dict:
    """No fontconfig tools on PATH, no Linux font folders, an empty per-user cache."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": str(empty), "HOME": str(home), "XDG_DATA_DIRS": str(tmp_path / "none"),
            "XDG_DATA_HOME": str(tmp_path / "none"), "XDG_CACHE_HOME": str(home / "cache"),
            "SHANGLI_BRIEF_FONT_DIRS": str(fonts)}


def _simulated(*args, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SIMULATOR, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=600)


def _pdf_fonts(path: Path) -> set[str]:
    with pdfplumber.open(path) as pdf:
        return {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}


def test_fonts_found_by_name_in_a_windows_font_folder(windows_fonts, tmp_path):
    env = _windows_env(tmp_path, windows_fonts)
    shown = _simulated("fonts", env=env)
    assert shown.returncode == 0, shown.stderr
    # the official 仿宋 from the Windows folder, found by its Chinese family name
    assert "body    DOCX asks for 仿宋_GB2312; PDF embeds 仿宋  [installed]" in shown.stdout
    for file, (role, _, _) in WINDOWS_FACES.items():
        line = next(x for x in shown.stdout.splitlines() if x.strip().startswith(role + " "))
        assert "[installed]" in line, line
        assert str(windows_fonts / file) in shown.stdout
    # the title's 方正小标宋 is not on a stock Windows: the bold Song stand-in is SimSun
    assert "title   DOCX asks for 方正小标宋简体; PDF embeds SimSun" in shown.stdout


def test_every_sample_builds_without_fork_tmpfile_or_fontconfig(windows_fonts, tmp_path):
    """A batch on a spawn pool, named temporary files, fonts from the Windows-like folder."""
    out = tmp_path / "out"
    result = _simulated("build", "--out", out, "--jobs", "2", env=_windows_env(tmp_path, windows_fonts))
    assert result.returncode == 0, result.stderr
    for name in SAMPLES:
        assert (out / f"{name}.docx").stat().st_size > 10_000
        fonts = _pdf_fonts(out / f"{name}.pdf")
        # the body in the official 仿宋, headings in 黑体 and 楷体: the PDF embeds them
        assert {"FangSong", "SimHei"} <= fonts, (name, fonts)
    assert "KaiTi" in _pdf_fonts(out / "fireworks-bulletin.pdf")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    # one brief alone takes the one-process path (no forked PDF writer)
    single = _simulated("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "one",
                        env=_windows_env(tmp_path, windows_fonts))
    assert single.returncode == 0, single.stderr
    assert same_bytes(tmp_path / "one" / "fireworks-bulletin.pdf", out / "fireworks-bulletin.pdf")


def test_a_file_open_in_word_is_kept_with_its_twin(tmp_path, windows_fonts):
    """The PDF cannot be replaced (Windows: open in a viewer): the DOCX, already replaced by
    then, gets its old contents back, nothing temporary is left, and the message says what to do."""
    env = _windows_env(tmp_path, windows_fonts)
    spec = tmp_path / "ws" / "briefs" / "fireworks-bulletin.yaml"
    spec.parent.mkdir(parents=True)
    text = (ROOT / "briefs" / "fireworks-bulletin.yaml").read_text("utf-8")
    spec.write_text(text, "utf-8")
    out = tmp_path / "out"
    first = _simulated("build", spec, "--out", "out", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    spec.write_text(text.replace("title: ", "title: 修订：", 1), "utf-8")  # both files change
    result = _simulated("build", spec, "--out", "out", cwd=tmp_path,
                        env={**env, "SIMULATE_LOCKED": "fireworks-bulletin.pdf"})
    assert result.returncode == 1
    assert result.stderr == ("error: cannot replace out/fireworks-bulletin.pdf: it is open in another "
                             "program or write-protected; close out/fireworks-bulletin.pdf in Word or "
                             "WPS and build again (the earlier files are kept)\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    # unlocked, the same build goes through
    assert _simulated("build", spec, "--out", "out", env=env, cwd=tmp_path).returncode == 0
    assert (out / "fireworks-bulletin.docx").read_bytes() != old["fireworks-bulletin.docx"]


def test_windows_paths_in_variables_specs_and_options(tmp_path, workspace):
    from shangli_brief.portability import font_file_spec, user_path
    assert font_file_spec(r"C:\Windows\Fonts\simsun.ttc:1") == (Path("C:/Windows/Fonts/simsun.ttc"), 1)
    assert font_file_spec(r"C:\Windows\Fonts\simfang.ttf") == (Path("C:/Windows/Fonts/simfang.ttf"), 0)
    assert font_file_spec("/usr/share/fonts/x.ttc:2") == (Path("/usr/share/fonts/x.ttc"), 2)
    assert user_path(r"data\2025\update.csv") == Path("data/2025/update.csv")
    # a variable naming a Windows font file is one path, reported whole
    result = run_cli("fonts", env={"SHANGLI_BRIEF_FONT_BODY": r"C:\Windows\Fonts\simfang.ttf"})
    assert result.returncode == 1
    assert "font file 'C:/Windows/Fonts/simfang.ttf' for role 'body' (from SHANGLI_BRIEF_FONT_BODY) not found" \
        in result.stdout
    # a spec written on Windows: backslashes in data paths; --out with a backslash
    (workspace / "data").mkdir()
    (workspace / "data" / "update.csv").write_text(
        "id,period,value,qualifier,source,section,replace\n"
        "health.staff_rewarded,2021-2025,480,exact,县卫健委,奖励,是\n", "utf-8")
    (workspace / "briefs" / "w.yaml").write_text(
        "title: 测试\nlayout: bulletin\nformats: [pdf]\ndata: ['data\\update.csv']\n"
        "sections:\n  - section: health\n", "utf-8")
    result = run_cli("build", "--out", "out\\sub", cwd=workspace)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(workspace / "out" / "sub" / "w.pdf") as pdf:
        assert "480" in "".join(page.extract_text() for page in pdf.pages)


def test_font_problems_are_one_line_naming_file_and_role(tmp_path):
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_text("this is not a font", "utf-8")
    result = run_cli("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "out",
                     env={"SHANGLI_BRIEF_FONT_HEI": str(not_a_font)})
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: '{not_a_font}' for role 'hei' (from SHANGLI_BRIEF_FONT_HEI) "
                                     "is not a font file; name a .ttf, .ttc or .otf file")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # no font at all: the three ways out, with this system's specifics
    empty = tmp_path / "nofonts"
    empty.mkdir()
    result = _simulated("build", "briefs/fireworks-bulletin.yaml", "--out", tmp_path / "out",
                        env=_windows_env(tmp_path, empty))
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert "no installed font for role 'title'" in line
    assert "sudo apt-get install fonts-noto-cjk" in line
    assert "SHANGLI_BRIEF_FONT_DIRS" in line and "`file:` under fonts.title in a theme" in line


def test_the_font_scan_is_cached_per_folder(tmp_path, monkeypatch, windows_fonts):
    from shangli_brief import fontscan, portability
    monkeypatch.setenv("SHANGLI_BRIEF_CACHE", str(tmp_path / "cache"))
    portability.cache_dir.cache_clear()
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "simhei.ttf").symlink_to(windows_fonts / "simhei.ttf")
    reads = []
    real = fontscan.read_faces
    monkeypatch.setattr(fontscan, "read_faces", lambda path: reads.append(path.name) or real(path))
    try:
        first = fontscan.scan_folders([folder])
        assert reads == ["simhei.ttf"]
        assert set(first[0].families) == {"SimHei", "黑体"}
        assert fontscan.scan_folders([folder]) == first and reads == ["simhei.ttf"]  # from the cache
        time.sleep(0.01)
        (folder / "simkai.ttf").symlink_to(windows_fonts / "simkai.ttf")  # the folder changed
        again = fontscan.scan_folders([folder])
        assert sorted(reads) == ["simhei.ttf", "simhei.ttf", "simkai.ttf"]
        assert {f for face in again for f in face.families} == {"SimHei", "黑体", "KaiTi", "楷体"}
    finally:
        portability.cache_dir.cache_clear()


def test_cache_in_the_platform_folder(tmp_path):
    code = "from shangli_brief.portability import cache_dir; print(cache_dir())"
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "SHANGLI_BRIEF_CACHE")}
    shown = subprocess.run([sys.executable, "-c", code], env={**env, "HOME": str(tmp_path)},
                           capture_output=True, text=True, check=True).stdout.strip()
    assert shown == str(tmp_path / ".cache" / "shangli-brief")


@pytest.mark.parametrize("platform, env, expected", [
    ("linux", {"XDG_CACHE_HOME": "/var/cache/clerk"}, "/var/cache/clerk/shangli-brief"),
    ("linux", {"XDG_CACHE_HOME": "relative/ignored"}, "HOME/.cache/shangli-brief"),  # the XDG rule
    ("darwin", {}, "HOME/Library/Caches/shangli-brief"),
    ("win32", {"LOCALAPPDATA": "C:/Users/clerk/AppData/Local"}, "C:/Users/clerk/AppData/Local/shangli-brief/Cache"),
])
def test_cache_folder_of_each_system(monkeypatch, tmp_path, platform, env, expected):
    """The places platformdirs gives (the system's own cache folder), without importing it."""
    from shangli_brief import portability
    monkeypatch.delenv("SHANGLI_BRIEF_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(portability.sys, "platform", platform)
    portability.cache_dir.cache_clear()
    try:
        assert portability.cache_dir() == Path(expected.replace("HOME", str(tmp_path)))
    finally:
        portability.cache_dir.cache_clear()


@pytest.mark.parametrize("specs, collecting", [(1, False), (2, True)])
def test_the_console_collects_garbage_only_over_several_briefs(tmp_path, specs, collecting):
    """The console command leaves Python's cycle collector off for one brief (its process ends);
    a process that goes on to more briefs (a batch, each of its workers) turns it back on."""
    paths = [str(ROOT / "briefs" / name) for name in ("livelihood-bulletin.yaml", "fireworks-bulletin.yaml")[:specs]]
    code = ("import gc, sys; from shangli_brief.console import main; assert not gc.isenabled(); "
            f"code = main(['build', *{paths!r}, '--jobs', '1', '--format', 'docx', '--out', {str(tmp_path)!r}]); "
            "print(gc.isenabled(), code)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert shown.stdout.strip().splitlines()[-1] == f"{collecting} 0", shown.stderr


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


@pytest.mark.parametrize("case", ["batch", "single", "batch-without-prctl", "spawn-batch"])
def test_no_helper_outlives_a_killed_build(tmp_path, case):
    """SIGKILL the command while its helpers work: none is left (at once; 20 s guards a hang). Without
    prctl (as on macOS) the watchdog thread ends them; with spawn (as on Windows) likewise."""
    env = {**os.environ}
    if case == "batch-without-prctl":
        env["SHANGLI_BRIEF_NO_PRCTL"] = "1"
    specs = [] if case == "single" else ["--jobs", "2"]
    if case == "single":
        specs = ["briefs/investment.yaml"]
    command = ([sys.executable, "-c", SIMULATOR] if case == "spawn-batch"
               else [str(Path(sys.executable).parent / "shangli-brief")])
    proc = subprocess.Popen([*command, "build", *specs, "--out", str(tmp_path / "out")], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    helpers: set[int] = set()
    deadline = time.monotonic() + 30
    wanted = 1 if case == "single" else 2
    while time.monotonic() < deadline and len(helpers) < wanted:
        helpers = {p for p in _descendants(proc.pid) if _alive(p)}
        time.sleep(0.05)
    assert len(helpers) >= wanted, "the build started no helper process"
    time.sleep(0.3)
    helpers |= _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.05)
    left = [p for p in helpers if _alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"{len(left)} helper processes outlived the killed build"
    leftovers = list((tmp_path / "out").glob(".*")) if (tmp_path / "out").exists() else []
    assert not leftovers, leftovers


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the PDF's process is forked")
@pytest.mark.parametrize("argv, started", [
    (["build", "briefs/overview.yaml"], True),
    (["--lang", "zh", "build", "briefs/overview.yaml", "--out", "x"], True),
    (["build", "briefs/overview.yaml", "--format", "docx"], True),  # ended once parsed
    (["build"], False), (["build", "a.yaml", "b.yaml"], False), (["check", "a.yaml"], False),
    (["build", "a.yaml", "--help"], False), (["print", "a.yaml"], False),
])
def test_the_pdf_process_is_started_first_only_for_one_spec(argv, started, monkeypatch):
    """The console's `build SPEC.yaml` forks the PDF's process before parsing its arguments; any
    other command does not. Ended, the process is gone (reaped), whatever it was doing."""
    from shangli_brief import cli
    monkeypatch.setattr(cli, "limit_memory", lambda: None)  # the command's cap, not the test run's
    child = cli._pdf_process_first(argv)
    assert (child is not None) == started
    if child is not None:
        child.cancel()
        with pytest.raises(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)


def test_a_docx_only_build_ends_the_pdf_process_started_first(tmp_path):
    """`build SPEC --format docx` starts the PDF's process first, then ends it: the DOCX alone is
    written and no process of the command is left."""
    proc = subprocess.run([str(Path(sys.executable).parent / "shangli-brief"), "build", "briefs/overview.yaml",
                           "--format", "docx", "--out", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "overview.docx"]

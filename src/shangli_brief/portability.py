"""What this system can do, asked as capabilities rather than by platform name: fork, unnamed
temporary files, per-user folders, helper processes that die with their parent.

Windows has no fork and no O_TMPFILE; macOS has fork but no O_TMPFILE and no prctl. Each
capability has a plain path for systems without it, and the tests take the capabilities away on
Linux to run those paths."""
from __future__ import annotations

import os
import sys
import threading
from functools import lru_cache
from pathlib import Path, PureWindowsPath

APP = "shangli-brief"


def can_fork() -> bool:
    """fork() with the at-fork hooks multiprocessing relies on (absent on Windows)."""
    return hasattr(os, "fork") and hasattr(os, "register_at_fork")


def process_context():
    """The multiprocessing start method for batch workers: fork where it exists (workers start
    with the modules already imported), spawn elsewhere."""
    import multiprocessing
    return multiprocessing.get_context("fork" if can_fork() else "spawn")


def can_make_unnamed_files() -> bool:
    """O_TMPFILE files that get a name only once written (Linux, through /proc)."""
    return hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


@lru_cache(maxsize=1)
def cache_dir() -> Path:
    """The per-user cache folder of this system: ~/.cache/shangli-brief (or $XDG_CACHE_HOME) on
    Linux, ~/Library/Caches/shangli-brief on macOS, %LOCALAPPDATA%\\shangli-brief\\Cache on
    Windows. SHANGLI_BRIEF_CACHE names another one."""
    named = os.environ.get("SHANGLI_BRIEF_CACHE")
    if named:
        return user_path(named)
    # The places platformdirs gives, written out: importing it (tempfile, shutil, random with it)
    # took 5-10 ms of every command, before the PDF's process could start.
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or os.path.expanduser(r"~\AppData\Local")) / APP / "Cache"
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Caches")) / APP
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()  # the XDG rule: a relative path is ignored
    return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")) / APP


def user_path(text: str) -> Path:
    """A path as a user wrote it, on any system: a spec written on Windows says
    `data\\update.csv`, which names the same file on macOS and Linux. Backslashes are folder
    separators everywhere (no county file name contains one)."""
    text = str(text).strip()
    if os.sep == "/" and "\\" in text:
        return Path(PureWindowsPath(text).as_posix())
    return Path(text)


def foreign_name(path: Path) -> tuple[str, str] | None:
    """The first part of a path whose name is not UTF-8 (a zip made on Chinese Windows keeps
    its names in GBK, and unzip on Linux leaves those bytes as they are): (the part as Python
    shows it, what it reads as in GB18030). None when every name is UTF-8."""
    for part in Path(os.path.abspath(path)).parts:
        raw = os.fsencode(part)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "backslashreplace"), raw.decode("gb18030", "replace")
    return None


def font_file_spec(text: str) -> tuple[Path, int]:
    """`C:\\Windows\\Fonts\\simsun.ttc:1` -> (path, face 1); a drive letter's colon is kept."""
    head, sep, tail = str(text).rpartition(":")
    if sep and tail.isdigit() and head and not (len(head) == 1 and head.isalpha()):
        return user_path(head), int(tail)
    return user_path(text), 0


def system_font_dirs() -> list[Path]:
    """The font folders of Windows, macOS and Linux/BSD that exist here, system ones after the
    user's own (a font a user installed wins)."""
    home = Path.home()
    candidates = []
    if os.environ.get("LOCALAPPDATA"):
        candidates.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    if os.environ.get("WINDIR") or os.environ.get("SystemRoot"):
        candidates.append(Path(os.environ.get("WINDIR") or os.environ["SystemRoot"]) / "Fonts")
    candidates += [home / "Library" / "Fonts", Path("/Library/Fonts"),
                   Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental")]
    data_home = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    candidates += [Path(data_home) / "fonts", home / ".fonts"]
    candidates += [Path(d) / "fonts" for d in data_dirs if d]
    seen, out = set(), []
    for folder in candidates:
        key = os.path.normcase(str(folder))
        if key not in seen and folder.is_dir():
            seen.add(key)
            out.append(folder)
    return out


def die_with_parent(forked_from: int | None = None) -> None:
    """Called first in every helper process (batch worker, PDF writer): end it when its parent
    ends, however the parent ends (a SIGKILL included), so no helper outlives a killed build.
    `forked_from`: the parent's pid, given by a child of os.fork (which knows it without asking
    multiprocessing, an import of 8 ms on the PDF's path).

    Linux: the kernel delivers SIGKILL at the parent's death (prctl PR_SET_PDEATHSIG). Other
    systems: a watchdog thread that sees the parent go (POSIX: we are re-parented; Windows: the
    parent's process handle, which multiprocessing gives a spawned child, is signalled)."""
    parent = os.getppid()
    if forked_from is not None:
        if parent != forked_from:  # the parent died before this line
            os._exit(1)
    elif _parent_already_gone():
        os._exit(1)
    if _kernel_death_signal():
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return
    sentinel = None
    if forked_from is None:
        try:
            import multiprocessing
            proc = multiprocessing.parent_process()
            sentinel = proc.sentinel if proc is not None and not can_fork() else None
        except (ImportError, AttributeError, ValueError):
            sentinel = None
    threading.Thread(target=_watch_parent, args=(parent, sentinel), daemon=True,
                     name="die-with-parent").start()


def _parent_already_gone() -> bool:
    """A spawned pool worker imports for a second or more before it gets here: its parent may
    have been killed meanwhile, and getppid() then already names its new parent. The pool's
    sentinel still tells."""
    try:
        import multiprocessing
        from multiprocessing.connection import wait
        proc = multiprocessing.parent_process()
        return proc is not None and bool(wait([proc.sentinel], timeout=0))
    except (ImportError, AttributeError, ValueError, OSError):
        return False


def _kernel_death_signal() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("SHANGLI_BRIEF_NO_PRCTL"):
        return False  # SHANGLI_BRIEF_NO_PRCTL: tests run the watchdog path of other systems
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int, sentinel) -> None:
    if sentinel is not None:
        from multiprocessing.connection import wait
        wait([sentinel])
        os._exit(1)
    import time
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)


# What a build may take of the machine's memory (address space): a real build peaks near
# 300 MB; a template, theme or data file that makes more is stopped with a MemoryError, reported
# as that brief's error, before it can exhaust the machine.
MEMORY_CEILING_MB = 4096


def limit_memory() -> None:
    """Cap this process and its children (SHANGLI_BRIEF_MEMORY_MB changes the cap). Where the
    system has no address-space limit (Windows), nothing is capped."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    if not hasattr(resource, "RLIMIT_AS"):  # pragma: no cover
        return
    try:
        ceiling = int(os.environ.get("SHANGLI_BRIEF_MEMORY_MB") or MEMORY_CEILING_MB) * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            ceiling = min(ceiling, hard)
        if soft == resource.RLIM_INFINITY or soft > ceiling:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    except (ValueError, OSError):
        pass  # a limit the system refuses, or a malformed setting: the build runs as before

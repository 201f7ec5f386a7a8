"""The `shangli-brief` command's first step: hand a build to this user's warm build server when
one is running, else run it here and start one for next time.

A build spends most of a fresh process on imports and fonts; the server (buildserver.py) has
done both once and forks a copy of itself for each command, so a build costs only its own work.
Only systems with fork() and Unix sockets have it (Linux, macOS); Windows runs every command
here, as before. SHANGLI_BRIEF_SERVER=0 turns it off.

This module is imported on every command, so it imports only what the interpreter has loaded
already or builds in (os, sys, marshal, zlib, _socket, _signal, _struct): socket.py, signal.py,
json and hashlib would double a served command's own start-up. Messages are marshal data: both
ends are this Python, and only this user can reach the socket."""
from __future__ import annotations

import _signal
import _socket
import marshal
import os
import struct
import sys
import zlib

# The commands that read briefs (the daily loop): others are quick, or long-running (watch).
SERVED = ("build", "check", "verify")
VERSION = 1  # of the protocol and of the key: a change never meets an older server
_KEYED_ENV = ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_HOME")


def available() -> bool:
    return (hasattr(os, "fork") and hasattr(os, "register_at_fork") and hasattr(_socket, "AF_UNIX")
            and hasattr(_socket, "SCM_RIGHTS") and os.environ.get("SHANGLI_BRIEF_SERVER", "1") != "0")


def command_of(argv: list[str]) -> str | None:
    """The subcommand, or None when the arguments ask for help or the version (answered here)."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return None
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            rest = list(words)
            return None if any(w in ("-h", "--help", "--version") for w in rest) else word
    return None


def run_dir() -> str | None:
    """A folder only this user can enter, for the sockets: $XDG_RUNTIME_DIR/shangli-brief, else
    shangli-brief-UID in the temporary folder. None (no server) when it is not ours and
    private: another user could otherwise offer us a server of theirs."""
    named = os.environ.get("SHANGLI_BRIEF_RUN_DIR")
    if named:
        folder = named
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = os.path.join(os.environ["XDG_RUNTIME_DIR"], "shangli-brief")
    else:
        folder = os.path.join(os.environ.get("TMPDIR") or "/tmp", f"shangli-brief-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    import stat
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return folder


def _package_files(root: str, prefix: str = "") -> list[tuple]:
    """(path in the package, mtime, size) of every file but compiled ones, folder by folder as
    os.walk goes (a folder's files, then its subfolders), in name order."""
    out, folders = [], []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__" and not entry.is_symlink():
                    folders.append(entry)
            elif not entry.name.endswith((".pyc", ".pyo")):
                st = entry.stat()
                out.append((prefix + entry.name, st.st_mtime_ns, st.st_size))
    for folder in folders:
        out += _package_files(folder.path, prefix + folder.name + os.sep)
    return out


def _font_folders() -> list[tuple]:
    """The modification times of the font folders and their subfolders (a font installed or
    removed changes one), and of our converted-fonts cache."""
    home = os.path.expanduser("~")
    roots = [d for d in os.environ.get("SHANGLI_BRIEF_FONT_DIRS", "").split(os.pathsep) if d.strip()]
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    roots += [os.path.join(data_home, "fonts"), os.path.join(home, ".fonts")]
    roots += [os.path.join(d, "fonts") for d in data_dirs if d]
    roots += [os.path.join(home, "Library", "Fonts"), "/Library/Fonts", "/System/Library/Fonts"]
    # our converted fonts only: the rest of the cache folder (compiled templates, parsed faces)
    # changes as builds run, and must not make a new server each time
    roots.append(os.path.join(os.environ.get("SHANGLI_BRIEF_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "shangli-brief"), "fonts"))
    roots.append(os.path.join(home, "Library", "Caches", "shangli-brief", "fonts"))
    out, budget = [], 2000
    for root in roots:
        for dirpath, dirnames, __ in os.walk(root):
            dirnames.sort()
            try:
                out.append((dirpath, os.stat(dirpath).st_mtime_ns))
            except OSError:
                continue
            budget -= 1
            if budget <= 0:
                return out
    return out


def server_key() -> str:
    """What the server's warm state was made from: this Python, our code and its libraries, the
    environment the fonts are found through, and the font folders. Any change gives a new key,
    so a build never meets a server that would build differently from a fresh process."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = [VERSION, sys.executable, sys.version, _package_files(package), _font_folders(),
             sorted((k, v) for k, v in os.environ.items()
                    if k in _KEYED_ENV or (k.startswith("SHANGLI_BRIEF_") and k not in _UNKEYED))]
    for entry in sys.path:  # an installed or upgraded library changes its site-packages folder
        if entry.endswith("-packages"):
            try:
                parts.append((entry, os.stat(entry).st_mtime_ns))
            except OSError:
                pass
    data = repr(parts).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{zlib.crc32(data[::-1]):08x}"


# Read per command by the process that runs it, not part of the warm state.
_UNKEYED = {"SHANGLI_BRIEF_LANG", "SHANGLI_BRIEF_SERVER", "SHANGLI_BRIEF_RUN_DIR"}


def send_message(sock, payload: dict, fds=()) -> None:
    """A length, then the payload; `fds` go with its first byte (SCM_RIGHTS)."""
    data = marshal.dumps(payload)
    data = struct.pack("!I", len(data)) + data
    rights = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))] if fds else []
    sent = sock.sendmsg([data], rights)
    if sent < len(data):
        sock.sendall(data[sent:])


def new_socket():
    return _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)


def _recv_exact(sock, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def recv_int(sock) -> int | None:
    data = _recv_exact(sock, 4)
    return None if data is None else struct.unpack("!i", data)[0]


def recv_message(sock) -> dict | None:
    size = recv_int(sock)
    data = _recv_exact(sock, size) if size is not None and 0 <= size < 1 << 20 else None
    return None if data is None else marshal.loads(data)


def ask_servers(op: str) -> list[dict]:
    """Send `op` (status, stop) to every server of this user; their answers to status."""
    folder = run_dir()
    answers = []
    for name in sorted(os.listdir(folder)) if folder else []:
        if not name.endswith(".sock"):
            continue
        sock = new_socket()
        sock.settimeout(2)
        try:
            sock.connect(os.path.join(folder, name))
            send_message(sock, {"op": op, "reason": "asked by `shangli-brief server stop`"})
            answer = recv_message(sock) if op == "status" else {"key": name[:-5]}
            if answer:
                answers.append({**answer, "log": os.path.join(folder, name[:-5] + ".log")})
        except (OSError, ValueError):
            pass
        finally:
            sock.close()
    return answers


def context() -> dict:
    """What a command takes from the process that asks for it: folder, environment, umask."""
    umask = os.umask(0)
    os.umask(umask)
    return {"cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}


def take_context(cwd: str, env: dict, umask: int) -> None:
    """Become that process's in those (a build server's fork); the language is chosen again.
    The folder last: a folder gone since raises OSError with everything else in place."""
    import time
    from . import i18n
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    os.umask(umask)
    i18n.forget_language()
    os.chdir(cwd)


def _stream_facts(stream) -> list:
    return [getattr(stream, "encoding", None), getattr(stream, "errors", None)]


def run_on_server(path: str, argv: list[str]) -> int | None:
    """The command's exit status, run by the server at `path`; None when no server answered
    (the command has not started: the caller runs it here)."""
    sock = new_socket()
    try:
        sock.settimeout(2)
        sock.connect(path)
        send_message(sock, {"op": "run", "argv": argv, **context(),
                            "streams": [_stream_facts(sys.stdin), _stream_facts(sys.stdout),
                                        _stream_facts(sys.stderr)]},
                     fds=(0, 1, 2))
        # The server sends the command's pid negated; the command, its status (0-255). A quick
        # command may report before the server has sent the pid.
        first = recv_int(sock)
    except OSError:
        sock.close()
        return None
    if first is None:
        sock.close()
        return None
    if first >= 0:
        sock.close()
        return first
    pid = -first
    # From here the command runs there: Ctrl-C and the stop signals reach it through us (it is
    # not in this terminal's process group), and our end of the socket closing stops it.
    sock.settimeout(1.0)

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except OSError:  # it has ended: nothing to wait for
            sys.exit(128 + signum)

    for signum in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        _signal.signal(signum, forward)
    status, gone = None, 0
    try:
        while status is None:
            try:
                status = recv_int(sock)
                if status is not None and status < 0:  # the pid, after the status: read on
                    status = None
                    continue
                break
            except TimeoutError:
                pass
            try:  # still running? (the status comes from it, or from the server if it was killed)
                os.kill(pid, 0)
            except ProcessLookupError:
                gone += 1
                if gone > 2:
                    break
    except OSError:
        status = None
    finally:
        sock.close()
    if status is None:
        from .i18n import _
        print(_("error: the build server ended during the command; run it again with "
                "SHANGLI_BRIEF_SERVER=0"), file=sys.stderr)
        return 1
    return status


def start_server(folder: str, key: str) -> None:
    """Start the server for next time, detached (its own session, no terminal, no output here).
    Not while one of this key is starting, nor for a minute after one failed to start (its lock
    file stays; a server that stops cleanly removes it): a server that cannot start is not
    started again on every command."""
    import subprocess
    import time
    try:
        if time.time() - os.stat(os.path.join(folder, key + ".lock")).st_mtime < 60:
            return
    except OSError:
        pass
    try:
        subprocess.Popen([sys.executable, "-m", "shangli_brief.buildserver", folder, key],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True, cwd="/")
    except OSError:
        pass  # only an optimisation


def main() -> None:
    argv = sys.argv[1:]
    folder = key = None
    if command_of(argv) in SERVED and available():
        folder = run_dir()
        if folder is not None:
            key = server_key()
            status = run_on_server(os.path.join(folder, key + ".sock"), argv)
            if status is not None:
                sys.exit(status)
    from .cli import main as cli_main
    status = cli_main()
    if key is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        start_server(folder, key)
    sys.exit(status)

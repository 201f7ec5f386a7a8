"""This user's warm build server, on systems with fork() (started by launch.py).

It imports everything a build needs and loads the themes' fonts once, then waits on a Unix
socket in a folder only its user can enter. Each command is run by a fork of it: the fork takes
the client's terminal or pipes (passed over the socket), working folder, environment, umask and
arguments, runs the ordinary command line and exits with its status. Every command starts from
the same warm state and nothing it does reaches the next one.

The socket's name is a key of what the warm state was made from (launch.server_key): a code
change, an upgrade, a font installed or a font setting changed makes a new key, and a new server
stops the old ones. The server stops after IDLE seconds without a command; SIGTERM stops it too.
Its log is KEY.log beside the socket."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import marshal
import os
import selectors
import signal
import socket
import struct
import sys
import time

from .launch import new_socket, send_message, take_context

IDLE = 15 * 60
_MAX_REQUEST = 1 << 20


def warm_up() -> list[str]:
    """Import the libraries, load the built-in themes' fonts and build each layout once in
    memory; a problem here only leaves that part to each command (and goes to the log)."""
    from . import batch, cli, verify  # noqa: F401 - imported for the commands
    from .writers import writer_for
    for fmt in ("docx", "pdf", "html"):
        writer_for(fmt)
    try:
        from . import charts, warm
        from .forked import warm_up_pdf
        from .layout import names
        from .theme import load_theme
        for layout in names():
            theme = load_theme(layout)
            warm_up_pdf(theme)
            charts.chart_fonts(theme)
        warm.load_builtins()
    except Exception as e:  # noqa: BLE001 - see above
        return [f"{type(e).__name__}: {e}"]
    return []


class Server:
    def __init__(self, folder: str, key: str, idle: float):
        self.folder, self.key, self.idle = folder, key, idle
        self.path = os.path.join(folder, key + ".sock")
        self.running: dict[int, tuple[socket.socket, float, list]] = {}
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.spare: tuple[int, socket.socket] | None = None  # a fork waiting for the next command
        self.spare_ready = False  # it has rehearsed (warm.rehearse) and waits for a command
        self.dropped: set[int] = set()  # spares ended on purpose (a command came before they were ready)
        self.finished: set[int] = set()  # commands that reported their status themselves
        self.spare_failures = 0  # spares that ended before taking a command
        self.served = 0
        self.since = time.strftime("%Y-%m-%d %H:%M:%S")
        log = os.path.join(folder, key + ".log")
        if os.path.exists(log) and os.path.getsize(log) > 1 << 20:
            os.truncate(log, 0)
        self.log_file = open(log, "a", buffering=1, encoding="utf-8")

    def log(self, text: str) -> None:
        self.log_file.write(time.strftime("%Y-%m-%d %H:%M:%S ") + text + "\n")

    def serve(self) -> int:
        self.lock = open(self.path[:-5] + ".lock", "w")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another server of this key is starting or running
        started = time.perf_counter()
        for problem in warm_up():
            self.log(f"warm-up problem: {problem}")
        gc.collect()
        gc.freeze()  # the forks share these pages instead of copying them when gc walks them
        self._stop_others()
        if os.path.lexists(self.path):
            os.unlink(self.path)  # a server of this key died: we hold its lock
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(16)
        self.inode = os.stat(self.path).st_ino
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *a: None)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, self._stop_signal)
        self.done_r, self.done_w = os.pipe()  # each command's pid, as it reports its status
        os.set_blocking(self.done_r, False)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "child")
        self.selector.register(self.done_r, selectors.EVENT_READ, "done")
        self._new_spare()
        self.log(f"ready: pid {os.getpid()}, warm in {time.perf_counter() - started:.2f} s")
        last = time.monotonic()
        while not (self.stopping and not self.running):
            for selected, __ in self.selector.select(timeout=min(30.0, self.idle)):
                if selected.data == "accept":
                    self._accept()
                elif selected.data == "child":
                    self._reap()
                elif selected.data == "done":
                    self._read_done()
                elif selected.data == "spare":
                    self._spare_readable(selected.fileobj)
                else:
                    self._client_readable(selected.fileobj, selected.data)
                last = time.monotonic()
            if not self.stopping and not self.running and time.monotonic() - last >= self.idle:
                self._stop(f"idle for {self.idle:.0f} s")
            elif not self.stopping and not self._socket_is_ours():
                self._stop("its socket was removed or replaced")
        if self.spare is not None:
            self._forget_spare()  # it reads the end of its socket and exits
        self.log("stopped")
        with contextlib.suppress(OSError):
            os.unlink(self.lock.name)
        return 0

    def _stop_signal(self, signum, frame) -> None:
        self._stop(f"signal {signum}")

    def _stop(self, reason: str) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.log(f"stopping: {reason}")
        self.selector.unregister(self.listener)
        if self._socket_is_ours():
            os.unlink(self.path)
        self.listener.close()

    def _socket_is_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _stop_others(self) -> None:
        """Servers of other keys were made from older code, fonts or settings: asked to stop
        (they finish the commands they are running). The files of servers stopped more than a
        day ago are removed (a recent one's log stays, to be read)."""
        for name in os.listdir(self.folder):
            stem, ext = os.path.splitext(name)
            path = os.path.join(self.folder, name)
            with contextlib.suppress(OSError):
                if ext in (".log", ".lock") and stem != self.key \
                        and not os.path.exists(os.path.join(self.folder, stem + ".sock")) \
                        and time.time() - os.stat(path).st_mtime > 24 * 3600:
                    os.unlink(path)
            if not name.endswith(".sock") or name == self.key + ".sock":
                continue
            other = os.path.join(self.folder, name)
            sock = new_socket()
            sock.settimeout(1)
            try:
                sock.connect(other)
                send_message(sock, {"op": "stop", "reason": "replaced by a newer server"})
            except OSError as e:
                if e.errno in (errno.ECONNREFUSED, errno.ENOENT):  # its server is gone
                    with contextlib.suppress(OSError):
                        os.unlink(other)
            finally:
                sock.close()

    def _accept(self) -> None:
        try:
            conn, __ = self.listener.accept()
        except OSError:
            return
        try:
            if not _same_user(conn):
                raise OSError("another user")
            conn.settimeout(2)
            request, fds = _read_request(conn)
        except (OSError, ValueError, EOFError) as e:
            self.log(f"refused a request: {e}")
            conn.close()
            return
        if request.get("op") == "stop":
            conn.close()
            self._stop(request.get("reason", "asked to"))
            return
        if request.get("op") == "status":
            with contextlib.suppress(OSError):
                send_message(conn, {"pid": os.getpid(), "key": self.key, "since": self.since,
                                    "served": self.served, "running": len(self.running),
                                    "idle": self.idle, "stopping": self.stopping})
            conn.close()
            return
        if self.stopping or request.get("op") != "run" or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            conn.close()  # the client runs the command itself
            return
        pid = self._hand_to_spare(request, fds, conn)
        how = "spare"
        if pid is None:  # no spare ready (or it could not be made): a fork now
            how = "fork"
            pid = os.fork()
            if pid == 0:
                try:
                    _become_command_process(self._inherited_fds(conn))
                    run_command(request, fds, conn.fileno(), self.done_w)
                finally:
                    os._exit(70)
            _own_group(pid)
        for fd in fds:
            os.close(fd)
        try:
            conn.sendall(struct.pack("!i", -pid))  # negated: told apart from the status
        except OSError:
            pass  # the client went: found when its socket reads as closed
        conn.setblocking(False)
        self.served += 1
        self.running[pid] = (conn, time.perf_counter(), request.get("argv", []))
        self.selector.register(conn, selectors.EVENT_READ, pid)
        self.log(f"run {pid}: {json.dumps(request.get('argv'), ensure_ascii=False)} in {request.get('cwd')} "
                 f"({how})")

    def _new_spare(self) -> None:
        """Fork the process that will run the next command now, while nobody waits: it has its
        own PDF process ready too (forked.prepare_spare), so a command starts without a fork."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = os.fork()
        except OSError as e:
            self.log(f"cannot fork a spare: {e}")
            ours.close()
            theirs.close()
            return
        if pid == 0:
            try:
                ours.close()
                _become_command_process(self._inherited_fds(None))
                from . import forked, warm
                forked.prepare_spare()
                # both processes rehearse at once, one on each core; then the server is told
                warm.rehearse(("docx",))
                if not forked.spare_ready():
                    raise RuntimeError("the spare's PDF process ended")
                theirs.sendall(b"R")
                request, fds = _read_request(theirs, 4)  # blocks until a command comes
                theirs.close()
                conn = fds.pop()
                run_command(request, fds, conn, self.done_w)
            except BaseException:  # noqa: BLE001 - the server closed, or a broken hand-over
                pass
            finally:
                os._exit(70)
        theirs.close()
        _own_group(pid)
        self.spare = (pid, ours)
        self.spare_ready = False
        self.spare_since = time.perf_counter()
        self.selector.register(ours, selectors.EVENT_READ, "spare")

    def _spare_readable(self, channel) -> None:
        """The spare says it is ready, or it has ended (then reaped as a failed spare)."""
        if self.spare is None or self.spare[1] is not channel:
            return  # dropped earlier in this round
        with contextlib.suppress(OSError):
            self.spare_ready = self.spare[1].recv(1, socket.MSG_DONTWAIT) == b"R"
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(self.spare[1])
        if self.spare_ready:
            self.log(f"spare {self.spare[0]} ready in {time.perf_counter() - self.spare_since:.2f} s")

    def _forget_spare(self) -> None:
        """No spare any more: its channel unwatched and closed."""
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(self.spare[1])
        self.spare[1].close()
        self.spare = None

    def _hand_to_spare(self, request: dict, fds: list[int], conn) -> int | None:
        if self.spare is None:
            return None
        pid, channel = self.spare
        if not self.spare_ready:
            # Still rehearsing: it would make the command wait, or take a core from it. It is
            # ended, and the command forked directly; a new spare comes after the command.
            self._forget_spare()
            self.dropped.add(pid)
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            return None
        self.spare_failures = 0
        self.spare = None
        try:
            send_message(channel, request, fds=(*fds, conn.fileno()))
        except OSError as e:
            self.log(f"the spare {pid} did not take the command: {e}")
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            return None
        finally:
            channel.close()
        return pid

    def _read_done(self) -> None:
        with contextlib.suppress(OSError):
            data = os.read(self.done_r, 4096)
            self.finished.update(struct.unpack(f"{len(data) // 4}i", data[: len(data) // 4 * 4]))
        # The next spare is forked once a command is over, not while one runs: forking the
        # server takes a core for several milliseconds, which the command needs more.
        if self.spare is None and not self.stopping and not (self.running.keys() - self.finished):
            self._new_spare()

    def _inherited_fds(self, conn) -> list[int]:
        """The server's descriptors a command process closes (not `conn`, nor the done pipe)."""
        fds = [self.listener.fileno(), self.wake_r, self.lock.fileno(), self.log_file.fileno(), self.done_r]
        if self.spare is not None:
            fds.append(self.spare[1].fileno())
        if hasattr(self.selector, "fileno"):  # epoll, kqueue
            fds.append(self.selector.fileno())
        fds += [c.fileno() for c, __, __ in self.running.values()]
        return [fd for fd in fds if conn is None or fd != conn.fileno()]

    def _client_readable(self, conn, pid: int) -> None:
        """The client sends nothing after its request: readable means it has gone (killed, its
        terminal closed). Its command is stopped: nobody waits for it any more."""
        try:
            data = conn.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            return
        self.selector.unregister(conn)
        self._read_done()  # a command reports to us before its client can go
        if pid in self.running and pid not in self.finished:
            self.log(f"run {pid}: the client went; stopping it")
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGTERM)

    def _reap(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.wake_r, 512):
                pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.dropped:
                self.dropped.discard(pid)
                continue
            if self.spare is not None and pid == self.spare[0]:
                self._forget_spare()
                self.spare_failures += 1
                self.log(f"the spare {pid} ended without a command (status {status})")
                if not self.stopping and self.spare_failures < 3:  # else a fork per command
                    self._new_spare()
                continue
            entry = self.running.pop(pid, None)
            if entry is None:
                continue
            if self.spare is None and not self.stopping and not self.running:
                self._new_spare()
            conn, start, __ = entry
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code  # killed by a signal: as a shell reports it
            self._read_done()
            if pid not in self.finished:  # it could not report itself (killed)
                with contextlib.suppress(OSError):
                    conn.setblocking(True)
                    conn.sendall(struct.pack("!i", code))
            self.finished.discard(pid)
            with contextlib.suppress(KeyError, ValueError):  # unregistered when its client went
                self.selector.unregister(conn)
            conn.close()
            self.log(f"end {pid}: status {code} in {time.perf_counter() - start:.2f} s")


def _same_user(conn: socket.socket) -> bool:
    """The folder already keeps other users out; where the system says who connected, check."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1] == os.getuid()


def _read_request(conn: socket.socket, fd_count: int = 3) -> tuple[dict, list[int]]:
    data, fds, __, __ = socket.recv_fds(conn, 65536, fd_count)
    if not data:
        raise EOFError("no request")
    try:
        if len(data) < 4:
            raise ValueError("short request")
        size = struct.unpack("!I", data[:4])[0]
        if size > _MAX_REQUEST:
            raise ValueError("request too large")
        body = data[4:]
        while len(body) < size:
            chunk = conn.recv(size - len(body))
            if not chunk:
                raise ValueError("short request")
            body += chunk
        request = marshal.loads(body)
        if not isinstance(request, dict):
            raise ValueError("not a request")
        return request, fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _own_group(pid: int) -> None:
    """The fork's own process group, made here too (the fork makes it first thing, but the
    server may want to stop the group before the fork has run at all)."""
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)


def _become_command_process(inherited: list[int]) -> None:
    """In a fork of the server: no server descriptor, default signals, a process group of its
    own (the server can stop it with the processes it starts)."""
    os.setpgid(0, 0)
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)


def run_command(request: dict, fds: list[int], conn: int, done_w: int) -> None:
    """Become the client's command and exit with its status (never returns). The status goes
    to the client as soon as the output is flushed: the process's own ending is not waited for.
    The server hears first, so that the client closing its end is not taken for it going."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    _become_client(request)
    status = _run_cli(request.get("argv", []))
    from . import forked
    forked.discard_spare()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):
            stream.flush()
    # Let go of the client's terminal or pipes before saying we are done: ending a process this
    # size takes a while, and whoever reads the client's output waits until every copy is shut.
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
    with contextlib.suppress(OSError):
        os.write(done_w, struct.pack("i", os.getpid()))
        os.write(conn, struct.pack("!i", status))  # 4 bytes into an empty socket buffer
    os._exit(status)


def _become_client(request: dict) -> None:
    sys.argv = ["shangli-brief", *request.get("argv", [])]
    names = ("stdin", "stdout", "stderr")
    for fd, (name, facts) in enumerate(zip(names, request.get("streams", [[None, None]] * 3))):
        encoding, errors = (facts + [None, None])[:2]
        stream = open(fd, "r" if fd == 0 else "w", encoding=encoding or "utf-8",
                      errors=errors or "strict", closefd=False)
        if fd:
            stream.reconfigure(line_buffering=fd == 2 or os.isatty(fd))
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
    from . import i18n
    try:
        take_context(request.get("cwd", "/"), request.get("env", {}), int(request.get("umask", 0o022)))
    except OSError as e:
        print(i18n._("error: {message}").format(message=f"{request.get('cwd')}: {e.strerror}"), file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)


def _run_cli(argv: list[str]) -> int:
    from .cli import main
    try:
        status = main(argv)
    except SystemExit as e:  # argparse's own exits (a wrong option)
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, (int, type(None))):
            print(e.code, file=sys.stderr)
    except KeyboardInterrupt:
        status = 130
    return int(status or 0) & 0xFF


def main(argv: list[str]) -> int:
    folder, key = argv[:2]
    idle = float(os.environ.get("SHANGLI_BRIEF_SERVER_IDLE") or IDLE)
    return Server(folder, key, idle).serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

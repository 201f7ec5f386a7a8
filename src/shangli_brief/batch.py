"""Building many specs: worker processes over both cores, results as each spec finishes.

The pool is our own rather than concurrent.futures': it knows which spec each worker is
building, so a worker that crashes or is killed is reported as that spec's failure and replaced,
and the rest of the batch goes on (a ProcessPoolExecutor breaks as a whole). Each worker loads
fonts, templates and data once, for all the specs it builds; a failing spec does not stop the
others. Interrupted (Ctrl-C, SIGTERM, SIGHUP), the workers are stopped at once; a worker stopped
while publishing puts the old files back (see publish)."""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from .build import OutputFile, Workspace, build
from .errors import BriefError, ErrorList
from .portability import die_with_parent, process_context
from .briefspec import load_spec
from .briefspec.schema import out_folder
from .writers import WriteOptions
from .i18n import _


@dataclass
class SpecResult:
    spec: Path
    outputs: list[OutputFile] = field(default_factory=list)
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # message, exit code, traceback
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    """What every worker needs to know, besides the spec."""
    out_dir: Path | None  # None: each spec's workspace's out/
    formats: tuple[str, ...] | None
    template_dirs: tuple[Path, ...] = ()
    allow: tuple[Path, ...] = ()
    options: WriteOptions = WriteOptions()
    settings: tuple = ()  # --set KEY=VALUE, applied to every spec


_workspace: Workspace | None = None  # one per process


def reset_workspace() -> None:
    """Forget the loaded data, themes and templates (they changed on disk); fonts, ReportLab and
    python-docx stay loaded."""
    global _workspace
    _workspace = None


def build_one(path: Path, job: Job, parallel: bool = False, early=None) -> SpecResult:
    """Build one spec, never raising: problems come back in the result (worker processes cannot
    send our exceptions back with their locations). `early`: see build.build."""
    global _workspace
    if _workspace is None:
        _workspace = Workspace(job.template_dirs, job.allow)
    start = time.perf_counter()
    result = SpecResult(Path(path))
    try:
        spec = load_spec(path, job.settings)
        out_dir = Path(job.out_dir) if job.out_dir is not None else out_folder(path)
        result.outputs = build(spec, out_dir, job.formats, _workspace, job.options,
                               parallel, early)
    except ErrorList as e:
        result.errors = [(str(err), err.exit_code, _trace(err)) for err in e.errors]
    except BriefError as e:
        result.errors = [(str(e), e.exit_code, _trace(e))]
    except MemoryError as e:
        result.errors = [(_("{path}: out of memory while building this brief").format(path=path), 1, _trace(e))]
    except Exception as e:  # noqa: BLE001 - one spec's unexpected failure is reported with it
        result.errors = [(_("{path}: internal error: {kind}: {e}").format(path=path, kind=type(e).__name__, e=e)[:400]
                          + _("; build it alone with --debug and report what it prints"), 1, _trace(e))]
    finally:
        if early is not None:
            early.cancel()  # not used (a spec error, a DOCX-only brief): ended, never left
    result.seconds = time.perf_counter() - start
    return result


def _trace(error: BaseException) -> str:
    import traceback  # only for a brief that failed
    return "".join(traceback.format_exception(error))


def run(paths: list[Path], job: Job, jobs: int = 1, early=None):
    """Yield a SpecResult per spec as each finishes."""
    if len(paths) > 1:
        gc.enable()  # several briefs in this process or its workers: garbage collected (see console.py)
    if jobs <= 1 or len(paths) <= 1:
        # A single brief writes its DOCX and PDF in parallel, on both cores; a batch with one
        # worker stays on one core, as asked.
        for path in paths:
            yield build_one(path, job, parallel=len(paths) == 1, early=early if len(paths) == 1 else None)
        return
    yield from Pool(job, min(jobs, len(paths))).run(paths)


class Pool:
    """Worker processes fed one spec at a time through a pipe each."""

    def __init__(self, job: Job, size: int):
        self.job, self.size = job, size
        self.context = process_context()  # fork where the system has it, spawn elsewhere
        self.workers: dict = {}  # connection -> [process, spec path or None]

    def _start(self) -> None:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child_end, self.job), daemon=True)
        # A forked worker inherits our signal handlers: stop signals wait until it has its own.
        with _signals_blocked():
            process.start()
        child_end.close()
        self.workers[parent_end] = [process, None]

    def _give(self, conn, pending: deque) -> None:
        path = pending.popleft()
        self.workers[conn][1] = path
        conn.send(path)

    def run(self, paths):
        from multiprocessing.connection import wait
        pending = deque(paths)
        try:
            for __ in range(self.size):
                self._start()
            for conn in list(self.workers):
                if pending:
                    self._give(conn, pending)
            while any(path is not None for __, path in self.workers.values()):
                busy = {conn: state for conn, state in self.workers.items() if state[1] is not None}
                ready = wait([*busy, *(state[0].sentinel for state in busy.values())])
                for conn, (process, path) in list(busy.items()):
                    if conn in ready or process.sentinel in ready:
                        result = self._collect(conn, process, path)
                        if result is None:
                            continue
                        yield result
                        if conn in self.workers and pending:
                            self._give(conn, pending)
                        elif conn in self.workers:
                            self.workers[conn][1] = None
                        elif pending:  # the worker died: a new one takes the next spec
                            self._start()
                            self._give(list(self.workers)[-1], pending)
        finally:
            self.stop()

    def _collect(self, conn, process, path) -> SpecResult | None:
        try:
            if conn.poll():
                return conn.recv()
        except (EOFError, OSError):
            pass
        if process.is_alive():
            return None  # woken by the other worker's pipe
        process.join()
        del self.workers[conn]
        conn.close()
        code = process.exitcode
        how = (
            _("killed by signal {value}").format(value=-code)
            if code is not None and code < 0
            else _("exit status {code}").format(code=code)
        )
        return SpecResult(
            Path(path),
            errors=[
                (
                    _(
                        "{path}: the process building this brief ended unexpectedly ({how}); the other briefs go on"
                    ).format(path=path, how=how),
                    1,
                    "",
                )
            ],
        )

    def stop(self) -> None:
        """End every worker: SIGTERM first (a worker publishing puts the old files back), then,
        after a moment, SIGKILL."""
        for process, __ in self.workers.values():
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + 3
        for conn, (process, __) in list(self.workers.items()):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()
        self.workers.clear()


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, name))


@contextlib.contextmanager
def _signals_blocked():
    if not hasattr(signal, "pthread_sigmask"):  # Windows: a spawned worker inherits no handler
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _worker(conn, job: Job) -> None:
    # Ctrl-C reaches the whole process group: the parent decides and stops us with SIGTERM,
    # which unwinds (and so rolls back a publish in progress) instead of killing outright.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _exit_on_signal)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    die_with_parent()  # a killed build takes its workers with it
    global _workspace
    _workspace = Workspace(job.template_dirs, job.allow)
    try:
        while True:
            try:
                path = conn.recv()
            except EOFError:
                return
            if path is None:
                return
            conn.send(build_one(path, job))
    except (KeyboardInterrupt, BrokenPipeError):
        return  # stopped by the parent: nothing to report
    finally:
        sys.stdout.flush()
        from .fontconvert import discard_scratch
        discard_scratch()  # a worker process runs no exit handlers


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end a build as Ctrl-C does: workers stopped, nothing half-written."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)
    if os.name == "nt" and hasattr(signal, "SIGBREAK"):  # pragma: no cover - Ctrl-Break
        signal.signal(signal.SIGBREAK, interrupt)

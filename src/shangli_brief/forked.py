"""The PDF's own process (where the system can fork).

A single brief's PDF takes the longest: a forked process lays it out while the first one writes
the DOCX. The build forks it as soon as the command starts, before the heavy imports, so both
cores import at once: this one ReportLab, the first one the resolver (then python-docx). This
module stays light (no ReportLab, no python-docx) for that reason."""
from __future__ import annotations

import atexit
import io
import os
import pickle
import signal

from .errors import BriefError, BuildError, InputError
from .i18n import _
from .portability import die_with_parent


def warm_up_pdf(theme) -> None:
    """Load ReportLab and register the theme's fonts as cached before the document arrives. Only
    a warm-up: a face not converted yet is left for the document's own characters."""
    from .writers.pdf.writer import styles_for
    try:
        styles_for(theme)
    except Exception:  # noqa: BLE001 - the build itself reports any real problem
        pass


def share() -> None:
    """Before the fork: what both processes import (the model the document travels in, the
    theme, the cache folder's place), loaded once rather than once in each: some 25 ms less
    processor time a build, which counts on a machine whose other core is busy. The standard
    modules are those both sides' libraries import (ReportLab and PIL in one, Jinja, markdown-it
    and python-docx in the other): 10 ms more."""
    import base64, glob, html.entities, importlib.util, logging, shutil, tempfile  # noqa: F401, E401
    from . import model, theme, typography, writers  # noqa: F401
    from .portability import cache_dir
    cache_dir()


def warm_up() -> None:
    """Before anything arrives: load ReportLab, the model the document is unpickled into and
    the system's list of faces. The theme comes next, sent ahead (warm_up_pdf registers its
    faces), then the document once the first process has resolved it."""
    from . import model  # noqa: F401 - the document is unpickled into model's classes
    from .fonts import installed_faces
    from .writers.pdf import writer  # noqa: F401
    installed_faces()  # kept for the theme's faces (a list read and dropped was read again)


def write_pdf(value, tell=None):
    """(document, theme, options) -> (Written, PDF bytes). `tell`: given the contents' pages as
    soon as every page is laid out (the other process numbers the DOCX's contents with them
    while this one puts the PDF together)."""
    from dataclasses import replace
    from .writers import writer_for
    doc, theme, options = value
    buffer = io.BytesIO()
    written = writer_for("pdf")(doc, theme, buffer, replace(options, laid_out=tell))
    return written, buffer.getvalue()


_unreaped: list[int] = []
_reaping_at_exit = False


def _reap_later(pid: int) -> None:
    """Reap the children that have ended since; the rest at the next call, or when this process
    exits (none is left behind as a zombie for a system without a reaping init)."""
    global _reaping_at_exit
    if not _reaping_at_exit:
        atexit.register(_reap_all)
        _reaping_at_exit = True
    _unreaped.append(pid)
    for waiting in list(_unreaped):
        try:
            done, __ = os.waitpid(waiting, os.WNOHANG)
        except ChildProcessError:
            done = waiting
        if done:
            _unreaped.remove(waiting)


def _reap_all() -> None:
    while _unreaped:
        try:
            os.waitpid(_unreaped.pop(), 0)
        except ChildProcessError:
            pass


class Child:
    """A forked process that runs `prepare()` at once, then `finish(value, tell)` on a value
    sent to it later, and hands back the result. A BriefError raised there is raised here again,
    with its location; anything else becomes a BuildError rather than a lost traceback.
    `ahead(value)` runs on each value given to send_ahead before that: work the child can do
    while it waits. `tell(message)` hands a message back before the result (see told)."""

    def __init__(self, prepare, finish, ahead=None):
        self.done = False  # a result was taken or the child was ended
        self._pipe = None  # the writing end, once something was sent
        self._results = None  # the reading end, once something was read
        self._final = None  # the result, read while looking for a message told before it
        to_child, self._to_child = os.pipe()
        self._from_child, from_child = os.pipe()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into the caller's code
            os.close(self._to_child)
            os.close(self._from_child)
            results = None
            try:
                die_with_parent(forked_from=parent)
                prepare()
                with os.fdopen(to_child, "rb") as pipe:
                    kind, value = pickle.load(pipe)
                    while kind == "ahead":
                        ahead(value)
                        kind, value = pickle.load(pipe)
                results = os.fdopen(from_child, "wb")

                def tell(message) -> None:
                    pickle.dump(("told", message), results, protocol=pickle.HIGHEST_PROTOCOL)
                    results.flush()

                payload = ("ok", finish(value, tell))
            except BriefError as e:
                payload = ("brief", (type(e).__name__, e.message, e.location, e.key))
            except BaseException as e:  # noqa: BLE001 - reported to the parent, not swallowed
                payload = ("crash", f"{type(e).__name__}: {e}")
            try:
                with (results if results is not None else os.fdopen(from_child, "wb")) as pipe:
                    pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                from .fontconvert import discard_scratch
                discard_scratch()  # os._exit runs no exit handlers
                os._exit(0)
        os.close(to_child)
        os.close(from_child)

    def send_ahead(self, value) -> None:
        """A value for `ahead`, sent at once (the child takes it when it is ready)."""
        self._write(("ahead", value))
        self._pipe.flush()

    def send(self, value) -> None:
        self._write(("value", value))
        self._pipe.close()
        self._pipe = self._to_child = None

    def _write(self, message) -> None:
        if self._pipe is None:
            self._pipe = os.fdopen(self._to_child, "wb")
        pickle.dump(message, self._pipe, protocol=pickle.HIGHEST_PROTOCOL)

    def cancel(self) -> None:
        """The caller failed or was interrupted: end the child at once, without a result (it
        holds no file: it writes into memory). Once is enough."""
        if self.done:
            return
        self.done = True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        if self._pipe is not None:
            try:
                self._pipe.close()
            except OSError:  # what it still held for the child, which is gone
                pass
        elif self._to_child is not None:
            os.close(self._to_child)
        self._pipe = self._to_child = None
        if self._results is not None:
            self._results.close()
        else:
            os.close(self._from_child)

    def _read(self):
        """The next message from the child; ("none", None) if it ended without one."""
        if self._results is None:
            self._results = os.fdopen(self._from_child, "rb")
        try:
            return pickle.load(self._results)
        except (EOFError, pickle.UnpicklingError):  # ended, or killed while writing
            return ("none", None)

    def told(self):
        """What the child told before its result; None if it has none to tell (it failed: result()
        says why)."""
        message = self._read()
        if message[0] == "told":
            return message[1]
        self._final = message
        return None

    def result(self):
        self.done = True
        message = self._final or self._read()
        while message[0] == "told":
            message = self._read()
        self._results.close()
        kind, value = message
        if kind == "none":
            __, status = os.waitpid(self.pid, 0)
            raise BuildError(_("a writer process ended without a result (status {status})").format(status=status))
        _reap_later(self.pid)  # it has sent all: its exit (unmapping a large process) is not waited for here
        if kind == "ok":
            return value
        if kind == "brief":
            name, message, location, key = value
            raise (InputError if name == "InputError" else BuildError)(message, location, key)
        raise BuildError(_("a writer failed: {value}; run with --debug --jobs 1 for details").format(value=value))



"""The PDF's font subsets made and compressed on the other core, ahead of the save.

ReportLab makes and compresses each embedded font subset one after the other while it writes
the file: for a Chinese brief, four or five subsets of 100-200 KB are a fifth of the PDF's
time. Two things let that work move: zlib lets other threads run while it compresses, and a
font's subsets are final once the next one has begun (ReportLab fills them in order, 256
characters each). So at the end of each page, the subsets completed so far go to a worker
thread; at the save, the rest are compressed on threads too, and ReportLab's own calls find the
results. The bytes are zlib.compress's and makeSubset's own, as before; whatever was not
prepared this way is made as ReportLab always does."""
from __future__ import annotations

import queue
import threading
import zlib
from contextlib import contextmanager

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

WORTH_A_THREAD = 32 * 1024  # smaller streams compress in less time than a thread takes to start

_ready: dict[bytes, list] = {}  # subset bytes -> [compressed bytes or None, thread or None]
_compress = pdfdoc.PDFStreamFilterZCompress.encode


def _encode(self, text):
    job = _ready.get(text) if isinstance(text, bytes) else None
    if job is not None:
        if job[1] is not None:
            job[1].join()
        if job[0] is not None:
            return job[0]
    return _compress(self, text)


pdfdoc.PDFStreamFilterZCompress.encode = _encode


class _Ahead:
    """One document's worker: makes and compresses completed subsets, one at a time (a font's
    file reader is not to be shared by two threads)."""

    def __init__(self):
        self.made: dict[tuple[int, tuple], bytes] = {}
        self.queued: set[tuple[int, tuple]] = set()
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            face, subset = job
            try:
                data = type(face).makeSubset(face, list(subset))
                self.made[(id(face), subset)] = data
                if len(data) >= WORTH_A_THREAD and data not in _ready:
                    _ready[data] = [zlib.compress(data), None]
            except Exception:  # noqa: BLE001 - ReportLab makes it again at the save
                pass

    def queue_completed(self, doc) -> None:
        for font in _fonts_of(doc):
            for subset in font.state[doc].subsets[:-1]:  # all but the last are final
                key = (id(font.face), tuple(subset))
                if key not in self.queued:
                    self.queued.add(key)
                    self.jobs.put((font.face, key[1]))

    def finish(self) -> dict[tuple[int, tuple], bytes]:
        self.jobs.put(None)
        self.thread.join()
        return self.made


_workers: dict[int, _Ahead] = {}


def _fonts_of(doc):
    return [font for font in list(pdfmetrics._fonts.values())
            if isinstance(font, TTFont) and doc in font.state]


def page_done(doc) -> None:
    """At the end of each page: hand the subsets completed so far to the document's worker."""
    if getattr(doc, "compression", False):
        worker = _workers.get(id(doc))
        if worker is None:
            worker = _workers[id(doc)] = _Ahead()
        worker.queue_completed(doc)


def forget(doc) -> None:
    """The document failed before its save: its worker is stopped."""
    worker = _workers.pop(id(doc), None)
    if worker is not None:
        worker.finish()


def _run(job: list, data: bytes) -> None:
    try:
        job[0] = zlib.compress(data)
    except Exception:  # noqa: BLE001 - the writer compresses it itself
        job[0] = None


@contextmanager
def subsets_compressed_ahead(doc):
    """Around canvas.save(): `doc` is the canvas's PDF document."""
    worker = _workers.pop(id(doc), None)
    made = worker.finish() if worker is not None else {}
    patched = []
    try:
        if getattr(doc, "compression", False):
            for font in _fonts_of(doc):
                face = font.face
                if "makeSubset" not in face.__dict__:
                    original = face.makeSubset

                    def make(subset, face=face, original=original):
                        key = (id(face), tuple(subset))
                        if key not in made:
                            made[key] = original(subset)
                        return made[key]
                    face.makeSubset = make
                    patched.append(face)
                for subset in font.state[doc].subsets:
                    data = face.makeSubset(subset)
                    if len(data) >= WORTH_A_THREAD and data not in _ready:
                        job = [None, None]
                        job[1] = threading.Thread(target=_run, args=(job, data), daemon=True)
                        _ready[data] = job
                        job[1].start()
        yield
    finally:
        for job in _ready.values():
            if job[1] is not None:
                job[1].join()
        _ready.clear()
        for face in patched:
            del face.makeSubset

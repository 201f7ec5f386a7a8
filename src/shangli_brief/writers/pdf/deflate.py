"""The PDF's font subsets compressed side by side, on the other core.

ReportLab makes and compresses each embedded font subset one after the other while it writes
the file: for a Chinese brief, four or five subsets of 100-200 KB are a fifth of the PDF's time.
zlib lets other threads run while it compresses, so just before saving, the subsets are made
(the same call ReportLab then makes, answered from memory) and compressed on threads; the
writer finds each result when it comes to that stream. The bytes are zlib.compress's own, as
before; anything not prepared this way is compressed as ReportLab always does."""
from __future__ import annotations

import threading
import zlib
from contextlib import contextmanager

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

WORTH_A_THREAD = 32 * 1024  # smaller streams compress in less time than a thread takes to start

_ready: dict[bytes, list] = {}  # subset bytes -> [compressed bytes or None, thread]
_compress = pdfdoc.PDFStreamFilterZCompress.encode


def _encode(self, text):
    job = _ready.get(text) if isinstance(text, bytes) else None
    if job is not None:
        job[1].join()
        if job[0] is not None:
            return job[0]
    return _compress(self, text)


pdfdoc.PDFStreamFilterZCompress.encode = _encode


def _run(job: list, data: bytes) -> None:
    try:
        job[0] = zlib.compress(data)
    except Exception:  # noqa: BLE001 - the writer compresses it itself
        job[0] = None


@contextmanager
def subsets_compressed_ahead(doc):
    """Around canvas.save(): `doc` is the canvas's PDF document."""
    patched = []
    try:
        if getattr(doc, "compression", False):
            for font in list(pdfmetrics._fonts.values()):
                if not isinstance(font, TTFont) or doc not in font.state:
                    continue
                face = font.face
                if "makeSubset" not in face.__dict__:
                    made: dict[tuple, bytes] = {}
                    original = face.makeSubset

                    def make(subset, made=made, original=original):
                        key = tuple(subset)
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
            job[1].join()
        _ready.clear()
        for face in patched:
            del face.makeSubset

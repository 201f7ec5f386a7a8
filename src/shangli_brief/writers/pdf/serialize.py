"""ReportLab's writing of PDF objects, faster in three pure functions it calls thousands of times
for each Chinese brief (its embedded font subsets carry 256 widths each).

- A number array (a subset's /Widths, a /BBox) is formatted by one fp_str call for all its
  numbers, where format() took one call, one type test and one encoding per number.
- Text that is ASCII is encoded by the ASCII codec: ReportLab's 'extpdfdoc' codec maps every
  ASCII character to itself except 24-31, which it refuses (those still go to it, to fail the
  same way).
- A PDF name is made once per process for each name (a pure function of its text).

The bytes are those ReportLab writes; tests/writers/test_speed_equivalence.py holds each function
to ReportLab's own on random input, and whole briefs to the same PDF."""
from __future__ import annotations

import functools
import re

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

_reportlabs_array_format = pdfdoc.PDFArray.format
_reportlabs_pdfdoc_enc = pdfdoc.pdfdocEnc
_reportlabs_name = pdfdoc.PDFName
_REFUSED = re.compile("[\x18-\x1f]")  # what extpdfdoc cannot encode among ASCII characters


def pdfdoc_enc(x):
    if isinstance(x, str) and x.isascii() and not _REFUSED.search(x):
        return x.encode("ascii")
    return _reportlabs_pdfdoc_enc(x)


def array_format(self, document, IND=b"\n "):  # noqa: N803 - ReportLab's signature
    sequence = self.sequence
    if not sequence or not all(type(e) is int or type(e) is float for e in sequence):
        return _reportlabs_array_format(self, document, IND)
    numbers = pdfdoc.fp_str(*sequence).encode("ascii").split(b" ")  # format(number) each, at once
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        joined = IND.join(numbers)
    else:
        for i in reversed(range(10, len(numbers), 10)):  # a line break after every 10, as there
            numbers.insert(i, b"\n ")
        joined = b" ".join(numbers)
    return b"[ " + joined + b" ]"


def install() -> None:
    pdfdoc.pdfdocEnc = pdfdoc_enc
    pdfdoc.PDFArray.format = array_format
    pdfdoc.PDFName = functools.lru_cache(maxsize=4096)(_reportlabs_name)


def uninstall() -> None:
    """ReportLab's own again (the tests compare the two)."""
    pdfdoc.pdfdocEnc = _reportlabs_pdfdoc_enc
    pdfdoc.PDFArray.format = _reportlabs_array_format
    pdfdoc.PDFName = _reportlabs_name

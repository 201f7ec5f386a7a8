"""`verify`: does an edited DOCX still say what the dataset says?

The DOCX writer marks every figure it writes (writers/docx/ooxml.mark_figure): a content control
for Word and WPS around a hidden bookmark `_sbfN_KEY`, which LibreOffice keeps as well. Here the
spec is resolved again (the same figures in the same order), and the edited document is read:

- a marked figure whose text differs from what the dataset gives now: changed;
- a figure whose mark is gone, or whose text was emptied: deleted;
- a number outside any mark that the tool did not write itself: typed by hand. What the tool
  writes without a mark (heading numbers, 第3期, 共印30份, source titles …) is learnt by writing
  the expected DOCX in memory and reading it the same way; dates (2024年, 3月15日) and text in
  fields (page numbers, the contents) are never figures.
"""
from __future__ import annotations

import io
import re
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import InputError, Location, display_path
from .i18n import _

# What verify reads of one document, as a build has its budgets: a brief holds a few thousand
# elements; a document of millions was not made for reading, whatever its bytes.
MAX_ELEMENTS = 2_000_000
MAX_SECONDS = 20.0

BOOKMARK = re.compile(r"^_sbf(\d+)_([0-9a-f]{6})$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A number as it is written in Chinese text, with the unit characters after it.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
UNIT_AFTER = re.compile(r"\s*(%|‰|个百分点|[万亿千百]*[余多]?[元个家条件种项名人次户吨米亩岁倍份期页年月日号]?)")
# Numbers that are dates, ordinals or part numbers, never figures of the dataset.
NOT_FIGURES = [
    re.compile(r"(?<!\d)\d{4}\s*(年|[—–\-~～至]\s*\d{4})"),   # 2024年, 2021—2025
    re.compile(r"(?<![\d.])\d{1,2}\s*[月日]"),                 # 3月, 15日
    re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}"),                   # 2025-03-15
    re.compile(r"[第表图附件]\s*\d+"),                          # 第3期, 表1, 图2, 附件1
    re.compile(r"^\s*[（(]?\d+[.．、)）]"),                      # heading and list numbers: 1. （1）
]


@dataclass
class Paragraph:
    number: int                      # 1-based, in body order (table cells included)
    text: str                        # the whole visible text
    loose: list[tuple[int, str]]     # (offset, text) of text outside figure marks and fields


@dataclass
class Mark:
    index: int
    key: str
    text: str
    paragraph: int


@dataclass
class Reading:
    paragraphs: list[Paragraph]
    marks: dict[int, Mark]
    properties: dict[str, str]


@dataclass
class Finding:
    kind: str                 # changed | deleted | typed
    paragraph: int | None     # where, in the edited document
    context: str
    found: str | None = None
    expected: str | None = None
    indicator: str | None = None
    period: str | None = None
    source: str | None = None

    def line(self, file: str) -> str:
        where = (_("paragraph {number}").format(number=self.paragraph) if self.paragraph
                 else _("near the end"))
        head = f"{display_path(file)}: {where} (“{self.context}”)"
        if self.kind == "changed":
            return _(
                "{head}: '{found}' no longer matches its source: expected '{expected}' "
                "({indicator}, {period}; {source})"
            ).format(head=head, **self._values())
        if self.kind == "deleted":
            return _("{head}: the figure '{expected}' ({indicator}, {period}; {source}) was deleted").format(
                head=head, **self._values()
            )
        return _(
            "{head}: '{found}' has no source (typed by hand?); take it from the data with a helper, or delete it"
        ).format(head=head, **self._values())

    def _values(self) -> dict:
        return {"found": self.found, "expected": self.expected, "indicator": self.indicator,
                "period": self.period, "source": self.source}


def read_docx(path: str | Path, data: bytes | None = None) -> Reading:
    """The paragraphs, the figure marks and the custom properties of a DOCX."""
    from lxml import etree

    from . import safezip
    where = Location(str(path))
    what = _("Word file")
    package = (zipfile.ZipFile(io.BytesIO(data)) if data is not None
               else safezip.open_package(path, what, safezip.REFERENCE_DOCX))
    with package:
        names = set(package.namelist())
        if "word/document.xml" not in names:
            raise InputError(
                _("'{path}' is not a Word document (it has no {main}); save it from Word or WPS as .docx").format(
                    path=display_path(str(path)), main="word/document.xml"
                ),
                where,
            )
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            body = etree.fromstring(safezip.read_xml_part(package, "word/document.xml", what, where), parser)
            custom = (etree.fromstring(safezip.read_xml_part(package, "docProps/custom.xml", what, where), parser)
                      if "docProps/custom.xml" in names else None)
        except etree.XMLSyntaxError:
            raise InputError(
                _("the {what} is damaged (its part {name} cannot be read); save it again from {programs}").format(
                    what=what, name="word/document.xml", programs=_("Word or WPS")
                ),
                where,
            ) from None
    properties = {}
    if custom is not None:
        for prop in custom:
            name = prop.get("name")
            if name:
                properties[name] = "".join(prop.itertext())
    paragraphs, marks = _walk(body, where)
    return Reading(paragraphs, marks, properties)


def _over_budget(where: Location, elements: int, started: float) -> InputError | None:
    if elements > MAX_ELEMENTS:
        return InputError(_("the Word file holds more than {most:,} elements, more than verify reads; a brief "
                            "holds a few thousand: verify the DOCX the brief was built as").format(most=MAX_ELEMENTS),
                          where)
    if time.monotonic() - started > MAX_SECONDS:
        return InputError(_("reading the Word file took longer than {seconds:g} s, more than verify allows; "
                            "verify the DOCX the brief was built as").format(seconds=MAX_SECONDS), where)
    return None


def _walk(root, where: Location) -> tuple[list[Paragraph], dict[int, Mark]]:
    """Text of every paragraph, split into marked figures, field results and loose text. One
    pass, linear in the document however it is made: a paragraph of 200,000 runs, or thousands
    of bookmarks or fields left open, cost what their text costs; within MAX_ELEMENTS and
    MAX_SECONDS."""
    started, elements = time.monotonic(), 0
    paragraphs: list[Paragraph] = []
    marks: dict[int, Mark] = {}
    pieces: dict[int, list[str]] = {}              # figure index -> its text, piece by piece
    open_marks: dict[str, int] = {}                # bookmark id -> figure index
    in_result: list[bool] = []   # per open field: past its separator (its shown result)?
    showing = 0                  # how many of them are: text is a field's result while any is
    for p in root.iter(f"{W}p"):
        number = len(paragraphs) + 1
        text, loose, offset = [], [], 0
        for node in p.iter():
            elements += 1
            if elements > MAX_ELEMENTS or not elements % 65536:
                problem = _over_budget(where, elements, started)
                if problem:
                    raise problem
            tag = node.tag
            if tag == f"{W}bookmarkStart":
                m = BOOKMARK.match(node.get(f"{W}name") or "")
                if m:
                    index = int(m.group(1))
                    open_marks[node.get(f"{W}id")] = index
                    if index not in marks:
                        marks[index] = Mark(index, m.group(2), "", number)
                        pieces[index] = []
            elif tag == f"{W}bookmarkEnd":
                open_marks.pop(node.get(f"{W}id"), None)
            elif tag == f"{W}fldChar":
                kind = node.get(f"{W}fldCharType")
                if kind == "begin":
                    in_result.append(False)
                elif kind == "separate" and in_result and not in_result[-1]:
                    in_result[-1] = True
                    showing += 1
                elif kind == "end" and in_result:
                    showing -= in_result.pop()
            elif tag == f"{W}t" and node.text:
                in_field = showing > 0 or _inside(node, f"{W}fldSimple")
                text.append(node.text)
                at, offset = offset, offset + len(node.text)
                if in_field:
                    continue
                if open_marks:
                    # a figure's text goes to the mark open around it (marks never nest in a
                    # brief; in an oddly edited one, to the last opened: linear either way)
                    pieces[next(reversed(open_marks.values()))].append(node.text)
                else:
                    loose.append((at, node.text))
        paragraphs.append(Paragraph(number, "".join(text), loose))
    for index, mark in marks.items():
        mark.text = "".join(pieces[index])
    return paragraphs, marks


def _inside(node, tag: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def loose_numbers(paragraph: Paragraph) -> list[tuple[str, int]]:
    """Numbers not wholly inside a figure mark that could be figures: (number with its unit,
    offset). Found in the paragraph's whole text, as runs split anywhere (an editor splits them
    where a digit was changed); a digit typed next to a marked figure makes it loose too."""
    text = paragraph.text
    loose = [False] * len(text)
    for offset, piece in paragraph.loose:
        loose[offset:offset + len(piece)] = [True] * len(piece)
    # where a number is not a figure (dates, names …): marked once, looked up per number
    excluded = [False] * (len(text) + 1)
    for pattern in NOT_FIGURES:
        for m in pattern.finditer(text):
            excluded[m.start():m.end()] = [True] * (m.end() - m.start())
    out = []
    for m in NUMBER.finditer(text):
        if not any(loose[m.start():m.end()]) or excluded[m.start()]:
            continue
        unit = UNIT_AFTER.match(text, m.end())
        out.append((m.group() + (unit.group(1) if unit else ""), m.start()))
    return out


def _context(text: str, at: int = 0, width: int = 18) -> str:
    start = max(0, at - width)
    snippet = text[start:at + width].replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if at + width < len(text) else "")


def require_ours(docx: Path, reading: Reading) -> None:
    """A DOCX the tool made has figure marks or its properties; anything else is refused."""
    from .writers.docx.writer import PROPERTY_FIGURES, PROPERTY_SPEC
    if not reading.marks and not {PROPERTY_FIGURES, PROPERTY_SPEC} & set(reading.properties):
        raise InputError(
            _(
                "'{path}' was not made by shangli-brief (it has no figure marks); verify "
                "checks briefs built by shangli-brief"
            ).format(path=display_path(str(docx))),
            Location(str(docx)),
        )


def find_spec(docx: Path, reading: Reading, given: str | None) -> Path:
    from .writers.docx.writer import PROPERTY_SPEC
    from .portability import user_path
    if given:
        return user_path(given)
    require_ours(docx, reading)
    from .confine import inside
    named = reading.properties.get(PROPERTY_SPEC) or ""
    folder = Path(docx).resolve().parent
    # The document only says where its spec was: a spec of the workspace (briefs/NAME.yaml),
    # never a path out of it (a document from elsewhere could name any file to be read).
    if named and (Path(named).is_absolute() or not named.lower().endswith((".yaml", ".yml"))):
        raise InputError(_("the document names '{spec}' as its spec, which is not a spec of its workspace; name "
                           "the spec with --spec SPEC").format(spec=named), Location(str(docx)))
    for base in (folder.parent, folder, Path.cwd()) if named else ():
        candidate = base / named
        if inside(candidate, [base]) and candidate.is_file():
            return candidate
    raise InputError(
        _("cannot find the spec '{spec}' the document was built from; name it with --spec SPEC").format(spec=named),
        Location(str(docx)),
    )


def verify(docx: Path, spec_path: Path, workspace, settings=(), reading: Reading | None = None) -> list[Finding]:
    """The findings of an edited DOCX against its spec (`reading`: the document, if already read)."""
    from .briefspec import load_spec
    from .writers import WriteOptions
    from .writers.docx.writer import PROPERTY_FIGURES
    from .writers.docx.writer import write as write_docx
    reading = reading or read_docx(docx)
    require_ours(docx, reading)
    spec = load_spec(spec_path, settings)
    doc = workspace.document(spec)
    figures = doc.figures
    built_count = reading.properties.get(PROPERTY_FIGURES)
    if (built_count is not None and built_count != str(len(figures))) or any(
            i >= len(figures) or figures[i].key != m.key for i, m in reading.marks.items()):
        raise InputError(
            _(
                "'{path}' was built from another version of {spec} or its data (its figures no "
                "longer line up); verify it against the spec it was built from, or build it "
                "again"
            ).format(path=display_path(str(docx)), spec=display_path(str(spec_path))),
            Location(str(docx)),
        )
    expected = io.BytesIO()
    # the contents' page numbers are a field's text, never figures: not laid out for them
    write_docx(doc, workspace.theme(spec), expected, WriteOptions(contents_pages=()))
    baseline = read_docx(docx, expected.getvalue())

    findings: list[Finding] = []
    paragraphs = {p.number: p for p in reading.paragraphs}
    for index, figure in enumerate(figures):
        mark = reading.marks.get(index)
        facts = dict(expected=figure.text, indicator=figure.indicator,
                     period=figure.period.replace("~", "→"), source=figure.source)
        if mark is None or not mark.text.strip():
            # where it stood: its own (emptied) mark, else the nearest figure still in place
            where = mark.paragraph if mark else _nearest(reading.marks, index)
            findings.append(Finding("deleted", where, _expected_context(baseline, index), **facts))
        elif _plain(mark.text) != _plain(figure.text):
            text = paragraphs[mark.paragraph].text
            findings.append(Finding("changed", mark.paragraph, _context(text, text.find(mark.text)),
                                    found=mark.text, **facts))
    known = Counter(n for p in baseline.paragraphs for n, _at in loose_numbers(p))
    for p in reading.paragraphs:
        for number, at in loose_numbers(p):
            if known[number] > 0:
                known[number] -= 1
                continue
            findings.append(Finding("typed", p.number, _context(p.text, at), found=number))
    findings.sort(key=lambda f: (f.paragraph or 10**9, f.kind))
    return findings


def _nearest(marks: dict[int, Mark], index: int) -> int | None:
    before = [i for i in marks if i < index and marks[i].text.strip()]
    after = [i for i in marks if i > index and marks[i].text.strip()]
    return marks[max(before)].paragraph if before else marks[min(after)].paragraph if after else None


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _expected_context(baseline: Reading, index: int) -> str:
    """Where a deleted figure stood: its sentence in the document as built."""
    mark = baseline.marks.get(index)
    if mark is None:
        return ""
    for p in baseline.paragraphs:
        if p.number == mark.paragraph:
            return _context(p.text, p.text.find(mark.text))
    return ""


def as_json(findings: list[Finding]) -> list[dict]:
    return [asdict(f) for f in findings]


def annotate(docx: Path, findings: list[Finding], target: Path, file_label: str) -> None:
    """A copy of the document with a Word comment at each finding (python-docx's comments)."""
    import docx as python_docx
    from docx.text.paragraph import Paragraph as DocxParagraph
    from docx.text.run import Run as DocxRun
    document = python_docx.Document(str(docx))
    body = document.element.body
    paragraphs = list(body.iter(f"{W}p"))
    for finding in findings:
        number = finding.paragraph or len(paragraphs)
        p = paragraphs[number - 1] if 0 < number <= len(paragraphs) else None
        runs = list(p.iter(f"{W}r")) if p is not None else []
        runs = [r for r in runs if r.find(f"{W}t") is not None]
        if not runs:
            continue
        parent = DocxParagraph(p, document.part)
        text = finding.line(file_label).split(": ", 2)[-1]
        document.add_comment([DocxRun(runs[0], parent), DocxRun(runs[-1], parent)], text=text,
                             author="shangli-brief", initials="SB")
    document.save(str(target))

"""The format-neutral document model between the resolver and the writers.

Writers receive a Document and a Theme; they never see YAML, data files or Jinja, and never
change the model. Every block keeps where it came from (spec entry, template) for errors and
provenance notes."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from .errors import Location


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    figure: int | None = None   # this run is Document.figures[figure], as the dataset gives it


@dataclass(frozen=True)
class Figure:
    """A figure the tool wrote: the DOCX marks its text so that `verify` can tell, after the
    document was edited, whether it still says what the dataset says."""
    indicator: str
    period: str           # 2024; since~until for a change
    text: str             # as written: 突破200亿元, 增长28.4%
    source: str

    @property
    def key(self) -> str:
        """A short digest of what the figure is (not its text): a mark in an edited DOCX is
        matched to the figure of the same place only when this agrees."""
        import hashlib
        return hashlib.sha1(f"{self.indicator}|{self.period}".encode()).hexdigest()[:6]


# A helper's figure inside template output, until the Markdown is read into runs:
# FIGURE_OPEN index FIGURE_TEXT text FIGURE_CLOSE (private-use characters no text contains).
FIGURE_OPEN, FIGURE_TEXT, FIGURE_CLOSE = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{FIGURE_OPEN}(\\d+){FIGURE_TEXT}([^{FIGURE_CLOSE}]*){FIGURE_CLOSE}")


def figure_mark(index: int, text: str) -> str:
    return f"{FIGURE_OPEN}{index}{FIGURE_TEXT}{text}{FIGURE_CLOSE}"


def split_marked(text: str) -> list[tuple[str, int | None]]:
    """Marked text as (text, figure index or None) pieces; stray marks are dropped."""
    if FIGURE_OPEN not in text:
        return [(text, None)] if text else []
    out, at = [], 0
    for m in _MARKED.finditer(text):
        out.append((text[at:m.start()], None))
        out.append((m.group(2), int(m.group(1))))
        at = m.end()
    out.append((text[at:], None))
    strays = str.maketrans("", "", FIGURE_OPEN + FIGURE_TEXT + FIGURE_CLOSE)
    return [(t.translate(strays), i) for t, i in out if t]


@dataclass
class Heading:
    level: int            # 1..4; numbers (一、（一）1.（1）) come from the structure, in the writers
    text: str
    origin: Location | None = None
    numbered: bool = True  # an appendix heading (附件) has no number


@dataclass
class Paragraph:
    runs: list[Run]
    origin: Location | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class ListBlock:
    items: list[list[Run]]
    ordered: bool = False
    origin: Location | None = None


@dataclass(frozen=True)
class Column:
    label: str
    align: str = "left"   # left | right | center


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[str]]
    sources: list[str]    # article titles or data sources, for the 资料来源 line
    origin: Location | None = None
    number: int | None = None   # 表1, 表2 … in document order; None: not a numbered table
    appendix: bool = False      # the sources appendix: not numbered among the tables
    figures: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> figure
    source_line: str = ""       # 资料来源：…
    caption: Caption | None = None   # set with the number

    @property
    def caption_text(self) -> str:
        return self.caption.text if self.caption else self.title


@dataclass(frozen=True)
class ChartPoint:
    value: float
    label: str            # the data label as published: 超200, 150余, 93.82
    bound: bool = False   # only a bound is known (超/余): drawn with a mark, never as exact


@dataclass
class ChartSeries:
    name: str             # legend entry: a period (2024年) or an indicator name
    points: list[ChartPoint | None]   # one per category; None where there is no value


@dataclass
class Chart:
    kind: str             # bar | hbar | line
    title: str
    unit: str             # one unit for the value axis
    categories: list[str]
    series: list[ChartSeries]
    sources: list[str]
    origin: Location | None = None
    number: int | None = None   # 图1, 图2 … in document order
    source_line: str = ""
    caption: Caption | None = None
    note: str | None = None     # under the drawing: what a bound's mark means

    @property
    def caption_text(self) -> str:
        return self.caption.text if self.caption else self.title

    @property
    def has_bounds(self) -> bool:
        """Some value is only known as a bound (超/余): drawn with a mark, explained by a note."""
        return any(p and p.bound for s in self.series for p in s.points)

    @property
    def alt_text(self) -> str:
        """A sentence a screen reader (or a reader of the DOCX without the picture) can use."""
        parts = []
        for series in self.series:
            values = "，".join(f"{c}{p.label}{self.unit}" for c, p in zip(self.categories, series.points) if p)
            parts.append(f"{series.name}：{values}" if len(self.series) > 1 or self.kind == "line" else values)
        return f"{self.title}（单位：{self.unit}）。" + "；".join(parts) + "。"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str            # the number with its qualifier and unit, e.g. 突破200亿元
    period: str           # e.g. 2024年
    figure: int | None = None


@dataclass
class FigurePanel:
    items: list[KeyFigure]
    sources: list[str]
    title: str = ""
    origin: Location | None = None
    source_line: str = ""


@dataclass(frozen=True)
class Caption:
    """表1　title: the label and number apart, so the DOCX can number by a SEQ field."""
    label: str            # 表 / 图
    number: int
    separator: str        # between the number and the title
    title: str

    @property
    def text(self) -> str:
        return f"{self.label}{self.number}{self.separator}{self.title}"


# -- front and back matter, made by the resolver from the layout (layout.py) ----------------

@dataclass
class Masthead:
    """A 简报's 报头: the bulletin's name (from the theme), the issue, the issuer and the date."""
    issue: str | None     # 第3期
    issuer: str
    date: str             # 2025年3月15日


@dataclass
class Title:
    text: str
    subtitle: str | None = None


@dataclass
class Cover:
    title: str
    subtitle: str | None
    meta: list[str]       # the issuer and the date, one a line


@dataclass
class Contents:
    title: str            # 目　录; the entries are the numbered level-1 headings


@dataclass(frozen=True)
class ClosingLine:
    """One line of the 版记: text at the left, and text at the right where there is some."""
    left: str
    right: str = ""


@dataclass
class ClosingBlock:
    lines: list[ClosingLine]


@dataclass
class PageBreak:
    origin: Location | None = None
    new_part: bool = False   # a part (附件) that starts on a right-hand page when printing duplex


Block = Heading | Paragraph | ListBlock | Table | Chart | FigurePanel | PageBreak
# Front and back matter: made from the layout (layout.py), drawn by every writer.
Matter = Masthead | Title | Cover | Contents | ClosingBlock


@dataclass(frozen=True)
class Closing:
    """The bulletin's 版记 (GB/T 9704): 报/送/发 and 抄送 lines, the 印发机关 with the 印发日期,
    and the number of copies."""
    report: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    distribute: tuple[str, ...] = ()
    copies: int | None = None
    cc: tuple[str, ...] = ()            # 抄送
    printed_by: str | None = None       # 印发机关
    printed_on: _dt.date | None = None  # 印发日期 (default: the brief's date, when printed_by is set)


@dataclass(frozen=True)
class Citation:
    """One figure quoted by the brief, with its source."""
    indicator: str
    name: str
    period: str
    text: str             # as rendered, e.g. 突破200亿元
    source: str
    section: str
    derived: bool = False


@dataclass
class Document:
    title: str
    layout: str                       # bulletin | report
    date: _dt.date
    subtitle: str | None = None
    issuer: str | None = None
    issue: int | None = None
    closing: Closing | None = None
    draft: bool = False               # 征求意见稿 across every page
    blocks: list[Block] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)   # every figure written, in order
    front: list = field(default_factory=list)   # Masthead, Title, Cover, Contents (from the layout)
    back: list = field(default_factory=list)    # ClosingBlock
    running_header: str | None = None           # at the head of every page but the first
    draft_mark: str | None = None               # 征求意见稿, when the brief is a draft
    keywords: str = ""                          # the level-1 headings, for document properties
    source_file: str | None = None
    spec_in_workspace: str | None = None   # the spec's path in its workspace, for `verify`


def dump(doc: Document) -> str:
    """A plain-text dump of the model: a debugging aid and the golden-test oracle."""
    lines = [f"document layout={doc.layout} date={doc.date.isoformat()}", f"  title: {doc.title}"]
    for key in ("subtitle", "issuer", "issue"):
        if getattr(doc, key) is not None:
            lines.append(f"  {key}: {getattr(doc, key)}")
    if doc.closing:
        c = doc.closing
        lines.append(f"  closing: 报={'、'.join(c.report)} 送={'、'.join(c.send)} "
                     f"发={'、'.join(c.distribute)} copies={c.copies}")
    for block in doc.blocks:
        lines.extend(_dump_block(block))
    lines.append(f"citations: {len(doc.citations)}")
    for c in doc.citations:
        lines.append(f"  {c.indicator}@{c.period} = {c.text} [{c.source} / {c.section}]")
    return "\n".join(lines) + "\n"


def _runs(runs: list[Run]) -> str:
    return "".join(f"**{r.text}**" if r.bold else f"*{r.text}*" if r.italic else r.text for r in runs)


def _dump_block(block) -> list[str]:
    if isinstance(block, Heading):
        return [f"heading {block.level}{'' if block.numbered else ' (unnumbered)'}: {block.text}"]
    if isinstance(block, Paragraph):
        return [f"paragraph: {_runs(block.runs)}"]
    if isinstance(block, ListBlock):
        kind = "ordered" if block.ordered else "bullet"
        return [f"list {kind}"] + [f"  - {_runs(item)}" for item in block.items]
    if isinstance(block, Chart):
        out = [f"chart {block.number} {block.kind}: {block.title} [{block.unit}]",
               "  categories: " + " | ".join(block.categories)]
        for series in block.series:
            labels = [(p.label + ("+" if p.bound else "")) if p else "—" for p in series.points]
            out.append(f"  {series.name}: " + " | ".join(labels))
        return out + [f"  sources: {'；'.join(block.sources)}"]
    if isinstance(block, Table):
        out = [f"table {block.number}: {block.title}", "  | " + " | ".join(c.label for c in block.columns) + " |"]
        out += ["  | " + " | ".join(row) + " |" for row in block.rows]
        return out + [f"  sources: {'；'.join(block.sources)}"]
    if isinstance(block, FigurePanel):
        out = [f"figures: {block.title}"]
        out += [f"  {f.label} = {f.value} ({f.period})" for f in block.items]
        return out + [f"  sources: {'；'.join(block.sources)}"]
    if isinstance(block, PageBreak):
        return ["page-break (new part)" if block.new_part else "page-break"]
    raise TypeError(f"unknown block type {type(block).__name__}")

"""The format-neutral document model between the resolver and the writers.

Writers receive a Document and a Theme; they never see YAML, data files or Jinja, and never
change the model. Every block keeps where it came from (spec entry, template) for errors and
provenance notes."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .errors import Location


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Heading:
    level: int            # 1..4; numbers (一、（一）1.（1）) come from the structure, in the writers
    text: str
    origin: Location | None = None


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


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str            # the number with its qualifier and unit, e.g. 突破200亿元
    period: str           # e.g. 2024年


@dataclass
class FigurePanel:
    items: list[KeyFigure]
    sources: list[str]
    title: str = ""
    origin: Location | None = None


@dataclass
class PageBreak:
    origin: Location | None = None


Block = Heading | Paragraph | ListBlock | Table | FigurePanel | PageBreak


@dataclass(frozen=True)
class Closing:
    """The bulletin's 报尾: 报/送/发 lines and the number of copies."""
    report: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    distribute: tuple[str, ...] = ()
    copies: int | None = None


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
    blocks: list[Block] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    source_file: str | None = None


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
        return [f"heading {block.level}: {block.text}"]
    if isinstance(block, Paragraph):
        return [f"paragraph: {_runs(block.runs)}"]
    if isinstance(block, ListBlock):
        kind = "ordered" if block.ordered else "bullet"
        return [f"list {kind}"] + [f"  - {_runs(item)}" for item in block.items]
    if isinstance(block, Table):
        out = [f"table: {block.title}", "  | " + " | ".join(c.label for c in block.columns) + " |"]
        out += ["  | " + " | ".join(row) + " |" for row in block.rows]
        return out + [f"  sources: {'；'.join(block.sources)}"]
    if isinstance(block, FigurePanel):
        out = [f"figures: {block.title}"]
        out += [f"  {f.label} = {f.value} ({f.period})" for f in block.items]
        return out + [f"  sources: {'；'.join(block.sources)}"]
    if isinstance(block, PageBreak):
        return ["page-break"]
    raise TypeError(f"unknown block type {type(block).__name__}")

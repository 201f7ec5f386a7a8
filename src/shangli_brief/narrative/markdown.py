"""The small Markdown of narrative templates, parsed with markdown-it-py into model blocks.

Supported: paragraphs, `#`..`####` headings, **bold** and *italic* runs, bullet and numbered
lists. Anything else (tables, images, code, raw HTML) is reported, not dropped."""
from __future__ import annotations

from markdown_it import MarkdownIt

from ..errors import InputError, Location
from ..model import Block, Heading, ListBlock, Paragraph, Run, split_marked
from ..i18n import _

_md = MarkdownIt("commonmark", {"html": False})

_SKIP = {"paragraph_close", "list_item_close", "heading_close"}


def to_blocks(text: str, origin: Location | None) -> list[Block]:
    tokens = _md.parse(text)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            if level > 4:
                raise InputError(_("heading level {level} is too deep: use # to ####").format(level=level),
                    _at(origin, tok))
            blocks.append(Heading(level, _plain(tokens[i + 1]).strip(), _at(origin, tok)))
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Paragraph(_runs(tokens[i + 1], origin), _at(origin, tok)))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            i = _list(tokens, i, blocks, origin)
        elif tok.type == "hr":
            i += 1  # a thematic break carries no content in a briefing
        else:
            raise InputError(
                _("unsupported Markdown ({replace}); use paragraphs, headings, **bold** and lists").format(
                    replace=tok.type.replace("_open", "")
                ),
                _at(origin, tok),
            )
    return blocks


def _at(origin: Location | None, tok) -> Location | None:
    if origin is None or not tok.map:
        return origin
    return Location(origin.file, (origin.line or 1) + tok.map[0])


def _list(tokens, i, blocks, origin) -> int:
    start = tokens[i]
    close = start.type.replace("_open", "_close")
    items: list[list[Run]] = []
    depth = 0
    i += 1
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            if depth == 0 and tok.type == close:
                break
            depth -= 1
        elif tok.type == "inline":
            runs = _runs(tok, origin)
            if depth == 0 or not items:
                items.append(runs)
            else:  # nested items are folded into their parent item
                items[-1] = items[-1] + [Run("；")] + runs
        i += 1
    blocks.append(ListBlock(items, start.type == "ordered_list_open", _at(origin, start)))
    return i + 1


def _plain(inline) -> str:
    return "".join(r.text for r in _runs(inline, None))  # a heading keeps no figure marks


def _runs(inline, origin) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for child in inline.children or []:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            for text, figure in split_marked(child.content):  # a helper's figure: its own run
                _append(runs, Run(text, bold, italic, figure))
        elif kind == "softbreak":
            _append(runs, Run(_joiner(runs, inline, child), bold, italic))
        elif kind == "hardbreak":
            _append(runs, Run("\n", bold, italic))
        elif kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind in ("link_open", "link_close"):
            continue  # keep the link text; a printed briefing has no links
        else:
            raise InputError(_("unsupported Markdown ({kind}) in text").format(kind=kind), _at(origin, inline))
    return [r for r in runs if r.text]


def _joiner(runs, inline, child) -> str:
    """A line break inside a paragraph: nothing between Chinese characters, a space between
    Latin words."""
    children = inline.children
    nxt = children[children.index(child) + 1] if children.index(child) + 1 < len(children) else None
    before = runs[-1].text[-1:] if runs else ""
    after = nxt.content[:1] if nxt is not None and nxt.content else ""
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def _append(runs: list[Run], run: Run) -> None:
    if runs and runs[-1].bold == run.bold and runs[-1].italic == run.italic \
            and runs[-1].figure is None and run.figure is None:
        runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic)
    else:
        runs.append(run)

"""One table of writers: every format in it is a writer that handles every block type of the
model, and the schema and the command line take their format names from it."""
from __future__ import annotations

import ast
import importlib
import re
import typing
from pathlib import Path

import yaml

from shangli_brief import model
from shangli_brief.briefspec import schema
from shangli_brief.writers import FORMATS, WRITERS, writer_for

BLOCKS = typing.get_args(model.Block) + typing.get_args(model.Matter)


def test_every_writer_handles_every_block_type():
    assert len(BLOCKS) >= 12 and "html" in WRITERS
    for fmt, module in WRITERS.items():
        writer = importlib.import_module(module)
        visitor = next(c for c in vars(writer).values()
                       if isinstance(c, type) and hasattr(c, "visit") and c.__module__ == module)
        missing = [b.__name__ for b in BLOCKS if not hasattr(visitor, f"visit_{b.__name__}")]
        assert not missing, (fmt, missing)
        assert callable(writer_for(fmt))


def test_format_names_come_from_the_table():
    assert schema.FORMATS is FORMATS
    assert set(schema.Spec.__dataclass_fields__["formats"].default) <= set(FORMATS)


WRITER_FILES = sorted((Path(importlib.import_module("shangli_brief.writers").__file__).parent).rglob("*.py"))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _strings(tree):
    """String constants that are code, not docstrings."""
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def test_writers_hold_no_document_words_and_ask_no_layout_name():
    """The words of a document (资料来源, 目录, 共印…份, 表/图 …) come from the layout's words
    (layouts/words/), its front and back matter from the layout (layouts/): a writer draws the
    blocks it is given and never asks which layout it draws."""
    words, branches = [], []
    for path in WRITER_FILES:
        tree = ast.parse(path.read_text("utf-8"))
        words += [f"{path.name}:{n.lineno}: {n.value!r}" for n in _strings(tree) if CJK.search(n.value)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                names = [getattr(x, "attr", getattr(x, "id", None)) for x in [node.left, *node.comparators]]
                if "layout" in names:
                    branches.append(f"{path.name}:{node.lineno}")
    assert words == [] and branches == []


def test_a_new_layout_is_a_bundle_and_no_writer_change(tmp_path, monkeypatch):
    """An English-worded bulletin: a layout file and a words file, built in every format."""
    from shangli_brief import layout
    folder = Path(layout.__file__).parent / "layouts"
    words = yaml.safe_load((folder / "words" / "zh.yaml").read_text("utf-8"))
    words.update(source_note="Source: {sources}", source_separator="; ", caption_table="Table ",
                 caption_chart="Figure ", caption_separator=". ", issue="No. {issue}",
                 date="{day} {month}/{year}", copies="({copies} copies)", contents="Contents")
    english = layout.Layout("memo", "bulletin", ("masthead", "title"), ("closing",), False, words)
    monkeypatch.setattr(layout, "load_layout", lambda name: english)
    monkeypatch.setattr("shangli_brief.resolve.load_layout", lambda name: english)
    from shangli_brief.build import Workspace
    from shangli_brief.briefspec import load_spec
    spec_path = tmp_path / "briefs" / "memo.yaml"
    spec_path.parent.mkdir()
    spec_path.write_text("title: Memo\nissue: 2\nsections:\n  - table:\n      title: Output\n"
                         "      indicators: [fireworks.output]\nclosing:\n  copies: 5\n", "utf-8")
    workspace = Workspace()
    spec = load_spec(spec_path)
    doc = workspace.document(spec)
    texts = []
    for fmt in WRITERS:
        target = tmp_path / f"memo.{fmt}"
        writer_for(fmt)(doc, workspace.theme(spec), str(target))
        texts.append(target)
    html = texts[-1].read_text("utf-8")
    assert "Table 1. Output" in html and "Source: " in html and "No. 2" in html and "(5 copies)" in html
    assert "资料来源" not in html and "共印" not in html

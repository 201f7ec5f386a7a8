"""One table of writers: every format in it is a writer that handles every block type of the
model, and the schema and the command line take their format names from it."""
from __future__ import annotations

import importlib
import typing

from shangli_brief import model
from shangli_brief.briefspec import schema
from shangli_brief.writers import FORMATS, WRITERS, writer_for

BLOCKS = typing.get_args(model.Block)


def test_every_writer_handles_every_block_type():
    assert len(BLOCKS) >= 7
    for fmt, module in WRITERS.items():
        writer = importlib.import_module(module)
        visitor = next(c for c in vars(writer).values()
                       if isinstance(c, type) and hasattr(c, "visit") and c.__module__ == module)
        missing = [b.__name__ for b in BLOCKS if not hasattr(visitor, f"visit_{b.__name__}")]
        assert not missing, (fmt, missing)
        assert callable(writer_for(fmt))


def test_format_names_come_from_the_table():
    assert schema.FORMATS is FORMATS
    assert schema.Spec.__dataclass_fields__["formats"].default == FORMATS

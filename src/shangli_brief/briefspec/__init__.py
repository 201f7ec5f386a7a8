"""Brief specs: YAML files choosing what a briefing contains."""
from .schema import (ChartEntry, Closing, FiguresEntry, PageBreakEntry, SectionEntry, Spec, TableEntry,
                     TextEntry, load_spec, read_spec)

__all__ = ["ChartEntry", "Closing", "FiguresEntry", "PageBreakEntry", "SectionEntry", "Spec", "TableEntry",
           "TextEntry", "load_spec", "read_spec"]

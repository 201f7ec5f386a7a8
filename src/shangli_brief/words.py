"""Where Chinese words begin, for breaking a title only between words (GB/T 9704: 词意完整).

rjieba (jieba's dictionary and algorithm, compiled) segments a title in a fraction of a
millisecond, but loading its dictionary takes about 0.1 s: a title is segmented once and the
result kept in the cache folder, keyed by its text, so a rebuild loads nothing."""
from __future__ import annotations

import hashlib
import json
import os

from .portability import cache_dir

VERSION = 1


def word_starts(text: str) -> set[int]:
    """The positions in `text` where a word begins (0 and len(text) included)."""
    entry = cache_dir() / "words" / (hashlib.sha256(f"{VERSION}:{text}".encode()).hexdigest()[:24] + ".json")
    try:
        lengths = json.loads(entry.read_text("utf-8"))
    except (OSError, ValueError):
        import rjieba
        lengths = [len(word) for word in rjieba.cut(text)]
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            partial = entry.with_suffix(f".{os.getpid()}.part")
            partial.write_text(json.dumps(lengths), "utf-8")
            os.replace(partial, entry)
        except OSError:
            pass  # no writable cache: segmented again next time
    starts, at = {0}, 0
    for length in lengths:
        at += length
        starts.add(at)
    return starts


def word_lines(text: str, room: float) -> str:
    """`text` as it fits `room` characters: itself, or balanced lines broken only between words
    (titles, chart labels, key-figure labels; joined by line breaks). The segmenter is asked
    only for a text that must break."""
    from .typography import balanced_lines, text_units
    if text_units(text) <= room:
        return text
    return "\n".join(balanced_lines(text, room, word_starts(text)))

"""What a fresh process would otherwise work out again from the same files, kept in the cache
folder: the built-in dataset as parsed, what each section template declares.

Every entry is named after what it was made from: the inputs' bytes, this package's version and
the code that makes it (its source files' bytes), so a change to any of them makes a new entry
rather than reading a stale one. A cache that cannot be read or written is not used: the value
is made as if there were none."""
from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from . import PACKAGE, __version__
from .portability import cache_dir

T = TypeVar("T")


@lru_cache(maxsize=None)  # the code does not change while a process runs
def fingerprint(*sources: str) -> str:
    """This package's version and the bytes of its source files `sources` (relative to the
    package): what a cached result depends on besides its inputs."""
    digest = hashlib.sha256(__version__.encode())
    for name in sources:
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16]


def remembered(kind: str, made_from: bytes, make: Callable[[], T]) -> T:
    """make(), or what it gave before for the same `made_from` (which must include the
    fingerprint of the code behind `make`)."""
    path = cache_dir() / kind / f"{hashlib.sha256(made_from).hexdigest()[:24]}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - absent, damaged or unreadable: made again
        pass
    value = make()
    keep(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def keep(path: Path, data: bytes) -> None:
    """Written whole or not at all (another process may write the same entry meanwhile)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        try:
            temp.unlink()
        except OSError:
            pass

"""A lock on a folder, held by one process at a time: builds publishing into one output folder,
and conversions growing one cached font. POSIX locks the folder itself, leaving no file behind;
Windows locks a small file in it, .manifest.lock."""
from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

LOCK = ".manifest.lock"


class LockError(OSError):
    """The folder cannot be opened for its lock."""


@contextlib.contextmanager
def folder_locked(folder: Path):
    try:
        handle = _open_lock(Path(folder))
    except OSError as e:
        raise LockError(e.errno, e.strerror) from None
    held = False
    try:
        try:
            _lock(handle)
            held = True
        except OSError as e:
            # a network share that keeps no locks (NFS without its lock service, some SMB
            # mounts): the work goes on unlocked, as it must there
            if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise LockError(e.errno, e.strerror) from None
        yield
    finally:
        try:
            if held:
                _unlock(handle)
        finally:
            os.close(handle)


if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    def _open_lock(folder: Path) -> int:
        return os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)

    def _lock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(handle, msvcrt.LK_LOCK, 1)  # retries for 10 s itself
                return
            except OSError:
                continue

    def _unlock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _open_lock(folder: Path) -> int:
        return os.open(folder, os.O_RDONLY)

    def _lock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX)

    def _unlock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)

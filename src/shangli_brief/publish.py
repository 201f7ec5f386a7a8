"""Publishing a brief's files all together or not at all.

Every file is first written in full under a temporary name in the output folder; only then are
they renamed over the old files, one after another. When a rename fails (on Windows: the file
is open in Word or WPS) the files already replaced get their old contents back, so a reader
never finds a new DOCX beside an old PDF. Where the system has O_TMPFILE (Linux) the bytes go
to an unnamed file first, so even a SIGKILL mid-write leaves nothing behind."""
from __future__ import annotations

import glob
import errno
import os
import shutil
from pathlib import Path

from .errors import BuildError, Location, display_path
from .portability import can_make_unnamed_files
from .i18n import _


def publish(final: Path, data: bytes) -> None:
    publish_all([(Path(final), data)])


class Staged:
    """A file written in full (and synced) before the other files of its brief are ready, as an
    unnamed file in the output folder (O_TMPFILE: even a SIGKILL meanwhile leaves nothing):
    publish_all gives it its temporary name and renames it with the others. Only where the
    system makes unnamed files (can_make_unnamed_files). Whoever makes one hands it to
    publish_all or discards it."""

    def __init__(self, final: Path, data: bytes):
        self.final = Path(final)
        self.temp = _temp_name(self.final, "part")
        self.data = data
        self._fd: int | None = _unnamed(self.final.parent, data)

    def name(self) -> Path:
        """Its temporary name, given now (as _stage does when it writes); written anew under
        that name where the folder refuses to link an unnamed file."""
        _check_stage(self.final)
        try:
            _link(self._fd, self.final.parent, self.temp)
        except OSError as e:
            if not unnamed_files_refused(e):
                raise _cannot_write(self.final, e) from None
            self._close()
            return _stage(self.final, self.data)
        finally:
            self._close()
        return self.temp

    def discard(self) -> None:
        if self._fd is not None:
            self._close()
        else:
            _remove(self.temp)

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def publish_all(files: list) -> None:
    """Write every (path, bytes) — or take every Staged — or, on any failure, none: the old
    files stay as they were."""
    staged: list[tuple[Path, Path]] = []   # (temporary, final)
    backups: dict[Path, Path | None] = {}  # final -> a copy of its old contents (None: was new)
    replaced: list[Path] = []
    try:
        # Each temporary name is recorded before its file is made, so that a signal arriving
        # at any moment (a killed batch stops its workers with SIGTERM) leaves none behind.
        for item in files:
            final = item.final if isinstance(item, Staged) else Path(item[0])
            staged.append((_temp_name(final, "part"), final))
            if isinstance(item, Staged):
                item.name()
            else:
                _stage(final, item[1])
        for __, final in staged:
            backups[final] = _temp_name(final, "old")
            if not _backup(final):
                backups[final] = None
        for temp, final in staged:
            try:
                os.replace(temp, final)
            except PermissionError:
                raise _in_use(final) from None
            replaced.append(final)
    except BaseException:
        for final in reversed(replaced):
            _restore(final, backups.get(final))
        raise
    finally:
        for temp, __ in staged:
            _remove(temp)
        for backup in backups.values():
            if backup is not None:
                _remove(backup)


def _temp_name(final: Path, kind: str) -> Path:
    return final.parent / f".{final.name}.{os.getpid()}.{kind}"


def _sweep(final: Path) -> None:
    """Temporary names left by a process killed outright mid-publish (SIGKILL, power loss) are
    removed by the next build; those of a build still running are left alone."""
    for leftover in final.parent.glob(f".{glob.escape(final.name)}.*.*"):
        pid = leftover.name[len(final.name) + 2:].split(".")[0]
        if pid.isdigit() and not _running(int(pid)):
            _remove(leftover)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - no cheap test for a pid: keep the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _check_stage(final: Path) -> None:
    _sweep(final)
    if final.is_dir():
        raise BuildError(_("cannot write {name}: a folder of that name is in the way").format(name=final.name),
                         Location(display_path(str(final.parent))))


def _cannot_write(final: Path, e: OSError) -> BuildError:
    return BuildError(_("cannot write {name}: {value}").format(name=final.name, value=e.strerror or e),
                      Location(display_path(str(final.parent))))


# What a file system without unnamed files answers (SMB, NFS, FUSE, vfat: EOPNOTSUPP; others
# EISDIR or EINVAL), or without linking one into a folder: the named way then, for that folder.
NO_UNNAMED_FILES = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM}


def unnamed_files_refused(error: OSError) -> bool:
    return error.errno in NO_UNNAMED_FILES


def _stage(final: Path, data: bytes) -> Path:
    _check_stage(final)
    temp = _temp_name(final, "part")
    try:
        if can_make_unnamed_files():
            try:
                _write_unnamed(final.parent, temp, data)
                return temp
            except OSError as e:
                if not unnamed_files_refused(e):
                    raise
                _remove(temp)
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            _sync(out.fileno())
    except OSError as e:
        _remove(temp)
        raise _cannot_write(final, e) from None
    except BaseException:  # interrupted while writing: nothing half-written stays
        _remove(temp)
        raise
    return temp


def _sync(fd: int) -> None:
    """fsync, where the file system has it (some network shares answer EINVAL)."""
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise


def _write_unnamed(folder: Path, temp: Path, data: bytes) -> None:
    fd = _unnamed(folder, data)
    try:
        _link(fd, folder, temp)
    finally:
        os.close(fd)


def _unnamed(folder: Path, data: bytes) -> int:
    """An unnamed file in `folder` holding `data`, synced: its descriptor."""
    fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        _sync(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _link(fd: int, folder: Path, temp: Path) -> None:
    # linkat(…, AT_SYMLINK_FOLLOW) gives the unnamed file its temporary name; Python calls
    # linkat (not link, which would not follow /proc's link) only when given a folder fd.
    folder_fd = os.open(folder, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", temp.name, dst_dir_fd=folder_fd, follow_symlinks=True)
    finally:
        os.close(folder_fd)


def _backup(final: Path) -> bool:
    """Keep the old file's contents until every new file is in place, under its "old"
    temporary name: a second name for it (a hard link, free) or, where links are not possible
    (FAT drives), a copy."""
    if not final.exists():
        return False  # a new file: nothing to keep
    backup = _temp_name(final, "old")
    try:
        os.link(final, backup)
    except (OSError, NotImplementedError, AttributeError):
        try:
            shutil.copy2(final, backup)
        except PermissionError:
            raise _in_use(final) from None
        except OSError as e:
            raise BuildError(
                _("cannot keep the old {name} while writing: {value}").format(name=final.name, value=e.strerror or e),
                Location(display_path(str(final.parent))),
            ) from None
    return True


def _restore(final: Path, backup: Path | None) -> None:
    try:
        if backup is None:
            final.unlink()
        else:
            os.replace(backup, final)
    except OSError:
        pass  # nothing better to do: the error that brought us here is what gets reported


def _in_use(final: Path) -> BuildError:
    shown = display_path(str(final))
    return BuildError(
        _(
            "cannot replace {shown}: it is open in another program or write-protected; close "
            "{shown} in Word or WPS and build again (the earlier files are kept)"
        ).format(shown=shown)
    )


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass

"""out/manifest.json: every file written, with sha256, size, pages and what it was made from.

A brief's files and its manifest entries are published together (publish_all), under a lock on
the output folder, so builds running at the same time into one folder never lose each other's
entries, and a failed build leaves the manifest as it was. The file has no timestamp: the same
inputs give the same bytes."""
from __future__ import annotations

import contextlib
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from . import PACKAGE, __version__
from .errors import BuildError, Location, display_path
from .folderlock import LockError, folder_locked
from .i18n import _, os_message

MANIFEST = "manifest.json"
LOCK = ".manifest.lock"


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _dataset_sha256() -> str:
    dataset = (PACKAGE / "data" / "indicators.yaml").read_bytes()
    return hashlib.sha256(dataset).hexdigest()


def inputs(spec) -> dict:
    """What a brief was made from: the spec, its data files, and this version's dataset."""
    return {
        "spec": str(spec.path), "spec_sha256": _sha256(spec.path),
        "data": [{"file": p, "sha256": _sha256(spec.path_in_workspace(p))} for p, __ in spec.data],
        "dataset_sha256": _dataset_sha256(),
        "shangli_brief": __version__,
    }


def updated(out_dir: Path, outputs, made_from: dict, new_names: set[str]) -> bytes:
    """The manifest with these outputs' entries; entries of files built earlier stay while their
    files exist (`new_names` are about to exist)."""
    path = Path(out_dir) / MANIFEST
    entries = {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        data = {"files": []}
    except (ValueError, OSError):
        data = {"files": []}  # a damaged manifest is rebuilt from what is written now
    if not (isinstance(data, dict) and isinstance(data.get("files"), list)
            and all(isinstance(e, dict) and "file" in e and "sha256" in e for e in data["files"])):
        # another program's manifest.json (an out/ linked to a shared folder): not ours to replace
        raise BuildError(_("{path} is not shangli-brief's manifest; build into another folder with --out DIR")
                         .format(path=display_path(str(path))), Location(display_path(str(out_dir))))
    entries = {e["file"]: e for e in data["files"]}
    for out in outputs:
        entries[out.path.name] = {"file": out.path.name, "format": out.format, "sha256": out.sha256,
                                  "size": out.size, "pages": out.pages, **made_from}
    files = [entries[name] for name in sorted(entries)
             if name in new_names or (Path(out_dir) / name).exists()]
    return (json.dumps({"files": files}, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


@contextlib.contextmanager
def locked(out_dir: Path):
    """Hold the output folder's lock (waiting for another build publishing there)."""
    try:
        with folder_locked(Path(out_dir)):
            yield
    except LockError as e:
        raise BuildError(_("cannot write to the output folder: {strerror}").format(strerror=os_message(e)),
                         Location(display_path(str(out_dir)))) from None



"""Installed fonts by family name, on any system: fontconfig where it exists, and the font
folders themselves (SHANGLI_BRIEF_FONT_DIRS first, then Windows', macOS' or the XDG folders)
read with fontTools, English and Chinese names alike.

Reading a name table takes about a millisecond; a Windows font folder holds hundreds of files.
The scan is kept in the cache folder, one entry per folder keyed on its modification time (a
font added or removed changes it), so a build reads nothing but that file."""
from __future__ import annotations

import json
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

from .portability import cache_dir, system_font_dirs, user_path

FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
SCAN_VERSION = 1


@dataclass(frozen=True)
class Face:
    file: str
    index: int
    format: str       # TrueType | CFF


@dataclass(frozen=True)
class FaceNames:
    face: Face
    families: tuple[str, ...]   # every family name, in every language the font gives
    styles: tuple[str, ...]     # its own style first ("Regular", "Bold", ...)


def named_font_dirs() -> list[Path]:
    """SHANGLI_BRIEF_FONT_DIRS: folders searched before the system's (os.pathsep-separated)."""
    text = os.environ.get("SHANGLI_BRIEF_FONT_DIRS", "")
    return [user_path(d) for d in text.split(os.pathsep) if d.strip()]


def all_faces() -> list[FaceNames]:
    """Every installed face, the folders named by the user first. fontconfig, where present,
    stands for the system folders (it has scanned them already)."""
    faces = scan_folders(named_font_dirs())
    if shutil.which("fc-list") is not None:
        faces += fontconfig_faces()
    else:
        faces += scan_folders(system_font_dirs())
    return faces


def fontconfig_faces() -> list[FaceNames]:
    """fontconfig's list of faces, kept in the cache folder while the system's font folders and
    fontconfig's configuration are as they were (their modification times: a font installed
    changes its folder's); asking fc-list costs every command a process."""
    state = [[path, mtime] for folder in [*system_font_dirs(), Path("/etc/fonts")]
             for path, mtime in _walk_with_config(folder)]
    cache_file = cache_dir() / "fc-list.json"
    try:
        cached = json.loads(cache_file.read_text("utf-8"))
        if cached.get("version") == SCAN_VERSION and cached.get("state") == state:
            return [_from_json(row) for row in cached["faces"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    faces = _ask_fontconfig()
    _save(cache_file, {"version": SCAN_VERSION, "state": state, "faces": [_as_json(f) for f in faces]})
    return faces


def _walk_with_config(folder: Path):
    """_walk, and for fontconfig's own folder its main configuration file too (conf.d is one of
    the subfolders walked)."""
    yield from _walk(folder)
    if folder == Path("/etc/fonts"):
        try:
            yield str(folder / "fonts.conf"), (folder / "fonts.conf").stat().st_mtime_ns
        except OSError:
            pass


def _ask_fontconfig() -> list[FaceNames]:
    import subprocess
    out = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\t%{fontformat}\n"],
                         capture_output=True, text=True, check=False).stdout
    faces = []
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) == 5 and parts[4] in ("TrueType", "CFF"):
            faces.append(FaceNames(Face(parts[0], int(parts[1] or 0), parts[4]),
                                   tuple(f.strip() for f in parts[2].split(",")),
                                   tuple(s.strip() for s in parts[3].split(","))))
    return faces


def scan_folders(folders: list[Path]) -> list[FaceNames]:
    if not folders:
        return []
    cache_file = cache_dir() / "font-scan.json"
    try:
        cached = json.loads(cache_file.read_text("utf-8"))
        if cached.get("version") != SCAN_VERSION:
            cached = {}
    except (OSError, ValueError):
        cached = {}
    entries = cached.get("folders", {})
    faces, changed = [], False
    for folder in folders:
        for path, mtime in _walk(folder):
            entry = entries.get(path)
            if entry is None or entry["mtime"] != mtime:
                entry = {"mtime": mtime, "faces": [_as_json(f) for f in _read_folder(Path(path))]}
                entries[path] = entry
                changed = True
            faces += [_from_json(f) for f in entry["faces"]]
    if changed:
        _save(cache_file, {"version": SCAN_VERSION, "folders": entries})
    return faces


def _walk(folder: Path):
    """(folder, mtime) for a folder and its subfolders, in a stable order."""
    try:
        stat = folder.stat()
    except OSError:
        return
    yield str(folder), stat.st_mtime_ns
    try:
        subfolders = sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return
    for sub in subfolders:
        yield from _walk(sub)


def _read_folder(folder: Path) -> list[FaceNames]:
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
    except OSError:
        return []
    faces = []
    for path in files:
        faces += read_faces(path)
    return faces


def read_faces(path: Path) -> list[FaceNames]:
    """The faces of one font file with their names; a file fontTools cannot read is skipped
    (a folder of system fonts holds all kinds)."""
    from fontTools.ttLib import TTFont, TTLibError
    try:
        with open(path, "rb") as f:
            head = f.read(12)
        count = int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1
        faces = []
        for index in range(min(count, 64)):
            font = TTFont(str(path), fontNumber=index, lazy=True)
            try:
                fmt = "TrueType" if "glyf" in font else "CFF" if "CFF " in font else None
                if fmt is None or "name" not in font:
                    continue
                families, styles = _names(font["name"])
                if families:
                    faces.append(FaceNames(Face(str(path), index, fmt), families, styles))
            finally:
                font.close()
        return faces
    except (OSError, TTLibError, ValueError, KeyError, AssertionError, IndexError, struct.error):
        return []


def _names(table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def strings(name_id: int, english_only: bool = False) -> list[str]:
        out = []
        for record in table.names:
            if record.nameID != name_id:
                continue
            if english_only and not (record.platformID == 1 or record.langID == 0x409):
                continue
            try:
                text = record.toUnicode().strip()
            except UnicodeDecodeError:
                continue
            if text and text not in out:
                out.append(text)
        return out
    # Typographic family and style (16/17) where the font has them, else the legacy ones (1/2):
    # "Noto Serif CJK SC" + "Bold" rather than "Noto Serif CJK SC Bold" + "Regular".
    typographic = strings(16)
    families = typographic + [f for f in strings(1) if f not in typographic]
    styles = strings(17, english_only=True) or strings(2, english_only=True) or ["Regular"]
    return tuple(families), tuple(styles)


def _as_json(face: FaceNames) -> list:
    return [face.face.file, face.face.index, face.face.format, list(face.families), list(face.styles)]


def _from_json(row: list) -> FaceNames:
    return FaceNames(Face(row[0], row[1], row[2]), tuple(row[3]), tuple(row[4]))


def _save(path: Path, data: dict) -> None:
    """The cache is an optimisation: a folder we cannot write to costs a rescan, not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(partial, path)
    except OSError:
        pass

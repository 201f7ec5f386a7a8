"""`shangli-brief watch`: build, then rebuild a brief whenever one of its inputs changes.

Its inputs: the spec, the data files and theme it names, its reference Word file, and every file
in the template folders it sees. Fonts, ReportLab and python-docx stay loaded between rebuilds,
so a rebuild costs only the brief itself. Each rebuild publishes all its files together (as
`build` does), so Ctrl-C at any moment leaves the earlier files whole; no helper process runs."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from . import batch
from .batch import Job, build_one
from .briefspec.schema import workspace_of
from .i18n import _


def inputs_of(spec_path: Path, job: Job) -> tuple[set[Path], list[Path]]:
    """The files a brief is made from, and the folders whose every file counts (templates)."""
    from .errors import BriefError, ErrorList
    from .briefspec import read_spec
    files = {spec_path.resolve()}
    workspace = workspace_of(spec_path)
    folders = [workspace / "templates", *job.template_dirs]
    try:
        spec, __ = read_spec(spec_path, job.settings)
    except (BriefError, ErrorList, OSError):
        return files, folders  # a broken spec: its own changes are what matters
    for path, __ in spec.data:
        files.add(spec.path_in_workspace(path).resolve())
    if spec.theme:
        files.add(spec.path_in_workspace(spec.theme[0]).resolve())
    if spec.reference_docx:
        files.add(spec.path_in_workspace(spec.reference_docx[0]).resolve())
    folders += [spec.path_in_workspace(p) for p, __ in spec.templates]
    return files, [f.resolve() for f in folders]


def _now() -> str:
    return time.strftime("%H:%M:%S")


def run(paths: list[Path], job: Job, report) -> int:
    """Watch until interrupted; `report(line, error=False)` prints."""
    from watchfiles import watch

    def rebuild(path: Path) -> None:
        if not path.exists():
            report(_("{now} {path}: the spec is gone; watching for it to come back").format(now=_now(), path=path),
                True)
            return
        batch.reset_workspace()  # data, theme and templates read afresh; fonts stay loaded
        result = build_one(path, job)
        for message, __, __ in result.errors:
            report(_("error: {message}").format(message=message), True)
        for out in result.outputs:
            for warning in out.warnings:
                report(_("warning: {message}").format(message=warning), True)
        if result.outputs:
            names = ", ".join(str(o.path) for o in result.outputs)
            report(
                _("{now} built {path} in {seconds:.2f} s: {names}").format(
                    now=_now(), path=path, seconds=result.seconds, names=names
                )
            )
        else:
            report(_("{now} {path} not built; fix the error above and save again").format(now=_now(), path=path), True)

    for path in paths:
        rebuild(path)
    watched = {path: inputs_of(path, job) for path in paths}
    roots = sorted({str(workspace_of(p)) for p in paths} | {str(p.resolve().parent) for p in paths}
                   | {str(f.parent) for files, __ in watched.values() for f in files if f.parent.exists()}
                   | {str(d) for __, dirs in watched.values() for d in dirs if d.exists()})
    outputs = {Path(job.out_dir).resolve()} if job.out_dir else set()
    # "watching" is said once the watcher is in place: watchfiles sets it up when its generator
    # first runs, and yields an empty set after `rust_timeout` ms without a change. Ctrl-C is
    # raised as KeyboardInterrupt (main_loop says "stopped"), not logged in English.
    ready = False
    for changes in watch(*roots, debounce=50, step=20, rust_timeout=200, yield_on_timeout=True,
                         raise_interrupt=True, watch_filter=lambda change, name: _relevant(name, outputs)):
        if not ready:
            ready = True
            report(_("watching {count} brief(s); save a spec, template, theme or data file to rebuild; "
                     "Ctrl-C stops").format(count=len(paths)))
        changed = {Path(name).resolve() for __, name in changes}
        for path in paths:
            files, folders = watched[path]
            if changed & files or any(folder in c.parents for c in changed for folder in folders):
                rebuild(path)
                watched[path] = inputs_of(path, job)  # the spec may name other files now
    return 0


def _relevant(name: str, outputs: set[Path]) -> bool:
    """Our own output and temporary files never trigger a rebuild."""
    path = Path(name)
    if path.name.startswith(".") or path.suffix in (".part", ".old"):
        return False
    if path.parent.name == "out":  # a workspace's output folder (a letterhead elsewhere counts)
        return False
    return not any(o in path.parents for o in outputs)


def main_loop(paths, job) -> int:
    def report(line: str, error: bool = False) -> None:
        print(line, file=sys.stderr if error else sys.stdout, flush=True)
    try:
        return run(paths, job, report)
    except KeyboardInterrupt:
        print(_("stopped"), file=sys.stderr)
        return 0
    finally:
        sys.stdout.flush()

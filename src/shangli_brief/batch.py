"""Building many specs: a process pool over both cores, results as each spec finishes, and the
manifest of what was written. Each worker loads fonts, templates and data once, for all the
specs it builds; a failing spec does not stop the others."""
from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__
from .build import OutputFile, Workspace, build
from .errors import BriefError, ErrorList
from .portability import die_with_parent, process_context
from .publish import publish
from .spec import load_spec
from .writers import WriteOptions

MANIFEST = "manifest.json"


@dataclass
class SpecResult:
    spec: Path
    outputs: list[OutputFile] = field(default_factory=list)
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # message, exit code, traceback
    inputs: dict = field(default_factory=dict)
    seconds: float = 0.0


_workspace: Workspace | None = None  # one per worker process


def _init_worker(template_dirs: tuple[Path, ...]) -> None:
    global _workspace
    die_with_parent()  # a killed build takes its workers with it
    _workspace = Workspace(template_dirs)


def build_one(path: Path, out_dir: Path, formats, template_dirs=(),
              options: WriteOptions = WriteOptions(), parallel: bool = False) -> SpecResult:
    """Build one spec, never raising: problems come back in the result (worker processes cannot
    send our exceptions back with their locations)."""
    global _workspace
    if _workspace is None:
        _workspace = Workspace(template_dirs)
    start = time.perf_counter()
    result = SpecResult(Path(path))
    try:
        spec = load_spec(path)
        result.outputs = build(spec, Path(out_dir), formats, _workspace, options, parallel)
        result.inputs = _inputs(spec)
    except ErrorList as e:
        result.errors = [(str(err), err.exit_code, _trace(err)) for err in e.errors]
    except BriefError as e:
        result.errors = [(str(e), e.exit_code, _trace(e))]
    result.seconds = time.perf_counter() - start
    return result


def _trace(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def run(paths: list[Path], out_dir: Path, formats, template_dirs=(), jobs: int = 1,
        options: WriteOptions = WriteOptions()):
    """Yield a SpecResult per spec as each finishes."""
    if jobs <= 1 or len(paths) <= 1:
        # A single brief writes its DOCX and PDF in parallel, on both cores; a batch with one
        # worker stays on one core, as asked.
        for path in paths:
            yield build_one(path, out_dir, formats, template_dirs, options, parallel=len(paths) == 1)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    # fork where the system has it: workers start with the imported modules; spawn elsewhere.
    # Either way each worker loads fonts and templates once, for all the specs it builds.
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=process_context(),
                             initializer=_init_worker,
                             initargs=(tuple(template_dirs),)) as pool:
        futures = [pool.submit(build_one, path, out_dir, formats, (), options) for path in paths]
        for future in as_completed(futures):
            yield future.result()


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _dataset_sha256() -> str:
    from importlib import resources
    dataset = resources.files("shangli_brief").joinpath("data", "indicators.yaml").read_bytes()
    return hashlib.sha256(dataset).hexdigest()


def _inputs(spec) -> dict:
    """What a brief was made from: the spec, its data files, and this version's dataset."""
    return {
        "spec": str(spec.path), "spec_sha256": _sha256(spec.path),
        "data": [{"file": p, "sha256": _sha256(spec.path_in_workspace(p))} for p, _ in spec.data],
        "dataset_sha256": _dataset_sha256(),
        "shangli_brief": __version__,
    }


def write_manifest(out_dir: Path, results: list[SpecResult]) -> Path | None:
    """out/manifest.json: every file written, with sha256, size, pages and its inputs. Entries of
    files built earlier stay; the file has no timestamp, so it is reproducible too."""
    import json
    written = [r for r in results if r.outputs]
    if not written:
        return None
    path = Path(out_dir) / MANIFEST
    entries = {}
    if path.exists():
        try:
            entries = {e["file"]: e for e in json.loads(path.read_text("utf-8")).get("files", [])}
        except (ValueError, KeyError, AttributeError):
            entries = {}  # a damaged manifest is rebuilt from what is written now
    for result in written:
        for out in result.outputs:
            entries[out.path.name] = {"file": out.path.name, "format": out.format, "sha256": out.sha256,
                                      "size": out.size, "pages": out.pages, **result.inputs}
    files = [entries[name] for name in sorted(entries) if (Path(out_dir) / name).exists()]
    data = json.dumps({"files": files}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    publish(path, data.encode("utf-8"))
    return path

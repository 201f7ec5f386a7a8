"""Warm rebuild time under `shangli-brief watch`: the fireworks bulletin in both formats, the
process already warm (fonts, ReportLab, python-docx loaded), as after each save.

    .venv/bin/python benchmarks/watch_rebuild.py"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from shangli_brief.batch import Job, build_one, reset_workspace  # noqa: E402


def main() -> None:
    spec = ROOT / "briefs" / "fireworks-bulletin.yaml"
    job = Job(Path(tempfile.mkdtemp(prefix="watch-bench-")), None)
    first = build_one(spec, job)  # the first build of a watch session: cold
    assert not first.errors, first.errors
    times = []
    for _ in range(9):
        start = time.perf_counter()
        reset_workspace()  # as watch does: data, theme and templates read afresh
        result = build_one(spec, job)
        times.append(time.perf_counter() - start)
        assert not result.errors
    print(f"fireworks bulletin under watch: first build {first.seconds:.2f} s; warm rebuild "
          f"(DOCX + PDF) median {statistics.median(times):.2f} s (min {min(times):.2f}, "
          f"max {max(times):.2f}); target 0.30 s")


if __name__ == "__main__":
    main()

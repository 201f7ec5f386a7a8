"""Wall time of building briefs in both formats, as a user runs them.

For each brief: the median of several cold runs (a new process each time: start-up, imports,
fonts and all), and the in-process time
of a warm rebuild. The overview brief has no chart; the investment brief has two (matplotlib is
loaded only for it). Run with `make bench`."""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEFS = {"overview (no charts)": "overview.yaml", "investment (2 charts, report)": "investment.yaml"}
RUNS = 5


def cold_run(spec: Path, out: Path) -> float:
    exe = Path(sys.executable).parent / "shangli-brief"
    start = time.perf_counter()
    subprocess.run([str(exe), "build", str(spec), "--out", str(out)], check=True,
                   capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def warm_run(spec: Path, out: Path) -> float:
    from shangli_brief.build import Workspace, build_spec
    workspace = Workspace()
    build_spec(spec, out, None, workspace)  # load fonts, templates and libraries once
    start = time.perf_counter()
    build_spec(spec, out, None, workspace)
    return time.perf_counter() - start


def main() -> None:
    for label, name in BRIEFS.items():
        spec = ROOT / "briefs" / name
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            cold = [cold_run(spec, out) for _ in range(RUNS)]
            warm = warm_run(spec, out)
            sizes = {p.suffix: p.stat().st_size for p in out.iterdir()}
        print(f"{label}: DOCX + PDF, {RUNS} cold runs (new process each):")
        print(f"  median {statistics.median(cold):.2f} s   min {min(cold):.2f} s   max {max(cold):.2f} s")
        print(f"  warm rebuild in one process: {warm:.2f} s")
        print(f"  sizes: PDF {sizes.get('.pdf', 0) / 1024:.0f} KB, DOCX {sizes.get('.docx', 0) / 1024:.0f} KB")


if __name__ == "__main__":
    main()

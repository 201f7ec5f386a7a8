"""Fresh-process build times of every sample brief (DOCX + PDF), as every build on Windows runs:
a new process, imports, fonts and all. With --against REV, the same builds from the package as it
was at git revision REV (a worktree of it, run through PYTHONPATH with this venv's libraries),
alternated with ours run for run so that both see the same machine.

    .venv/bin/python benchmarks/fresh_builds.py [--against REV] [--runs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p.name for p in (ROOT / "briefs").glob("*.yaml"))


def command(src: Path) -> list[str]:
    """The console command of the package under `src` (its entry point moved over time)."""
    entry = next(name for name in ("console", "launch", "cli") if (src / "shangli_brief" / f"{name}.py").exists())
    return [sys.executable, "-c", f"import sys; from shangli_brief.{entry} import main; sys.exit(main())"]


def timed(src: Path, args: list[str], out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "SHANGLI_BRIEF_SERVER": "0"}  # older trees had a server
    start = time.perf_counter()
    subprocess.run([*command(src), "build", *args, "--out", str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="git revision to compare with")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trees = {"now": ROOT / "src"}
    with tempfile.TemporaryDirectory(prefix="fresh-builds-") as tmp:
        if args.against:
            worktree = Path(tmp) / "before"
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.against], cwd=ROOT,
                           check=True, capture_output=True)
            trees = {args.against: worktree / "src", "now": ROOT / "src"}
        for src in trees.values():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src / "shangli_brief")], check=True)
        try:
            cases = [(name, [f"briefs/{name}"]) for name in SAMPLES] + [("batch of all samples", [])]
            print(f"fresh processes, DOCX + PDF, medians of {args.runs} alternated runs (min-max):")
            for label, build_args in cases:
                times: dict[str, list[float]] = {name: [] for name in trees}
                for run in range(args.runs):
                    order = list(trees.items())
                    for name, src in order if run % 2 == 0 else order[::-1]:  # neither always first
                        times[name].append(timed(src, build_args, Path(tmp) / f"out-{name}-{run}"))
                shown = "   ".join(f"{name}: {statistics.median(t):.3f} s ({min(t):.3f}-{max(t):.3f})"
                                   for name, t in times.items())
                print(f"  {label:28} {shown}")
        finally:
            if args.against:
                subprocess.run(["git", "worktree", "remove", "--force", str(Path(tmp) / "before")], cwd=ROOT,
                               capture_output=True)


if __name__ == "__main__":
    main()

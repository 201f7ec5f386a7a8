"""Production figures: batch throughput with 1 and 2 workers, peak memory of one build, and
LibreOffice's time to convert our DOCX to PDF, for reference. Run with `make bench`."""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "shangli-brief"
BATCH = 40


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def batch(tmp: Path) -> None:
    """40 briefs: the four samples, ten copies each."""
    work = tmp / "batch"
    (work / "briefs").mkdir(parents=True)
    samples = sorted((ROOT / "briefs").glob("*.yaml"))
    for i in range(BATCH):
        shutil.copy(samples[i % len(samples)], work / "briefs" / f"{i:02d}-{samples[i % len(samples)].name}")
    one = timed([str(EXE), "build", "--jobs", "1", "--out", "out1"], work)
    two = timed([str(EXE), "build", "--jobs", "2", "--out", "out2"], work)
    print(f"batch of {BATCH} briefs, DOCX + PDF: 1 worker {one:.1f} s ({BATCH / one:.1f} briefs/s), "
          f"2 workers {two:.1f} s ({BATCH / two:.1f} briefs/s): {one / two:.2f}x")


def memory(tmp: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([str(EXE), "build", str(ROOT / "briefs" / "investment.yaml"), "--out", str(tmp / "m")],
                   check=True, capture_output=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory of one build (investment brief, charts, both formats): {max(peak, before) / 1024:.0f} MB")


def libreoffice(tmp: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("LibreOffice not installed: no reference time")
        return
    ours = min(timed([str(EXE), "build", str(ROOT / "briefs" / "overview.yaml"), "--out", str(tmp / "o")], ROOT)
               for _ in range(3))
    profile = f"-env:UserInstallation=file://{tmp}/lo-profile"
    docx = tmp / "o" / "overview.docx"
    # warm-up
    timed([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)], tmp)
    lo = min(timed([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)], tmp)
             for _ in range(3))
    print(f"overview brief: shangli-brief builds DOCX + PDF in {ours:.2f} s; LibreOffice converts the "
          f"DOCX to PDF alone in {lo:.2f} s: {lo / ours:.1f}x")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        batch(Path(tmp))
        memory(Path(tmp))
        libreoffice(Path(tmp))


if __name__ == "__main__":
    main()

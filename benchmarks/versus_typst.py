"""How long a user waits, against the Typst compiler setting the same text.

    .venv/bin/python benchmarks/versus_typst.py [--cold] [--runs N]   (needs `pip install typst`)

One paired run, whole fresh processes (as every build on Windows), medians of alternated runs:
- `shangli-brief build briefs/overview.yaml` (DOCX and PDF), fonts cached;
- Typst (the `typst` package from PyPI, called from a fresh Python process) compiling a Typst
  document written here from the same brief's model, as `typst compile --font-path` runs by
  default (the system's fonts and the folders of the faces the PDF embeds), and again with the
  system's fonts ignored (Typst's fastest: only those folders scanned) — the same headings, paragraphs, tables,
  key figures and closing lines, in a GB/T 9704 page (A4, 37/35/28/26 mm, 16 pt 仿宋 body on a
  28.95 pt pitch, 黑体/楷体 headings, page numbers) — with the same font files the PDF embeds;
and the ratio. Our package is byte-compiled first, as pip does when it installs it.

Also: the fireworks bulletin, the batch of the samples, the peak memory of one build, and with
--cold the first build after installing (an empty cache: `init` and `build`)."""
from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "shangli-brief"
# alternated pairs: this shared machine's speed drifts within a minute (--runs N for more)
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 9


def typst_source(spec: Path) -> tuple[str, list[str]]:
    """The brief as a Typst document, and the font folders it needs."""
    sys.path.insert(0, str(ROOT / "src"))
    from shangli_brief import model
    from shangli_brief.build import Workspace
    from shangli_brief.fonts import resolve_theme_fonts
    from shangli_brief.briefspec import load_spec
    from shangli_brief.theme import HeadingNumberer
    workspace = Workspace()
    brief = load_spec(spec)
    doc = workspace.document(brief)
    theme = workspace.theme(brief)
    fonts = resolve_theme_fonts(theme)
    # Typst reads OpenType directly: the converted files' sources, by family name
    family = {"body": "FandolFang", "kai": "FandolKai", "hei": "Noto Sans CJK SC",
              "title": "Noto Serif CJK SC", "song": "Noto Serif CJK SC"}
    if "Fandol" not in fonts["body"].family:
        family["body"] = "Noto Serif CJK SC"
    if "Fandol" not in fonts["kai"].family:
        family["kai"] = "LXGW WenKai"

    def text(s: str) -> str:
        return "".join("\\" + ch if ch in "\\#*_`$@<>[]=-+/~\"'" else ch for ch in s)

    def runs(items) -> str:
        out = ""
        for run in items:
            t = text(run.text).replace("\n", " \\\n")
            out += f'#text(font: "{family["hei"]}")[{t}]' if run.bold else t
        return out

    numberer = HeadingNumberer(theme)
    lines = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),',
        '  footer: context [#set align(if calc.odd(here().page()) { right } else { left });'
        f' #text(font: "{family["song"]}", size: 14pt)[— #counter(page).display() —]])',
        '#set text(lang: "zh", region: "cn", size: 16pt, font: ("' + family["body"] + '",), '
        'top-edge: "ascender", bottom-edge: "descender")',
        '#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 12.95pt, spacing: 12.95pt)',
        f'#show heading.where(level: 1): it => block(text(font: "{family["hei"]}", size: 16pt, '
        'weight: "regular", it.body))',
        f'#show heading.where(level: 2): it => block(text(font: "{family["kai"]}", size: 16pt, '
        'weight: "regular", it.body))',
        f'#align(center)[#text(font: "{family["title"]}", size: 22pt, weight: "bold")[{text(doc.title)}]]',
    ]
    if doc.subtitle:
        lines.append(f'#align(center)[#text(font: "{family["kai"]}")[{text(doc.subtitle)}]]')
    if doc.layout == "report":
        lines.append('#outline(title: [目　录])\n#pagebreak()')
    for block in doc.blocks:
        if isinstance(block, model.Heading):
            label = numberer.next(block.level) if block.numbered else ""
            lines.append("=" * min(block.level, 2) + " " + text(label + block.text))
        elif isinstance(block, model.Paragraph):
            lines.append(runs(block.runs) + "\n")
        elif isinstance(block, model.ListBlock):
            lines += ["- " + runs(item) for item in block.items]
        elif isinstance(block, model.Table):
            cells = ", ".join(f"[{text(c.label)}]" for c in block.columns)
            for row in block.rows:
                cells += ", " + ", ".join(f"[{text(c)}]" for c in row)
            lines.append(f'#figure(caption: [{text(block.caption_text)}], '
                         f'text(size: 12pt, table(columns: {len(block.columns)}, {cells})))')
            lines.append(f'#text(size: 10.5pt)[资料来源：{text("；".join(block.sources))}]')
        elif isinstance(block, model.FigurePanel):
            cells = ", ".join(f"[{text(f.value)} \\ {text(f.label)} \\ {text(f.period)}]" for f in block.items)
            lines.append(f'#table(columns: 3, {cells})')
        elif isinstance(block, model.PageBreak):
            lines.append("#pagebreak()")
    if doc.closing:
        for label, names in (("报", doc.closing.report), ("送", doc.closing.send), ("发", doc.closing.distribute)):
            if names:
                lines.append(f"#par(first-line-indent: 0pt)[{label}：{text('，'.join(names))}。]")
    folders = sorted({str(Path(p).parent) for p in ("/usr/local/share/fonts/fandol/FandolFang-Regular.otf",
                                                       "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")}
                     | {str(Path(f.file).parent) for f in fonts.values()})
    return "\n".join(lines) + "\n", folders


def median_of(fn, runs: int = RUNS) -> tuple[float, float, float]:
    times = [fn() for _ in range(runs)]
    return statistics.median(times), min(times), max(times)


CPU: dict[str, list[float]] = {}  # processor time (user + system, all processes) of each command's runs


def run(cmd, cwd=ROOT, env=None) -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(" ".join(map(str, cmd)), []).append(
        now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
    return wall


def paired(first, second, runs: int = RUNS) -> tuple[list[float], list[float]]:
    a, b = [], []
    for __ in range(runs):  # alternated, so both see the same machine state
        a.append(first())
        b.append(second())
    return a, b


def main() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "shangli_brief")],
                   check=True, capture_output=True)
    tmp = Path(tempfile.mkdtemp(prefix="vs-typst-"))
    spec = ROOT / "briefs" / "overview.yaml"
    source, folders = typst_source(spec)
    (tmp / "overview.typ").write_text(source, "utf-8")
    def typst_cmd(system_fonts: bool) -> list[str]:
        return [sys.executable, "-c",
                "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
                f"font_paths=sys.argv[3:], ignore_system_fonts={not system_fonts})",
                str(tmp / "overview.typ"), str(tmp / "typst.pdf"), *folders]
    ours_cmd = [str(EXE), "build", str(spec), "--out", str(tmp / "out")]
    run(typst_cmd(True)), run(ours_cmd)  # the disk cache warmed for both
    typst_version = __import__("typst").__version__
    pages = subprocess.run(["pdfinfo", str(tmp / "typst.pdf")], capture_output=True, text=True).stdout
    typst_pages = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")), "?")
    print(f"overview brief, fresh processes, {RUNS} alternated runs each (medians):")
    for label, system_fonts in (("system fonts too, Typst's default", True), ("font folders only", False)):
        CPU.clear()
        ours, theirs = paired(lambda: run(ours_cmd), lambda cmd=typst_cmd(system_fonts): run(cmd))
        o, t = statistics.median(ours), statistics.median(theirs)
        cpu_o, cpu_t = (statistics.median(CPU[" ".join(map(str, cmd))]) for cmd in (ours_cmd, typst_cmd(system_fonts)))
        print(f"  shangli-brief build (DOCX + PDF): {o:.3f} s   (min {min(ours):.3f}, max {max(ours):.3f}; "
              f"processor time {cpu_o:.3f} s)")
        print(f"  Typst {typst_version} (PDF, {typst_pages} pages; {label}): {t:.3f} s   "
              f"(min {min(theirs):.3f}, max {max(theirs):.3f}; processor time {cpu_t:.3f} s)")
        # the medians decide; the fastest runs show each side with the least of the other
        # tenants' load on a shared host
        print(f"  ratio ours/Typst: {o / t:.2f}   (of the fastest runs: {min(ours) / min(theirs):.2f})")
    bulletin = [str(EXE), "build", str(ROOT / "briefs" / "fireworks-bulletin.yaml"), "--out", str(tmp / "out")]
    m, lo, hi = median_of(lambda: run(bulletin), 5)
    print(f"fireworks bulletin (DOCX + PDF): median {m:.3f} s (min {lo:.3f}, max {hi:.3f})")
    batch = [str(EXE), "build", "--out", str(tmp / "batch")]
    m, lo, hi = median_of(lambda: run(batch), 3)
    print(f"batch of the samples: median {m:.3f} s (min {lo:.3f}, max {hi:.3f})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one process of these builds (or of Typst's): {peak:.0f} MB")
    if "--cold" in sys.argv:  # the first build after installing: nothing cached
        cold_env = {"SHANGLI_BRIEF_CACHE": str(tmp / "cold-cache")}
        start = time.perf_counter()
        run([str(EXE), "init", str(tmp / "ws")], env=cold_env)
        run([str(EXE), "build"], cwd=tmp / "ws", env=cold_env)
        print(f"first build after installing (empty cache, init + build): {time.perf_counter() - start:.1f} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

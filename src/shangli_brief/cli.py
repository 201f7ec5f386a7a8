"""The command line: the only place that prints or exits."""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import BriefError, BuildError, ErrorList, InputError, display_path
from .portability import user_path

EPILOG = """examples:
  shangli-brief build                      build every briefs/*.yaml into out/
  shangli-brief build briefs/fireworks-bulletin.yaml --format pdf
  shangli-brief check                      validate every spec, template and the data
  shangli-brief indicators --category fireworks
  shangli-brief sections

exit status: 0 done; 1 a build failed; 2 the input (spec, data, template, arguments) is wrong."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shangli-brief", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build Shangli County briefings (DOCX and PDF) from YAML brief specs.")
    p.add_argument("--version", action="version", version=f"shangli-brief {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build specs into DOCX and PDF",
                       description="Build brief specs into out/NAME.docx and out/NAME.pdf "
                                   "(NAME: the spec file's name without .yaml).")
    b.add_argument("specs", nargs="*", metavar="SPEC", help="spec files (default: every briefs/*.yaml)")
    b.add_argument("--out", metavar="DIR",
                   help="output folder (default: the out/ folder of each spec's workspace)")
    b.add_argument("--format", metavar="FORMATS",
                   help="comma-separated formats, docx,pdf (default: the spec's formats, else both)")
    b.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help="a folder of templates searched before the workspace's and the built-in ones")
    b.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                   help="this run's value of a top-level key, over the spec's: title, subtitle, "
                        "issue, date, period, compare, issuer, draft (e.g. --set issue=9)")
    b.add_argument("--allow", action="append", default=[], metavar="DIR",
                   help="also read data, themes and reference files from DIR (files a spec names "
                        "outside its workspace are refused otherwise)")
    b.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="worker processes for several specs (default: one per core)")
    b.add_argument("--print", action="store_true", dest="duplex",
                   help="for duplex printing: blank pages so that each part (contents, body, "
                        "附件) starts on a right-hand page")
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    w = sub.add_parser("watch", help="build, then rebuild on every save",
                       description="Build the specs, then rebuild a brief within a moment of a "
                                   "save to its spec, a template, its theme, reference Word file "
                                   "or data files. Ctrl-C stops.")
    w.add_argument("specs", nargs="*", metavar="SPEC", help="spec files (default: every briefs/*.yaml)")
    w.add_argument("--out", metavar="DIR", help="output folder (default: each workspace's out/)")
    w.add_argument("--format", metavar="FORMATS", help="comma-separated formats, docx,pdf")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                   help="this run's value of a top-level key, as for build")
    w.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help="a folder of templates searched before the workspace's and the built-in ones")
    w.add_argument("--allow", action="append", default=[], metavar="DIR",
                   help="also read data, themes and reference files from DIR")
    w.add_argument("--print", action="store_true", dest="duplex", help="as for build")
    w.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    c = sub.add_parser("check", help="validate specs, templates, data and theme; write nothing",
                       description="Report every problem in the specs, the section templates and "
                                   "the data, without writing anything.")
    c.add_argument("specs", nargs="*", metavar="SPEC", help="spec files (default: every briefs/*.yaml)")
    c.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help="a folder of templates searched before the workspace's and the built-in ones")
    c.add_argument("--allow", action="append", default=[], metavar="DIR",
                   help="also read data, themes and reference files from DIR")
    c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    i = sub.add_parser("indicators", help="list the indicator catalogue",
                       description="List every indicator of the dataset with its values and sources.")
    i.add_argument("--json", action="store_true", help="machine-readable JSON array")
    i.add_argument("--category", metavar="C", help="only this category (e.g. fireworks)")
    i.add_argument("--period", metavar="P", help="only values of this period (e.g. 2024, 2021-2025)")
    i.add_argument("--facts", action="store_true", help="list the dated honours and events instead")
    i.add_argument("--spec", metavar="SPEC", help="the values this brief will use: its data files "
                                                  "merged, each value with where it comes from")
    i.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    s = sub.add_parser("sections", help="list the narrative sections a spec can name",
                       description="List the narrative sections with title, indicators and template file.")
    s.add_argument("--json", action="store_true", help="machine-readable JSON array")
    s.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help="a folder of templates searched before the workspace's and the built-in ones")
    s.add_argument("--spec", metavar="SPEC", help="the sections as this brief sees them: its "
                                                  "workspace's and its own template folders first")
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    n = sub.add_parser("init", help="write a small workspace to start from",
                       description="Write a workspace (a spec, a template override, a theme, a data "
                                   "file and a README) that builds at once with `shangli-brief build`.")
    n.add_argument("folder", metavar="DIR", help="a new or empty folder")
    n.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    f = sub.add_parser("fonts", help="show the font chosen for each font role",
                       description="For each font role: the file the PDF embeds and the name the DOCX asks for.")
    f.add_argument("--layout", default="bulletin", choices=("bulletin", "report"))
    f.add_argument("--prepare", action="store_true",
                   help="convert the CFF fonts (Noto CJK) to TrueType now and cache them; "
                        "`make brief` does this once")
    f.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for command in sub.choices.values():  # `shangli-brief build --version` works too
        command.add_argument("--version", action="version", version=f"shangli-brief {__version__}")
    return p


REPORT_TO = "the shangli-brief maintainers (README: Reporting a problem)"


def _safe_streams() -> None:
    """Chinese text on a console or pipe that cannot encode it (PYTHONIOENCODING=ascii, an old
    Windows code page) is escaped rather than ending the command in a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except Exception as e:  # noqa: BLE001 - the last resort: one line, never a traceback
        if args.debug:
            traceback.print_exc()
        print(f"error: internal error in `{args.command}`: {type(e).__name__}: {e}"[:400]
              + f"; run the same command with --debug and send what it prints to {REPORT_TO}",
              file=sys.stderr)
        return 1


def _run(args) -> int:
    try:
        return COMMANDS[args.command](args)
    except ErrorList as e:
        if args.debug:
            traceback.print_exc()
        for err in e.errors:
            print(f"error: {err}", file=sys.stderr)
        return e.exit_code
    except BriefError as e:
        if args.debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: out of memory; build fewer briefs at once (--jobs 1) or check the input "
              "files for runaway sizes", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other command-line tools do.
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as e:  # the system refused something outside our files (a full disk, a
        # read-only home folder): say what and where
        where = f"{display_path(e.filename)}: " if getattr(e, "filename", None) else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 1


def _spec_paths(given: list[str]) -> list[Path]:
    if given:
        return [user_path(p) for p in given]
    found = sorted(Path("briefs").glob("*.yaml"))
    if not found and Path.cwd().name == "briefs":  # run inside briefs/: that folder's specs
        found = sorted(Path(".").glob("*.yaml"))
    if not found:
        raise InputError("no specs given and no briefs/*.yaml here; run in a folder with briefs/ "
                         "or name a spec file")
    return found


def _early_pdf_process(paths, formats, args):
    """One brief, where the system can fork: its PDF's process starts now, before the heavy
    imports, so the two cores load ReportLab and python-docx side by side (see forked.py)."""
    from .portability import can_fork
    if len(paths) != 1 or not can_fork() or (formats and not ("pdf" in formats and len(formats) > 1)):
        return None
    from .forked import Child, warm_up_for_spec, write_pdf
    templates, allow = tuple(map(user_path, args.templates)), tuple(map(user_path, args.allow))
    return Child(lambda: warm_up_for_spec(paths[0], templates, allow), write_pdf)


def _refuse_same_names(paths: list[Path]) -> None:
    """Two specs of one name would write the same out/NAME files: refused before anything is
    built. Names are compared as Windows and macOS compare them, regardless of case."""
    from .briefspec.schema import out_folder
    seen: dict[tuple, Path] = {}
    for path in paths:
        key = (os.path.realpath(out_folder(path)), path.stem.casefold())
        if key in seen and os.path.realpath(seen[key]) != os.path.realpath(path):
            raise InputError(f"{seen[key]} and {path} would both write out/{path.stem}.*; rename "
                             "one, or build them one at a time with different --out folders")
        seen[key] = path


def _formats(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    from .writers import FORMATS
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(f"--format takes {', '.join(FORMATS)} or several joined by commas "
                         f"({','.join(FORMATS)}); got '{text}'")
    return formats


def _human(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def cmd_build(args) -> int:
    from .briefspec.schema import parse_settings
    formats = _formats(args.format)
    settings = parse_settings(args.settings)
    paths = _spec_paths(args.specs)
    _refuse_same_names(paths)
    if args.jobs < 0:
        raise InputError("--jobs takes a number of worker processes, 1 or more")
    early = _early_pdf_process(paths, formats, args)
    from . import batch
    from .writers import WriteOptions
    out_dir = user_path(args.out) if args.out else None
    # never more workers than specs, nor (by default) than cores
    jobs = min(args.jobs or os.cpu_count() or 1, len(paths))
    progress = Progress(len(paths)) if len(paths) > 1 and sys.stderr.isatty() else None
    results, failed = [], []
    job = batch.Job(out_dir, formats, tuple(map(user_path, args.templates)),
                    tuple(map(user_path, args.allow)), WriteOptions(duplex=args.duplex), settings)
    batch.stop_on_signals()
    for result in batch.run(paths, job, jobs, early):
        results.append(result)
        if progress:
            progress.clear()
        for message, _, trace in result.errors:
            if args.debug:
                print(trace, file=sys.stderr, end="")
            print(f"error: {message}", file=sys.stderr)
        if result.errors:
            failed.append(result)
        for warning in dict.fromkeys(w for out in result.outputs for w in out.warnings):
            print(f"warning: {warning}", file=sys.stderr)
        for out in result.outputs:
            pages = f"{out.pages} pages" if out.pages is not None else ""
            print(f"{out.path}  {pages:>9}  {_human(out.size):>7}", flush=True)
        if progress:
            progress.step(result.spec)
    if progress:
        progress.clear()
    if not failed:
        if len(paths) > 1:
            seconds = sum(r.seconds for r in results)
            print(f"built {len(paths)} briefs ({seconds:.1f} s of work on {jobs} worker(s))", file=sys.stderr)
        return 0
    if len(paths) == 1:  # one spec: 2 for wrong input, 1 for a failed build, as for any command
        return max(code for _, code, _ in failed[0].errors)
    print(f"{len(failed)} of {len(paths)} briefs failed: "
          f"{', '.join(str(r.spec) for r in failed)}; the others were built", file=sys.stderr)
    return 1


class Progress:
    """A one-line progress bar on the terminal's standard error (never in a pipe or CI log)."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.show("")

    def show(self, label: str) -> None:
        width = 24
        filled = width * self.done // self.total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label}"[:100])
        sys.stderr.flush()

    def step(self, spec) -> None:
        self.done += 1
        self.show(Path(spec).name)

    def clear(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()


def cmd_check(args) -> int:
    from .build import Workspace, check_spec, glyph_warnings, typed_figure_warnings
    workspace = Workspace(tuple(map(user_path, args.templates)), tuple(map(user_path, args.allow)))
    problems = warnings = 0
    seen: set[str] = set()
    for path in _spec_paths(args.specs):
        for err in check_spec(path, workspace):
            if str(err) not in seen:  # a template error is reported once, not once per spec
                seen.add(str(err))
                problems += 1
                print(f"error: {err}", file=sys.stderr)
        for warning in typed_figure_warnings(path, workspace) + glyph_warnings(path, workspace):
            if warning not in seen:
                seen.add(warning)
                warnings += 1
                print(f"warning: {warning}", file=sys.stderr)
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
        return 2
    print(f"ok: no errors; {warnings} warning(s) above" if warnings else "ok: no problems found")
    return 0


def cmd_indicators(args) -> int:
    import json
    from .data import load_dataset
    from .data.dataset import normalise_period, value_origin
    from .narrative import numbers
    if args.spec:
        from .build import Workspace
        from .briefspec import load_spec
        spec = load_spec(user_path(args.spec))
        dataset = Workspace().dataset(spec)
    else:
        dataset = load_dataset()
    period = normalise_period(args.period) if args.period else None
    if args.period and period is None:
        raise InputError(f"--period takes a year like 2024 or a span like 2021-2025, got '{args.period}'")
    if args.category and args.category not in {i.category for i in dataset.indicators.values()}:
        from .errors import did_you_mean
        raise InputError(f"unknown category '{args.category}'" + did_you_mean(args.category, dataset.categories))
    if args.facts:
        facts = [f for f in dataset.facts if not period or f.period == period]
        if args.json:
            print(json.dumps([f.__dict__ for f in facts], ensure_ascii=False, indent=2))
        else:
            for f in facts:
                print(f"{f.id:36} {f.period:10} {f.text}  [{f.source} / {f.section}]")
        return 0
    rows = dataset.to_json(args.category, period, origins=bool(args.spec))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        ind = dataset.get(row["id"])
        values = "；".join(f"{numbers.period_label(v.period)} {numbers.quantity(v.value, ind.unit, v.qualifier)}"
                          + ("（推算）" if v.derived else "")
                          + (f" [{value_origin(v)}]" if args.spec and value_origin(v) != "built-in" else "")
                          for v in ind.values if not period or v.period == period)
        print(f"{row['id']:42} {row['name']}：{values}")
    print(f"{len(rows)} indicators; `--json` for sources and sections, `--facts` for honours and events",
          file=sys.stderr)
    return 0


def cmd_sections(args) -> int:
    import json
    from .narrative.templates import SectionCatalogue, make_environment
    if args.spec:
        from .build import Workspace
        from .briefspec import load_spec
        catalogue = Workspace(tuple(map(user_path, args.templates))).catalogue(load_spec(user_path(args.spec)))
    else:
        catalogue = SectionCatalogue(make_environment(Path.cwd(), tuple(map(user_path, args.templates))))
    from .errors import display_path
    rows = [{"name": s.name, "title": s.title, "indicators": list(s.indicators),
             "template": display_path(s.template)} for s in catalogue.sections().values()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row, info in zip(rows, catalogue.sections().values()):
        where = "built-in" if info.builtin else "your template"
        print(f"{row['name']:16} {row['title']}")
        print(f"{'':16} template: {row['template']} ({where})")
        print(f"{'':16} indicators: {', '.join(row['indicators']) or '—'}")
    return 0


def cmd_fonts(args) -> int:
    from . import fontconvert
    from .fonts import env_variable, resolve_role
    from .theme import load_theme
    if args.prepare:
        return _prepare_fonts(fontconvert, resolve_role)
    theme = load_theme(args.layout)
    missing = 0
    print(f"font roles of the {args.layout} theme:")
    for name, role in theme.fonts.items():
        try:
            found = resolve_role(role)
            pdf = f"{found.family}  [{found.reason}]\n{'':10}file: {found.file}" + (
                f" (face {found.index})" if found.index else "")
        except BriefError as e:
            missing += 1
            pdf = f"MISSING: {e.message}"
        print(f"  {name:6}  DOCX asks for {role.docx}; PDF embeds {pdf}")
    print(f"override a role with {env_variable('ROLE')}=/path/to/font.ttf; converted fonts are "
          f"cached in {fontconvert.cache_dir()}", file=sys.stderr)
    return 1 if missing else 0


def _prepare_fonts(fontconvert, resolve_role) -> int:
    """Convert what the themes need and is not cached yet; silent when everything is ready
    (`make brief` runs this every time)."""
    from .theme import load_theme
    fontconvert.announce = lambda source: print(
        f"converting {Path(source).name} to TrueType for the PDF (10–20 s, once)", file=sys.stderr)
    missing = 0
    for layout in ("bulletin", "report"):
        for name, role in load_theme(layout).fonts.items():
            try:
                resolve_role(role, prepare=True)
            except BriefError as e:
                missing += 1
                print(f"error: {layout} theme, role {name}: {e.message}", file=sys.stderr)
    return 1 if missing else 0


def cmd_init(args) -> int:
    import shutil
    from importlib import resources
    target = user_path(args.folder)
    try:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError(f"'{args.folder}' exists and is not an empty folder; name a new folder")
        skeleton = Path(str(resources.files(__package__).joinpath("skeleton")))
        shutil.copytree(skeleton, target, dirs_exist_ok=True)
        (target / "out").mkdir(exist_ok=True)
    except (OSError, shutil.Error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise BuildError(f"cannot write the workspace '{args.folder}': {reason}; name a folder you "
                         "can write to") from None
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        print(path)
    print(f"next: cd {args.folder} && shangli-brief build", file=sys.stderr)
    return 0


def cmd_watch(args) -> int:
    from . import watch
    from .batch import Job
    from .briefspec.schema import parse_settings
    from .writers import WriteOptions
    formats = _formats(args.format)
    settings = parse_settings(args.settings)
    paths = _spec_paths(args.specs)
    _refuse_same_names(paths)
    job = Job(user_path(args.out) if args.out else None, formats,
              tuple(map(user_path, args.templates)), tuple(map(user_path, args.allow)),
              WriteOptions(duplex=args.duplex), settings)
    return watch.main_loop(paths, job)


COMMANDS = {"init": cmd_init, "build": cmd_build, "watch": cmd_watch, "check": cmd_check, "indicators": cmd_indicators,
            "sections": cmd_sections, "fonts": cmd_fonts}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

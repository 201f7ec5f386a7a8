"""The command line: the only place that prints or exits."""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from . import PACKAGE
from .errors import BriefError, BuildError, ErrorList, InputError, Location, display_path
from .portability import limit_memory, user_path
from .i18n import N_, _, early_language, translate_argparse

REPORT_TO = N_("the shangli-brief maintainers (README: Reporting a problem)")


def _safe_streams() -> None:
    """Chinese text on a console or pipe that cannot encode it (PYTHONIOENCODING=ascii, an old
    Windows code page) is escaped rather than ending the command in a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        import atexit
        atexit.register(_end_process)  # the first registered: run after every other exit handler
    try:
        code = _main(argv)
    except SystemExit as e:  # --help, --version, a mistyped argument: argparse's own exit
        _exit_code[0] = e.code if isinstance(e.code, int) else int(e.code is not None)
        raise
    except BaseException as e:  # Ctrl-C before a command ran; anything else is caught in _main
        _exit_code[0] = 130 if isinstance(e, KeyboardInterrupt) else 1
        raise
    if argv is None:
        _exit_code[0] = code
    return code


_exit_code = [0]


def _end_process() -> None:
    """The console command's last exit handler (the others, ours and the libraries', have run):
    the process ends here, its memory returned to the system at once, rather than after Python
    has taken every module apart object by object (7 ms of a single brief's build)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_exit_code[0])


def _main(argv: list[str] | None) -> int:
    _safe_streams()
    early_language(sys.argv[1:] if argv is None else argv)
    # The console's `build SPEC.yaml`: the PDF's process starts before anything else is done
    # (see forked.py); it is ended at once if the command turns out not to want it.
    first = _pdf_process_first(sys.argv[1:]) if argv is None else None
    try:
        translate_argparse()
        from .arguments import parser as make_parser
        parser = make_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        args.early = first
        return _main_command(args, argv)
    finally:
        if first is not None:
            first.cancel()  # not taken, or taken and done: either way ended, never left


def _main_command(args, argv: list[str] | None) -> int:
    try:
        return _run(args, command_line=argv is None)
    except Exception as e:  # noqa: BLE001 - the last resort: one line, never a traceback
        if args.debug:
            import traceback
            traceback.print_exc()
        print(
            _("error: internal error in `{command}`: {kind}: {e}").format(
                command=args.command, kind=type(e).__name__, e=e
            )[:400]
            + _("; run the same command with --debug and send what it prints to {report_to}").format(
                report_to=_(REPORT_TO)
            ),
            file=sys.stderr,
        )
        return 1


# Commands that read files from others (specs, templates, themes, data): the memory of the
# command's process is capped (not of a program calling main() with its own arguments, a test).
CAPPED = {"build", "print", "watch", "check", "verify"}


def _run(args, command_line: bool = False) -> int:
    if command_line and args.command in CAPPED:
        limit_memory()
    try:
        return COMMANDS[args.command](args)
    except ErrorList as e:
        if args.debug:
            import traceback
            traceback.print_exc()
        for err in e.errors:
            print(_("error: {message}").format(message=err), file=sys.stderr)
        return e.exit_code
    except BriefError as e:
        if args.debug:
            import traceback
            traceback.print_exc()
        print(_("error: {message}").format(message=e), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except MemoryError:
        print(_("error: out of memory; build fewer briefs at once (--jobs 1) or check the input "
              "files for runaway sizes"), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other command-line tools do.
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as e:  # the system refused something outside our files (a full disk, a
        # read-only home folder): say what and where
        where = f"{display_path(e.filename)}: " if getattr(e, "filename", None) else ""
        print(_("error: {message}").format(message=f"{where}{e.strerror or e}"), file=sys.stderr)
        return 1


def _spec_paths(given: list[str]) -> list[Path]:
    if given:
        found = [user_path(p) for p in given]
    else:
        found = sorted(Path("briefs").glob("*.yaml"))
        if not found and Path.cwd().name == "briefs":  # run inside briefs/: that folder's specs
            found = sorted(Path(".").glob("*.yaml"))
    if not found:
        raise InputError(_("no specs given and no briefs/*.yaml here; run in a folder with briefs/ "
                         "or name a spec file"))
    for path in found:
        _refuse_foreign_name(path)
    return found


def _refuse_foreign_name(path: Path) -> None:
    """A name in another encoding cannot be written into a DOCX or the manifest: one line that
    says what it reads as and how to get UTF-8 names."""
    from .portability import foreign_name
    foreign = foreign_name(path)
    if foreign:
        shown, guess = foreign
        raise InputError(_("the name '{shown}' is not UTF-8 (read as GBK it is '{guess}', as a zip made on "
                           "Windows leaves it); rename it, or unpack the zip again with `unzip -O GBK`").format(
                             shown=shown, guess=guess))


def _pdf_process_first(argv: list[str]):
    """`build` of one SPEC.yaml, where the system can fork: the PDF's process, started before the
    arguments are parsed, so that it loads ReportLab on the second core while this one reads
    the spec (see forked.py). Whether the command wants it is decided after parsing."""
    from .portability import can_fork
    words = [arg for i, arg in enumerate(argv) if not arg.startswith("-") and argv[i - 1:i] != ["--lang"]]
    specs = [arg for arg in words if arg.lower().endswith((".yaml", ".yml"))]
    if not (words and words[0] == "build" and len(specs) == 1 and can_fork()) or \
            {"-h", "--help", "--version"} & set(argv):
        return None
    limit_memory()  # the command's cap (see _run), which the child inherits
    _announce_font_conversions()
    return _pdf_process()


def _pdf_process():
    from .forked import Child, share, warm_up, warm_up_pdf, write_pdf
    share()
    return Child(warm_up, write_pdf, ahead=warm_up_pdf)


def _early_pdf_process(paths, formats, started=None):
    """One brief, where the system can fork: its PDF's process (`started` when the command
    began, else started now, before the heavy imports), so the two cores load ReportLab and the
    resolver side by side (see forked.py). None, `started` ended, when the build has no use
    for it."""
    from .portability import can_fork
    if len(paths) != 1 or not can_fork() or (formats and not ("pdf" in formats and len(formats) > 1)):
        if started is not None:
            started.cancel()
        return None
    return started or _pdf_process()


def _announce_font_conversions() -> None:
    """A build converts the free CFF faces for the characters it uses, once: a line says what it
    waits for (a second or two a face)."""
    from . import fontconvert
    fontconvert.announce = lambda source, count: print(
        _("preparing {name} for the PDF ({count} characters, once)").format(name=Path(source).name, count=count),
        file=sys.stderr, flush=True)


def _refuse_same_names(paths: list[Path], out: str | None = None) -> None:
    """Two specs of one name would write the same NAME files into one folder (each workspace's
    out/, or the --out folder): refused before anything is built. Names are compared as Windows
    and macOS compare them, regardless of case and of Unicode normalisation."""
    import unicodedata
    from .briefspec.schema import out_folder
    seen: dict[tuple, Path] = {}
    for path in paths:
        folder = user_path(out) if out else out_folder(path)
        key = (os.path.realpath(folder), unicodedata.normalize("NFC", path.stem).casefold())
        if key in seen and os.path.realpath(seen[key]) != os.path.realpath(path):
            raise InputError(
                _(
                    "{seen} and {path} would both write out/{stem}.*; rename one, or build them one "
                    "at a time with different --out folders"
                ).format(seen=seen[key], path=path, stem=path.stem)
            )
        seen[key] = path


def _formats(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    from .writers import FORMATS
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(
            _("--format takes {formats} or several joined by commas ({formats2}); got '{text}'").format(
                formats=", ".join(FORMATS), formats2=",".join(FORMATS), text=text
            )
        )
    return formats


def _print_written(out) -> None:
    """One line per file written: its path, pages (PDF) and size."""
    pages = _("{count} pages").format(count=out.pages) if out.pages is not None else ""
    print(f"{out.path}  {pages:>9}  {_human(out.size):>7}", flush=True)


def _human(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def _travelling_names(paths: list[Path], strict: bool) -> None:
    """A brief's files are named after its spec and travel to Windows and macOS: a name they
    refuse or change (CON, a:b, a trailing dot or space) is a warning, an error with --strict."""
    for path in paths:
        stem = path.stem
        bad = (stem.split(".")[0].upper() in _WINDOWS_RESERVED or stem.endswith((".", " "))
               or any(ch in '<>:"/\\|?*' or ord(ch) < 32 for ch in stem))
        if bad:
            message = _("'{name}' cannot name a file on Windows (out/{name}.docx); rename the spec").format(name=stem)
            if strict:
                raise InputError(message, Location(str(path)))
            print(_("warning: {message}").format(message=f"{Location(str(path))}: {message}"), file=sys.stderr)


def cmd_build(args) -> int:
    formats = _formats(args.format)
    paths = _spec_paths(args.specs)
    _announce_font_conversions()  # before the fork: the PDF's process converts faces too
    # A single brief's PDF process starts before anything heavy is imported (see forked.py); a
    # problem found meanwhile ends it.
    early = _early_pdf_process(paths, formats, getattr(args, "early", None))
    try:
        from .briefspec.schema import parse_settings
        settings = parse_settings(args.settings)
        _refuse_same_names(paths, args.out)
        _travelling_names(paths, args.strict)
        if args.jobs < 0:
            raise InputError(_("--jobs takes a number of worker processes, 1 or more"))
    except BaseException:
        if early is not None:
            early.cancel()
        raise
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
        for message, __, trace in result.errors:
            if args.debug:
                print(trace, file=sys.stderr, end="")
            print(_("error: {message}").format(message=message), file=sys.stderr)
        if result.errors:
            failed.append(result)
        for warning in dict.fromkeys(w for out in result.outputs for w in out.warnings):
            print(_("warning: {message}").format(message=warning), file=sys.stderr)
        for out in result.outputs:
            _print_written(out)
        if progress:
            progress.step(result.spec)
    if progress:
        progress.clear()
    if not failed:
        if len(paths) > 1:
            seconds = sum(r.seconds for r in results)
            print(
                _("built {count} briefs ({seconds:.1f} s of work on {jobs} worker(s))").format(
                    count=len(paths), seconds=seconds, jobs=jobs
                ),
                file=sys.stderr,
            )
        return 0
    if len(paths) == 1:  # one spec: 2 for wrong input, 1 for a failed build, as for any command
        return max(code for __, code, __ in failed[0].errors)
    print(
        _("{count} of {count2} briefs failed: {value}; the others were built").format(
            count=len(failed), count2=len(paths), value=", ".join(str(r.spec) for r in failed)
        ),
        file=sys.stderr,
    )
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
    _announce_font_conversions()
    workspace = Workspace(tuple(map(user_path, args.templates)), tuple(map(user_path, args.allow)))
    problems = warnings = 0
    seen: set[str] = set()
    paths = _spec_paths(args.specs)
    if len(paths) > 1:
        gc.enable()  # several briefs in this process: their garbage is collected (see console.py)
    for path in paths:
        checked = check_spec(path, workspace)
        for err in checked.errors:
            if str(err) not in seen:  # a template error is reported once, not once per spec
                seen.add(str(err))
                problems += 1
                print(_("error: {message}").format(message=err), file=sys.stderr)
        glyphs = glyph_warnings(checked.document, checked.theme) if checked.document is not None else []
        for warning in typed_figure_warnings(path, workspace) + glyphs:
            if warning not in seen:
                seen.add(warning)
                warnings += 1
                print(_("warning: {message}").format(message=warning), file=sys.stderr)
    if problems:
        print(_("{count} problem(s) found").format(count=problems), file=sys.stderr)
        return 2
    print(
        _("ok: no errors; {warnings} warning(s) above").format(warnings=warnings)
        if warnings
        else _("ok: no problems found")
    )
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
        raise InputError(
            _("--period takes a year like 2024 or a span like 2021-2025, got '{period}'").format(period=args.period)
        )
    if args.category and args.category not in {i.category for i in dataset.indicators.values()}:
        from .errors import did_you_mean

        raise InputError(
            _("unknown category '{category}'").format(category=args.category)
            + did_you_mean(args.category, dataset.categories)
        )
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
    print(
        _("{count} indicators; `--json` for sources and sections, `--facts` for honours and events").format(
            count=len(rows)
        ),
        file=sys.stderr,
    )
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
        where = _("built-in") if info.builtin else _("your template")
        print(f"{row['name']:16} {row['title']}")
        print(f"{'':16} " + _("template: {file} ({where})").format(file=row['template'], where=where))
        print(f"{'':16} " + _("indicators: {ids}").format(ids=', '.join(row['indicators']) or '—'))
    return 0


def cmd_fonts(args) -> int:
    from . import fontconvert
    from .fonts import env_variable, resolve_role
    from .theme import load_theme
    if args.prepare:
        gc.enable()  # minutes of converting whole faces: their garbage is collected (see console.py)
        return _prepare_fonts(fontconvert, resolve_role)
    from .layout import names as layout_names
    if args.layout not in layout_names():
        from .errors import did_you_mean
        raise InputError(_("unknown layout '{layout}'; the layouts are {layouts}").format(
            layout=args.layout, layouts=", ".join(layout_names())) + did_you_mean(args.layout, layout_names()))
    theme = load_theme(args.layout)
    missing = 0
    print(_("font roles of the {layout} theme:").format(layout=args.layout))
    for name, role in theme.fonts.items():
        try:
            found = resolve_role(role)
            pdf = f"{found.family}  [{found.reason}]\n{'':10}" + _("file: {file}").format(file=found.file) + (
                _(" (face {index})").format(index=found.index) if found.index else "")
        except BriefError as e:
            missing += 1
            pdf = _("MISSING: {message}").format(message=e.message)
        print(_("  {name:6}  DOCX asks for {docx}; PDF embeds {pdf}").format(name=name, docx=role.docx, pdf=pdf))
    print(
        _("override a role with {env_variable}=/path/to/font.ttf; converted fonts are cached in {cache_dir}").format(
            env_variable=env_variable("ROLE"), cache_dir=fontconvert.cache_dir()
        ),
        file=sys.stderr,
    )
    return 1 if missing else 0


def _prepare_fonts(fontconvert, resolve_role) -> int:
    """Optional: convert the whole GB2312 set ahead for every theme's faces, so that no build
    converts anything; silent when everything is ready. Builds convert what they need anyway."""
    from .theme import load_theme
    fontconvert.announce = lambda source, count: print(
        _("converting {name} to TrueType for the PDF ({count} characters, once)").format(
            name=Path(source).name, count=count), file=sys.stderr)
    charset = frozenset(fontconvert.briefing_charset())
    missing = 0
    from .layout import names as layout_names
    for layout in layout_names():
        for name, role in load_theme(layout).fonts.items():
            try:
                resolve_role(role, charset)
            except BriefError as e:
                missing += 1
                print(
                    _("error: {layout} theme, role {name}: {message}").format(
                        layout=layout, name=name, message=e.message
                    ),
                    file=sys.stderr,
                )
    return 1 if missing else 0


def cmd_init(args) -> int:
    import shutil
    target = user_path(args.folder)
    try:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError(
                _("'{folder}' exists and is not an empty folder; name a new folder").format(folder=args.folder)
            )
        skeleton = PACKAGE / "skeleton"
        shutil.copytree(skeleton, target, dirs_exist_ok=True)
        (target / "out").mkdir(exist_ok=True)
    except (OSError, shutil.Error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise BuildError(
            _("cannot write the workspace '{folder}': {reason}; name a folder you can write to").format(
                folder=args.folder, reason=reason
            )
        ) from None
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        print(path)
    # two commands, not `cd X && …`: Windows PowerShell 5 has no `&&`
    if target.resolve() == Path.cwd().resolve():
        print(_("next: run `shangli-brief build`"), file=sys.stderr)
    else:
        print(_("next: run `cd {folder}`, then `shangli-brief build`").format(folder=args.folder), file=sys.stderr)
    return 0


def cmd_watch(args) -> int:
    from . import watch
    from .batch import Job
    from .briefspec.schema import parse_settings
    from .writers import WriteOptions
    formats = _formats(args.format)
    settings = parse_settings(args.settings)
    paths = _spec_paths(args.specs)
    _refuse_same_names(paths, args.out)
    gc.enable()  # a long-lived process: its garbage is collected (see console.py)
    job = Job(user_path(args.out) if args.out else None, formats,
              tuple(map(user_path, args.templates)), tuple(map(user_path, args.allow)),
              WriteOptions(duplex=args.duplex), settings)
    return watch.main_loop(paths, job)


def cmd_verify(args) -> int:
    import json
    from . import verify
    from .briefspec.schema import parse_settings
    from .build import Workspace
    settings = parse_settings(args.settings)
    docx = user_path(args.docx)
    _refuse_foreign_name(docx)
    reading = verify.read_docx(docx)
    spec = verify.find_spec(docx, reading, args.spec)
    findings = verify.verify(docx, spec, Workspace(), settings, reading)
    if args.json:
        print(json.dumps(verify.as_json(findings), ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding.line(str(docx)))
    if args.annotate:
        verify.annotate(docx, findings, user_path(args.annotate), str(docx))
    if not args.json:
        print(
            _("{count} finding(s) in {path}").format(count=len(findings), path=display_path(str(docx)))
            if findings
            else _("ok: every figure in {path} matches its source").format(path=display_path(str(docx))),
            file=sys.stderr,
        )
    return 1 if findings else 0


def cmd_print(args) -> int:
    from .briefspec import load_spec
    from .briefspec.schema import out_folder, parse_settings
    from .build import Workspace, build
    from .distribution import print_extras
    path = user_path(args.spec)
    _refuse_foreign_name(path)
    spec = load_spec(path, parse_settings(args.settings))
    allow = tuple(map(user_path, args.allow))
    if args.recipients:  # named on the command line: read where it is
        table = user_path(args.recipients).absolute()
        spec.recipients = (str(table), Location("--recipients"))
        allow += (table.parent,)
    if spec.recipients is None:
        raise InputError(_("print needs a recipients table: --recipients FILE, or recipients: in the spec "
                           "(a CSV or XLSX file with the columns 类别, 单位, 份数)"), Location(str(path)))
    _announce_font_conversions()
    workspace = Workspace(tuple(map(user_path, args.templates)), allow)
    out_dir = user_path(args.out) if args.out else out_folder(path)
    formats = tuple(dict.fromkeys((*spec.formats, "pdf")))  # the print job is made from the PDF
    outputs = build(spec, out_dir, formats, workspace, extras=print_extras(spec, workspace, args.booklet))
    for out in outputs:
        _print_written(out)
        for warning in out.warnings:
            print(_("warning: {message}").format(message=warning), file=sys.stderr)
    return 0


COMMANDS = {"init": cmd_init, "build": cmd_build, "print": cmd_print, "watch": cmd_watch, "check": cmd_check,
            "indicators": cmd_indicators, "sections": cmd_sections, "verify": cmd_verify, "fonts": cmd_fonts}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

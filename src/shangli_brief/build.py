"""Orchestration: spec -> Document -> files. Every format is made in memory, then all are
published together (see publish), so a failed build leaves no partial file and never replaces
an earlier good one."""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import manifest
from .confine import check_inside
from .errors import BriefError, BuildError, ErrorList, InputError, Location
from .model import Document
from .portability import can_fork, can_make_unnamed_files
from .forked import Child, warm_up_pdf, write_pdf
from .publish import Staged, publish_all
from .briefspec import Spec, load_spec, read_spec
from .layout import load_layout
from .theme import Theme, load_theme
from .writers import WriteOptions, Written, has_contents, writer_for
from .i18n import _, os_message

if TYPE_CHECKING:
    from .data import Dataset
    from .narrative.templates import SectionCatalogue
# The resolver's modules (Jinja, markdown-it, the dataset) are imported where first used: a
# single brief's theme then reaches its PDF's process (build: send_ahead) before they load.


@dataclass(frozen=True)
class OutputFile:
    path: Path
    format: str
    pages: int | None
    size: int
    sha256: str
    warnings: tuple[str, ...] = ()


class Workspace:
    """Templates, datasets and themes, loaded once and shared by every brief of a run."""

    def __init__(self, template_dirs: tuple[Path, ...] = (), allow: tuple[Path, ...] = ()):
        self.template_dirs = tuple(Path(d) for d in template_dirs)  # from the command line
        self.allow = tuple(Path(d) for d in allow)  # more folders the user named with --allow
        self._catalogues: dict[tuple, SectionCatalogue] = {}
        self._datasets: dict[tuple, Dataset] = {}
        self._themes: dict[tuple, Theme] = {}
        self._recipients: dict[Path, list] = {}

    def roots(self, spec: Spec) -> tuple[Path, ...]:
        """Where the files a spec names may be: its workspace and the folders of the command line."""
        return (spec.workspace, *self.template_dirs, *self.allow)

    def confined(self, spec: Spec, path: Path, where, key: str, what: str) -> Path:
        return check_inside(path, self.roots(spec), where, key, what)

    def catalogue(self, spec: Spec) -> SectionCatalogue:
        folders = []
        for path, where in spec.templates:
            folder = spec.path_in_workspace(path)
            if not folder.is_dir():
                raise InputError(
                    _(
                        "templates folder '{path}' not found; paths in 'templates' are relative to the "
                        "workspace (the folder holding briefs/)"
                    ).format(path=path),
                    where,
                    "templates",
                )
            folders.append(self.confined(spec, folder, where, "templates", _("templates folder")))
        own = spec.workspace / "templates"
        if own.is_dir():
            self.confined(spec, own, Location(str(own)), None, _("templates folder"))
        extra = (*self.template_dirs, *folders)
        key = (spec.workspace, extra)
        if key not in self._catalogues:
            from .narrative.templates import SectionCatalogue, make_environment
            self._catalogues[key] = SectionCatalogue(make_environment(spec.workspace, extra))
        return self._catalogues[key]

    def dataset(self, spec: Spec) -> Dataset:
        files = tuple((str(spec.path_in_workspace(p)), where) for p, where in spec.data)
        for file, where in files:
            if Path(file).exists():
                self.confined(spec, Path(file), where, "data", _("data file"))
        key = tuple(f for f, __ in files)
        if key not in self._datasets:
            from .data import load_dataset
            self._datasets[key] = load_dataset(list(files))
        return self._datasets[key]

    def theme(self, spec: Spec) -> Theme:
        theme_file = str(spec.path_in_workspace(spec.theme[0])) if spec.theme else None
        if theme_file and Path(theme_file).exists():
            self.confined(spec, Path(theme_file), spec.theme[1], "theme", _("theme file"))
        reference = None
        if spec.reference_docx:
            path, where = spec.reference_docx
            reference = spec.path_in_workspace(path)
            if not reference.is_file() or reference.suffix.lower() != ".docx":
                raise InputError(
                    _("reference Word file '{path}' not found (a .docx, relative to the workspace)").format(path=path),
                    where,
                    "reference_docx",
                )
            self.confined(spec, reference, where, "reference_docx", _("reference Word file"))
        key = (spec.layout, theme_file, str(reference))
        if key not in self._themes:
            theme = load_theme(spec.layout, theme_file, spec.theme[1] if spec.theme else None)
            if reference is None and theme.reference_docx:  # named by the theme file
                named = Path(theme.reference_docx)
                if not named.is_file():
                    raise InputError(
                        _("reference Word file '{named}' named by the theme not found").format(named=named),
                        Location(theme_file or "<theme>"),
                        "reference_docx",
                    )
                self.confined(spec, named, Location(theme_file or "<theme>"), "reference_docx",
                              _("reference Word file"))
            if reference is not None:  # the spec's reference file wins over the theme's
                theme.reference_docx = str(reference)
            self._themes[key] = theme
        return self._themes[key]

    def recipients(self, spec: Spec):
        """The distribution list the spec names (recipients:, or print --recipients), or None."""
        if spec.recipients is None:
            return None
        from .distribution import load_recipients
        path, where = spec.recipients
        file = spec.path_in_workspace(path)
        if not file.is_file():
            raise InputError(_("recipients table '{path}' not found (a CSV or XLSX file with the columns 类别, 单位, "
                               "份数)").format(path=path), where, "recipients")
        file = self.confined(spec, file, where, "recipients", _("recipients table"))
        if file not in self._recipients:  # read once: the 版记 and `print`'s files both need it
            self._recipients[file] = load_recipients(file)
        return self._recipients[file]

    def document(self, spec: Spec) -> Document:
        recipients = self.recipients(spec)
        if recipients is not None and "closing" in load_layout(spec.layout).back:
            from .distribution import closing_for  # the 版记 names the recipients and their total
            spec = replace(spec, closing=closing_for(recipients, spec.closing))
        from .resolve import resolve
        return resolve(spec, self.dataset(spec), self.catalogue(spec))


def build_spec(spec_path: Path, out_dir: Path, formats: tuple[str, ...] | None,
               workspace: Workspace, options: WriteOptions = WriteOptions()) -> list[OutputFile]:
    return build(load_spec(spec_path), out_dir, formats, workspace, options)


def build(spec: Spec, out_dir: Path, formats: tuple[str, ...] | None,
          workspace: Workspace, options: WriteOptions = WriteOptions(),
          parallel: bool = False, early: Child | None = None, extras=None) -> list[OutputFile]:
    """`early`: a PDF process forked when the command started (cli.cmd_build), already warm;
    used when the brief wants a PDF besides another format, ended otherwise. `extras(doc,
    theme, {format: bytes})`: more files made from the brief's ([(name, format, pages, bytes)]),
    published with its own (the print job and the register of `print`)."""
    try:
        theme = workspace.theme(spec)
        wanted = formats or spec.formats
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    if early is not None and not ("pdf" in wanted and len(wanted) > 1):
        early.cancel()
        early = None
    if early is not None:
        early.send_ahead(theme)  # its faces are registered while this process resolves the brief

    def render(fmt, doc, contents_pages=None):
        buffer = io.BytesIO()
        written = writer_for(fmt)(doc, theme, buffer, replace(options, contents_pages=contents_pages))
        return fmt, written, buffer.getvalue()

    # Every format is made in memory first: a failure or a kill leaves the folder untouched.
    ahead: dict[str, Staged] = {}  # formats already written under their temporary names
    try:
        if early is not None or (parallel and len(wanted) > 1 and "pdf" in wanted and can_fork()):
            # The PDF is the long one: a second process loads ReportLab and the fonts while
            # this one resolves the brief, then lays the PDF out while this one writes the DOCX.
            # Without fork (Windows) a spawned process would spend longer importing than it
            # saves: one process writes both.
            child = early or Child(lambda: warm_up_pdf(theme), write_pdf)
            try:
                doc = workspace.document(spec)
                child.send((doc, theme, options))
                # A DOCX with a contents is made now and numbered with the PDF's pages after.
                deferred = {}
                if "docx" in wanted and has_contents(doc):
                    from .writers.docx.writer import prepare
                    deferred["docx"] = prepare(doc, theme, options)
                others = [render(fmt, doc) for fmt in wanted if fmt != "pdf" and fmt not in deferred]
                # While the PDF is still being made, the other formats are written under their
                # temporary names (and synced): publishing then only renames them.
                ahead = _stage_ahead(out_dir, spec.name, others)
                # The PDF's process tells the contents' pages once its pages are laid out, and
                # then puts the file together (fonts subset and compressed): the DOCX is numbered
                # and written meanwhile.
                pages = child.told() if deferred else None
                if pages is not None:
                    numbered = [(fmt, Written(pages=None), finish(pages)) for fmt, finish in deferred.items()]
                    others += numbered
                    ahead.update(_stage_ahead(out_dir, spec.name, numbered))
            except BaseException:
                child.cancel()
                raise
            pdf = ("pdf", *child.result())
            if deferred and pages is None:  # nothing told: numbered from the finished PDF
                others += [(fmt, Written(pages=None), finish(pdf[1].contents_pages))
                           for fmt, finish in deferred.items()]
            rendered = sorted(others + [pdf], key=lambda made: wanted.index(made[0]))
        else:
            doc = workspace.document(spec)
            # the PDF first: a DOCX's contents takes its page numbers
            first = [render(fmt, doc) for fmt in wanted if fmt == "pdf"]
            pages = first[0][1].contents_pages if first else None
            rendered = sorted(first + [render(fmt, doc, pages) for fmt in wanted if fmt != "pdf"],
                              key=lambda made: wanted.index(made[0]))
        _check_output_folder(out_dir)
        outputs = [OutputFile(out_dir / f"{spec.name}.{fmt}", fmt, written.pages, len(data),
                              hashlib.sha256(data).hexdigest(), written.warnings)
                   for fmt, written, data in rendered]
        files = [ahead.get(out.format) or (out.path, data) for out, (__, __, data) in zip(outputs, rendered)]
        if extras is not None:
            made = {fmt: data for fmt, __, data in rendered}
            for name, fmt, pages, data in extras(doc, theme, made):
                outputs.append(OutputFile(out_dir / name, fmt, pages, len(data), hashlib.sha256(data).hexdigest()))
                files.append((out_dir / name, data))
        made_from = manifest.inputs(spec)
        # All the formats of a brief and its manifest entries are published together or not
        # at all, one build at a time per output folder.
        with manifest.locked(out_dir):
            index = manifest.updated(out_dir, outputs, made_from, {out.path.name for out in outputs})
            publish_all([*files, (out_dir / manifest.MANIFEST, index)])
    finally:
        for staged in ahead.values():  # published (renamed away) or not to be: no file left
            staged.discard()
    return outputs


def _stage_ahead(out_dir: Path, name: str, rendered: list) -> dict[str, Staged]:
    """Each (format, written, bytes) written as an unnamed file in the output folder, where that
    folder is there to write in already; none where anything is in the way (the publishing
    reports it)."""
    ahead: dict[str, Staged] = {}
    if not (can_make_unnamed_files() and out_dir.is_dir() and os.access(out_dir, os.W_OK)):
        return ahead  # a named temporary file would outlive a SIGKILL: staged at publishing
    try:
        for fmt, __, data in rendered:
            ahead[fmt] = Staged(out_dir / f"{name}.{fmt}", data)
    except (BuildError, OSError):
        for staged in ahead.values():
            staged.discard()
        return {}
    return ahead


def _check_output_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file (or a link to one) where the folder should be
        raise BuildError(_("a file of this name is in the way of the output folder; move it, or build "
                           "into another folder with --out DIR"), Location(str(out_dir))) from None
    except OSError as e:
        raise BuildError(_("cannot create the output folder: {strerror}").format(strerror=os_message(e)),
            Location(str(out_dir))) from None
    if not os.access(out_dir, os.W_OK):
        raise BuildError(_("cannot write to the output folder: Permission denied"), Location(str(out_dir)))


@dataclass
class Checked:
    """What `check` found in a spec; the document and theme when it resolved without error."""
    errors: list[BriefError]
    document: Document | None = None
    theme: Theme | None = None


def check_spec(spec_path: Path, workspace: Workspace) -> Checked:
    """Every problem of a spec, its data, the templates it uses and its theme; writes nothing."""
    try:
        spec, errors = read_spec(spec_path)
        catalogue = workspace.catalogue(spec)
        dataset = workspace.dataset(spec)
        errors += catalogue.check(dataset)
        theme = workspace.theme(spec)
        try:
            document = workspace.document(spec)
        except ErrorList as e:
            errors += [x for x in e.errors if str(x) not in {str(y) for y in errors}]
        except BriefError as e:
            errors.append(e)
        else:
            return Checked(errors, document if not errors else None, theme)
        return Checked(errors)
    except ErrorList as e:
        return Checked(list(e.errors))
    except BriefError as e:
        return Checked([e])


def glyph_warnings(doc: Document, theme: Theme) -> list[str]:
    """Characters no face of the brief has, or that fall back to another face: found by setting
    the PDF's text (without laying out pages)."""
    from .writers.pdf.writer import PdfWriter
    writer = PdfWriter(doc, theme)
    writer.story()
    return list(writer.glyph_warnings())


def typed_figure_warnings(spec_path: Path, workspace: Workspace) -> list[str]:
    """Digits typed into the prose of the spec's own text and of user templates: such a number
    would not follow a data update. Warnings, not errors: a date or a name may need one."""
    from .narrative.templates import typed_digits
    try:
        spec, __ = read_spec(spec_path)
        catalogue = workspace.catalogue(spec)
    except (BriefError, ErrorList):
        return []
    out = []
    named = {e.name for e in spec.entries if hasattr(e, "name")}
    for info in catalogue.sections().values():
        if info.builtin or info.name not in named:
            continue
        source = Path(info.template).read_text("utf-8")
        for line, digits in typed_digits(catalogue.env, source, info.template):
            out.append(
                _(
                    "{where}: '{digits}' is typed into the text; use a helper such as value('…') "
                    "so that a data update changes it too"
                ).format(where=Location(info.template, line), digits=digits)
            )
    for entry in spec.entries:
        if hasattr(entry, "text") and getattr(entry, "origin", None):
            for line, digits in typed_digits(catalogue.env, entry.text, str(spec.path)):
                where = Location(entry.origin.file, entry.origin.line + line - 1)
                out.append(
                    _(
                        "{where}: '{digits}' is typed into the text; use a helper such as value('…') so "
                        "that a data update changes it too"
                    ).format(where=where, digits=digits)
                )
    return out

"""The Jinja2 environment for narrative templates and the catalogue of sections.

Templates are looked up in the workspace's `templates/` folder first, then in the built-in
templates, by name, so an office can replace a section by writing a file of the same name."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from .. import PACKAGE
from ..confine import inside
from ..errors import ErrorList, InputError, Location, did_you_mean
from ..yamlfile import MAX_BYTES
from .helpers import INDICATOR_HELPERS
from .sandbox import BudgetedSandbox, BudgetExceeded, consume, section_budget
from ..i18n import _, library_message

BUILTIN_TEMPLATES = PACKAGE / "templates"
SECTION_SUFFIX = ".md.j2"
# Digits allowed in template prose because they are names, not figures.
DIGIT_ALLOW = re.compile(r"5G|4050|[A-Z]+\d|\d+[A-Z]+|(?<!\d)(?:19|20)\d\d(?!\d)")  # and years


@dataclass(frozen=True)
class SectionInfo:
    name: str
    title: str
    indicators: tuple[str, ...]
    template: str       # the file it comes from
    builtin: bool


BUILTIN_PREFIX = "builtin"  # {% extends "builtin/sections/fireworks.md.j2" %} reaches the original


def template_dirs(workspace: Path | None, extra: tuple[Path, ...] = ()) -> list[Path]:
    """Where templates are looked up, first match wins: folders the spec or the command line
    names, the workspace's templates/, then the built-in templates."""
    dirs = [Path(d) for d in extra]
    if workspace is not None and (workspace / "templates").is_dir():
        dirs.append(workspace / "templates")
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that serves only files lying, links followed, inside its folders:
    a link in a template pack pointing at /etc/passwd or a colleague's files is refused."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not inside(filename, self.searchpath):
            raise InputError(
                _(
                    "template '{template}' is a link to a file outside its templates folder; copy "
                    "the file into the folder instead"
                ).format(template=template),
                Location(filename),
            )
        if len(source) > MAX_BYTES:
            raise InputError(
                _("template '{template}' is larger than {max_bytes} MB").format(
                    template=template, max_bytes=MAX_BYTES // 1_000_000
                ),
                Location(filename),
            )
        return source, filename, uptodate


def make_environment(workspace: Path | None, extra: tuple[Path, ...] = ()) -> SandboxedEnvironment:
    dirs = template_dirs(workspace, extra)
    loader = jinja2.ChoiceLoader([
        ConfinedLoader([str(d) for d in dirs]),
        jinja2.PrefixLoader({BUILTIN_PREFIX: ConfinedLoader(str(BUILTIN_TEMPLATES))}),
    ])
    # Sandboxed with budgets: templates are user-editable text, not code. Compiled templates are
    # cached in the user's cache folder (keyed by file and modification time), as Jinja2 provides.
    env = BudgetedSandbox(loader=loader, undefined=jinja2.StrictUndefined, autoescape=False,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          bytecode_cache=_bytecode_cache())
    env.template_dirs = dirs
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    from ..portability import cache_dir
    # Named after the sandbox's code: code compiled by another version may lack its budgets.
    from ..diskcache import fingerprint
    try:
        folder = cache_dir() / f"templates-{fingerprint('narrative/sandbox.py', 'narrative/templates.py')}"
    except OSError:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no writable cache: compile every time
    return _KeptBytecodeCache(str(folder))


# Compiled templates by file key and source checksum, kept for the process: `watch`
# rebuilds and a batch worker's next brief find them here instead of reading the cache folder.
_compiled: dict[tuple[str, str], object] = {}


class _KeptBytecodeCache(jinja2.FileSystemBytecodeCache):
    def load_bytecode(self, bucket) -> None:
        code = _compiled.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            _compiled[(bucket.key, bucket.checksum)] = bucket.code

    def dump_bytecode(self, bucket) -> None:
        super().dump_bytecode(bucket)
        _compiled[(bucket.key, bucket.checksum)] = bucket.code


def template_error(exc: Exception, fallback: Location | None = None) -> InputError:
    """A Jinja error as one InputError naming the template file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return InputError(_("template syntax error: {message}").format(message=library_message(exc.message or "")),
                          Location(exc.filename or exc.name or "<template>", exc.lineno))
    if isinstance(exc, jinja2.TemplateNotFound):
        return InputError(_("template '{name}' not found").format(name=exc.name), fallback)
    location = fallback
    tb = exc.__traceback__
    while tb is not None:  # innermost template frame wins
        frame_globals = tb.tb_frame.f_globals
        template = frame_globals.get("__jinja_template__")
        if template is not None:
            location = Location(template.filename or template.name,
                                template.get_corresponding_lineno(tb.tb_lineno))
        elif "__jinja_exception__" in frame_globals:  # a frame Jinja rewrote: at the template's line
            location = Location(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    message = library_message(getattr(exc, "message", None) or str(exc))
    if isinstance(exc, RecursionError):
        message = (_("templates include or call each other without end; check the includes and "
                   "macros"))
    elif isinstance(exc, MemoryError):
        message = _("the template used more memory than a build may have; check its loops and what they collect")
    elif not isinstance(exc, (jinja2.TemplateError, BudgetExceeded)):
        message = _("the template failed: {kind}: {message}").format(kind=type(exc).__name__, message=message)[:300]
    if isinstance(exc, jinja2.UndefinedError):
        message = _("{message} (helpers: {indicator_helpers}, facts, fact, year, has)").format(
            message=message, indicator_helpers=", ".join(INDICATOR_HELPERS)
        )
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        message = _("not allowed in a template: {message}").format(message=message)
    return InputError(message, location)


# What _inspect reads from a template's syntax tree, by file and text: parsed once per process
# (every brief lists every section).
_template_facts: dict[tuple[str, str], tuple] = {}


class SectionCatalogue:
    """Every section template that can be named in a spec, with its title and indicators."""

    def __init__(self, env: SandboxedEnvironment):
        self.env = env
        self._sections: dict[str, SectionInfo] | None = None

    def sections(self) -> dict[str, SectionInfo]:
        if self._sections is None:
            found: dict[str, SectionInfo] = {}
            for directory in self.env.template_dirs:
                folder = Path(directory) / "sections"
                for path in sorted(folder.glob(f"*{SECTION_SUFFIX}")):
                    if not inside(path, [directory]):  # a link out: refused when named
                        continue
                    if not path.is_file():  # a pipe or a device would never end; not a template
                        continue
                    name = path.name[: -len(SECTION_SUFFIX)]
                    if name not in found:  # earlier folders win
                        found[name] = self._inspect(name, path, Path(directory) == BUILTIN_TEMPLATES)
            self._sections = found
        return self._sections

    def get(self, name: str) -> SectionInfo | None:
        return self.sections().get(name)

    def unknown(self, name: str) -> str:
        return _("unknown section '{name}'").format(name=name) + did_you_mean(name, self.sections())

    def _inspect(self, name: str, path: Path, builtin: bool) -> SectionInfo:
        source = path.read_text("utf-8")
        facts = _template_facts.get((str(path), source))
        if facts is None:
            from ..diskcache import fingerprint, remembered
            code = fingerprint("narrative/sandbox.py", "narrative/templates.py")
            made_from = f"template|{jinja2.__version__}|{code}|".encode() + source.encode("utf-8")
            facts = remembered("parsed", made_from, lambda: self._facts(source, name, path))
            if len(_template_facts) > 256:
                _template_facts.clear()
            _template_facts[(str(path), source)] = facts
        if facts is None:  # listed all the same, so `sections` works; `check` and `build` report the error
            return SectionInfo(name, name, (), str(path), builtin)
        title, ids, extends = facts
        parent = self._parent(extends)
        if parent is not None:  # an override extending the original inherits what it keeps
            title = title or parent.title
            ids = [*ids, *parent.indicators]
        return SectionInfo(name, title or name, tuple(dict.fromkeys(ids)), str(path), builtin)

    def _facts(self, source: str, name: str, path: Path) -> tuple | None:
        """What a template declares: (its title, the indicator ids it names, the template it
        extends); None when it cannot be parsed."""
        try:
            tree = self.env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError:
            return None
        title = next((str(a.node.value) for a in tree.find_all(nodes.Assign)
                      if isinstance(a.target, nodes.Name) and a.target.name == "title"
                      and isinstance(a.node, nodes.Const)), None)
        extends = next(tree.find_all(nodes.Extends), None)
        return (title, [ident for ident, __ in indicator_calls(tree)],
                extends.template.value if extends is not None and isinstance(extends.template, nodes.Const)
                else None)

    def _parent(self, extends: str | None) -> SectionInfo | None:
        if extends is None:
            return None
        try:
            __, filename, __ = self.env.loader.get_source(self.env, extends)
        except jinja2.TemplateNotFound:
            return None  # reported when the section is built or checked
        stem = Path(filename).name[: -len(SECTION_SUFFIX)]
        return self._inspect(stem, Path(filename), Path(filename).parent.parent == BUILTIN_TEMPLATES)

    def check(self, dataset) -> list[InputError]:
        """Syntax errors and unknown indicator ids in every section template."""
        errors = []
        for info in self.sections().values():
            try:
                tree = self.env.parse(Path(info.template).read_text("utf-8"), info.name, info.template)
            except jinja2.TemplateSyntaxError as e:
                e.filename = info.template
                errors.append(template_error(e))
                continue
            for ident, line in indicator_calls(tree):
                if dataset.get(ident) is None:
                    errors.append(InputError(dataset.unknown(ident), Location(info.template, line)))
        return errors


def indicator_calls(tree) -> list[tuple[str, int]]:
    """(indicator id, line) for every helper call whose first argument is a literal id."""
    out = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in INDICATOR_HELPERS and call.args \
                and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str):
            out.append((call.args[0].value, call.lineno))
    return out


def typed_digits(env: SandboxedEnvironment, source: str, filename: str) -> list[tuple[int, str]]:
    """(line, text) of digits typed into a template's prose rather than coming from a helper:
    such a number would not follow a data update. Digits inside {{ }} or {% %} are code."""
    found = []
    try:
        for line, kind, value in env.lex(source, filename=filename):
            if kind != "data":
                continue
            cleaned = DIGIT_ALLOW.sub("", value)
            for offset, text_line in enumerate(cleaned.split("\n")):
                match = re.search(r"\d[\d.,%]*", text_line)
                if match:
                    found.append((line + offset, match.group(0)))
    except jinja2.TemplateSyntaxError:
        pass  # reported as an error by the check itself
    return found


def render_template(env: SandboxedEnvironment, name: str, context: dict,
                    named_at: Location | None) -> str:
    try:
        template = env.get_template(name)
        with section_budget() as budget:
            return consume(template.generate(context), budget)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure inside a template names its line
        raise template_error(e, named_at) from None


def render_string(env: SandboxedEnvironment, source: str, context: dict, origin: Location) -> str:
    """Inline `text:` entries of a spec: rendered with the same helpers; errors name the spec
    line (the text's first line plus the line within the text)."""
    def spec_location(location: Location | None) -> Location:
        line = location.line if location is not None and location.line else 1
        return Location(origin.file, (origin.line or 1) + line - 1)

    try:
        template = env.from_string(source)
        with section_budget() as budget:
            return consume(template.generate(context), budget)
    except InputError as e:
        if e.location is None or e.location.file in ("<template>", None):
            e.location = spec_location(e.location)
        raise
    except Exception as e:  # noqa: BLE001 - any failure inside a template names its line
        err = template_error(e)
        err.location = spec_location(err.location)
        raise err from None


__all__ = ["ErrorList", "SectionCatalogue", "SectionInfo", "make_environment", "render_template",
           "render_string", "typed_digits", "template_dirs"]

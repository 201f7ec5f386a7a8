"""YAML loading that keeps where every value came from, so errors can name file:line:col."""
from __future__ import annotations

import os
import stat

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, Location
from .typography import normalise
from .i18n import _, library_message, os_message

KeyPath = tuple  # of str keys and int indexes


@dataclass
class MarkedYAML:
    """Plain data (dicts, lists, scalars) plus the location of each value and mapping key."""

    file: str
    data: object
    _values: dict = field(default_factory=dict)
    _keys: dict = field(default_factory=dict)

    def where(self, path: KeyPath) -> Location:
        """Location of the value at `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self._values:
            path = path[:-1]
        return self._values.get(path, Location(self.file, 1, 1))

    def key_where(self, path: KeyPath) -> Location:
        """Location of the key naming the value at `path` (for unknown-key errors)."""
        return self._keys.get(tuple(path)) or self.where(path)


def read_text(path: str | Path, what: str, limit: int | None = None, excel: bool = False) -> str:
    """A UTF-8 text file of at most `limit` bytes (MAX_BYTES), refused before it is read. Only a
    regular file is read (a named pipe or a device would never end). `excel`: a table Excel or
    WPS saved on Chinese Windows ("CSV (逗号分隔)" is GBK) is read as GB18030 when it is not UTF-8."""
    limit = limit or MAX_BYTES
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise InputError(_("{what} is not a regular file (a pipe or a device?); name a file").format(what=what),
                             Location(str(path)))
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise InputError(_("{what} not found").format(what=what), Location(str(path))) from None
    except IsADirectoryError:
        raise InputError(_("{what} is a folder, not a file").format(what=what), Location(str(path))) from None
    except OSError as e:
        raise InputError(_("cannot read {what}: {strerror}").format(what=what, strerror=os_message(e)),
            Location(str(path))) from None
    if len(raw) > limit:
        raise InputError(
            _("the {what} is larger than {limit} MB; is it the right file?").format(
                what=what, limit=limit // 1_000_000
            ),
            Location(str(path)),
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        if excel:
            try:
                return raw.decode("gb18030")
            except UnicodeDecodeError:
                raise InputError(_(
                    "neither UTF-8 nor GBK text; in Excel: File > Save As > \"CSV UTF-8 (逗号分隔)\"; in WPS: "
                    "文件 > 另存为 > CSV, encoding UTF-8"), Location(str(path), line)) from None
        raise InputError(_("not UTF-8 text; save the file as UTF-8 (in Notepad: Save As > Encoding: UTF-8)"),
                         Location(str(path), line)) from None


# LibYAML's parser when PyYAML was built with it (it keeps line marks too, and is many times
# faster on the built-in dataset); the pure-Python one otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 1_000_000   # a spec, theme or data file is a few kilobytes; refuse runaway input
MAX_VALUES = 100_000    # values after expanding aliases (a "billion laughs" file stops here)
MAX_DEPTH = 32          # nesting of lists and mappings; a spec needs five


def package_yaml(path: Path):
    """One of the package's own YAML files (layouts, themes, words, style names), as plain data: no
    locations needed, read with the faster parser (the Python one took 3 ms a file)."""
    return yaml.load(path.read_text("utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader


def parse_yaml(text: str, file: str) -> MarkedYAML:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise InputError(
            _("the file is larger than {max_bytes} MB; is it the right file?").format(max_bytes=MAX_BYTES // 1_000_000),
            Location(file),
        )
    return _parse(text, file, _Loader)


def _parse(text: str, file: str, loader_class) -> MarkedYAML:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        marked = MarkedYAML(file, None)
        marked.data = _build(loader, node, (), marked) if node is not None else None
        return marked
    except yaml.MarkedYAMLError as e:
        if loader_class is not yaml.SafeLoader:  # the same error in the words of the Python parser,
            return _parse(text, file, yaml.SafeLoader)  # whichever parser this PyYAML was built with
        mark = e.problem_mark or e.context_mark
        problem = library_message((e.problem or e.context or _("invalid YAML")).strip())
        ctx = e.context_mark
        if e.problem and e.context and ctx is not None and mark is not None and ctx.line != mark.line:
            problem += _(" ({strip} started at line {line}, column {column})").format(
                strip=library_message(e.context.strip()), line=ctx.line + 1, column=ctx.column + 1
            )
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise InputError(_("YAML syntax error: {problem}").format(problem=problem), where) from None
    except yaml.YAMLError as e:
        raise InputError(_("YAML syntax error: {e}").format(e=e), Location(file)) from None
    except RecursionError:  # the composer recurses once per level of nesting
        raise InputError(
            _("lists and mappings are nested more than {max_depth} deep; check the brackets and indentation").format(
                max_depth=MAX_DEPTH
            ),
            _too_deep(text, file),
        ) from None
    finally:
        loader.dispose()


def _too_deep(text: str, file: str) -> Location:
    """Where the nesting first goes past MAX_DEPTH, found by the (iterative) scanner."""
    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
               yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):  # libyaml looks far ahead
            depth += isinstance(token, opening) - isinstance(token, closing)
            if depth > MAX_DEPTH + 1:
                return Location(file, token.start_mark.line + 1, token.start_mark.column + 1)
    except yaml.YAMLError:
        pass
    return Location(file)


def load_yaml(path: str | Path, what: str | None = None) -> MarkedYAML:
    return parse_yaml(read_text(path, what or _("file")), str(path))


def _loc(file: str, node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(loader, node, path: KeyPath, marked: MarkedYAML):
    if len(path) > MAX_DEPTH:
        raise InputError(
            _("lists and mappings are nested more than {max_depth} deep; check the brackets and indentation").format(
                max_depth=MAX_DEPTH
            ),
            _loc(marked.file, node),
        )
    if len(marked._values) > MAX_VALUES:
        raise InputError(
            _("more than {max_values} values (aliases that expand too far?); write the values out instead").format(
                max_values=MAX_VALUES
            ),
            _loc(marked.file, node),
        )
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        # A block of text (`text: |`) starts on the line after its indicator.
        marked._values[path] = Location(marked.file, node.start_mark.line + 2)
    else:
        marked._values[path] = _loc(marked.file, node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                if isinstance(key_node, yaml.MappingNode):  # {{ … }} read as YAML's {…}
                    raise InputError(_("text with {{ … }} must be in quotes, or YAML reads the braces "
                                     "as a mapping: write \"{{ value('…') }}\" (or use text: |)"),
                                     _loc(marked.file, node))
                raise InputError(_("mapping keys must be plain words"), _loc(marked.file, key_node))
            key = str(key)
            if key in out:
                raise InputError(_("key '{key}' appears twice").format(key=key), _loc(marked.file, key_node))
            marked._keys[path + (key,)] = _loc(marked.file, key_node)
            out[key] = _build(loader, value_node, path + (key,), marked)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), marked) for i, item in enumerate(node.value)]
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError:
        # A scalar that looks like a date or number but is not one (2025-13-01): keep the text,
        # and let the schema say what is wrong with it.
        value = node.value
    if isinstance(value, str):
        where = _loc(marked.file, node)
        if node.style in ("'", '"'):  # columns are counted from the first character inside
            where = Location(where.file, where.line, where.col + 1)
        elif node.style in ("|", ">"):
            where = Location(marked.file, node.start_mark.line + 2)
        check_characters(value, where, key_path_text(path) or None)
        value = normalise(value)
    return value


_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def check_characters(text: str, where: Location, key: str | None = None) -> None:
    """Control characters and lone surrogates cannot go into a DOCX (XML) or be printed: say
    where, rather than fail later inside a writer."""
    bad = _BAD.search(text)
    if bad:
        before = text[: bad.start()]
        if where.line is not None and "\n" in before:  # a block of text: the line it is on
            where = Location(where.file, where.line + before.count("\n"))
        elif where.col is not None:
            where = Location(where.file, where.line, where.col + bad.start())
        raise InputError(
            _(
                "control character U+{ord:04X} in the text; delete it (it may have come with "
                "text pasted from another program)"
            ).format(ord=ord(bad.group())),
            where,
            key,
        )


def key_path_text(path: KeyPath) -> str:
    """('sections', 2, 'indicators', 0) -> 'sections[2].indicators[0]'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

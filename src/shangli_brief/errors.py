"""One error family. Every error knows where it happened, so the CLI can print one line:
`file:line:col: key.path: message`."""
from __future__ import annotations

import os
from dataclasses import dataclass
from .i18n import _


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based
    col: int | None = None   # 1-based
    cell: str | None = None  # in a spreadsheet: 工作表1!D7 (shown instead of line and column)

    def __str__(self) -> str:
        if self.cell:
            return f"{display_path(self.file)}:{self.cell}"
        parts = [display_path(self.file)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


def display_path(path: str) -> str:
    """Paths under the working folder are shown relative to it, as a user typed them."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class BriefError(Exception):
    """A problem with a location. exit_code 2: the input is wrong; 1: the build failed."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.key = key

    def __str__(self) -> str:
        if self.location is not None and self.location.file == "--set" and self.key:
            return f"--set {self.key}: {self.message}"  # a value given on the command line
        parts = []
        if self.location is not None:
            parts.append(str(self.location))
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)


class InputError(BriefError):
    """The spec, data, template, theme or arguments are wrong (exit status 2)."""


class BuildError(BriefError):
    """The input was fine but the output could not be made (exit status 1)."""

    exit_code = 1


class ErrorList(Exception):
    """Several problems found in one pass; `check` and `build` report them all."""

    def __init__(self, errors: list[BriefError]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors

    @property
    def exit_code(self) -> int:
        return max(e.exit_code for e in self.errors)


def did_you_mean(word: str, choices) -> str:
    import difflib  # only when something is misspelt
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return _(" (did you mean '{close}'?)").format(close=close[0]) if close else ""

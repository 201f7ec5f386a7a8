"""The interface language: Chinese or English, from gettext catalogs in locale/.

Every message the tool prints is written in English in the code, marked `_("…")`, and
translated through locale/zh_CN/LC_MESSAGES/shangli_brief.mo (compiled from the .po beside
it by `make messages`; tests/test_i18n.py fails when a message has no Chinese). The language
is chosen once per process: --lang, else SHANGLI_BRIEF_LANG, else the locale (LC_ALL,
LC_MESSAGES, LANG; on Windows the user's display language): Chinese for zh_*, English
otherwise. Child processes inherit the choice through SHANGLI_BRIEF_LANG."""
from __future__ import annotations

import gettext as _gettext
import os
import re
import sys
from pathlib import Path

DOMAIN = "shangli_brief"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("zh", "en")
ENV = "SHANGLI_BRIEF_LANG"

_current: _gettext.NullTranslations | None = None
_language: str | None = None


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; it is translated where it is used."""
    return message


def _(message: str) -> str:
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)


def language() -> str:
    global _language
    if _language is None:
        _language = _from_environment()
    return _language


def set_language(lang: str | None) -> str:
    """Fix the language for this process and the processes it starts (--lang)."""
    global _language, _current
    _language = _normalise(lang) if lang else _from_environment()
    _current = None
    os.environ[ENV] = _language
    return _language


def _normalise(value: str) -> str | None:
    value = value.strip().lower().replace("-", "_")
    if not value:
        return None
    if value.startswith("zh"):
        return "zh"
    if value in ("c", "posix") or value.startswith("en"):
        return "en"
    return "en" if re.match(r"^[a-z]{2,3}(_|\.|@|$)", value) else None


def _from_environment() -> str:
    given = os.environ.get(ENV)
    if given and _normalise(given):
        return _normalise(given)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):  # the first one set decides, as in POSIX
        value = os.environ.get(name)
        if value:
            return _normalise(value) or "en"
    if sys.platform == "win32":
        return _windows_language()
    return "en"


def _windows_language() -> str:
    """The Windows display language: the primary language id 0x04 is Chinese."""
    try:
        import ctypes
        lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
    except (AttributeError, OSError):
        return "en"
    return "zh" if lang_id & 0x3FF == 0x04 else "en"


def _translations() -> _gettext.NullTranslations:
    global _current
    if _current is None:
        if language() == "zh":
            _current = _gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)
        else:
            _current = _gettext.NullTranslations()
    return _current


def early_language(argv: list[str]) -> None:
    """--lang is read before the parser is built, so that --help is in that language."""
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang if lang in LANGUAGES else None)


def translate_argparse() -> None:
    """argparse's own words (usage:, options, error: …) come from our catalog too: argparse
    looks up the module-level names `_` and `ngettext` each time it builds a message."""
    import argparse
    argparse._ = _
    argparse.ngettext = ngettext


# Messages of PyYAML and Jinja that users meet, in Chinese. The libraries have no catalogs;
# these patterns cover what a mistyped spec or template produces (compiled when one is met).
LIBRARY_MESSAGES = [
    (r"^mapping values are not allowed here$",
        N_("a colon where no key was expected (a value with ': ' in it must be in quotes)")),
    (r"^could not find expected ':'$", N_("a key without its colon ':'")),
    (r"^found character '\\t' that cannot start any token$", N_("a tab character; indent with spaces")),
    (r"^found character '(.*)' that cannot start any token$",
        N_("the character '{0}' cannot start a value; put the text in quotes")),
    (r"^expected <block end>, but found '(.*)'$",
        N_("the indentation does not match the lines above (found {0})")),
    (r"^did not find expected key$", N_("a line indented differently from the keys above it")),
    (r"^did not find expected '-' indicator$", N_("a list item without its '-'")),
    (r"^found unexpected end of stream$", N_("the file ends inside a quoted text; close the quotes")),
    (r"^found undefined alias '(.*)'$", N_("the alias '{0}' is not defined")),
    (r"^unexpected end of template.*$",
        N_("the template ends before a block is closed ({{% endif %}}, {{% endfor %}} …)")),
    (r"^unexpected '(.*)'$", N_("unexpected '{0}'")),
    (r"^Encountered unknown tag '(.*?)'.*$", N_("unknown tag '{0}'")),
    (r"^expected token '(.*?)', got '(.*)'$", N_("expected '{0}', found '{1}'")),
    (r"^'(.*)' is undefined$", N_("'{0}' is not defined")),
]


def os_message(error: OSError) -> str:
    """What the system said (an OSError), in the interface language: the common reasons in our
    words, anything else as the system put it."""
    import errno
    words = {errno.ENOENT: N_("no such file or folder"), errno.EACCES: N_("permission denied"),
             errno.EPERM: N_("not permitted"), errno.EISDIR: N_("it is a folder"),
             errno.ENOTDIR: N_("a part of the path is not a folder"), errno.ENOSPC: N_("the disk is full"),
             errno.EROFS: N_("the disk is read-only"), errno.EEXIST: N_("it exists already"),
             errno.EOPNOTSUPP: N_("the file system does not support this"), errno.EIO: N_("a read or write error"),
             errno.ENAMETOOLONG: N_("the name is too long"), errno.EBUSY: N_("it is in use")}
    found = words.get(error.errno)
    return _(found) if found else (error.strerror or str(error))


def library_message(text: str) -> str:
    """A library's English message in the interface language (unchanged in English, or when
    it is none of the known ones)."""
    if language() != "zh":
        return text
    for pattern, message in LIBRARY_MESSAGES:
        m = re.match(pattern, text)
        if m:
            return _(message).format(*m.groups())
    return text

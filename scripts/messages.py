"""The Chinese catalog of the interface: `make messages` after changing a message.

    python scripts/messages.py          extract the messages, merge them into the .po, compile the .mo
    python scripts/messages.py --check  exit 1 if a message has no Chinese or the .mo is stale

The messages are every `_("…")`, `N_("…")` and `ngettext(…)` in src/shangli_brief, and argparse's
own words (usage:, options, error: …) as this Python's argparse has them. Translations live in
src/shangli_brief/locale/zh_CN/LC_MESSAGES/shangli_brief.po; the .mo beside it is what the
tool reads (gettext, no Babel at run time). tests/test_i18n.py runs the same checks."""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "shangli_brief"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "shangli_brief.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message of the package and of argparse, as a template catalog."""
    catalog = Catalog(project="shangli-brief", fuzzy=False)
    found = [(msg, "shangli_brief") for *_, msg, _c, _ctx in
             extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS)]
    found += [(msg, "argparse") for *_, msg, _c, _ctx in
              extract_from_file("python", argparse.__file__, keywords=KEYWORDS)]
    for msg, origin in found:
        if msg and msg not in catalog:
            catalog.add(msg, auto_comments=[origin] if origin == "argparse" else ())
    return catalog


def read_translations() -> Catalog:
    with open(PO, "rb") as f:
        return read_po(f, locale="zh_CN")


def merged(template: Catalog, translations: Catalog) -> Catalog:
    """The template's messages with the translations they already have; others untranslated."""
    # the dates of the catalog it updates: running this twice changes nothing
    out = Catalog(locale="zh_CN", project="shangli-brief", version="", fuzzy=False,
                  header_comment="# Chinese (Simplified) messages of shangli-brief.",
                  creation_date=translations.creation_date, revision_date=translations.revision_date)
    for msg in template:
        if not msg.id:
            continue
        old = translations.get(msg.id)
        string = old.string if old is not None and not old.fuzzy else ""
        if msg.pluralizable and (isinstance(string, str) or len(string) == 1):
            first = string if isinstance(string, str) else string[0]
            string = (first, first)   # Chinese has one form: Babel wants both slots
        out.add(msg.id, string, auto_comments=msg.auto_comments)
    return out


def missing(catalog: Catalog) -> list[str]:
    def empty(m):
        return not any(m.string) if m.pluralizable else not m.string
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and (empty(m) or m.fuzzy)]


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def translations_of(mo: bytes) -> dict:
    """What a compiled catalog translates: (context, message) -> translation, its header (which
    names the Babel that wrote it) aside, so that catalogs are compared by what they say."""
    catalog = read_mo(io.BytesIO(mo))
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return {(m.context, plain(m.id)): plain(m.string) for m in catalog if m.id}


def main() -> int:
    check = "--check" in sys.argv
    catalog = merged(extracted(), read_translations())
    untranslated = missing(catalog)
    if check:
        out_of_date = not MO.exists() or translations_of(MO.read_bytes()) != translations_of(compiled(catalog))
        for m in untranslated:
            print(f"no Chinese for: {m!r}", file=sys.stderr)
        if out_of_date:
            print(f"{MO.relative_to(ROOT)} is out of date: run `make messages`", file=sys.stderr)
        return 1 if untranslated or out_of_date else 0
    with open(PO, "wb") as f:
        write_po(f, catalog, width=100, no_location=True, omit_header=False, sort_output=True)
    MO.write_bytes(compiled(catalog))
    print(f"{len(catalog)} messages, {len(untranslated)} without Chinese", file=sys.stderr)
    for m in untranslated:
        print(f"  no Chinese for: {m!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

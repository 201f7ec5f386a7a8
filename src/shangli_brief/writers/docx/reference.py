"""A reference Word file (an office's letterhead) taken in by an allow-list.

What a brief takes from it: styles, numbering, page setup (in document.xml's sectPr), headers,
footers, footnote separators, the theme, the font table, and the images those parts hold.
What never passes into a brief, whatever the file holds: external relationships (a header
image fetched by http:// or a file:// share, where Windows would send the reader's credentials),
an attached template, macros (vbaProject.bin), embedded objects and fonts, custom XML, the
other office's document properties, fields that fetch outside content (INCLUDEPICTURE, LINK,
DDE), and any XML with a DTD or entities. Sizes are checked before anything is inflated
(see safezip)."""
from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from ...errors import InputError, Location
from ...safezip import REFERENCE_DOCX, open_package, read_xml_part
from .base import APP
from ...i18n import _

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE_DOCUMENT = f"{R}/officeDocument"
APP_REL = f"{R}/extended-properties"
MAIN = "word/document.xml"

# Parts a brief may take, by name, and the relationship types that may point at them.
KEPT_PARTS = re.compile(r"word/(document|styles|numbering|settings|fontTable|footnotes|endnotes"
                        r"|header\d*|footer\d*|theme/theme\d*)\.xml")
KEPT_MEDIA = re.compile(r"word/media/[^/]+\.(png|jpe?g|gif|bmp|tiff?|emf|wmf)", re.IGNORECASE)
KEPT_RELS = {f"{R}/{kind}" for kind in ("styles", "numbering", "settings", "fontTable", "footnotes",
                                        "endnotes", "header", "footer", "theme", "image")}
# Fields whose result Word fetches from outside the document when it updates them.
OUTSIDE_FIELDS = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.I)
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
               "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff",
               "emf": "image/x-emf", "wmf": "image/x-wmf"}
# Settings that tie the document to other files or carry another office's data.
DROP_SETTINGS = ("attachedTemplate", "mailMerge", "docVars", "linkStyles", "saveThroughXslt",
                 "removePersonalInformation", "documentProtection", "writeProtection")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=False)


def clean_reference(path: str) -> io.BytesIO:
    """The reference package rebuilt from its allowed parts only, ready for python-docx."""
    where = Location(str(path))
    what = _("reference Word file")
    with open_package(path, what, REFERENCE_DOCX) as package:
        names = set(package.namelist())
        if MAIN not in names:
            raise InputError(
                _("'{path}' is not a Word document (it has no {main}); save it from Word or WPS as .docx").format(
                    path=path, main=MAIN
                ),
                where,
            )
        kept: dict[str, bytes] = {}
        for name in sorted(names):
            if KEPT_PARTS.fullmatch(name):
                kept[name] = read_xml_part(package, name, what, where)
            elif KEPT_MEDIA.fullmatch(name):
                kept[name] = package.read(name)
        rels = {name: read_xml_part(package, name, what, where)
                for name in names if name.startswith("word/_rels/") and name.endswith(".rels")}

    out: dict[str, bytes] = {}
    for name, data in kept.items():
        if name.startswith("word/media/"):
            out[name] = data
            continue
        root = _parse(data, name, where)
        rels_name = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
        allowed_ids = set()
        if rels_name in rels:
            rels_root = _parse(rels[rels_name], rels_name, where)
            for rel in list(rels_root):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target", "")))
                if (rel.get("TargetMode") != "External" and rel.get("Type") in KEPT_RELS
                        and target in kept):
                    allowed_ids.add(rel.get("Id"))
                else:
                    rels_root.remove(rel)
            out[rels_name] = _serialise(rels_root)
        _drop_dangling(root, allowed_ids)
        _drop_outside_fields(root)
        if name == "word/settings.xml":
            for tag in DROP_SETTINGS:
                for element in root.findall(f"{{{W}}}{tag}"):
                    root.remove(element)
        if name == "word/fontTable.xml":  # embedded fonts are not taken: drop their references
            for element in list(root.iter()):
                if etree.QName(element).localname.startswith("embed"):
                    element.getparent().remove(element)
        out[name] = _serialise(root)
    out["docProps/app.xml"] = APP.format(version=_version()).encode("utf-8")
    out["_rels/.rels"] = _package_rels()
    out["[Content_Types].xml"] = _content_types(out)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ("[Content_Types].xml", "_rels/.rels", *sorted(n for n in out if n not in
                                                                     ("[Content_Types].xml", "_rels/.rels"))):
            target.writestr(name, out[name])
    buffer.seek(0)
    return buffer


def _version() -> str:
    from ... import __version__
    return __version__


def _parse(data: bytes, name: str, where: Location):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise InputError(
            _("the reference Word file is damaged ({name}: {e}); save it again from Word or WPS").format(
                name=name, e=e
            ),
            where,
        ) from None


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_dangling(root, allowed_ids: set) -> None:
    """Elements pointing at a relationship that was not taken: a linked picture loses its link,
    a hyperlink keeps its text, anything else (an embedded object, a picture of a dropped kind)
    goes with its run."""
    for element in list(root.iter()):
        if element.getparent() is None and element is not root:
            continue  # removed with an ancestor already
        for attribute, value in list(element.attrib.items()):
            if not attribute.startswith(f"{{{R}}}") or value in allowed_ids:
                continue
            local = etree.QName(attribute).localname
            if local == "link":
                del element.attrib[attribute]
            elif etree.QName(element).localname == "hyperlink":
                parent = element.getparent()
                index = parent.index(element)
                for child in list(element):
                    parent.insert(index, child)
                    index += 1
                parent.remove(element)
                break
            else:
                doomed = element
                for ancestor in element.iterancestors(f"{{{W}}}r"):
                    doomed = ancestor
                    break
                parent = doomed.getparent()
                if parent is not None:
                    parent.remove(doomed)
                break


def _drop_outside_fields(root) -> None:
    """A paragraph holding a field that fetches outside content is removed whole: the field's
    begin, code and end are spread over several runs."""
    doomed = set()
    for instr in root.iter(f"{{{W}}}instrText"):
        if OUTSIDE_FIELDS.match(instr.text or ""):
            doomed.add(next(instr.iterancestors(f"{{{W}}}p"), instr))
    for simple in root.iter(f"{{{W}}}fldSimple"):
        if OUTSIDE_FIELDS.match(simple.get(f"{{{W}}}instr", "")):
            doomed.add(simple)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def _package_rels() -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_R}">'
            f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="word/document.xml"/>'
            f'<Relationship Id="rId2" Type="{APP_REL}" Target="docProps/app.xml"/>'
            "</Relationships>").encode("utf-8")


_PART_TYPES = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "word/styles.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "word/numbering.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
    "word/settings.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "word/fontTable.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
    "word/footnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "word/endnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
    "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}


def _content_types(parts: dict) -> bytes:
    overrides = []
    for name in sorted(parts):
        if name in _PART_TYPES:
            kind = _PART_TYPES[name]
        elif re.fullmatch(r"word/header\d*\.xml", name):
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
        elif re.fullmatch(r"word/footer\d*\.xml", name):
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
        elif name.startswith("word/theme/"):
            kind = "application/vnd.openxmlformats-officedocument.theme+xml"
        else:
            continue
        overrides.append(f'<Override PartName="/{name}" ContentType="{kind}"/>')
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                "xml": "application/xml"}
    for name in parts:
        if name.startswith("word/media/"):
            ext = name.rsplit(".", 1)[-1]
            defaults.setdefault(ext, MEDIA_TYPES[ext.lower()])
    body = "".join(f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in sorted(defaults.items()))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{CT}">'
            f"{body}{''.join(overrides)}</Types>").encode("utf-8")

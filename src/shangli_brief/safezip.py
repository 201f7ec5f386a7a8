"""Office files (a reference DOCX, an XLSX data update) come from other offices: before any
part is inflated or parsed, the package is checked against limits a real file never reaches,
and XML with a document type declaration (the way to entity expansion and outside files) is
refused. Word, WPS and Excel never write a DTD."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Location
from .i18n import _, os_message


@dataclass(frozen=True)
class Limits:
    file: int           # bytes of the package on disk
    part: int           # bytes of one part, inflated
    total: int          # bytes of all parts, inflated
    ratio: int          # inflated / compressed, for parts over RATIO_FLOOR
    parts: int = 2000   # number of parts


# A letterhead DOCX with its logo is a few hundred kilobytes; a bureau's XLSX, tens.
REFERENCE_DOCX = Limits(file=20_000_000, part=30_000_000, total=80_000_000, ratio=200)
WORKBOOK = Limits(file=10_000_000, part=30_000_000, total=60_000_000, ratio=200)
RATIO_FLOOR = 1_000_000  # small parts (styles.xml of blank space) may compress very well
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def open_package(path: str | Path, what: str, limits: Limits) -> zipfile.ZipFile:
    """The package as a ZipFile whose every part is within `limits`; an InputError naming the
    file otherwise. Only the central directory is read here: nothing is inflated."""
    where = Location(str(path))
    try:
        size = Path(path).stat().st_size
    except OSError as e:
        raise InputError(_("cannot read the {what}: {strerror}").format(what=what, strerror=os_message(e)),
            where) from None
    if size > limits.file:
        raise InputError(
            _("the {what} is larger than {limit} MB; is it the right file?").format(
                what=what, limit=limits.file // 1_000_000
            ),
            where,
        )
    try:
        package = zipfile.ZipFile(path)
    except OSError as e:
        raise InputError(_("cannot read the {what}: {strerror}").format(what=what, strerror=os_message(e)),
                         where) from None
    except (zipfile.BadZipFile, ValueError):
        raise InputError(
            _("not a {value} file (not a zip package); name a file saved by {programs}").format(
                value=_office_kind(path), programs=_programs(path)
            ),
            where,
        ) from None
    infos = package.infolist()
    problem = None
    if len(infos) > limits.parts:
        problem = _("it has {count} parts").format(count=len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.part:
            problem = _("its part {filename} inflates to {file_size} MB").format(
                filename=info.filename, file_size=info.file_size // 1_000_000
            )
        elif info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            problem = _("its part {filename} inflates {file_size} times (a zip bomb?)").format(
                filename=info.filename, file_size=info.file_size // max(info.compress_size, 1)
            )
        if problem:
            break
    if not problem and total > limits.total:
        problem = _("its parts inflate to {total} MB").format(total=total // 1_000_000)
    if problem:
        package.close()
        raise InputError(
            _("refusing the {what}: {problem}; a real file stays far below that").format(what=what, problem=problem),
            where,
        )
    return package


def _office_kind(path) -> str:
    return "Excel (.xlsx)" if str(path).lower().endswith((".xlsx", ".xlsm")) else "Word (.docx)"


def read_xml_part(package: zipfile.ZipFile, name: str, what: str, where: Location) -> bytes:
    """A part's bytes, refused when it declares a DTD or entities."""
    try:
        data = package.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(
            _("the {what} is damaged (its part {name} cannot be read); save it again from {programs}").format(
                what=what, name=name, programs=_programs(where.file)
            ),
            where,
        ) from None
    check_no_dtd(data, name, what, where)
    return data


# An XML part may be written in any of these, with or without a byte order mark; expat reads
# each. A declaration is looked for in every one (a UTF-16 part without a BOM passed before).
_XML_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def check_no_dtd(data: bytes, name: str, what: str, where: Location) -> None:
    found = _DTD.search(data) or any(
        _DTD.search(data.decode(encoding, "ignore").encode("utf-8")) for encoding in _XML_ENCODINGS
        if b"\x00" in data[:8])  # a wide encoding starts with a NUL among its first characters
    if found:
        raise InputError(
            _(
                "the {what} declares a DTD or entities in {name} (Word, WPS and Excel never "
                "write one); save it again from {programs}"
            ).format(what=what, name=name, programs=_programs(where.file)),
            where,
        )


def _programs(path) -> str:
    return _("Excel or WPS") if str(path).lower().endswith((".xlsx", ".xlsm")) else _("Word or WPS")


def check_xml_parts(path: str | Path, what: str, limits: Limits) -> None:
    """Every XML part of the package checked for a DTD, within the limits; a workbook's sheets
    also for their extent (check_sheet_extent), in the same pass over its parts."""
    where = Location(str(path))
    with open_package(path, what, limits) as package:
        for info in package.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                data = read_xml_part(package, info.filename, what, where)
                if info.filename.startswith("xl/worksheets/"):  # a workbook's sheet
                    check_sheet_extent(data, what, where)


# What a sheet of a data table may hold: a county's tables have dozens of rows and columns.
# Counted from the cell references the sheet declares, before openpyxl, which allocates every
# row up to the highest one named (a 5 KB file naming row 2,000,000,000 took gigabytes).
MAX_SHEET_ROWS = 50_000
MAX_SHEET_COLUMNS = 200
MAX_SHEET_CELLS = 500_000
_REFERENCE = re.compile(rb'<(?:\w+:)?(c|row|dimension)\b[^>]*?\b(?:r|ref)="([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')


def check_sheet_extent(sheet: bytes, what: str, where: Location) -> None:
    """A worksheet part within MAX_SHEET_ROWS rows, MAX_SHEET_COLUMNS columns and
    MAX_SHEET_CELLS cells, as its row, cell and dimension references say."""
    cells = 0
    for m in _REFERENCE.finditer(sheet):
        cells += m.group(1) == b"c"
        for letters, digits in ((m.group(2), m.group(3)), (m.group(4) or b"", m.group(5) or b"")):
            row = int(digits) if digits else 0
            column = 0
            for letter in letters:
                column = column * 26 + letter - 64
            problem = (_("row {row:,}").format(row=row) if row > MAX_SHEET_ROWS else
                       _("column {column}").format(column=letters.decode()) if column > MAX_SHEET_COLUMNS
                       else None)
            if problem:
                raise InputError(_("the {what}'s sheet reaches {problem}; a data table has at most "
                                   "{rows:,} rows and {columns} columns").format(
                    what=what, problem=problem, rows=MAX_SHEET_ROWS, columns=MAX_SHEET_COLUMNS), where)
    if cells > MAX_SHEET_CELLS:
        raise InputError(_("the {what}'s sheet holds {cells:,} cells; a data table has at most {most:,}")
                         .format(what=what, cells=cells, most=MAX_SHEET_CELLS), where)

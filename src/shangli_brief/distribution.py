"""Printed distribution (`shangli-brief print`): the recipients table, the 版记 made from it, the
print job with every copy's 份号, the booklet for saddle stitching, and the register (发文登记).

The recipients table is what a county office keeps: a CSV (saved by Excel or WPS, GBK or UTF-8)
or an XLSX with the columns 类别, 单位, 份数 and, if wanted, 备注; 类别 is 报, 送, 发 or 抄送.
Copies are numbered in the table's order (000001 …): the register says which numbers went to
whom. The print job and the register are the same bytes for the same inputs."""
from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ErrorList, InputError, Location
from .i18n import _
from .model import Closing

# The columns, as the office writes them (English names accepted too), and the categories of
# the 版记 in its order: 报, 送, 发, 抄送.
COLUMNS = {"类别": "category", "单位": "unit", "份数": "copies", "备注": "note",
           "category": "category", "unit": "unit", "copies": "copies", "note": "note"}
REQUIRED = ("category", "unit", "copies")
CATEGORIES = {"报": "report", "送": "send", "发": "distribute", "抄送": "cc"}
MAX_COPIES = 100_000  # of one brief, all recipients together


@dataclass(frozen=True)
class Recipient:
    category: str  # 报, 送, 发 or 抄送, as written
    unit: str
    copies: int
    note: str
    where: Location
    first: int = 0  # its first copy number (份号), given by numbered()

    @property
    def last(self) -> int:
        return self.first + self.copies - 1


def load_recipients(path: str | Path) -> list[Recipient]:
    """The recipients of a CSV or XLSX table, numbered in its order; every bad row is reported
    (one line each, with its file, row and column)."""
    from .data.tables import table_rows
    path = str(path)
    rows = [(n, [c.strip() for c in cells]) for n, cells in table_rows(path, _("recipients table"))
            if any(c.strip() for c in cells)]
    if not rows:
        raise InputError(_("the recipients table is empty; its first row names the columns 类别, 单位, 份数"),
                         Location(path, 1))
    header_line, header = rows[0]
    names = [COLUMNS.get(h.lower()) for h in header]
    for k, (given, known) in enumerate(zip(header, names)):
        if given and known is None:
            raise InputError(_("unknown column '{column}'; the columns are 类别, 单位, 份数 and 备注").format(
                column=given), Location(path, header_line, k + 1))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        wanted = {v: k for k, v in COLUMNS.items() if not k.isascii()}[missing[0]]
        raise InputError(_("missing column '{column}'; the columns are 类别, 单位, 份数 and 备注").format(
            column=wanted), Location(path, header_line))
    errors, out, total = [], [], 0
    for line, cells in rows[1:]:
        cell = {name: (cells[k] if k < len(cells) else "", k + 1) for k, name in enumerate(names) if name}
        category, col = cell["category"]
        unit, unit_col = cell["unit"]
        copies_text, copies_col = cell["copies"]
        problem = None
        if category not in CATEGORIES:
            problem = (col, "类别", _("'{value}' is not a category; write 报, 送, 发 or 抄送").format(value=category))
        elif not unit:
            problem = (unit_col, "单位", _("the recipient's name is empty"))
        elif not (copies_text.isdigit() and 1 <= int(copies_text) <= MAX_COPIES):
            problem = (copies_col, "份数", _(
                "'{value}' is not a number of copies; write a whole number such as 2").format(value=copies_text))
        if problem:
            errors.append(InputError(problem[2], Location(path, line, problem[0]), problem[1]))
            continue
        copies = int(copies_text)
        total += copies
        note = cell.get("note", ("", 0))[0]
        out.append(Recipient(category, unit, copies, note, Location(path, line), first=total - copies + 1))
    if errors:
        raise ErrorList(errors)
    if not out:
        raise InputError(_("the recipients table lists no recipient"), Location(path, header_line))
    if total > MAX_COPIES:
        raise InputError(_("{total} copies in all; at most {most}").format(total=total, most=MAX_COPIES),
                         Location(path, header_line))
    return out


def closing_for(recipients: list[Recipient], closing: Closing | None) -> Closing:
    """The 版记 of a distribution: its 报/送/发/抄送 lines list the recipients by category in the
    table's order, and 共印N份 is their total; the 印发机关 and 印发日期 stay the spec's."""
    by_key: dict[str, list[str]] = {key: [] for key in CATEGORIES.values()}
    for r in recipients:
        if r.unit not in by_key[CATEGORIES[r.category]]:
            by_key[CATEGORIES[r.category]].append(r.unit)
    return replace(closing or Closing(), copies=sum(r.copies for r in recipients),
                   **{key: tuple(names) for key, names in by_key.items()})


# -- the print job --------------------------------------------------------------------------------
A3_LANDSCAPE = (420 / 25.4 * 72, 297 / 25.4 * 72)


def copy_label(number: int, digits: int) -> str:
    return str(number).zfill(digits)


def print_job(pdf: bytes, total: int, stamps: bytes | None, booklet: bool) -> bytes:
    """Every copy of the brief in order: `stamps` (one page per copy, the 份号 drawn where it goes
    on the first page; None where the layout numbers no copies) laid over each copy's first
    page; as A3 sheets imposed for saddle stitching with `booklet`."""
    import pikepdf
    brief = pikepdf.open(io.BytesIO(pdf))
    marks = pikepdf.open(io.BytesIO(stamps)) if stamps is not None else None
    job = pikepdf.new()
    pages = len(brief.pages)
    for __ in range(total):  # every copy's pages share the brief's fonts and content streams
        job.pages.extend(brief.pages)
    if marks is not None:
        for copy in range(total):
            page = job.pages[copy * pages]
            # its own resources (a copy's page may share the brief's): the stamp goes on it alone
            resources = pikepdf.Dictionary(page.obj.get("/Resources", pikepdf.Dictionary()))
            resources.XObject = pikepdf.Dictionary(resources.get("/XObject", pikepdf.Dictionary()))
            page.obj.Resources = resources
            # the stamp page has the brief's size: drawn as it is, under a fixed name (pikepdf's
            # add_overlay names it at random, and the file would differ from run to run)
            resources.XObject.SBCopyNumber = job.copy_foreign(marks.pages[copy].as_form_xobject())
            page.contents_add(pikepdf.Stream(job, b"q /SBCopyNumber Do Q"), prepend=False)
    if booklet:
        job = _imposed(job, pages, total)
    out = io.BytesIO()
    # no date, a document ID made from the content: the same inputs give the same file
    job.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def saddle_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The sides of a saddle-stitched booklet of `pages` pages (1-based; None: a blank added to
    make a multiple of four), each (left, right), front and back of each sheet in turn: folded
    and stapled, the sheets read 1, 2, 3 … Duplex, flip on the short edge."""
    n = -(-pages // 4) * 4
    number = lambda p: p if p <= pages else None  # noqa: E731
    sides = []
    for sheet in range(n // 4):
        outer, inner = n - 2 * sheet, 1 + 2 * sheet
        sides.append((number(outer), number(inner)))          # front: last … first
        sides.append((number(inner + 1), number(outer - 1)))  # back: second … second-to-last
    return sides


def _imposed(job, pages: int, total: int):
    """The job's copies as A3 landscape sides, two A4 pages each, in saddle-stitch order."""
    import pikepdf
    booklet = pikepdf.new()
    width, height = A3_LANDSCAPE
    for copy in range(total):
        for left, right in saddle_order(pages):
            side = booklet.add_blank_page(page_size=(width, height))
            for number, x in ((left, 0), (right, width / 2)):
                if number is not None:
                    source = job.pages[copy * pages + number - 1]
                    name = f"/SBPage{'R' if x else 'L'}"
                    side.obj.Resources = side.obj.get("/Resources") or pikepdf.Dictionary()
                    xobjects = side.obj.Resources.get("/XObject") or pikepdf.Dictionary()
                    xobjects[name] = booklet.copy_foreign(source.as_form_xobject())
                    side.obj.Resources.XObject = xobjects
                    # an A4 page as it is, on its half of the sheet
                    side.contents_add(pikepdf.Stream(booklet, f"q 1 0 0 1 {x:.4f} 0 cm {name} Do Q".encode()),
                                      prepend=False)
    return booklet


# -- the register ---------------------------------------------------------------------------------
def register(recipients: list[Recipient], title: str, issue: str, date: str, digits: int, layout,
             dated: _dt.date) -> bytes:
    """The 发文登记 as an XLSX: a row per recipient (类别, 单位, 份数, 份号 from–to, 签收 empty for
    the signature, the brief's title, 期号 and date), set up to print on A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    book = Workbook()
    sheet = book.active
    sheet.title = layout.word("register_sheet")
    columns = layout.words["register_columns"]
    sheet.append([layout.word("register_title", title=title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.append(columns)
    for r in recipients:
        numbers = (copy_label(r.first, digits) if r.copies == 1 else
                   layout.word("register_range", first=copy_label(r.first, digits), last=copy_label(r.last, digits)))
        sheet.append([r.category, r.unit, r.copies, numbers, "", title, issue, date])
    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDEFGH", (8, 28, 8, 18, 14, 36, 8, 16)):
        sheet.column_dimensions[letter].width = width
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.created = _dt.datetime.combine(dated, _dt.time())
    out = io.BytesIO()
    book.save(out)
    return _dated_package(out.getvalue(), dated)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _dated_package(data: bytes, dated: _dt.date) -> bytes:
    """The same workbook dated by the brief rather than by the clock (openpyxl stamps the time of
    saving into docProps/core.xml, and the zip dates every part): the same inputs, the same bytes."""
    stamp = f"{dated.isoformat()}T00:00:00Z".encode()
    when = (max(dated.year, 1980), dated.month, dated.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=when), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- the files of `print` -------------------------------------------------------------------------
def print_extras(spec, workspace, booklet: bool):
    """What `print` adds to a build (build.build's `extras`): the print job and the register,
    made from the brief's PDF and published with it."""
    from .layout import load_layout

    def extras(doc, theme, made: dict[str, bytes]) -> list[tuple[str, str, int, bytes]]:
        import pikepdf
        recipients = workspace.recipients(spec)
        layout = load_layout(spec.layout)
        total = sum(r.copies for r in recipients)
        numbering = layout.copy_number or {}
        digits = int(numbering.get("digits", 6))
        stamps = None
        if numbering:
            from .writers.pdf.stamps import copy_number_pages
            stamps = copy_number_pages(theme, [copy_label(n, digits) for n in range(1, total + 1)],
                                       numbering.get("font", "hei"), float(numbering.get("size", 16)))
        job = print_job(made["pdf"], total, stamps, booklet)
        with pikepdf.open(io.BytesIO(job)) as opened:
            sides = len(opened.pages)
        issue = layout.word("issue", issue=spec.issue) if spec.issue else ""
        book = register(recipients, doc.title, issue, layout.date(doc.date), digits, layout, doc.date)
        return [(f"{spec.name}-print.pdf", "print-pdf", sides, job),
                (f"{spec.name}-register.xlsx", "register-xlsx", None, book)]
    return extras

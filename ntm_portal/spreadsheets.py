"""The spreadsheets offices send, read into plain rows of cell values: every importer starts here.

A file is recognised by its content, not its name: an .xlsx workbook (read with openpyxl's read-only mode,
row by row), an .xls workbook of Excel 97-2003 (with xlrd: many offices still save in that format, and a
sheet holds at most 65,536 rows), or a CSV text in UTF-8 or the Vietnamese Windows code page. Anything else
is refused with a message the user can act on.

An .xlsx is a ZIP archive: its central directory (the sizes it declares, which Python's zipfile never reads
past) is checked before any member is expanded, so a small file that would expand to gigabytes (a "ZIP bomb")
is refused at once. The CSV and .xls readers hold the file as it is, already bounded by the upload limit.
"""

import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import xlrd
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ntm_portal.text import nfc

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and the other pre-2007 Office files: .doc, .ppt)
# Files that decode as text in a single-byte code page all the same: PDF, PNG, JPEG, GIF, gzip, RAR, 7-Zip.
OTHER_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
# HTML, SVG and XML (Excel's "XML Spreadsheet 2003" too): text, but no CSV. A UTF-8 BOM may come first.
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|\?xml|svg|table|head|body|meta|!--)", re.IGNORECASE)


class UnreadableFile(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[tuple]  # cell values (None, str, int, float, bool, datetime); rows[0] is row 1


def read_sheets(content: bytes, *, file_name: str = "") -> list[Sheet]:
    if not content:
        raise UnreadableFile(_("The file is empty (0 bytes)."))
    if content.startswith(b"PK"):
        return _workbook_sheets(content)
    if content.startswith(OLE2_SIGNATURE):
        return _old_workbook_sheets(content)
    if content.startswith(OTHER_SIGNATURES):
        raise _not_a_spreadsheet()
    if _MARKUP.match(content[:1024]):
        raise UnreadableFile(
            _(
                "The file is a web page or an XML document with a spreadsheet's name, as some programs export "
                "tables: open it in Excel and save it as an Excel workbook (.xlsx)."
            )
        )
    return [_csv_sheet(content, file_name or "CSV")]


def percent_cells(content: bytes, columns: dict[str, int]) -> set[tuple[str, int]]:
    """(sheet, row) of the cells Excel shows as percentages in the given column of each sheet (0-based), whose
    number is then a fraction (0.925 for 92,5 %). A CSV has no formats: none."""
    if content.startswith(b"PK"):
        return _workbook_percent_cells(content, columns)
    if content.startswith(OLE2_SIGNATURE):
        return _old_workbook_percent_cells(content, columns)
    return set()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return _normalised(str(value))


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """`nfc`, remembered: a table repeats the same few marks ("x", "đạt") tens of thousands of times."""
    return nfc(text)


def _not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(_("The file is neither an Excel workbook (.xlsx, .xls) nor a CSV file."))


def _damaged() -> UnreadableFile:
    return UnreadableFile(_("The workbook cannot be read: it may be damaged."))


# ── .xlsx ──

# A member this large that compresses better than this is a bomb, not a sheet: office tables compress 5 to 50
# times; 800 MB of one repeated byte compresses about 1,000 times.
_BOMB_MEMBER_BYTES = 10 * 1024 * 1024
_BOMB_RATIO = 200


def check_archive(content: bytes) -> None:
    """Refuse a ZIP that is not a workbook, or whose members would expand beyond the limits, expanding nothing.

    The limits are the settings IMPORT_MAX_UNCOMPRESSED_BYTES (all members together) and IMPORT_MAX_ZIP_MEMBERS.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _not_a_spreadsheet() from None
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        raise UnreadableFile(
            _("The workbook holds %(count)s parts; a workbook of at most %(limit)s parts is accepted.")
            % {"count": len(members), "limit": settings.IMPORT_MAX_ZIP_MEMBERS}
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:  # a .docx, an .ods, a ZIP of photos
        raise _not_a_spreadsheet()
    if any(
        member.file_size > _BOMB_MEMBER_BYTES and member.file_size > _BOMB_RATIO * max(member.compress_size, 1)
        for member in members
    ):
        raise UnreadableFile(
            _(
                "A part of the workbook is compressed far more than any table is: the file is damaged or made to "
                "overload the portal. Open it in Excel, copy the table into a new workbook and save that."
            )
        )
    expanded = sum(member.file_size for member in members)
    if expanded > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            _(
                "The workbook would expand to %(size)s when opened; workbooks up to %(limit)s are read. "
                "Remove the empty rows and columns, or split the table into several files."
            )
            % {"size": filesizeformat(expanded), "limit": filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}
        )


def _workbook_sheets(content: bytes) -> list[Sheet]:
    check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook; the user needs one message
        raise _damaged() from None
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # some programs write a wrong size; read every row there is
            rows = worksheet.iter_rows(min_row=1, values_only=True)
            sheets.append(Sheet(worksheet.title, [tuple(row) for row in rows]))
        return sheets
    finally:
        workbook.close()


def _workbook_percent_cells(content: bytes, columns: dict[str, int]) -> set[tuple[str, int]]:
    check_archive(content)
    cells = set()
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        for name, column in columns.items():
            worksheet = workbook[name]
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(min_row=1, min_col=column + 1, max_col=column + 1)
            cells.update(
                (name, row) for row, (cell,) in enumerate(rows, 1) if _is_percent(getattr(cell, "number_format", ""))
            )
    finally:
        workbook.close()
    return cells


# ── .xls (Excel 97-2003) ──


def _old_workbook(content: bytes, *, formatting_info: bool = False) -> xlrd.Book:
    try:
        return xlrd.open_workbook(
            file_contents=content, formatting_info=formatting_info, on_demand=True, logfile=io.StringIO()
        )
    except xlrd.XLRDError as refused:
        if "encrypted" in str(refused).lower():
            raise UnreadableFile(
                _("The workbook is protected by a password: open it in Excel, remove the password and save it again.")
            ) from None
        if "find workbook" in str(refused).lower():  # a Word document, a PowerPoint presentation
            raise _not_a_spreadsheet() from None
        raise _damaged() from None
    except Exception:  # xlrd raises many kinds on a damaged file too
        raise _damaged() from None


def _old_workbook_sheets(content: bytes) -> list[Sheet]:
    book = _old_workbook(content)
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [tuple(_old_value(cell, book.datemode) for cell in sheet.row(row)) for row in range(sheet.nrows)]
            sheets.append(Sheet(sheet.name, _trimmed(rows)))
            book.unload_sheet(index)
        return sheets
    except UnreadableFile:
        raise
    except Exception:
        raise _damaged() from None
    finally:
        book.release_resources()


def _old_value(cell: xlrd.sheet.Cell, datemode: int):
    """A cell's value as openpyxl gives an .xlsx cell's: None, text, a number, a boolean or a date."""
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(cell.value) if cell.value.is_integer() else cell.value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return cell.value


def _trimmed(rows: list[tuple]) -> list[tuple]:
    """Without the empty cells xlrd pads every row with up to the widest: rows as openpyxl reads them."""
    return [row[: _width(row)] for row in rows]


def _width(row: Iterable) -> int:
    width = 0
    for index, value in enumerate(row, 1):
        if value is not None:
            width = index
    return width


def _old_workbook_percent_cells(content: bytes, columns: dict[str, int]) -> set[tuple[str, int]]:
    book = _old_workbook(content, formatting_info=True)
    try:
        cells = set()
        for name, column in columns.items():
            sheet = book.sheet_by_name(name)
            for row in range(sheet.nrows):
                if column < sheet.row_len(row):
                    number_format = book.format_map.get(book.xf_list[sheet.cell_xf_index(row, column)].format_key)
                    if number_format is not None and _is_percent(number_format.format_str):
                        cells.add((name, row + 1))
        return cells
    finally:
        book.release_resources()


def _is_percent(number_format: str | None) -> bool:
    return "%" in (number_format or "")


# ── CSV ──


def _csv_sheet(content: bytes, name: str) -> Sheet:
    text = _decoded(content)
    if any(unicodedata.category(char) == "Cc" and char not in "\t\r\n" for char in text):
        raise _not_a_spreadsheet()  # binary: an image, a PDF, an archive
    sample = text[:8192]
    delimiter = max(",;\t", key=sample.count)  # a row of twenty criteria has many more of its own separator
    try:
        rows = [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:  # a quote left open, a cell beyond the csv module's field limit
        raise UnreadableFile(
            _("The CSV file cannot be read: a quotation mark is left open or a cell is too long.")
        ) from None
    return Sheet(name, rows)


def _decoded(content: bytes) -> str:
    """UTF-8 (with or without BOM); else the Vietnamese Windows code page; else Latin-1, which takes anything."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")

"""The admin's funding import reads files as the import page does: title rows, merged headers, totals and
signatures, in .xlsx, .xls or CSV (django-import-export's own formats read a header on row 1 only).

Its export writes every text as the text it is, never as a formula: django-import-export's own escaping
(IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) drops a leading "=" from the data and lets "+", "-" and "@" through."""

import io

from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import Workbook
from openpyxl.styles import Font

from funding.imports import funding_table_read
from ntm_portal.import_rows import RowError
from ntm_portal.spreadsheet_text import csv_text, text_row


class UnreadableTable(ValueError):
    """The file's errors, for the admin form to list as they are (not as an exception name)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


class OfficeFundingTable(XLSX):
    """django-import-export's binary format, its dataset made by the funding reader: its columns are those
    of `FundingRecordResource` (with the sheet and row of every line, for the error messages)."""

    def get_title(self) -> str:
        return _("Funding table (.xlsx, .xls, .csv)")

    def create_dataset(self, in_stream):
        table = funding_table_read(bytes(in_stream))
        if table.errors:
            raise UnreadableTable(table.errors)
        return table.dataset


class TextSafeXLSX(XLSX):
    """The export as .xlsx, a text that starts with "=", "+", "-" or "@" kept as a string cell."""

    def export_data(self, dataset, **kwargs) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = _("Funding records")
        sheet.append(text_row(sheet, dataset.headers or []))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in dataset:
            sheet.append(text_row(sheet, row))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


class TextSafeCSV(CSV):
    """The export as CSV, a text that starts a formula behind an apostrophe (OWASP)."""

    def export_data(self, dataset, **kwargs) -> str:
        escaped = dataset.__class__(headers=[csv_text(heading) for heading in dataset.headers or []])
        for row in dataset:
            escaped.append([csv_text(value) for value in row])
        return super().export_data(escaped, **kwargs)

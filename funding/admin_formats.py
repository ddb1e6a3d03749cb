"""The admin's funding import reads files as the import page does: title rows, merged headers, totals and
signatures, in .xlsx, .xls or CSV (django-import-export's own formats read a header on row 1 only)."""

from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from funding.imports import funding_table_read
from ntm_portal.import_rows import RowError


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

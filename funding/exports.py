"""The funding template offices fill in, readable back by `funding.imports` (its headings are the canonical ones).

    Số liệu kinh phí xây dựng nông thôn mới                                        title row
                                                                                    blank row
    STT | Đơn vị | Mã đơn vị | Năm | Nguồn vốn | Loại | Số tiền (triệu đồng) | Tỷ lệ (%) | Dự án | Ghi chú
    1   | Xã Hưng Đạo | 04015 |     |           |      |                     |           |       |       a row per unit

"Nguồn vốn" and "Loại" offer the catalogue's sources and the kinds as lists (a second sheet holds them); an
office adds a row per source by copying a unit's row.
"""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from communes.models import AdministrativeUnit
from funding.imports import AMOUNT, CODE, HEADINGS, KIND, NOTE, PROJECT, SHARE, SOURCE, UNIT, YEAR
from funding.models import FundingRecord, FundingSource
from ntm_portal.spreadsheet_text import text_row

TITLE = "Số liệu kinh phí xây dựng nông thôn mới"
COLUMNS = ("STT", HEADINGS[UNIT], HEADINGS[CODE], HEADINGS[YEAR], HEADINGS[SOURCE], HEADINGS[KIND], HEADINGS[AMOUNT],
           HEADINGS[SHARE], HEADINGS[PROJECT], HEADINGS[NOTE])  # fmt: skip
WIDTHS = (6, 30, 11, 12, 36, 14, 20, 10, 30, 30)
HEADER_ROW = 3
# Rows the lists apply to beyond the units' own: offices add rows.
SPARE_ROWS = 500
# The kinds as offices write them (funding.import_widgets reads these, the codes and the labels).
KIND_NAMES = ("kế hoạch", "phân bổ", "giải ngân", "huy động")
LISTS_SHEET = "Danh mục"


def funding_template_xlsx(units: Iterable[AdministrativeUnit]) -> bytes:
    """The template with a row per unit, the year, sources and kinds to fill in; amounts in million đồng."""
    units = list(units)
    book = Workbook()
    sheet = book.active
    sheet.title = "Kinh phí"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(list(COLUMNS))
    for number, unit in enumerate(units, 1):
        sheet.append(text_row(sheet, [number, unit.name, unit.code]))

    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_row = HEADER_ROW + len(units) + SPARE_ROWS
    for column in (COLUMNS.index(HEADINGS[AMOUNT]) + 1, COLUMNS.index(HEADINGS[SHARE]) + 1):
        for row in range(HEADER_ROW + 1, last_row + 1):
            sheet.cell(row=row, column=column).number_format = "#,##0.00"

    sources = list(FundingSource.objects.filter(disabled_on__isnull=True).order_by("position", "code"))
    lists = book.create_sheet(LISTS_SHEET)
    lists.append([HEADINGS[SOURCE], "Mã nguồn", HEADINGS[KIND], "Mã loại"])
    kinds = list(zip(KIND_NAMES, FundingRecord.Kind.values, strict=True))
    for index in range(max(len(sources), len(kinds))):
        source = sources[index] if index < len(sources) else None
        kind = kinds[index] if index < len(kinds) else (None, None)
        lists.append(text_row(lists, [source.name if source else None, source.code if source else None, *kind]))
    lists.column_dimensions["A"].width = 40
    lists.column_dimensions["B"].width = 22

    for heading, column, count in ((HEADINGS[SOURCE], "A", len(sources)), (HEADINGS[KIND], "C", len(kinds))):
        formula = f"'{LISTS_SHEET}'!${column}$2:${column}${count + 1}"
        _list_validation(sheet, COLUMNS.index(heading) + 1, formula, last_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _list_validation(sheet, column: int, formula: str, last_row: int) -> None:
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Chọn một giá trị trong danh sách (sheet “Danh mục”).",
    )
    sheet.add_data_validation(validation)
    letter = get_column_letter(column)
    validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")

"""The results grid as a file in the wide layout offices keep, readable back by `criteria.imports.results_wide`.

    Kết quả thực hiện Bộ tiêu chí … năm 2021 – Tỉnh Cao Bằng          title row
                                                                         blank row
    STT | Tên xã | Huyện | Mã xã | TC1 … TC19 | Tổng số tiêu chí đạt      header row
    1   | …      | …     | …     | x   …      | 18                        a row per commune

A year on the two-tier map has no districts, so no "Huyện" column. A set whose thresholds vary by commune group
(QĐ 51/2025, from 2026) adds a "Nhóm xã" column (1, 2, 3) after "Mã xã", and heads each criterion with its
number and name ("TC1 - Quy hoạch"), as its 10 criteria are new to the offices:

    STT | Tên xã | Mã xã | Nhóm xã | TC1 - Quy hoạch … TC10 - … | Tổng số tiêu chí đạt

"x" marks a criterion met; a criterion not met or without data is left blank (the import reads a blank as not
met). The template is the same sheet with every mark and total left blank, for a district to send to its
communes and import back.
"""

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from criteria.selectors import ResultsGrid, commune_groups
from ntm_portal.spreadsheet_text import csv_text, text_row

MET_MARK = "x"
MET_WORD, NOT_MET_WORD = "Đạt", "Chưa đạt"  # also offered by the template of a set by commune group
DISTRICT_HEADING = "Huyện"
GROUP_HEADING = "Nhóm xã"
FIXED_HEADINGS = ("STT", "Tên xã", DISTRICT_HEADING, "Mã xã")
TOTAL_HEADING = "Tổng số tiêu chí đạt"
TITLE_ROWS = 2  # the title and a blank row above the header
COLUMN_WIDTHS = {"STT": 6, "Tên xã": 28, "Huyện": 26, "Mã xã": 10, "Nhóm xã": 9}
MARK_WIDTH = 6
NAMED_MARK_WIDTH = 16  # a column headed by the criterion's name, wrapped
NAMED_HEADER_HEIGHT = 90
TOTAL_WIDTH = 12
# format → (content type, extension); a template is always .xlsx
EXPORT_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def export_title(grid: ResultsGrid) -> str:
    set_name = grid.criteria_set.name if grid.criteria_set else "Bộ tiêu chí"
    if not set_name.casefold().startswith("bộ tiêu chí"):
        set_name = f"Bộ tiêu chí {set_name}"
    return f"Kết quả thực hiện {set_name} năm {grid.year} – {grid.within.name}"


def by_commune_group(grid: ResultsGrid) -> bool:
    """A set judged by commune group (QĐ 51/2025): the "Nhóm xã" column and the criteria's names in the header."""
    return (
        grid.criteria_set is not None and grid.criteria_set.threshold_dimension == CriteriaSet.Dimension.COMMUNE_GROUP
    )


def fixed_headings(grid: ResultsGrid) -> tuple[str, ...]:
    headings = FIXED_HEADINGS if grid.districts else tuple(h for h in FIXED_HEADINGS if h != DISTRICT_HEADING)
    return (*headings, GROUP_HEADING) if by_commune_group(grid) else headings


def criterion_heading(grid: ResultsGrid, column) -> str:
    return f"TC{column.number} - {column.name}" if by_commune_group(grid) else f"TC{column.number}"


def header(grid: ResultsGrid) -> list[str]:
    return [*fixed_headings(grid), *(criterion_heading(grid, column) for column in grid.columns), TOTAL_HEADING]


def sheet_rows(grid: ResultsGrid, *, template: bool = False) -> Iterator[list]:
    """Every row of the sheet, shared by both formats: title, blank, header, then a row per commune."""
    yield [export_title(grid)]
    yield []
    yield header(grid)
    groups = commune_groups(row.unit_id for row in grid.rows) if by_commune_group(grid) else {}
    for number, row in enumerate(grid.rows, 1):
        if template:
            marks, total = [""] * len(grid.columns), ""
        else:
            marks = [MET_MARK if result is True else "" for result in row.results]
            total = sum(1 for result in row.results if result is True)
        district = [row.district_name] if grid.districts else []
        group = [groups.get(row.unit_id) or ""] if by_commune_group(grid) else []
        yield [number, row.name, *district, row.code, *group, *marks, total]


def results_wide_csv(grid: ResultsGrid) -> bytes:
    """UTF-8 with a BOM, separated by semicolons: what Excel set to Vietnamese opens in columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([csv_text(value) for value in row] for row in sheet_rows(grid))
    return buffer.getvalue().encode("utf-8-sig")


def results_wide_xlsx(grid: ResultsGrid, *, template: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Năm {grid.year}"
    for values in sheet_rows(grid, template=template):
        sheet.append(text_row(sheet, [None if value == "" else value for value in values]))

    header_row = TITLE_ROWS + 1
    first_data_row = header_row + 1
    last_data_row = header_row + len(grid.rows)
    headings = fixed_headings(grid)
    first_mark = len(headings) + 1
    total_column = first_mark + len(grid.columns)

    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = sheet.cell(row=first_data_row, column=first_mark)

    for index, heading in enumerate(headings, 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[heading]
    for offset, column in enumerate(grid.columns):
        letter = get_column_letter(first_mark + offset)
        sheet.column_dimensions[letter].width = MARK_WIDTH
        cell = sheet.cell(row=header_row, column=first_mark + offset)
        cell.comment = Comment(f"Tiêu chí {column.number}. {column.name}", "NTM Portal", width=300, height=80)
    sheet.column_dimensions[get_column_letter(total_column)].width = TOTAL_WIDTH
    named = by_commune_group(grid)
    if named:
        for offset in range(len(grid.columns)):
            sheet.column_dimensions[get_column_letter(first_mark + offset)].width = NAMED_MARK_WIDTH
        sheet.row_dimensions[header_row].height = NAMED_HEADER_HEIGHT

    centre = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=first_data_row, max_row=last_data_row, min_col=first_mark, max_col=total_column):
        for cell in row:
            cell.alignment = centre
        row[-1].number_format = "0"

    if template and grid.rows and grid.columns:
        validation = DataValidation(
            type="list",
            formula1=f'"{MET_MARK}"',  # the list ("x", ""): "x", or the cell left blank
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Ghi “x” nếu đạt tiêu chí, để trống nếu chưa đạt.",
            promptTitle="Kết quả tiêu chí",
            prompt="x = đạt; để trống = chưa đạt",
            showInputMessage=True,
        )
        if named:  # the words offices write in the new period's forms, besides "x"
            validation.formula1 = f'"{MET_MARK},{MET_WORD},{NOT_MET_WORD}"'
            validation.error = (
                f"Chọn “{MET_MARK}” hoặc “{MET_WORD}” nếu đạt tiêu chí; “{NOT_MET_WORD}” hoặc để trống nếu chưa đạt."
            )
            validation.prompt = f"x hoặc {MET_WORD} = đạt; {NOT_MET_WORD} hoặc để trống = chưa đạt"
        sheet.add_data_validation(validation)
        validation.add(
            f"{get_column_letter(first_mark)}{first_data_row}:{get_column_letter(total_column - 1)}{last_data_row}"
        )

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_export_file(grid: ResultsGrid, *, kind: str, template: bool) -> bytes:
    """The grid as a file of `kind` (a key of EXPORT_FORMATS), or the blank template."""
    return results_wide_csv(grid) if kind == "csv" else results_wide_xlsx(grid, template=template)


def results_export_stem(unit: AdministrativeUnit, year: int, *, template: bool) -> str:
    """The file's name without its extension: "Kết quả Tỉnh Cao Bằng 2025"."""
    return f"{'Mẫu nhập liệu' if template else 'Kết quả'} {unit.name} {year}"

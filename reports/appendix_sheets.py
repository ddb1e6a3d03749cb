"""The sheets of the Excel appendix as rows, and one writer that lays any of them out as a printed table.

Every sheet is written to a `write_only` workbook: rows stream to the file as they are produced, so Biểu 01 of
the whole country (10,000 communes) costs what its cells cost and no more. Each row says what it is (a title,
the header, a district, a commune, a total); the writer turns that into fonts, borders and number formats.

    Biểu 01                                                     the sheet's label
    Kết quả thực hiện Bộ tiêu chí quốc gia … năm 2021 – …       title, across the table
    (Kèm theo Báo cáo số …)                                     note, across the table
                                                                blank
    STT | Xã | Huyện | TC1 … TC19 | Số tiêu chí đạt | Danh hiệu  header: frozen, repeated on every printed page
    I   | Thành phố Cao Bằng                                    a district
    1   | Xã Hưng Đạo | Thành phố Cao Bằng | x … | 19 | Nông thôn mới
    …
        | Số xã đạt | | 139 … | | 17                           totals of the matrix

A year on the two-tier map has no districts: no group rows and no "Huyện" column.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from criteria.models import Tier
from ntm_portal.numbers import half_up
from ntm_portal.spreadsheet_text import storable, text_cell
from reports.figures import MatrixFigures

MET_MARK = "x"
ATTACHED_NOTE = "(Kèm theo Báo cáo số …)"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.00"
MONEY_FORMAT = "#,##0.00"
FORMAT_NAMES = {"General": "", COUNT_FORMAT: "count", DECIMAL_FORMAT: "decimal", MONEY_FORMAT: "money"}


class Kind(Enum):
    LABEL = "label"  # "Biểu 01"
    TITLE = "title"
    NOTE = "note"
    BLANK = "blank"
    HEADER = "header"
    GROUP = "group"  # a district, a section of Biểu 03
    ITEM = "item"
    TOTAL = "total"


SPANNING = (Kind.TITLE, Kind.NOTE)
IN_TABLE = (Kind.HEADER, Kind.GROUP, Kind.ITEM, Kind.TOTAL)
BOLD = (Kind.LABEL, Kind.TITLE, Kind.HEADER, Kind.GROUP, Kind.TOTAL)


@dataclass(frozen=True)
class Row:
    kind: Kind
    values: tuple = ()
    number_format: str = ""  # for every number of the row, over the table's column formats
    indent: int = 0  # of the text in the table's label column


@dataclass(frozen=True)
class Table:
    """How a sheet prints: column widths, number formats and which columns hold running text."""

    widths: tuple[float, ...]
    formats: tuple[str, ...]  # a number format per column
    text_columns: frozenset[int]  # 0-based; left-aligned, every other text is centred ("x", "1.2")
    label_column: int  # 0-based; the column `Row.indent` applies to
    header_row: int  # 1-based
    frozen_columns: int = 0


def sheet_title_rows(label: str, title: str) -> list[Row]:
    return [Row(Kind.LABEL, (label,)), Row(Kind.TITLE, (title,)), Row(Kind.NOTE, (ATTACHED_NOTE,)), Row(Kind.BLANK)]


HEADER_ROW = 5  # below the four title rows


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    """Shares and averages as the report's text prints them (half up), so the sheet and the text agree."""
    return None if value is None else half_up(value, places)


def write_table(sheet: WriteOnlyWorksheet, rows: Iterable[Row], table: Table) -> None:
    """Lay the rows out on an empty write-only sheet: A4 landscape, fitted to the page width, header repeated."""
    width = len(table.widths)
    for index, column_width in enumerate(table.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{table.header_row + 1}"
    sheet.print_title_rows = f"{table.header_row}:{table.header_row}"
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True

    styles = _Styles(table)
    for number, row in enumerate(rows, 1):
        if row.kind in SPANNING:
            sheet.merged_cells.add(f"A{number}:{get_column_letter(width)}{number}")
        values = row.values + (None,) * (width - len(row.values)) if row.kind in IN_TABLE else row.values
        sheet.append([styles.cell(sheet, row, column, value) for column, value in enumerate(values)])


class _Styles:
    """The look of each kind of cell, as named styles of the workbook applied by name.

    Setting a cell's font or border makes openpyxl hash the whole style object, about 60 µs a cell: a national
    Biểu 01 has a quarter of a million cells. A named style is built once and then copied.
    """

    THIN = Side(style="thin")
    GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
    FONTS = {Kind.TITLE: Font(bold=True, size=13), Kind.NOTE: Font(italic=True)}
    ALIGNMENTS = {
        "centre": {"horizontal": "center"},
        "header": {"horizontal": "center", "wrap_text": True},
        "left": {"horizontal": "left"},
        "number": {},
    }

    def __init__(self, table: Table):
        self.table = table
        self.names: dict[tuple, str] = {}

    def cell(self, sheet: WriteOnlyWorksheet, row: Row, column: int, value) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, storable(value))
        look = self._look(row, column, value)
        if look not in self.names:
            self.names[look] = self._named_style(sheet.parent, *look)
        cell.style = self.names[look]
        return text_cell(cell)

    def _look(self, row: Row, column: int, value) -> tuple[Kind, str, int, str]:
        """What a cell's style is made of: its kind of row, alignment, indent and number format."""
        table = self.table
        if row.kind not in IN_TABLE:
            return row.kind, "centre" if row.kind in SPANNING else "", 0, "General"
        if row.kind == Kind.HEADER:
            return row.kind, "header", 0, "General"
        if isinstance(value, int | float | Decimal):
            return row.kind, "number", 0, row.number_format or table.formats[column]
        if column == table.label_column and row.indent:
            return row.kind, "left", row.indent, "General"
        return row.kind, "left" if column in table.text_columns else "centre", 0, "General"

    def _named_style(self, book, kind: Kind, alignment: str, indent: int, number_format: str) -> str:
        name = f"NTM {kind.value} {alignment} {indent} {FORMAT_NAMES.get(number_format, number_format)}".strip()
        if name in book.named_styles:  # another sheet of the workbook made it
            return name
        style = NamedStyle(name=name, number_format=number_format)
        style.font = self.FONTS.get(kind, Font(bold=kind in BOLD))
        if alignment:
            style.alignment = Alignment(vertical="center", indent=indent, **self.ALIGNMENTS[alignment])
        if kind in IN_TABLE:
            style.border = self.GRID
        if kind == Kind.HEADER:
            style.fill = self.HEADER_FILL
        book.add_named_style(style)
        return name


# ── Biểu 01: communes × criteria ──

MATRIX_FIXED = ("STT", "Xã", "Huyện")
MATRIX_TOTALS = ("Số tiêu chí đạt", "Danh hiệu")
MATRIX_MET_ROW = "Số xã đạt"
MATRIX_SHARE_ROW = "Tỷ lệ (%)"
MATRIX_AVERAGE_ROW = "Bình quân số tiêu chí đạt/xã"
NO_DISTRICT = "Trực thuộc tỉnh"
ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90))
ROMAN += (("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def matrix_title(matrix: MatrixFigures) -> str:
    return f"Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới năm {matrix.year} – {matrix.unit_name}"


def matrix_fixed(matrix: MatrixFigures) -> tuple[str, ...]:
    """The columns before the criteria: no "Huyện" in a year on the two-tier map, which has no districts."""
    has_districts = matrix.grouped or any(row.district_name for row in matrix.rows)
    return MATRIX_FIXED if has_districts else MATRIX_FIXED[:2]


def matrix_table(matrix: MatrixFigures) -> Table:
    criteria = len(matrix.columns)
    fixed = len(matrix_fixed(matrix))
    return Table(
        widths=((7, 26, 24)[:fixed] + (5.5,) * criteria + (10, 24)),
        formats=(COUNT_FORMAT,) * (fixed + criteria + 2),
        text_columns=frozenset({1, *range(2, fixed), fixed + criteria + 1}),
        label_column=1,
        header_row=HEADER_ROW,
        frozen_columns=fixed,
    )


def commune_matrix_rows(matrix: MatrixFigures) -> Iterator[Row]:
    """Every row of Biểu 01: titles, header, communes by district (when the grid groups them), then totals.

    The totals are the matrix's own per-criterion counts, stored as numbers (not formulas) so that a reader of
    the file without a spreadsheet engine sees them.
    """
    tiers = {tier.value: str(tier.label) for tier in Tier}
    fixed = matrix_fixed(matrix)
    gap = (None,) * (len(fixed) - 2)  # under "Huyện" in the total rows
    yield from sheet_title_rows("Biểu 01", matrix_title(matrix))
    yield Row(Kind.HEADER, (*fixed, *(f"TC{column.number}" for column in matrix.columns), *MATRIX_TOTALS))
    number = 0
    for index, group in enumerate(matrix.groups, 1):
        if matrix.grouped:
            yield Row(Kind.GROUP, (roman(index), group.district_name or NO_DISTRICT))
        for row in group.rows:
            number += 1
            marks = (MET_MARK if result is True else None for result in row.results)
            district = (row.district_name,) if gap else ()
            yield Row(Kind.ITEM, (number, row.name, *district, *marks, row.met, tiers.get(row.tier)))
    recognised = sum(1 for row in matrix.rows if row.tier)
    yield Row(Kind.TOTAL, (None, MATRIX_MET_ROW, *gap, *(column.met for column in matrix.columns), None, recognised))
    shares = (rounded(column.share) for column in matrix.columns)
    yield Row(Kind.TOTAL, (None, MATRIX_SHARE_ROW, *gap, *shares), number_format=DECIMAL_FORMAT)
    average = matrix.average
    padding = (None,) * len(matrix.columns)
    yield Row(Kind.TOTAL, (None, MATRIX_AVERAGE_ROW, *gap, *padding, average), number_format=DECIMAL_FORMAT)


def write_commune_matrix(sheet: WriteOnlyWorksheet, matrix: MatrixFigures) -> None:
    write_table(sheet, commune_matrix_rows(matrix), matrix_table(matrix))


def roman(number: int) -> str:
    """District groups are numbered I, II, III … as in the provinces' tables."""
    letters = []
    for letter, value in ROMAN:
        count, number = divmod(number, value)
        letters.append(letter * count)
    return "".join(letters)

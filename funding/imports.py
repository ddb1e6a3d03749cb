"""Reading the funding tables offices send: a row per unit, year or period, source, kind and amount.

    BÁO CÁO KẾT QUẢ HUY ĐỘNG NGUỒN LỰC XÂY DỰNG NÔNG THÔN MỚI …             title rows, read past
    STT | Đơn vị             | Năm       | Nguồn vốn            | Loại     | Số tiền (triệu đồng) | Tỷ lệ (%)
    1   | Thành phố Cao Bằng | 2011-2020 | Ngân sách Trung ương | Huy động | 31.690,35            | 18,29
    2   |                    |           | Vốn tín dụng         | Huy động | 46,0                 | 26,56
        (merged unit and year cells: the value above carries down)
    Tổng cộng                                                              | 173.210,97       a stated total
    Người lập biểu …                                                                         the table ends

Reading writes and matches nothing: the rows go into a `tablib.Dataset` under the canonical headings, with
the sheet and row each came from. `funding.resources` matches and checks them, `funding.services` writes them.
A stated total is not imported: it is compared with the lines above it.
"""

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ntm_portal.import_rows import HEADER_SEARCH_ROWS, Place, RowError, is_footer
from ntm_portal.spreadsheets import Sheet, UnreadableFile, cell_text, read_sheets
from ntm_portal.text import fold, nfc

UNIT, CODE, DISTRICT, YEAR, SOURCE, KIND = "unit", "code", "district", "year", "source", "kind"
AMOUNT, SHARE, PROJECT, NOTE = "amount", "share", "project", "note"
# The headings of the template and of the dataset's columns: the file format, like "TC1", not text to translate.
HEADINGS = {
    UNIT: "Đơn vị",
    CODE: "Mã đơn vị",
    DISTRICT: "Huyện",
    YEAR: "Năm",
    SOURCE: "Nguồn vốn",
    KIND: "Loại",
    AMOUNT: "Số tiền (triệu đồng)",
    SHARE: "Tỷ lệ (%)",
    PROJECT: "Dự án",
    NOTE: "Ghi chú",
}
SHEET, ROW = "_sheet", "_row"  # where a dataset row is in the file
TEXT_ROLES = (UNIT, CODE, DISTRICT, SOURCE, KIND, PROJECT, NOTE)
# Merged cells leave these empty below their first row: the value above carries down.
UNIT_ROLES = (UNIT, CODE, DISTRICT)

_SPLIT = re.compile(r"\s*[/,;-]\s*")
_PARENTHESES = re.compile(r"\(.*?\)")
_UNIT_PARTS = frozenset({"xa", "phuong", "thi tran", "don vi", "don vi hanh chinh", "dia phuong", "dia ban", "tinh"})
_DISTRICT_PARTS = frozenset({"huyen", "thanh pho", "thi xa", "quan", "tp", "tx", "don vi cap huyen"})
_HEADINGS = {
    CODE: frozenset({"ma don vi", "ma dvhc", "ma xa", "ma huyen", "ma tinh", "ma", "ma so"}),
    YEAR: frozenset({"nam", "giai doan", "ky", "nam/giai doan", "thoi gian", "thoi ky", "nam thuc hien", "ky bao cao"}),
    SOURCE: frozenset({"nguon von", "nguon", "ma nguon", "ma nguon von", "nguon kinh phi", "nguon luc"}),
    KIND: frozenset({"loai", "hinh thuc", "loai so lieu", "loai kinh phi", "loai von"}),
    AMOUNT: frozenset({"so tien", "kinh phi", "gia tri", "so von", "trieu dong", "tien"}),
    SHARE: frozenset({"ty le", "ty trong", "%", "ty le %"}),
    PROJECT: frozenset({"du an", "cong trinh", "du an/cong trinh"}),
    NOTE: frozenset({"ghi chu"}),
}
# Amounts are read in million đồng: a column in another unit is refused rather than read a thousand times off.
_OTHER_MONEY_UNITS = re.compile(r"\b(?:ty|nghin|ngan) dong\b|\((?:vn)?d(?:ong)?\)|\bvnd\b")
# Rows below the table that sum the lines above them. Not "starts with Tổng": Xã Tổng Cọt exists.
_TOTAL = re.compile(r"^(?:(?:tong|cong)\W*$|tong (?:cong|so|hop)|cong toan|toan (?:tinh|huyen))")
_LETTER = re.compile(r"[^\W\d_]")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 31.690,35
_PLAIN = re.compile(r"^\d+(?:,\d+)?$")  # 46,0
_POINT = re.compile(r"^\d+\.\d+$")  # 31690.35, as programs write numbers
_SPACES = re.compile(r"[\s\u00a0\u202f]")


@dataclass(frozen=True)
class StatedTotal:
    """A total row: the amount it states (million đồng, decimals as printed) and the dataset rows above it."""

    place: Place
    amount: Decimal
    rows: tuple[int, ...]  # dataset indexes, 0-based


@dataclass
class FundingTable:
    """A file read: its rows as a dataset, where each column is in each sheet, stated totals, file errors."""

    dataset: tablib.Dataset
    columns: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # sheet → role → (letter, heading)
    totals: list[StatedTotal] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def place(self, index: int, role: str | None = None) -> Place:
        """Where the dataset row `index` (0-based) is, at the column of `role` if the sheet has one."""
        row = self.dataset[index]
        sheet = row[self.dataset.headers.index(SHEET)]
        number = row[self.dataset.headers.index(ROW)]
        columns = self.columns.get(sheet, {})
        if role == UNIT and UNIT not in columns:
            role = CODE
        if role not in columns:
            return Place(sheet, number)
        letter, heading = columns[role]
        return Place(sheet, number, letter, heading)


def funding_table_read(content: bytes, *, file_name: str = "", year: int | None = None) -> FundingTable:
    """The funding rows of an .xlsx or .csv file; `year` fills the year of a table without one."""
    table = FundingTable(dataset=tablib.Dataset(headers=[SHEET, ROW, *HEADINGS.values()]))
    try:
        sheets = read_sheets(content, file_name=file_name)
    except UnreadableFile as refused:
        table.errors.append(RowError(Place(), refused.message))
        return table
    reader = _Reader(table, year=year)
    for sheet in sheets:
        reader.read(sheet)
    if not reader.tables:
        table.errors.extend(reader.sheet_errors)
    elif not table.dataset and not table.errors:
        table.errors.append(RowError(Place(), _("The file has no funding rows.")))
    return table


def heading_role(text: str) -> str | None:
    """What a column headed `text` holds; DISTRICT for a district heading, which names the unit when alone."""
    key = fold(text)
    base = _PARENTHESES.sub("", key).strip()
    parts = {part.removeprefix("ten ").strip() for part in _SPLIT.split(base)}
    for role, headings in _HEADINGS.items():
        if base in headings or key in headings:
            return role
    if "trieu dong" in key:
        return AMOUNT
    if base.startswith("ty le"):
        return SHARE
    if parts <= _UNIT_PARTS:
        return UNIT
    if parts <= _DISTRICT_PARTS:
        return DISTRICT
    return None


def header_roles(headings: list[str]) -> dict[str, int]:
    """Role → column index of a header row; a district column alone names the unit (records of districts)."""
    roles: dict[str, int] = {}
    for column, text in enumerate(headings):
        role = heading_role(text) if text else None
        if role is not None and role not in roles:
            roles[role] = column
    if DISTRICT in roles and UNIT not in roles:
        roles[UNIT] = roles.pop(DISTRICT)
    return roles


def printed_decimal(value) -> Decimal:
    """A number as a cell holds it, decimals kept: 31690.35, "31.690,35", "46,0", "31690.35", "-5".

    A number cell that holds a float is read through its shortest text (31690.35, not 31690.349999…).
    Raises ValueError for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        return Decimal(repr(value))
    text = _SPACES.sub("", nfc(str(value)))
    negative = text[:1] in ("-", "−")
    digits = text[1:] if negative else text
    if _GROUPED.match(digits):
        digits = digits.replace(".", "").replace(",", ".")
    elif _PLAIN.match(digits):
        digits = digits.replace(",", ".")
    elif not _POINT.match(digits):
        raise ValueError(value)
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise ValueError(value) from None
    return -number if negative else number


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    def __init__(self, table: FundingTable, *, year: int | None) -> None:
        self.table = table
        self.year = year
        self.tables = 0
        self.sheet_errors: list[RowError] = []  # sheets without a table: errors only when no sheet has one

    def read(self, sheet: Sheet) -> None:
        if not any(cell_text(value) for row in sheet.rows for value in row):
            self.sheet_errors.append(RowError(Place(sheet.name), _("The sheet is empty.")))
            return
        found = self._header(sheet)
        if found is None:
            message = _(
                "No table header was found: the table needs columns headed “Đơn vị” (or “Mã đơn vị”), "
                "“Nguồn vốn” and “Số tiền (triệu đồng)”, and “Năm” and “Loại”."
            )
            self.sheet_errors.append(RowError(Place(sheet.name), message))
            return
        header_row, roles, headings = found
        self.tables += 1
        self.table.columns[sheet.name] = {
            role: (get_column_letter(column + 1), headings[column]) for role, column in roles.items()
        }
        if not self._columns_usable(sheet.name, header_row, roles, headings):
            return
        self._rows(sheet, header_row, roles)

    @staticmethod
    def _header(sheet: Sheet) -> tuple[int, dict[str, int], list[str]] | None:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            headings = [cell_text(value) for value in row]
            roles = header_roles(headings)
            if SOURCE in roles and AMOUNT in roles and (UNIT in roles or CODE in roles):
                return index + 1, roles, headings
        return None

    def _columns_usable(self, sheet: str, header_row: int, roles: dict[str, int], headings: list[str]) -> bool:
        errors = []
        amount_heading = headings[roles[AMOUNT]]
        if _OTHER_MONEY_UNITS.search(fold(amount_heading)):
            errors.append(
                _("Amounts are read in million đồng (triệu đồng), but column %(column)s is headed “%(heading)s”.")
                % {"column": get_column_letter(roles[AMOUNT] + 1), "heading": amount_heading}
            )
        if KIND not in roles:
            errors.append(
                _("The table has no “Loại” column: give each row's kind (kế hoạch, phân bổ, giải ngân or huy động).")
            )
        if YEAR not in roles and self.year is None:
            errors.append(
                _("The table has no “Năm” column: give each row's year or period (2019, 2011-2020), or the year.")
            )
        self.table.errors.extend(RowError(Place(sheet, header_row), message) for message in errors)
        return not errors

    def _rows(self, sheet: Sheet, header_row: int, roles: dict[str, int]) -> None:
        carried = {role: "" for role in (*UNIT_ROLES, YEAR)}
        since_total: list[int] = []
        for index in range(header_row, len(sheet.rows)):
            values = sheet.rows[index]
            texts = [cell_text(value) for value in values]
            if not any(texts) or (index <= header_row + 1 and not any(_LETTER.search(text) for text in texts)):
                continue  # a blank row, or the row numbering the columns: (1) (2) (3) …
            cells = {role: _at(texts, column) or "" for role, column in roles.items()}
            first = fold(next(text for text in texts if text))
            labels = (first, fold(cells.get(UNIT, "")), fold(cells.get(SOURCE, "")))
            if any(_TOTAL.match(label) for label in labels):
                self._total(sheet.name, index + 1, _at(values, roles[AMOUNT]), since_total)
                since_total = []
                continue
            if any(is_footer(label) for label in labels[:2]):
                return  # signatures, notes: the table has ended
            if any(cells.get(role) for role in (UNIT, CODE)):
                carried.update({role: cells.get(role, "") for role in UNIT_ROLES})
            if cells.get(YEAR):
                carried[YEAR] = cells[YEAR]
            if not any(cells.get(role) for role in (SOURCE, KIND, AMOUNT)):
                continue  # a group row, "I | Huyện Bảo Lạc": its unit and year carry down to the rows below
            since_total.append(len(self.table.dataset))
            self.table.dataset.append(self._dataset_row(sheet.name, index + 1, values, roles, cells, carried))

    def _dataset_row(self, sheet, number, values, roles, cells, carried) -> list:
        row = {role: (cells[role] if role in roles else None) for role in TEXT_ROLES}
        row.update({role: carried[role] for role in UNIT_ROLES})
        row[YEAR] = carried[YEAR] or (str(self.year) if self.year is not None else "")
        row[AMOUNT] = _at(values, roles[AMOUNT])
        row[SHARE] = _at(values, roles[SHARE]) if SHARE in roles else None
        row[PROJECT] = row[PROJECT] or ""
        return [sheet, number, *(_cleaned(row[role]) for role in HEADINGS)]

    def _total(self, sheet: str, number: int, value, rows: list[int]) -> None:
        if is_blank(value) or not rows:
            return
        try:
            amount = printed_decimal(value)
        except ValueError:
            return  # a total that is not a number is not a figure to check against
        self.table.totals.append(StatedTotal(Place(sheet, number), amount, tuple(rows)))


def _at(values, column: int | None):
    return values[column] if column is not None and column < len(values) else None


def _cleaned(value):
    return nfc(value) if isinstance(value, str) else value

"""Indicator values in the long layout: a row per commune, year and indicator.

    DANH SÁCH SỐ LIỆU CÁC CHỈ TIÊU NĂM 2025                                   title rows, read past
    STT | Mã xã | Tên xã   | Huyện        | Năm  | Mã chỉ tiêu | Tên chỉ tiêu | Giá trị
    1   | 01705 | Hưng Đạo | TP. Cao Bằng | 2025 | 15.3        | Tỷ lệ …      | 12,5%
    2   |       |          |              |      | 8.1         | …            | Đạt      merged cells: the commune above
    Người lập biểu …                                                           read past

Values are read by the indicator's kind (`criteria.imports.values`: "85,5", "1.250", "85,5%", "Đạt", "Không",
"Mức độ 2"). A row without a value is skipped: what the file does not give stays as stored.
Reading writes nothing; `criteria.services.values_import` compares the rows with what is stored and writes.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from communes.matching import UnitMatcher
from communes.models import AdministrativeUnit
from criteria.evaluation import Value
from criteria.imports import unit_match_message
from criteria.imports.values import InvalidValue, indicator_value
from criteria.models import CriteriaSet, Indicator
from criteria.services.assessments import NoCriteriaSet, criteria_set_for
from ntm_portal.import_rows import HEADER_SEARCH_ROWS, SIGNING_DATE, Place, RowError
from ntm_portal.spreadsheets import Sheet, UnreadableFile, cell_text, percent_cells, read_sheets
from ntm_portal.text import fold

CODE, NAME, DISTRICT, YEAR, INDICATOR, VALUE = "code", "name", "district", "year", "indicator", "value"
_HEADINGS = {
    CODE: {"ma xa", "ma don vi", "ma dvhc", "ma so xa", "ma xa/phuong", "ma don vi hanh chinh"},
    YEAR: {"nam", "nam danh gia", "nam bao cao", "nam thuc hien"},
    INDICATOR: {"ma chi tieu", "ma so chi tieu", "ma ct", "chi tieu so", "so hieu chi tieu"},
    VALUE: {"gia tri", "ket qua", "gia tri thuc hien", "ket qua thuc hien", "ket qua dat duoc", "so lieu"},
}
_NAME_PARTS = frozenset({"xa", "phuong", "thi tran", "don vi", "don vi hanh chinh", "don vi cap xa"})
_DISTRICT_PARTS = frozenset({"huyen", "thanh pho", "thi xa", "quan", "tp", "tx", "don vi cap huyen"})
# Rows below the table: totals, signatures. Not "starts with Tổng/Cộng": Xã Tổng Cọt and Xã Cộng Hòa exist.
_FOOTER = re.compile(
    r"^(?:tong cong|tong so|cong\W*$|cong toan|nguoi lap|lap bieu|thu truong|xac nhan|ghi chu|ky ten|t/m|tm\.|"
    r"kt\.|noi nhan)"
)
_CODE_PREFIX = re.compile(r"^(?:ma chi tieu|chi tieu|ct)\s*")


@dataclass(frozen=True)
class ValueRow:
    """One indicator value as read, with the commune-year it belongs to."""

    unit: AdministrativeUnit
    year: int
    criteria_set: CriteriaSet
    indicator: Indicator
    value: Value
    place: Place  # the value cell
    unit_place: Place  # the commune cell (or the row)


@dataclass
class ValuesFile:
    rows: list[ValueRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # in file order, to sort errors by


def indicator_values_read(content: bytes, *, file_name: str = "", year: int | None = None) -> ValuesFile:
    """Read and check a long file: every value it gives, or the errors. Writes nothing.

    Communes are matched among the commune-level units of the map in force on 1 January of the row's year;
    indicators among those of the set in force for the commune that year. With `year`, every row must be
    for that year (and a file without a year column is for it).
    """
    try:
        sheets = read_sheets(content, file_name=file_name)
    except UnreadableFile as refused:
        return ValuesFile(errors=[RowError(Place(), refused.message)])
    reader = _LongReader(year)
    tables = [(sheet, reader.table(sheet)) for sheet in sheets]
    found = [(sheet, table) for sheet, table in tables if table is not None]
    percent = percent_cells(content, {sheet.name: table.columns[VALUE] for sheet, table in found})
    for sheet, table in found:
        reader.read(sheet, table, percent)
    result = ValuesFile(rows=reader.rows, errors=reader.errors, sheets=[sheet.name for sheet in sheets])
    if not found:
        result.errors += reader.sheet_errors
    else:
        for error in reader.sheet_errors:
            message = _("Sheet “%(sheet)s” has no table of indicator values and was not read.")
            result.warnings.append(message % {"sheet": error.place.sheet})
    if reader.without_value:
        message = _("%(count)s rows without a value were left aside: their stored values stay as they are.")
        result.warnings.append(message % {"count": reader.without_value})
    return result


def indicator_code_key(code: str) -> str:
    """A written indicator code as compared: "Chỉ tiêu 2.1", "2,1", "2.1." and "2.1" are the same code."""
    return _CODE_PREFIX.sub("", fold(code)).replace(",", ".").replace(" ", "").strip(".")


# ── Finding the table ──


@dataclass
class _Table:
    header_row: int  # 1-based
    columns: dict[str, int]  # role → column index
    headings: dict[int, str]


def _role(text: str) -> str | None:
    key = re.sub(r"\s*[/,;-]\s*", "/", re.sub(r"\(.*?\)", "", fold(text))).strip()
    for role, headings in _HEADINGS.items():
        if key in headings:
            return role
    parts = {part.removeprefix("ten ").strip() for part in key.split("/")}
    if parts <= _NAME_PARTS and parts & {"xa", "don vi", "don vi hanh chinh", "don vi cap xa"}:
        return NAME
    if key and parts <= _DISTRICT_PARTS:
        return DISTRICT
    return None


def _at(values: list | tuple, column: int | None):
    return values[column] if column is not None and column < len(values) else None


def _not_a_data_row(texts: list[str]) -> bool:
    """Blank rows, the numbering row under the header ("(1) (2) (3) (4)"), totals and signatures."""
    marks = [fold(text).strip("()") for text in texts if text]
    if not marks or _FOOTER.match(marks[0]) or SIGNING_DATE.search(marks[0]):
        return True
    count = len(marks)
    return count >= 4 and marks in ([str(n) for n in range(1, count + 1)], [chr(97 + n) for n in range(count)])


# ── Reading the rows ──


@dataclass
class _Written:
    """What a row says about its commune and year, as written (or carried down from a merged cell above)."""

    name: str = ""
    district: str = ""
    code: str = ""
    year: str = ""
    place: Place = field(default_factory=Place)
    year_place: Place = field(default_factory=Place)


class _LongReader:
    def __init__(self, year: int | None) -> None:
        self.year = year
        self.rows: list[ValueRow] = []
        self.errors: list[RowError] = []
        self.sheet_errors: list[RowError] = []  # sheets without a table: errors only when no sheet has one
        self.without_value = 0
        self._matchers: dict[int, UnitMatcher] = {}
        self._matches: dict[tuple, AdministrativeUnit | None] = {}  # an unknown commune is reported once
        self._sets: dict[tuple[int, int], CriteriaSet | str] = {}  # a set, or why there is none
        self._indicators: dict[int, dict[str, Indicator]] = {}
        self._seen: dict[tuple[int, int, int], Place] = {}

    def table(self, sheet: Sheet) -> _Table | None:
        if not any(cell_text(value) for row in sheet.rows for value in row):
            self.sheet_errors.append(RowError(Place(sheet.name), _("The sheet is empty.")))
            return None
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            columns, headings = {}, {}
            for column, value in enumerate(row):
                text = cell_text(value)
                role = _role(text) if text else None
                if role and role not in columns:
                    columns[role] = column
                    headings[column] = text
            if INDICATOR in columns and VALUE in columns and (NAME in columns or CODE in columns):
                if YEAR not in columns and self.year is None:
                    message = _("The table has no year column (“Năm”): add one, or choose the year of the file.")
                    self.sheet_errors.append(RowError(Place(sheet.name, index + 1), message))
                    return None
                return _Table(header_row=index + 1, columns=columns, headings=headings)
        message = _(
            "No table header was found: the table needs columns headed “Mã xã” or “Tên xã”, “Năm”, “Mã chỉ tiêu” "
            "and “Giá trị”."
        )
        self.sheet_errors.append(RowError(Place(sheet.name), message))
        return None

    def read(self, sheet: Sheet, table: _Table, percent_cells: set[tuple[str, int]]) -> None:
        above = _Written()
        for index in range(table.header_row, len(sheet.rows)):
            values = sheet.rows[index]
            texts = [cell_text(value) for value in values]
            if _not_a_data_row(texts):
                continue
            number = index + 1
            code, value = _at(texts, table.columns[INDICATOR]), _at(texts, table.columns[VALUE])
            if not code and not value:  # a group heading ("Huyện Bảo Lạc") or a note
                continue
            written = self._written(sheet.name, number, texts, table, above)
            above = written
            if not value:
                self.without_value += 1
                continue
            row = self._row(sheet.name, number, values, texts, table, written, (sheet.name, number) in percent_cells)
            if row is not None:
                self.rows.append(row)

    def _written(self, sheet: str, row: int, texts: list[str], table: _Table, above: _Written) -> _Written:
        def text(role: str) -> str:
            return _at(texts, table.columns.get(role)) or ""

        named = NAME in table.columns and text(NAME)
        unit_column = table.columns[NAME] if named or CODE not in table.columns else table.columns[CODE]
        year_column = table.columns.get(YEAR)
        written = _Written(
            name=text(NAME),
            district=text(DISTRICT),
            code=text(CODE),
            year=text(YEAR),
            place=Place(sheet, row, get_column_letter(unit_column + 1), table.headings[unit_column]),
            year_place=Place(sheet, row, get_column_letter(year_column + 1), table.headings[year_column])
            if year_column is not None
            else Place(sheet, row),
        )
        if not (written.name or written.code):  # a merged commune cell: the commune of the row above
            written.name, written.district, written.code = above.name, above.district, above.code
            written.year = written.year or above.year
        return written

    def _row(
        self, sheet: str, row: int, values: tuple, texts: list[str], table: _Table, written: _Written, percent: bool
    ) -> ValueRow | None:
        def place(role: str) -> Place:
            column = table.columns[role]
            return Place(sheet, row, get_column_letter(column + 1), table.headings[column])

        if not (written.name or written.code):
            self.errors.append(RowError(written.place, _("The row names no commune.")))
            return None
        year = self._year(written)
        if year is None:
            return None
        unit = self._unit(written, year)
        if unit is None:
            return None
        criteria_set = self._criteria_set(unit, year, written.year_place)
        if criteria_set is None:
            return None
        code = _at(texts, table.columns[INDICATOR]) or ""
        if not code:
            self.errors.append(RowError(place(INDICATOR), _("The row has a value but no indicator code.")))
            return None
        indicator = self._indicators_of(criteria_set).get(indicator_code_key(code))
        if indicator is None:
            message = _("The criteria set in force in %(year)s (%(set)s) has no indicator “%(code)s”.")
            self.errors.append(
                RowError(place(INDICATOR), message % {"year": year, "set": criteria_set.code, "code": code})
            )
            return None
        try:
            value = indicator_value(indicator, _at(values, table.columns[VALUE]), percent_cell=percent)
        except InvalidValue as invalid:
            self.errors.append(RowError(place(VALUE), invalid.message))
            return None
        key = (unit.pk, year, indicator.pk)
        if key in self._seen:
            first = self._seen[key]
            message = _(
                "%(unit)s already has a value of indicator %(code)s for %(year)s in sheet “%(sheet)s”, row %(row)s."
            )
            names = {"unit": unit.name, "code": indicator.code, "year": year, "sheet": first.sheet, "row": first.row}
            self.errors.append(RowError(place(INDICATOR), message % names))
            return None
        self._seen[key] = place(VALUE)
        return ValueRow(unit, year, criteria_set, indicator, value, place(VALUE), written.place)

    def _year(self, written: _Written) -> int | None:
        if not written.year:
            if self.year is None:
                self.errors.append(RowError(written.year_place, _("The row has no year.")))
            return self.year
        if not re.fullmatch(r"\d{4}", written.year):
            self.errors.append(RowError(written.year_place, _("“%(value)s” is not a year.") % {"value": written.year}))
            return None
        year = int(written.year)
        if self.year is not None and year != self.year:
            message = _("The row is for %(row_year)s, but this import is for %(year)s.")
            self.errors.append(RowError(written.year_place, message % {"row_year": year, "year": self.year}))
            return None
        return year

    def _unit(self, written: _Written, year: int) -> AdministrativeUnit | None:
        key = (year, written.name, written.district, written.code)
        if key in self._matches:
            return self._matches[key]
        if year not in self._matchers:
            units = AdministrativeUnit.objects.communes().valid_on(datetime.date(year, 1, 1))
            self._matchers[year] = UnitMatcher(units.prefetch_related("parent__parent"))
        match = self._matchers[year].match(written.name, district=written.district, code=written.code)
        self._matches[key] = match.unit
        if match.error is not None:
            message = unit_match_message(match, name=written.name, district=written.district, code=written.code)
            self.errors.append(RowError(written.place, message))
        return match.unit

    def _criteria_set(self, unit: AdministrativeUnit, year: int, place: Place) -> CriteriaSet | None:
        key = (unit.province().pk, year)
        if key not in self._sets:
            try:
                self._sets[key] = criteria_set_for(unit=unit, year=year)
            except NoCriteriaSet as refused:
                self._sets[key] = refused.message
                self.errors.append(RowError(place, refused.message))
        found = self._sets[key]
        return found if isinstance(found, CriteriaSet) else None

    def _indicators_of(self, criteria_set: CriteriaSet) -> dict[str, Indicator]:
        if criteria_set.pk not in self._indicators:
            indicators = Indicator.objects.filter(criterion__criteria_set=criteria_set).select_related("criterion")
            self._indicators[criteria_set.pk] = {indicator_code_key(i.code): i for i in indicators}
        return self._indicators[criteria_set.pk]

"""Criterion results in the wide layout offices keep: a row per commune, a column per criterion.

    BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2025        title rows, read past
    STT | Tên xã   | Huyện        | Kết quả thực hiện các tiêu chí | Tổng số tiêu chí đạt
        |          |              | TC1 | TC2 | … | TC19           |                        a second header row
    1   | Hưng Đạo | TP. Cao Bằng | x   | x   | … |                | 18
    I   | Huyện Bảo Lạc                                                                   a district group row
    Tổng cộng …  /  Người lập biểu …                                                    read past

Reading, matching and checking write nothing (`results_file_check`); `criteria.services.results_import`
writes the rows once the file has no errors.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from communes.matching import DISTRICT_PREFIXES, UnitMatcher, written_prefix
from communes.models import AdministrativeUnit
from criteria.imports import ResultRow, unit_match_message
from criteria.models import CriteriaSet
from criteria.services.imports import results_import_plan
from ntm_portal.collector import collector_paused
from ntm_portal.import_rows import HEADER_SEARCH_ROWS, ImportSummary, Place, RowError, is_footer
from ntm_portal.spreadsheets import Sheet, UnreadableFile, cell_text, read_sheets
from ntm_portal.text import fold

MET_MARKS = frozenset({"x", "đ", "đạt", "1", "✓", "✔"})
NOT_MET_MARKS = frozenset({"", "0", "-", "–", "chưa đạt", "không đạt"})

STT, NAME, DISTRICT, CODE, GROUP, TOTAL = "stt", "name", "district", "code", "group", "total"
_STT_HEADINGS = frozenset({"stt", "tt", "so tt", "so thu tu"})
_CODE_HEADINGS = frozenset({"ma xa", "ma", "ma don vi", "ma dvhc", "ma so"})
_NAME_PARTS = frozenset({"xa", "phuong", "thi tran", "don vi", "don vi hanh chinh", "don vi cap xa"})
_DISTRICT_PARTS = frozenset({"huyen", "thanh pho", "thi xa", "quan", "tp", "tx", "don vi cap huyen"})
_GROUP_HEADINGS = frozenset({"nhom xa", "nhom"})  # the commune group of QĐ 51/2025 (1, 2, 3): checked, not imported
_GROUP_VALUE = re.compile(r"^(?:nhom\s*)?([123])$")
_TOTAL_HEADINGS = ("tong so tieu chi", "tong so tc", "so tieu chi dat", "so tc dat", "tong tieu chi dat")
_CRITERION_HEADING = re.compile(r"^(?:(?:tc|tieu chi)\s*(?:so)?\s*\.?\s*(\d{1,2})\b.*|(\d{1,2})(?:\s*[.:)]\s*\D.*)?)$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class ResultsFile:
    """A file read and checked: the rows it would import, the counts and every error, in file order."""

    rows: list[ResultRow]
    summary: ImportSummary
    skipped_sheets: list[str] = field(default_factory=list)  # sheets without a results table

    @property
    def warnings(self) -> list[str]:
        return self.summary.warnings

    @property
    def errors(self) -> list[RowError]:
        return self.summary.errors


@collector_paused()
def results_file_check(
    content: bytes,
    *,
    year: int,
    criteria_set: CriteriaSet,
    file_name: str = "",
    within: AdministrativeUnit | None = None,
    user=None,
    compare: bool = True,
) -> ResultsFile:
    """Read, match and check a wide results file against the stored results. Writes nothing.

    Communes are matched among the commune-level units of the map in force on 1 January of `year` (under
    `within` when given). A caller that passes the rows straight to `results_import`, which compares them
    again under lock, may skip the comparison here (`compare=False`) when the file reads without error.
    """
    try:
        sheets = read_sheets(content, file_name=file_name)
    except UnreadableFile as refused:
        return ResultsFile(rows=[], summary=ImportSummary(errors=[RowError(Place(), refused.message)]))
    units = AdministrativeUnit.objects.communes().valid_on(datetime.date(year, 1, 1))
    if within is not None:
        units = units.within(within)
    reader = _WideReader(criteria_set, UnitMatcher(units.prefetch_related("parent__parent")), year=year)
    for sheet in sheets:
        reader.read(sheet)
    errors = reader.errors
    if not reader.tables:
        errors += reader.sheet_errors
    elif not reader.rows and not errors:
        errors.append(RowError(Place(), _("The file has no commune rows.")))
    if compare or errors:
        summary = results_import_plan(year=year, criteria_set=criteria_set, rows=reader.rows, user=user)
    else:
        summary = ImportSummary()
    order = {sheet.name: index for index, sheet in enumerate(sheets)}
    summary.errors = sorted(
        [*errors, *summary.errors], key=lambda error: (order.get(error.place.sheet, -1), error.place.row or 0)
    )
    summary.warnings = [*reader.warnings, *summary.warnings]
    skipped = [error.place.sheet for error in reader.sheet_errors] if reader.tables else []
    return ResultsFile(rows=reader.rows, summary=summary, skipped_sheets=skipped)


# ── Finding the table and reading its rows ──


@dataclass
class _Table:
    header_row: int  # the last header row, 1-based
    roles: dict[str, int]  # STT, NAME, … → column index
    criteria: dict[int, int]  # criterion number → column index
    headings: dict[int, str]
    foreign: list[int] = field(default_factory=list)  # criterion numbers headed in the file but not in the set


class _WideReader:
    def __init__(self, criteria_set: CriteriaSet, matcher: UnitMatcher, *, year: int) -> None:
        self.criteria_set, self.year = criteria_set, year
        self.criteria = dict(criteria_set.criteria.values_list("number", "name"))
        self.names = {fold(name): number for number, name in self.criteria.items()}
        self.matcher = matcher
        self.rows: list[ResultRow] = []
        self.errors: list[RowError] = []
        self.warnings: list[str] = []
        self.sheet_errors: list[RowError] = []  # sheets without a table: errors only when no sheet has one
        self.tables = 0

    def read(self, sheet: Sheet) -> None:
        if not any(cell_text(value) for row in sheet.rows for value in row):
            self.sheet_errors.append(RowError(Place(sheet.name), _("The sheet is empty.")))
            return
        table = self._table(sheet)
        if table is None:
            message = _(
                "No table header was found: the table needs a column headed “Tên xã” (or “Xã”, “Đơn vị”) and a "
                "column per criterion, headed TC1 … TC%(count)s, 1 … %(count)s or with the criteria's names."
            ) % {"count": len(self.criteria)}
            self.sheet_errors.append(RowError(Place(sheet.name), message))
            return
        self.tables += 1
        if table.foreign:
            self.errors.append(RowError(Place(sheet.name), self._foreign_message(table)))
            return
        missing = sorted(set(self.criteria) - set(table.criteria))
        if missing:
            message = _("The table has no column for criteria %(numbers)s.") % {
                "numbers": ", ".join(str(number) for number in missing)
            }
            self.errors.append(RowError(Place(sheet.name), message))
            return
        group_district = ""
        for index in range(table.header_row, len(sheet.rows)):
            texts = [cell_text(value) for value in sheet.rows[index]]
            name = _at(texts, table.roles[NAME])
            if _not_a_commune_row(texts, name):
                continue
            if written_prefix(name, DISTRICT_PREFIXES):
                group_district = name  # "I | Huyện Bảo Lạc": the communes below are in that district
                continue
            self._read_row(sheet.name, index + 1, texts, table, group_district)

    def _foreign_message(self, table: _Table) -> str:
        """Columns for criteria the set lacks: most often the form of the previous period (19 criteria)."""
        names = {
            "year": self.year,
            "set": self.criteria_set.decision_number or self.criteria_set.name,
            "count": len(self.criteria),
            "found": len(table.criteria) + len(table.foreign),
            "numbers": ", ".join(str(number) for number in sorted(table.foreign)),
        }
        return (
            _(
                "The table has %(found)s criterion columns, among them criteria %(numbers)s, which the set does not "
                "have: %(year)s is judged on %(set)s, with %(count)s criteria. Download the entry template of "
                "%(year)s and enter the results in it."
            )
            % names
        )

    def _table(self, sheet: Sheet) -> _Table | None:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            texts = [cell_text(value) for value in row]
            name_column = next((column for column, text in enumerate(texts) if _role(text) == NAME), None)
            if name_column is None:
                continue
            below = [cell_text(value) for value in sheet.rows[index + 1]] if index + 1 < len(sheet.rows) else []
            # Two merged header rows: under the merged name cell the second row is empty, and it heads criteria.
            two_rows = not _at(below, name_column) and any(self._criterion(text) is not None for text in below)
            if two_rows:
                return self._columns(sheet.name, upper=texts, lower=below, last_row=index + 2)
            return self._columns(sheet.name, upper=texts, lower=[], last_row=index + 1)
        return None

    def _columns(self, sheet: str, *, upper: list[str], lower: list[str], last_row: int) -> _Table:
        table = _Table(header_row=last_row, roles={}, criteria={}, headings={})
        for column in range(max(len(upper), len(lower))):
            # The lower, more precise heading first; a heading merged over two rows is read from the upper.
            for text in (_at(lower, column), _at(upper, column)):
                if not text:
                    continue
                role, number = _role(text), self._criterion(text)
                if role and role not in table.roles:
                    table.roles[role] = column
                elif number is not None and not role:
                    self._add_criterion(table, sheet, last_row, column, text, number)
                else:
                    continue
                table.headings[column] = text
                break
        return table

    def _add_criterion(self, table: _Table, sheet: str, row: int, column: int, text: str, number: int) -> None:
        place = Place(sheet, row, get_column_letter(column + 1), text)
        if number not in self.criteria:
            table.foreign.append(number)
        elif number in table.criteria:
            message = _("Criterion %(number)s already has column %(column)s.") % {
                "number": number,
                "column": get_column_letter(table.criteria[number] + 1),
            }
            self.errors.append(RowError(place, message))
        else:
            table.criteria[number] = column

    def _criterion(self, text: str) -> int | None:
        key = fold(text)
        found = _CRITERION_HEADING.match(key)
        if found:
            return int(found.group(1) or found.group(2))
        return self.names.get(key.removeprefix("tieu chi ").strip())

    def _read_row(self, sheet: str, row: int, texts: list[str], table: _Table, group_district: str) -> None:
        def place(column: int) -> Place:
            return Place(sheet, row, get_column_letter(column + 1), table.headings.get(column, ""))

        errors = len(self.errors)
        marks = {}
        for number, column in table.criteria.items():
            written = _at(texts, column)
            mark = _mark_key(written)
            if mark in MET_MARKS or mark in NOT_MET_MARKS:
                marks[number] = mark in MET_MARKS
                continue
            message = _(
                "“%(value)s” is not a mark: write x (or Đạt, Đ, 1, ✓) for a criterion met, and leave the cell "
                "empty (or write Chưa đạt, Không đạt, 0, -) for one not met."
            ) % {"value": written}
            self.errors.append(RowError(place(column), message))
        if TOTAL in table.roles and len(self.errors) == errors:
            self._check_total(place(table.roles[TOTAL]), _at(texts, table.roles[TOTAL]), sum(marks.values()))
        name_column = table.roles[NAME]
        unit = self._unit(
            place(name_column),
            name=_at(texts, name_column),
            district=_at(texts, table.roles[DISTRICT]) if DISTRICT in table.roles else group_district,
            code=_at(texts, table.roles[CODE]) if CODE in table.roles else "",
        )
        if unit is not None and GROUP in table.roles:
            self._check_group(place(table.roles[GROUP]), _at(texts, table.roles[GROUP]), unit)
        if unit is not None and len(self.errors) == errors:
            self.rows.append(ResultRow(unit=unit, marks=marks, place=place(name_column)))

    def _check_total(self, place: Place, written: str, counted: int) -> None:
        if not written:
            return
        if not written.isdigit():
            self.errors.append(RowError(place, _("The total “%(value)s” is not a whole number.") % {"value": written}))
        elif int(written) != counted:
            message = _("The row states %(stated)s criteria met, but %(counted)s are marked.") % {
                "stated": int(written),
                "counted": counted,
            }
            self.errors.append(RowError(place, message))

    def _check_group(self, place: Place, written: str, unit: AdministrativeUnit) -> None:
        """The commune group is the portal's (set by the province's decision): a different one is only a warning."""
        found = _GROUP_VALUE.match(fold(written)) if written else None
        if not written or (found and int(found.group(1)) == unit.commune_group):
            return
        names = {
            "place": place,
            "value": written,
            "commune": unit.name,
            "stored": unit.commune_group or _("no group"),
        }
        message = _(
            "%(place)s: the file gives “%(value)s” as the commune group of %(commune)s, the portal has "
            "%(stored)s. The results are imported; the group stays as the portal has it."
        )
        self.warnings.append(message % names)

    def _unit(self, place: Place, *, name: str, district: str, code: str) -> AdministrativeUnit | None:
        match = self.matcher.match(name, district=district, code=code)
        if match.error is None:
            return match.unit
        self.errors.append(RowError(place, unit_match_message(match, name=name, district=district, code=code)))
        return None


def _at(texts: list[str], column: int) -> str:
    return texts[column] if column < len(texts) else ""


def _mark_key(written: str) -> str:
    """ "Đạt", "ĐẠT", "đạt" (in either Unicode form), "Chưa  đạt" → one key of MET_MARKS or NOT_MET_MARKS."""
    return " ".join(unicodedata.normalize("NFC", written).split()).lower()


def _role(text: str) -> str | None:
    key = re.sub(r"\s*[/,;-]\s*", "/", fold(text))
    parts = {part.removeprefix("ten ").strip() for part in key.split("/")}
    if key in _STT_HEADINGS:
        return STT
    if key in _GROUP_HEADINGS or key.startswith("nhom xa "):  # "Nhóm xã (1, 2, 3)"
        return GROUP
    if key in _CODE_HEADINGS:
        return CODE
    if parts <= _NAME_PARTS and parts & {"xa", "don vi", "don vi hanh chinh", "don vi cap xa"}:
        return NAME
    if parts <= _DISTRICT_PARTS:
        return DISTRICT
    if key in ("tong", "tong so") or key.startswith(_TOTAL_HEADINGS):
        return TOTAL
    return None


def _not_a_commune_row(texts: Iterable[str], name: str) -> bool:
    """Blank rows, numbering rows ("(1) (2) (3)"), totals and the signatures below the table."""
    if not _LETTER.search(name):
        return True
    first = fold(next((text for text in texts if text), ""))
    return any(is_footer(text) for text in (first, fold(name)))

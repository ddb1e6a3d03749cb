"""A whole criteria set as one XLSX workbook, and back: an office fills the annex once in Excel and loads it.

Four sheets, each a header row and a row per item: the set's fields (field, value), its criteria, its
indicators and their thresholds with provenance. The headers are the file format: they stay as they are
whatever the interface language. Importing reads and checks everything first (every error with its sheet,
row and column) and writes nothing unless the whole workbook is valid; then the set is created in one
transaction, with its history. A set is never overwritten: one whose code exists is refused.
"""

import datetime
import io
import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from communes import access
from communes.models import AdministrativeUnit
from criteria.bands import BandsError, scheme_for
from criteria.models import CriteriaSet, Criterion, Indicator, Threshold, Tier
from criteria.services.criteria_sets import threshold_value_error
from ntm_portal.models import ChangeRecord
from ntm_portal.spreadsheet_text import text_row
from ntm_portal.spreadsheets import Sheet, UnreadableFile, read_sheets
from ntm_portal.text import nfc, nfc_lines

SET_SHEET, CRITERIA_SHEET, INDICATORS_SHEET, THRESHOLDS_SHEET = "Bo tieu chi", "Tieu chi", "Chi tieu", "Nguong"
SET_ROWS = (
    "code", "name", "decision_number", "decision_date", "decision_citation", "issuing_level",
    "issuing_unit_code", "issuing_unit_valid_from", "parent_code", "period_start", "period_end", "effective_from",
    "tier", "assessed_level", "threshold_dimension", "honours_applied_region", "criteria_count_declared",
    "indicator_count_declared", "report_bands", "notes", "version",
)  # fmt: skip
LINKS = ("issuing_unit_code", "issuing_unit_valid_from", "parent_code")  # the set's province and national set
CRITERIA_COLUMNS = ("number", "name", "name_en", "group", "group_alt", "notes")
INDICATOR_COLUMNS = (
    "criterion", "code", "code_verified", "position", "text", "kind", "unit", "comparison", "verified", "source",
    "notes",
)  # fmt: skip
THRESHOLD_COLUMNS = ("criterion", "indicator", "applies_to", "year_from", "year_to", "value", "parts", "verified",
                     "source")  # fmt: skip
DATES = {"decision_date", "effective_from", "issuing_unit_valid_from"}
NUMBERS = {"version", "period_start", "period_end", "criteria_count_declared", "indicator_count_declared", "number",
           "position", "criterion", "year_from", "year_to"}  # fmt: skip
MULTILINE = {"notes", "text", "decision_citation", "source"}
FLAGS = {"honours_applied_region", "code_verified", "verified"}
JSONS = {"report_bands", "parts"}
CHOICES = {
    "issuing_level": CriteriaSet.IssuingLevel.values,
    "tier": Tier.values,
    "assessed_level": CriteriaSet.AssessedLevel.values,
    "threshold_dimension": CriteriaSet.Dimension.values,
    "kind": Indicator.Kind.values,
    "comparison": ["", *Indicator.Comparison.values],
}
REQUIRED = {"code", "name", "decision_number", "issuing_level", "period_start", "period_end", "tier",
            "assessed_level", "threshold_dimension", "number", "criterion", "indicator", "text", "kind",
            "applies_to"}  # fmt: skip


# ── export ──


def criteria_set_workbook(criteria_set: CriteriaSet) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SET_SHEET
    sheet.append(["field", "value"])
    for name, value in _set_values(criteria_set).items():
        sheet.append(text_row(sheet, [name, _cell(name, value)]))
    criteria = list(criteria_set.criteria.prefetch_related("indicators__thresholds").order_by("number"))
    _table(workbook, CRITERIA_SHEET, CRITERIA_COLUMNS, ([getattr(c, n) for n in CRITERIA_COLUMNS] for c in criteria))
    indicators = [(c, i) for c in criteria for i in c.indicators.all()]
    _table(workbook, INDICATORS_SHEET, INDICATOR_COLUMNS,
           ([c.number, *(getattr(i, n) for n in INDICATOR_COLUMNS[1:])] for c, i in indicators))  # fmt: skip
    _table(
        workbook, THRESHOLDS_SHEET, THRESHOLD_COLUMNS,
        ([c.number, i.code, *(getattr(t, n) for n in THRESHOLD_COLUMNS[2:])] for c, i in indicators
         for t in i.thresholds.all()),
    )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def criteria_set_workbook_name(criteria_set: CriteriaSet) -> str:
    return f"bo-tieu-chi-{criteria_set.code}.xlsx"


def _set_values(criteria_set: CriteriaSet) -> dict:
    unit = criteria_set.issuing_unit
    values = {name: getattr(criteria_set, name, None) for name in SET_ROWS}
    values["issuing_unit_code"] = unit.code if unit else ""
    values["issuing_unit_valid_from"] = unit.valid_from if unit else None
    values["parent_code"] = criteria_set.parent.code if criteria_set.parent else ""
    return values


def _cell(name: str, value):
    if name in JSONS:
        return json.dumps(value, ensure_ascii=False) if value is not None else None
    if name in DATES:
        return value.isoformat() if value else None  # as text: Excel keeps it as written
    return value


def _table(workbook: Workbook, title: str, columns: tuple[str, ...], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for row in rows:
        # Cells such as the comparison "==" are text, not formulas.
        sheet.append(text_row(sheet, [_cell(name, value) for name, value in zip(columns, row, strict=True)]))
    for index, name in enumerate(columns, 1):
        width = 60 if name in ("name", "text", "source", "notes", "decision_citation") else 14
        sheet.column_dimensions[get_column_letter(index)].width = width


# ── import ──


class WorkbookInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors  # (place, message)


@dataclass
class _Reading:
    errors: list[tuple[str, str]] = field(default_factory=list)
    set_rows: dict[str, int] = field(default_factory=dict)  # the row of each field in the sheet Bo tieu chi
    failed: set[tuple[str, int, int | None]] = field(default_factory=set)  # the cells with an error

    def error(self, sheet: str, row: int, column: int | None, message: str) -> None:
        self.failed.add((sheet, row, column))
        place = _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}
        if column is not None:
            place = _("sheet %(sheet)s, row %(row)s, column %(column)s") % {
                "sheet": sheet, "row": row, "column": get_column_letter(column),
            }  # fmt: skip
        self.errors.append((place, message))

    def value(self, sheet: str, row: int, column: int, name: str, raw):
        """The cell as the model stores it; None (and an error noted) when it cannot be read."""
        text = raw if isinstance(raw, bool | int | float) else _text(name, raw)
        if text in ("", None):
            if name in REQUIRED:
                self.error(sheet, row, column, _("This cell may not be empty."))
            return None if name in NUMBERS | DATES | JSONS else False if name in FLAGS else ""
        try:
            return _parsed(name, text)
        except (ValueError, TypeError) as error:
            self.error(sheet, row, column, _("“%(value)s” cannot be read: %(why)s") % {"value": raw, "why": error})
            return None


def _text(name: str, raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, datetime.date):
        return raw
    return nfc_lines(str(raw)) if name in MULTILINE else nfc(str(raw))


def _parsed(name: str, value):
    if name in NUMBERS:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("a whole number is expected"))
        return int(value)
    if name in FLAGS:
        text = str(value).strip().lower()
        if text not in ("1", "0", "true", "false", "có", "không"):
            raise ValueError(_("1 (yes) or 0 (no) is expected"))
        return text in ("1", "true", "có")
    if name in DATES:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.date() if isinstance(value, datetime.datetime) else value
        return datetime.date.fromisoformat(str(value))
    if name in JSONS:
        return json.loads(value)
    text = str(value) if not isinstance(value, float) else str(value).removesuffix(".0")
    if name in CHOICES and text not in CHOICES[name]:
        raise ValueError(_("one of %(choices)s is expected") % {"choices": ", ".join(c or "∅" for c in CHOICES[name])})
    return text


def _rows(reading: _Reading, sheets: dict[str, Sheet], title: str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    sheet = sheets.get(title)
    if sheet is None:
        reading.error(title, 1, None, _("The workbook has no sheet %(sheet)s.") % {"sheet": title})
        return []
    header = tuple(nfc(str(cell or "")).strip() for cell in (sheet.rows[0] if sheet.rows else ()))
    if header[: len(columns)] != columns:
        reading.error(title, 1, None, _("The header row must be: %(columns)s.") % {"columns": ", ".join(columns)})
        return []
    rows = []
    for number, cells in enumerate(sheet.rows[1:], 2):
        cells = (*cells, *([None] * len(columns)))[: len(columns)]
        if all(cell in (None, "") for cell in cells):
            continue
        rows.append(
            (
                number,
                {
                    name: reading.value(title, number, i, name, cell)
                    for i, (name, cell) in enumerate(zip(columns, cells, strict=True), 1)
                },
            )
        )
    return rows


def criteria_set_workbook_import(*, user, content: bytes) -> CriteriaSet:
    """Create the set a workbook describes; WorkbookInvalid (nothing written) when anything in it is wrong."""
    reading = _Reading()
    try:
        sheets = {sheet.name: sheet for sheet in read_sheets(content, file_name="set.xlsx")}
    except UnreadableFile as error:
        raise WorkbookInvalid([("", error.message)]) from None
    values = _set_fields(reading, sheets)
    criteria = _rows(reading, sheets, CRITERIA_SHEET, CRITERIA_COLUMNS)
    indicators = _rows(reading, sheets, INDICATORS_SHEET, INDICATOR_COLUMNS)
    thresholds = _rows(reading, sheets, THRESHOLDS_SHEET, THRESHOLD_COLUMNS)
    province, parent = _links(reading, values, user)
    _check_items(reading, criteria, indicators, thresholds, values)
    _check_stored_fields(reading, CriteriaSet, SET_SHEET, [(reading.set_rows.get(n, 1), {n: v}) for n, v in
                         values.items() if n not in LINKS], columns=None)  # fmt: skip
    _check_stored_fields(reading, Criterion, CRITERIA_SHEET, criteria, columns=CRITERIA_COLUMNS)
    _check_stored_fields(reading, Indicator, INDICATORS_SHEET, indicators, columns=INDICATOR_COLUMNS)
    _check_stored_fields(reading, Threshold, THRESHOLDS_SHEET, thresholds, columns=THRESHOLD_COLUMNS)
    if reading.errors:
        raise WorkbookInvalid(reading.errors)
    with transaction.atomic():
        criteria_set = CriteriaSet.objects.create(
            **{name: values[name] for name in SET_ROWS if name not in LINKS and values[name] is not None},
            issuing_unit=province,
            parent=parent,
        )
        made = Criterion.objects.bulk_create(Criterion(criteria_set=criteria_set, **row) for _n, row in criteria)
        by_number = {criterion.number: criterion for criterion in made}
        made_indicators = Indicator.objects.bulk_create(
            Indicator(criterion=by_number[row["criterion"]], **{k: v for k, v in row.items() if k != "criterion"})
            for _n, row in indicators
        )
        by_code = {(i.criterion.number, i.code): i for i in made_indicators}
        Threshold.objects.bulk_create(
            Threshold(
                indicator=by_code[(row["criterion"], row["indicator"])],
                **{k: v for k, v in row.items() if k not in ("criterion", "indicator")},
            )
            for _n, row in thresholds
        )
        ChangeRecord.objects.create(
            user=user, subject_type=ContentType.objects.get_for_model(CriteriaSet), subject_id=criteria_set.pk,
            subject_version=criteria_set.version, action=ChangeRecord.Action.CATALOGUE, target="imported",
            new_value=criteria_set.code,
        )  # fmt: skip
    return criteria_set


def _check_stored_fields(
    reading: _Reading, model, sheet: str, rows: list[tuple[int, dict]], *, columns: tuple[str, ...] | None
) -> None:
    """Each value as the model's field checks it: a text too long for its column, an empty position, a number
    out of the column's range are errors of their cell, not a database error once everything was read."""

    def column(name: str) -> int | None:
        return 2 if columns is None else columns.index(name) + 1 if name in columns else None

    for number, row in rows:
        fields = {
            name: value
            for name, value in row.items()
            if name not in ("criterion", "indicator") and (sheet, number, column(name)) not in reading.failed
        }  # a cell with an error (an empty required one, a value that cannot be read) has its message already
        others = [field.name for field in model._meta.fields if field.name not in fields]
        try:
            model(**fields).clean_fields(exclude=others)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                reading.error(sheet, number, column(name), " ".join(messages))


def _set_fields(reading: _Reading, sheets: dict[str, Sheet]) -> dict:
    sheet = sheets.get(SET_SHEET)
    if sheet is None:
        reading.error(SET_SHEET, 1, None, _("The workbook has no sheet %(sheet)s.") % {"sheet": SET_SHEET})
        return dict.fromkeys(SET_ROWS)
    rows = {str(cells[0]).strip(): (number, cells[1] if len(cells) > 1 else None)
            for number, cells in enumerate(sheet.rows[1:], 2) if cells and cells[0]}  # fmt: skip
    reading.set_rows = {name: number for name, (number, _raw) in rows.items()}
    values = {}
    for name in SET_ROWS:
        number, raw = rows.get(name, (None, None))
        if number is None and name in REQUIRED:
            reading.error(SET_SHEET, 1, None, _("The field %(field)s is missing.") % {"field": name})
        values[name] = reading.value(SET_SHEET, number or 1, 2, name, raw)
    return values


def _links(reading: _Reading, values: dict, user) -> tuple[AdministrativeUnit | None, CriteriaSet | None]:
    province = None
    if values["issuing_unit_code"]:
        province = AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.PROVINCE, code=values["issuing_unit_code"],
            valid_from=values["issuing_unit_valid_from"],
        ).first()  # fmt: skip
        if province is None:
            reading.error(
                SET_SHEET, 1, None, _("No province has the code %(code)s.") % {"code": values["issuing_unit_code"]}
            )
    if not access.can_edit_criteria_set(user, province):
        reading.error(SET_SHEET, 1, None, _("You may not create criteria sets here."))
    parent = None
    if values["parent_code"]:
        parent = CriteriaSet.objects.filter(code=values["parent_code"]).first()
        if parent is None:
            reading.error(SET_SHEET, 1, None, _("The set %(code)s it specifies is not in the portal: load it first.")
                          % {"code": values["parent_code"]})  # fmt: skip
    if values["code"] and CriteriaSet.objects.filter(code=values["code"]).exists():
        reading.error(SET_SHEET, 1, None, _("A criteria set with this code exists already."))
    return province, parent


def _check_items(reading: _Reading, criteria, indicators, thresholds, values: dict) -> None:
    numbers: set[int] = set()
    for number, row in criteria:
        if row["number"] in numbers:
            reading.error(CRITERIA_SHEET, number, 1, _("The set has a criterion with this number already."))
        numbers.add(row["number"])
    kinds: dict[tuple, str] = {}
    for number, row in indicators:
        key = (row["criterion"], row["code"])
        if row["criterion"] not in numbers:
            reading.error(INDICATORS_SHEET, number, 1, _("No criterion has this number in the sheet Tieu chi."))
        if key in kinds:
            reading.error(INDICATORS_SHEET, number, 2, _("The criterion has an indicator with this code already."))
        kinds[key] = row["kind"]
    seen: set[tuple] = set()
    for number, row in thresholds:
        key = (row["criterion"], row["indicator"])
        if key not in kinds:
            reading.error(THRESHOLDS_SHEET, number, 2, _("No indicator has this code in the sheet Chi tieu."))
            continue
        whole_key = (*key, row["applies_to"], row["year_from"], row["year_to"])
        if whole_key in seen:
            reading.error(THRESHOLDS_SHEET, number, 3, _("This threshold is given twice."))
        seen.add(whole_key)
        error = threshold_value_error(kinds[key], row["value"] or "")
        if error:
            reading.error(THRESHOLDS_SHEET, number, 6, error)
        if (row["value"] or row["parts"]) and not row["source"]:
            reading.error(
                THRESHOLDS_SHEET, number, 9, _("A threshold needs its source (document and article or page).")
            )
    if values["report_bands"] is not None:
        try:
            scheme_for(len(numbers), values["report_bands"])
        except (BandsError, TypeError, ValueError, AttributeError) as error:
            reading.error(SET_SHEET, 1, 2, str(error))

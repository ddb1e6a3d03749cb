"""Indicator values as a file in the long layout, readable back by `criteria.imports.results_long`.

    Số liệu các chỉ tiêu                                                    title row
                                                                            blank row
    STT | Mã xã | Tên xã | Huyện | Năm | Mã chỉ tiêu | Tên chỉ tiêu | Giá trị   header row
    1   | 01705 | …      | …     | 2025 | 15.3       | …            | 12,5      a row per commune, year and indicator

Numbers are written as numbers, yes / no as "Đạt" / "Chưa đạt". Indicators with several conditions are left
out: the import does not take them. The template lists every other indicator of each assessment's set with
the value left blank, for a commune to fill in and send back.
"""

import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from criteria.models import Assessment, Indicator, IndicatorValue
from ntm_portal.spreadsheet_text import text_row

TITLE = "Số liệu các chỉ tiêu"
HEADINGS = ("STT", "Mã xã", "Tên xã", "Huyện", "Năm", "Mã chỉ tiêu", "Tên chỉ tiêu", "Giá trị")
COLUMN_WIDTHS = (6, 10, 28, 26, 8, 12, 60, 14)
YES, NO = "Đạt", "Chưa đạt"
TITLE_ROWS = 2  # the title and a blank row above the header


def indicator_values_xlsx(assessments: Iterable[Assessment], *, template: bool = False) -> bytes:
    """The stored values of these assessments, by year and commune code; `template`: every value left blank."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    ids = [assessment.pk for assessment in assessments]
    chosen = Assessment.objects.filter(pk__in=ids).select_related("unit__parent").order_by("year", "unit__code")
    for values in _sheet_rows(list(chosen), template=template):
        sheet.append(text_row(sheet, values))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for cell in sheet[TITLE_ROWS + 1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = sheet.cell(row=TITLE_ROWS + 2, column=1)
    for index, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_rows(assessments: list[Assessment], *, template: bool) -> Iterator[list]:
    yield [TITLE]
    yield []
    yield list(HEADINGS)
    ids = [assessment.pk for assessment in assessments]
    stored = {
        (value.assessment_id, value.indicator_id): value.value
        for value in IndicatorValue.objects.filter(assessment_id__in=ids)
    }
    simple = Indicator.objects.exclude(kind=Indicator.Kind.COMPOSITE).order_by("criterion__number", "position", "code")
    by_set: dict[int, list[Indicator]] = {}
    for indicator in simple.filter(criterion__criteria_set__in={a.criteria_set_id for a in assessments}).values_list(
        "criterion__criteria_set_id", "pk", "code", "text", "kind", named=True
    ):
        by_set.setdefault(indicator.criterion__criteria_set_id, []).append(indicator)
    number = 0
    for assessment in assessments:
        unit = assessment.unit
        district = unit.district()
        for indicator in by_set.get(assessment.criteria_set_id, []):
            value = stored.get((assessment.pk, indicator.pk))
            if value is None and not template:
                continue
            number += 1
            written = None if template else _written(value)
            row = [number, unit.code, unit.name, district.name if district else "", assessment.year, indicator.code]
            yield [*row, indicator.text, written]


def _written(value) -> object:
    """A cell: "Đạt" / "Chưa đạt", or a number (Excel keeps doubles; four decimals survive the round trip)."""
    if isinstance(value, bool):
        return YES if value else NO
    return int(value) if value == value.to_integral_value() else float(value)

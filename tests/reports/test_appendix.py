"""The Excel appendices of a report, read back with openpyxl: every number equals the report's figures. On the
Cao Bằng demo: the province's phase report 2017-2021 (139 communes, 11,63 criteria per commune, seed 002) with
TH columns for 2019 and 2020, and the city's phase report 2011-2020 (173.210,97 triệu đồng, seed 000)."""

import dataclasses
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from communes.models import AdministrativeUnit
from criteria.models import Target, Tier
from criteria.selectors import GridGroup, recognitions_held, results_grid
from funding.models import FundingSource
from funding.selectors import funding_summary
from reports.appendix import appendix_xlsx, commune_matrix_xlsx
from reports.figures import ReportFigures, YearSummary, matrix_figures, plan_figures, report_figures

YEAR, START = 2021, 2017
COMMUNES = 139
CENT = Decimal("0.01")
HEADER_ROW = 5
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Appendix:
    figures: ReportFigures
    earlier: tuple[YearSummary, ...]
    book: openpyxl.Workbook


@pytest.fixture(scope="module")
def appendix(demo_for_module, django_db_blocker):
    """The province's appendix, built once for the module."""
    with django_db_blocker.unblock():
        province = AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)
        figures = report_figures(unit=province, year=YEAR, start=START, appendix=True)
        content = appendix_xlsx(figures)
    assert [each.year for each in figures.earlier] == [2019, 2020]
    return Appendix(figures, figures.earlier, openpyxl.load_workbook(io.BytesIO(content)))


@pytest.fixture
def province(demo_for_module, db):
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


def rows(sheet, first=HEADER_ROW + 1):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def header(sheet):
    return list(next(sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True)))


def row_labelled(sheet, label, column=1):
    return next(row for row in rows(sheet) if row[column] == label)


def exact(value) -> Decimal:
    """A number read back (a float) as the exact decimal it was written as, to the cent."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def cents(amount_vnd: int) -> Decimal:
    return (Decimal(amount_vnd) / MILLION).quantize(CENT, rounding=ROUND_HALF_UP)


# ── Biểu 01 ──


def test_workbook_has_the_three_sheets(appendix):
    assert appendix.book.sheetnames == ["Biểu 01", "Biểu 02", "Biểu 03"]


def test_matrix_has_a_row_per_commune_grouped_by_district(appendix):
    sheet = appendix.book["Biểu 01"]
    figures = appendix.figures
    assert sheet["A1"].value == "Biểu 01"
    assert sheet["A2"].value == (
        f"Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới năm {YEAR} – {figures.unit.name}"
    )
    assert sheet["A3"].value.startswith("(Kèm theo Báo cáo số")
    numbers = len(figures.criteria)
    assert header(sheet) == [
        "STT",
        "Xã",
        "Huyện",
        *(f"TC{number}" for number in range(1, numbers + 1)),
        "Số tiêu chí đạt",
        "Danh hiệu",
    ]

    communes = [row for row in rows(sheet) if isinstance(row[0], int)]
    assert len(communes) == COMMUNES == figures.communes
    assert [row[0] for row in communes] == list(range(1, COMMUNES + 1))
    groups = [row for row in rows(sheet) if isinstance(row[0], str)]
    assert [row[0] for row in groups][:4] == ["I", "II", "III", "IV"]
    assert {row[1] for row in groups} == {district.name for district in figures.districts}
    # Each commune's count is its marks; together they are the report's criteria met.
    marks = [row[3 : 3 + numbers] for row in communes]
    assert all(set(row) <= {"x", None} for row in marks)
    assert [row[3 + numbers] for row in communes] == [row.count("x") for row in marks]
    assert sum(row[3 + numbers] for row in communes) == figures.criteria_met_total
    held = figures.tier(Tier.NTM).held
    assert sum(1 for row in communes if row[-1]) == held
    assert {row[-1] for row in communes} - {None} <= {
        "Nông thôn mới",
        "Nông thôn mới nâng cao",
        "Nông thôn mới kiểu mẫu",
    }


def test_matrix_totals_are_the_reports_criteria_counts(appendix):
    sheet = appendix.book["Biểu 01"]
    figures = appendix.figures
    numbers = len(figures.criteria)
    communes = [row for row in rows(sheet) if isinstance(row[0], int)]
    met = row_labelled(sheet, "Số xã đạt")
    expected = [criterion.met for criterion in figures.criteria]
    assert met[3 : 3 + numbers] == expected
    assert [column.count("x") for column in zip(*(row[3 : 3 + numbers] for row in communes), strict=True)] == expected
    assert met[-1] == figures.tier(Tier.NTM).held
    shares = row_labelled(sheet, "Tỷ lệ (%)")[3 : 3 + numbers]
    assert [exact(share) for share in shares] == [exact(criterion.share) for criterion in figures.criteria]
    average = row_labelled(sheet, "Bình quân số tiêu chí đạt/xã")[3 + numbers]
    assert exact(average) == figures.average_rounded == Decimal("11.63")


def test_matrix_prints_landscape_on_a4_with_the_header_repeated(appendix):
    sheet = appendix.book["Biểu 01"]
    assert sheet.freeze_panes == "D6"
    assert sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "A2:X2" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet.column_dimensions["B"].width == 26


def test_commune_matrix_of_a_results_grid(province):
    grid = results_grid(within=province, year=YEAR)

    sheet = openpyxl.load_workbook(io.BytesIO(commune_matrix_xlsx(matrix_figures(grid))))["Biểu 01"]

    communes = [row for row in rows(sheet) if isinstance(row[0], int)]
    assert len(communes) == len(grid.rows) == COMMUNES
    assert [row[1] for row in communes] == [row.name for row in grid.rows]
    met = row_labelled(sheet, "Số xã đạt")
    assert met[3 : 3 + len(grid.columns)] == [column.met for column in grid.columns]


def test_the_2026_matrix_lists_the_xa_directly_under_the_province(province):
    grid = results_grid(within=province, year=2026)

    sheet = openpyxl.load_workbook(io.BytesIO(commune_matrix_xlsx(matrix_figures(grid))))["Biểu 01"]

    assert header(sheet)[:3] == ["STT", "Xã", "TC1"]  # no district column, no district group rows
    communes = [row for row in rows(sheet) if isinstance(row[0], int)]
    assert len(communes) == len(rows(sheet)) - 3 == 53
    met = row_labelled(sheet, "Số xã đạt")
    assert met[2 : 2 + len(grid.columns)] == [column.met for column in grid.columns]


def test_commune_matrix_of_ten_thousand_communes_streams(province):
    """The national sheet: a grid as large as the country's, every commune numbered (timed in bench/report_pdf.py)."""
    grid = results_grid(within=province, year=YEAR)
    communes = [row for _copy in range(72) for row in grid.rows][:10_000]
    national = dataclasses.replace(grid, rows=communes, groups=[GridGroup(None, "", communes)], grouped=False)

    content = commune_matrix_xlsx(matrix_figures(national))

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["Biểu 01"]
    numbers = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert [number for number in numbers if isinstance(number, int)] == list(range(1, 10_001))


# ── Biểu 02 ──


def test_funding_by_source_equals_funding_summary(appendix):
    sheet = appendix.book["Biểu 02"]
    funding = appendix.figures.funding
    unit = AdministrativeUnit.objects.get(pk=appendix.figures.unit.id)
    assert funding == funding_summary(unit=unit, period=appendix.figures.period)
    assert funding.lines, "the demo has 2017-2021 funding for the province"
    assert header(sheet) == ["STT", "Nguồn vốn", "Số tiền (triệu đồng)", "Tỷ lệ (%)", "Tỷ lệ không kể tín dụng (%)"]
    assert "giai đoạn 2017-2021" in sheet["A2"].value

    body = rows(sheet)
    lines = body[: len(funding.lines)]
    assert [row[1] for row in lines] == [line.name for line in funding.lines]
    assert [exact(row[2]) for row in lines] == [cents(line.amount_vnd) for line in funding.lines]
    assert [row[3] and exact(row[3]) for row in lines] == [line.share and exact(line.share) for line in funding.lines]
    assert [row[4] and exact(row[4]) for row in lines] == [
        line.share_without_credit and exact(line.share_without_credit) for line in funding.lines
    ]
    top = [row for row in lines if "." not in row[0]]
    assert sum(Decimal(str(row[2])) for row in top).quantize(CENT) == cents(funding.total_vnd)

    total = row_labelled(sheet, "Tổng cộng")
    assert (exact(total[2]), total[3]) == (cents(funding.total_vnd), 100)
    without_credit = row_labelled(sheet, "Tổng không kể vốn tín dụng")
    assert exact(without_credit[2]) == cents(funding.total_without_credit_vnd)
    assert exact(without_credit[3]) == exact(Decimal(funding.total_without_credit_vnd) * 100 / funding.total_vnd)
    assert without_credit[4] == 100

    first_line = HEADER_ROW + 1
    assert [sheet.cell(first_line, column).number_format for column in (3, 4)] == ["#,##0.00", "0.00"]


def test_funding_of_the_city_reproduces_seed_000_with_contributions_in_kind(demo_for_module, db):
    city = AdministrativeUnit.objects.get(name="Thành phố Cao Bằng", level="district")
    figures = report_figures(unit=city, year=2020, start=2011)

    sheet = openpyxl.load_workbook(io.BytesIO(appendix_xlsx(figures)))["Biểu 02"]

    assert exact(row_labelled(sheet, "Tổng cộng")[2]) == Decimal("173210.97")
    credit = row_labelled(sheet, FundingSource.objects.get(code="credit").name)
    assert (exact(credit[2]), exact(credit[3]), credit[4]) == (Decimal("46000.00"), Decimal("26.56"), None)
    assert row_labelled(sheet, "Ngày công lao động (ngày công)")[2] == 40457.5
    assert row_labelled(sheet, "Hiến đất (m²)")[2] == 20630
    assert row_labelled(sheet, "Vật liệu, tài sản quy đổi (triệu đồng)")[2] == 0


# ── Biểu 03 ──


def column_of(sheet, heading):
    return header(sheet).index(heading)


def test_summary_has_a_th_column_per_year_and_a_kh_column(appendix):
    sheet = appendix.book["Biểu 03"]
    assert header(sheet) == ["STT", "Chỉ tiêu", "ĐVT", "TH 2019", "TH 2020", f"TH {YEAR}", f"KH {YEAR + 1}"]


def test_summary_of_2021_reproduces_seed_002(appendix):
    sheet = appendix.book["Biểu 03"]
    figures = appendix.figures
    column = column_of(sheet, f"TH {YEAR}")

    def value(label):
        return row_labelled(sheet, label)[column]

    assert value("Tổng số xã thực hiện Chương trình NTM") == COMMUNES
    assert exact(value("Bình quân số tiêu chí đạt chuẩn/xã")) == figures.average_rounded == Decimal("11.63")
    assert value("Số xã đạt 19 tiêu chí") == value("Số xã đạt chuẩn (19 tiêu chí) NTM") == 17
    assert value("Số xã đạt từ 15 đến 18 tiêu chí") == 11
    assert value("Số xã đạt từ 10 đến 14 tiêu chí") == 64
    assert value("Số xã đạt từ 5 đến 9 tiêu chí") == 47
    assert value("Số xã đạt dưới 5 tiêu chí") == 0
    assert value("Số xã đạt dưới 10 tiêu chí") == 47
    distribution = [row for row in rows(sheet) if row[0] and row[0].startswith("2.")]
    assert sum(row[column] for row in distribution) == COMMUNES
    assert value("Trong đó số xã đã có QĐ công nhận đạt chuẩn NTM") == figures.tier(Tier.NTM).held
    by_criterion = {row[0]: row[column] for row in rows(sheet) if row[0] and row[0].startswith("3.")}
    assert by_criterion == {f"3.{criterion.number}": criterion.met for criterion in figures.criteria}
    assert exact(row_labelled(sheet, "Kết quả đạt chuẩn theo từng tiêu chí")[column]) == Decimal("11.63")
    assert [cell.number_format for cell in sheet[HEADER_ROW + 2]][column] == "0.00"  # the average


def test_summary_bands_and_tiers_have_their_shares(appendix):
    sheet = appendix.book["Biểu 03"]
    figures = appendix.figures
    column = column_of(sheet, f"TH {YEAR}")
    body = rows(sheet)
    band_rows = [index for index, row in enumerate(body) if row[0] and row[0].startswith("4.")]
    assert [body[index][column] for index in band_rows] == [band.communes for band in figures.bands]
    assert [exact(body[index + 1][column]) for index in band_rows] == [exact(band.share) for band in figures.bands]
    assert [body[index + 1][1:3] for index in band_rows] == [["Tỷ lệ", "%"]] * len(figures.bands)
    tiers = [row[column] for row in body if row[0] in ("5.1", "5.2", "5.3")]
    assert tiers == [figures.tier(tier).held for tier in (Tier.NTM, Tier.ADVANCED, Tier.MODEL)]


@pytest.mark.parametrize("index, year", [(0, 2019), (1, 2020)])
def test_summary_th_columns_of_earlier_years_are_their_figures(appendix, index, year):
    sheet = appendix.book["Biểu 03"]
    earlier = appendix.earlier[index]
    column = column_of(sheet, f"TH {year}")
    assert row_labelled(sheet, "Tổng số xã thực hiện Chương trình NTM")[column] == earlier.communes
    assert exact(row_labelled(sheet, "Bình quân số tiêu chí đạt chuẩn/xã")[column]) == earlier.average_rounded
    by_criterion = {row[0]: row[column] for row in rows(sheet) if row[0] and row[0].startswith("3.")}
    assert by_criterion == {f"3.{criterion.number}": criterion.met for criterion in earlier.criteria}
    distribution = {row[1]: row[column] for row in rows(sheet) if row[0] and row[0].startswith("2.")}
    assert sum(distribution.values()) == earlier.communes
    assert distribution["Số xã đạt 09 tiêu chí"] == earlier.distribution[9]


def test_summary_kh_column_is_empty_without_targets(appendix, db):
    sheet = appendix.book["Biểu 03"]
    column = column_of(sheet, f"KH {YEAR + 1}")
    assert not Target.objects.filter(year=YEAR + 1).exists()
    assert all(row[column] is None for row in rows(sheet))


def test_summary_kh_column_adds_the_targets_to_the_recognitions_held(province):
    held = set(recognitions_held(year=YEAR).values_list("unit_id", flat=True))
    grid = results_grid(within=province, year=YEAR)
    targeted = [row.unit_id for row in grid.rows if row.unit_id not in held][:4]
    Target.objects.bulk_create(
        [Target(unit_id=unit_id, year=YEAR + 1, tier=Tier.NTM) for unit_id in targeted[:3]]
        + [Target(unit_id=targeted[3], year=YEAR + 1, tier=Tier.ADVANCED)]
        + [Target(unit=province, year=YEAR + 1, criteria_count=13)]
    )

    figures = report_figures(unit=province, year=YEAR)
    sheet = openpyxl.load_workbook(io.BytesIO(appendix_xlsx(figures)))["Biểu 03"]

    column = column_of(sheet, f"KH {YEAR + 1}")
    assert header(sheet)[3:] == [f"TH {YEAR}", f"KH {YEAR + 1}"]
    ntm = figures.tier(Tier.NTM).held
    assert row_labelled(sheet, "Số xã đạt chuẩn (19 tiêu chí) NTM")[column] == ntm + 4
    assert row_labelled(sheet, "Bình quân số tiêu chí đạt chuẩn/xã")[column] == 13
    assert row_labelled(sheet, "Tổng số xã thực hiện Chương trình NTM")[column] == COMMUNES
    tiers = {row[0]: row[column] for row in rows(sheet) if row[0] in ("5.1", "5.2", "5.3")}
    assert tiers == {"5.1": ntm + 4, "5.2": figures.tier(Tier.ADVANCED).held + 1, "5.3": figures.tier(Tier.MODEL).held}
    assert row_labelled(sheet, "Số xã đạt 09 tiêu chí")[column] is None
    plan = plan_figures(unit=province, year=YEAR + 1, held_in=YEAR)
    assert plan.new == {Tier.NTM: 3, Tier.ADVANCED: 1, Tier.MODEL: 0}

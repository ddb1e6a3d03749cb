"""The Excel appendices of a report ("Biểu kèm theo"), read from the report's figures; nothing is written.

- Biểu 01: the communes of the unit × the criteria of the year, grouped by district (`results_grid`);
- Biểu 02: money mobilised by source over the report's period, then contributions in kind (`funding_summary`);
- Biểu 03: the table of seed 001's appendix (communes, average, communes by number of criteria met, communes
  meeting each criterion), one "TH" column per year reported and a "KH" column for the plan of the next, with
  the communes by band and by tier held.

Numbers are stored as numbers. Money is million đồng with all six decimals (exact to the đồng); shares and
averages are rounded half up to two decimals, as the report's text prints them.
"""

import io
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from operator import attrgetter

from django.utils import translation
from openpyxl import Workbook

from criteria.models import Tier
from funding.selectors import FundingSummary, SourceLine
from funding.selectors import share as funding_share
from reports.appendix_sheets import (
    COUNT_FORMAT,
    DECIMAL_FORMAT,
    HEADER_ROW,
    MONEY_FORMAT,
    Kind,
    Row,
    Table,
    rounded,
    sheet_title_rows,
    write_commune_matrix,
    write_table,
)
from reports.figures import TIERS, BandFigures, MatrixFigures, PlanFigures, ReportFigures, YearSummary
from reports.numbers import MILLION

MICRO = Decimal("0.000001")
NTM, ADVANCED, MODEL = TIERS
MODERN = Tier.MODERN


def appendix_xlsx(figures: ReportFigures) -> bytes:
    """Biểu 01, 02 and 03 of `figures` (loaded with the appendix) in one workbook.

    Biểu 03 has a "TH" column for each earlier year of the figures, then the report's own year, and a "KH"
    column with the targets of the year after.
    """
    plan_year = figures.year + 1
    book = Workbook(write_only=True)
    with translation.override("vi"):
        if figures.matrix is not None:
            write_commune_matrix(book.create_sheet("Biểu 01"), figures.matrix)
        write_table(book.create_sheet("Biểu 02"), funding_rows(figures.funding), FUNDING_TABLE)
        columns = len(figures.earlier) + 2
        rows = summary_rows(figures, actual_years=figures.earlier, plan_year=plan_year, plan=figures.plan)
        write_table(book.create_sheet("Biểu 03"), rows, summary_table(columns))
    return _saved(book)


def commune_matrix_xlsx(matrix: MatrixFigures) -> bytes:
    """Biểu 01 alone, for any matrix: the province's, or the whole country's 10,000 communes."""
    book = Workbook(write_only=True)
    with translation.override("vi"):
        write_commune_matrix(book.create_sheet("Biểu 01"), matrix)
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ── Biểu 02: funding by source ──

FUNDING_HEADER = ("STT", "Nguồn vốn", "Số tiền (triệu đồng)", "Tỷ lệ (%)", "Tỷ lệ không kể tín dụng (%)")
FUNDING_TABLE = Table(
    widths=(8, 56, 18, 12, 16),
    formats=(COUNT_FORMAT, COUNT_FORMAT, MONEY_FORMAT, DECIMAL_FORMAT, DECIMAL_FORMAT),
    text_columns=frozenset({1}),
    label_column=1,
    header_row=HEADER_ROW,
)
TOTAL_LABEL = "Tổng cộng"
WITHOUT_CREDIT_LABEL = "Tổng không kể vốn tín dụng"
IN_KIND_LABEL = "Đóng góp bằng hiện vật, ngày công"
LABOUR_LABEL = "Ngày công lao động (ngày công)"
LAND_LABEL = "Hiến đất (m²)"
MATERIALS_LABEL = "Vật liệu, tài sản quy đổi (triệu đồng)"


def million(amount_vnd: int) -> Decimal:
    """Million đồng, exact: six decimals are the đồng."""
    return (Decimal(amount_vnd) / MILLION).quantize(MICRO)


def funding_title(funding: FundingSummary) -> str:
    period = funding.period
    when = f"năm {period.start}" if period.start == period.end else f"giai đoạn {period.start}-{period.end}"
    return f"Kết quả huy động nguồn lực xây dựng nông thôn mới {when} – {funding.unit_name}"


def funding_rows(funding: FundingSummary) -> Iterator[Row]:
    yield from sheet_title_rows("Biểu 02", funding_title(funding))
    yield Row(Kind.HEADER, FUNDING_HEADER)
    for number, line in zip(_line_numbers(funding.lines), funding.lines, strict=True):
        shares = (rounded(line.share), rounded(line.share_without_credit))
        kind = Kind.GROUP if line.depth == 0 else Kind.ITEM
        yield Row(kind, (number, line.name, million(line.amount_vnd), *shares), indent=line.depth)
    total, without_credit = funding.total_vnd, funding.total_without_credit_vnd
    yield Row(Kind.TOTAL, (None, TOTAL_LABEL, million(total), Decimal(100) if total else None))
    share = rounded(funding_share(without_credit, total))
    yield Row(
        Kind.TOTAL,
        (None, WITHOUT_CREDIT_LABEL, million(without_credit), share, Decimal(100) if without_credit else None),
    )
    in_kind = funding.in_kind
    yield Row(Kind.GROUP, (None, IN_KIND_LABEL))
    yield Row(Kind.ITEM, (None, LABOUR_LABEL, in_kind.labour_days), _quantity_format(in_kind.labour_days), indent=1)
    yield Row(Kind.ITEM, (None, LAND_LABEL, in_kind.land_m2), _quantity_format(in_kind.land_m2), indent=1)
    yield Row(Kind.ITEM, (None, MATERIALS_LABEL, million(in_kind.materials_vnd)), indent=1)


def _line_numbers(lines: Sequence[SourceLine]) -> list[str]:
    """ "1", "1.1", "1.1.1" … by the catalogue's tree, counting only the sources with money."""
    counters: list[int] = []
    numbers = []
    for line in lines:
        del counters[line.depth + 1 :]
        counters.extend([0] * (line.depth + 1 - len(counters)))
        counters[line.depth] += 1
        numbers.append(".".join(str(count) for count in counters))
    return numbers


def _quantity_format(quantity: Decimal) -> str:
    return COUNT_FORMAT if quantity == quantity.to_integral_value() else MONEY_FORMAT


# ── Biểu 03: communes by criteria met, TH and KH ──


SUMMARY_HEADER = ("STT", "Chỉ tiêu", "ĐVT")
COMMUNES = "xã"
PER_COMMUNE = "tiêu chí/xã"
PERCENT = "%"
TIER_TEXT = {
    NTM: "Số xã đạt chuẩn NTM",
    ADVANCED: "Số xã đạt chuẩn NTM nâng cao",
    MODEL: "Số xã đạt chuẩn NTM kiểu mẫu",
    MODERN: "Số xã đạt chuẩn NTM hiện đại",
}


def summary_table(year_columns: int) -> Table:
    return Table(
        widths=(8, 58, 11, *(11,) * year_columns),
        formats=(COUNT_FORMAT,) * (len(SUMMARY_HEADER) + year_columns),
        text_columns=frozenset({1}),
        label_column=1,
        header_row=HEADER_ROW,
        frozen_columns=len(SUMMARY_HEADER),
    )


def summary_title(figures: ReportFigures) -> str:
    return f"Kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm {figures.year} – {figures.unit.name}"


def summary_rows(
    figures: ReportFigures,
    *,
    actual_years: Sequence[YearSummary] = (),
    plan_year: int | None = None,
    plan: PlanFigures | None = None,
) -> Iterator[Row]:
    """The rows of Biểu 03. Each TH cell reads one year's figures; each KH cell the plan, empty without one."""
    years = (*actual_years, figures)
    has_plan = plan_year is not None

    def line(
        stt: str | None,
        label: str,
        unit: str,
        actual: Callable[[YearSummary], object],
        planned: Callable[[PlanFigures], object] | None = None,
        *,
        kind: Kind = Kind.ITEM,
        number_format: str = "",
        indent: int = 0,
    ) -> Row:
        values = [actual(each) for each in years]
        if has_plan:
            values.append(planned(plan) if plan and planned else None)
        return Row(kind, (stt, label, unit, *values), number_format=number_format, indent=indent)

    def section(stt: str, label: str) -> Row:
        return Row(Kind.GROUP, (stt, label))

    count = figures.criteria_count
    header = [*SUMMARY_HEADER, *(f"TH {each.year}" for each in years)] + ([f"KH {plan_year}"] if has_plan else [])
    yield from sheet_title_rows("Biểu 03", summary_title(figures))
    yield Row(Kind.HEADER, tuple(header))
    yield line(None, "Tổng số xã thực hiện Chương trình NTM", COMMUNES, attrgetter("communes"), attrgetter("communes"))
    average = "Bình quân số tiêu chí đạt chuẩn/xã"
    yield line(
        "1", average, PER_COMMUNE, attrgetter("average_rounded"), attrgetter("average"), number_format=DECIMAL_FORMAT
    )

    yield section("2", "Mức độ đạt chuẩn của các xã")
    yield line("2.1", f"Số xã đạt chuẩn ({count} tiêu chí) NTM", COMMUNES, _exactly(count), _plan_holding(NTM))
    recognised = "Trong đó số xã đã có QĐ công nhận đạt chuẩn NTM"
    yield line(None, recognised, COMMUNES, _held(NTM), _plan_holding(NTM), indent=1)
    for position, met in enumerate(range(count - 1, 0, -1), 2):
        yield line(f"2.{position}", f"Số xã đạt {met:02d} tiêu chí", COMMUNES, _exactly(met))
    if any(_exactly(0)(each) for each in years):
        yield line(f"2.{count + 1}", "Số xã chưa đạt tiêu chí nào", COMMUNES, _exactly(0))

    by_criterion = "Kết quả đạt chuẩn theo từng tiêu chí"
    planned_average = attrgetter("average")
    yield line(
        "3",
        by_criterion,
        PER_COMMUNE,
        _criteria_average,
        planned_average,
        kind=Kind.GROUP,
        number_format=DECIMAL_FORMAT,
    )
    for criterion in figures.criteria:
        label = f"Số xã đạt TC số {criterion.number} về {criterion.name}"
        yield line(f"3.{criterion.number}", label, COMMUNES, _criterion_met(criterion.number))

    yield section("4", "Số xã theo số tiêu chí đạt")
    for position, band in enumerate(figures.bands, 1):
        yield line(f"4.{position}", _band_label(band), COMMUNES, _band_communes(band.key))
        yield line(None, "Tỷ lệ", PERCENT, _band_share(band.key), number_format=DECIMAL_FORMAT, indent=1)

    yield section("5", "Số xã được công nhận đạt chuẩn (giữ danh hiệu đến cuối năm)")
    for position, tier in enumerate((each.tier for each in figures.tiers), 1):
        yield line(f"5.{position}", TIER_TEXT[tier], COMMUNES, _held(tier), _plan_holding(tier))
        yield line(None, "Trong đó công nhận mới", COMMUNES, _new(tier), _plan_new(tier), indent=1)


def _band_label(band: BandFigures) -> str:
    if band.low == band.high:
        return f"Số xã đạt {band.low} tiêu chí"
    if band.low == 0:
        return f"Số xã đạt dưới {band.high + 1} tiêu chí"
    return f"Số xã đạt từ {band.low} đến {band.high} tiêu chí"


# One reader per kind of cell: a TH cell reads a year's figures, a KH cell the plan.


def _criteria_average(figures: ReportFigures) -> Decimal | None:
    """Row 3 of seed 001 repeats the average from the per-criterion counts, Σ n_k / N: where the stored
    results disagree with the counts of criteria met (the seed's 10,62 beside 10,63), it shows."""
    met = sum(criterion.met for criterion in figures.criteria)
    return rounded(Decimal(met) / figures.communes) if figures.communes else None


def _exactly(met: int) -> Callable[[YearSummary], int]:
    return lambda figures: figures.distribution.get(met, 0)


def _criterion_met(number: int) -> Callable[[YearSummary], int | None]:
    return lambda figures: next((each.met for each in figures.criteria if each.number == number), None)


def _band_communes(key: str) -> Callable[[YearSummary], int]:
    return lambda figures: band.communes if (band := figures.band(key)) else None


def _band_share(key: str) -> Callable[[YearSummary], Decimal | None]:
    return lambda figures: rounded(band.share) if (band := figures.band(key)) else None


def _held(tier: str) -> Callable[[YearSummary], int]:
    return lambda figures: figures.tier(tier).held


def _new(tier: str) -> Callable[[YearSummary], int]:
    return lambda figures: figures.tier(tier).new_count


def _plan_holding(tier: str) -> Callable[[PlanFigures], int]:
    return lambda plan: plan.holding.get(tier, 0)


def _plan_new(tier: str) -> Callable[[PlanFigures], int]:
    return lambda plan: plan.new.get(tier, 0)

"""Funding figures of the Cao Bằng demo (the seeds' lines), by source and period, with and without credit."""

from decimal import ROUND_DOWN, Decimal

import pytest
from django.utils import translation

from funding.models import FundingRecord, FundingSource, InKindContribution
from funding.selectors import (
    Period,
    funding_findings,
    funding_periods,
    funding_summary,
    million_dong,
    million_dong_text,
    percent,
)

pytestmark = pytest.mark.django_db

TRIEU = 1_000_000


def amounts(summary):
    return {line.code: line.amount_vnd for line in summary.lines}


def test_city_2011_2020_mobilised_reproduces_seed_000(demo):
    _province, city = demo

    summary = funding_summary(unit=city, period=Period(2011, 2020))

    assert summary.kind == "mobilised"
    assert summary.total_vnd == 173_210_970_000
    assert summary.total_without_credit_vnd == 127_210_970_000  # 173.210,97 − 46.000,0
    assert summary.credit_vnd == 46_000_000_000
    assert amounts(summary) == {
        "central": 31_690_350_000,
        "local": 32_825_760_000,  # 500,0 + 31.675,79 + 649,97, shown on the parent
        "local.province": 500_000_000,
        "local.district": 31_675_790_000,
        "local.commune": 649_970_000,
        "credit": 46_000_000_000,
        "community": 30_921_420_000,
        "enterprises": 12_095_470_000,
        "other": 19_677_970_000,
    }
    # Catalogue order, sub-sources right under their parent.
    assert [line.code for line in summary.lines][:5] == [
        "central",
        "local",
        "local.province",
        "local.district",
        "local.commune",
    ]
    local = summary.lines[1]
    assert (local.own_vnd, local.depth, summary.lines[2].depth, summary.lines[2].parent_code) == (0, 0, 1, "local")


def test_shares_are_exact_and_rounded_only_for_display(demo):
    _province, city = demo

    lines = {line.code: line for line in funding_summary(unit=city, period=Period(2011, 2020)).lines}

    # 31.690,35 / 173.210,97 × 100 = 18,295810…: the report truncates to 18,29, the portal rounds to 18,30.
    central = lines["central"].share
    assert Decimal("18.29581") < central < Decimal("18.29582")
    assert central.quantize(Decimal("0.01"), rounding=ROUND_DOWN) == Decimal("18.29")
    with translation.override("vi"):
        assert percent(central) == "18,30"
        assert percent(lines["credit"].share) == "26,56"  # 46.000 / 173.210,97 = 26,5572
        assert percent(lines["local"].share) == "18,95"  # 32.825,76 / 173.210,97 = 18,9513
    # Without credit: 31.690,35 / 127.210,97 = 24,9116…; credit itself has no share there.
    assert Decimal("24.9116") < lines["central"].share_without_credit < Decimal("24.9117")
    assert lines["credit"].share_without_credit is None and lines["credit"].is_credit
    top_level = [line for line in lines.values() if line.depth == 0]
    assert abs(sum(line.share for line in top_level) - 100) < Decimal("1e-20")


def test_city_in_kind_contributions(demo):
    _province, city = demo

    in_kind = funding_summary(unit=city, period=Period(2011, 2020)).in_kind

    assert (in_kind.labour_days, in_kind.land_m2, in_kind.materials_vnd) == (Decimal("40457.5"), Decimal(20630), 0)


def test_province_2019_by_kind(demo):
    province, _city = demo

    mobilised = funding_summary(unit=province, period=Period.year(2019))
    allocated = funding_summary(unit=province, period=Period.year(2019), kind="allocated")
    disbursed = funding_summary(unit=province, period=Period.year(2019), kind="disbursed")

    # Seed 001 §I.7: credit 2.421.000 + enterprises 18.469 + community 40.264 + NTM fund 2.267,55 + sponsors
    # 44.360,7 = 2.526.361,25 triệu; without credit 105.361,25 triệu.
    assert mobilised.total_vnd == 2_526_361_250_000
    assert mobilised.total_without_credit_vnd == 105_361_250_000
    # NSTW allocated = ĐTPT 313.800 + sự nghiệp 108.400 = 422.200; plus the provincial budget 56.456.
    assert amounts(allocated)["central"] == 422_200 * TRIEU
    assert allocated.total_vnd == 478_656 * TRIEU
    assert disbursed.total_vnd == (262_336 + 104_516) * TRIEU
    assert mobilised.in_kind.is_empty


def test_a_period_takes_the_records_inside_it_from_the_whole_subtree_counting_money_once(demo):
    province, _city = demo

    # The province's 2019 records and the city's 2011-2020 ones; the 2017-2021 report lies outside.
    summary = funding_summary(unit=province, period=Period(2011, 2020))

    assert summary.total_vnd == 2_526_361_250_000 + 173_210_970_000
    assert summary.in_kind.labour_days == Decimal("40457.5")
    # 2017-2021: the phase report (2.397,3 + 314,7 + 65,15 + 8.098,32 + 175 + 81,75 tỷ) already holds the 2019
    # credit and community money; only the 2019 sources it has no line for are added: enterprises 18.469,
    # the NTM fund 2.267,55 and sponsor units 44.360,7 triệu.
    assert funding_summary(unit=province, period=Period(2017, 2021)).total_vnd == (
        11_132_220_000_000 + 18_469_000_000 + 2_267_550_000 + 44_360_700_000
    )


def test_nothing_recorded_gives_an_empty_summary(demo):
    _province, city = demo

    summary = funding_summary(unit=city, period=Period.year(2019))

    assert summary.is_empty and summary.lines == () and summary.total_vnd == 0


def test_periods_on_record_latest_first(demo):
    province, city = demo

    assert funding_periods(unit=city) == [Period(2011, 2020)]
    assert funding_periods(unit=province) == [Period(2017, 2021), Period(2011, 2020), Period(2019, 2019)]
    assert [str(period) for period in funding_periods(unit=province, kind="allocated")] == ["2019"]


def test_findings_compare_a_parent_record_with_its_sub_sources_of_the_same_unit_and_period(demo):
    province, city = demo
    assert funding_findings(unit=province, period=Period(2011, 2020)) == ()
    investment = FundingSource.objects.get(code="central.investment")
    FundingRecord.objects.create(
        unit=city, year_from=2011, year_to=2020, source=investment, kind="mobilised", amount_vnd=20_000 * TRIEU
    )
    # Same source on another period: another report, not compared with the 2011-2020 parent.
    FundingRecord.objects.create(
        unit=city, year_from=2015, year_to=2015, source=investment, kind="mobilised", amount_vnd=1 * TRIEU
    )

    with translation.override("vi"):
        findings = funding_findings(unit=province, period=Period(2011, 2020))

    assert len(findings) == 1
    found = findings[0]
    assert (found.unit_name, found.period, found.finding.code) == (
        "Thành phố Cao Bằng",
        Period(2011, 2020),
        "children_sum_mismatch",
    )
    assert "20.000,00" in found.finding.message and "31.690,35" in found.finding.message


def test_million_dong_follows_the_active_language():
    with translation.override("vi"):
        assert million_dong(31_690_350_000) == "31.690,35"
        assert million_dong(46_000_000_000) == "46.000,00"
        assert million_dong(2_267_550_000) == "2.267,55"
        assert million_dong(5_000) == "0,01"  # half a hundredth rounds up
        assert million_dong_text(173_210_970_000).startswith("173.210,97 ")
    with translation.override("en"):
        assert million_dong(31_690_350_000) == "31,690.35"


def test_in_kind_materials_are_summed_by_value(demo):
    _province, city = demo
    for value in (1_500_000, 2_500_000):
        InKindContribution.objects.create(
            unit=city, year_from=2012, year_to=2012, kind="materials", value_vnd=value, description="Xi măng"
        )

    assert funding_summary(unit=city, period=Period(2011, 2020)).in_kind.materials_vnd == 4_000_000

"""Every report figure against the hand-computed answers of tests/reports/handmade.py."""

from decimal import Decimal

import pytest

from communes.models import AdministrativeUnit
from reports.figures import report_figures
from tests.reports.handmade import EXPECTED, YEAR, build_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures():
    return report_figures(unit=build_province(), year=YEAR)


def test_the_denominator_is_the_programme_communes_without_wards(figures):
    assert figures.communes == EXPECTED["communes"]
    assert figures.criteria_met_total == EXPECTED["criteria_met_total"]


def test_average_previous_year_change_and_plan_are_exact(figures):
    assert figures.average == EXPECTED["average"]
    assert figures.previous_average == EXPECTED["previous_average"]
    assert figures.average_change == EXPECTED["average"] - EXPECTED["previous_average"]
    assert figures.planned_average == EXPECTED["planned_average"]
    assert figures.average_of_plan == EXPECTED["average_of_plan"]


def test_bands_and_their_shares(figures):
    assert {band.key: band.communes for band in figures.bands} == EXPECTED["bands"]
    assert {band.key: band.share for band in figures.bands} == {
        key: Decimal(count * 100) / 5 for key, count in EXPECTED["bands"].items()
    }
    assert sum(figures.distribution.values()) == EXPECTED["communes"]
    assert (figures.distribution[19], figures.distribution[3], figures.distribution[0]) == (1, 1, 0)


def test_recognitions_held_new_planned_and_missed(figures):
    ntm = figures.tier("ntm")
    assert (ntm.held, ntm.share, ntm.new, ntm.of_plan, ntm.missed) == (
        EXPECTED["held"],
        EXPECTED["held_share"],
        EXPECTED["new"],
        EXPECTED["of_plan"],
        EXPECTED["missed"],
    )
    assert figures.tier("ntm_nang_cao").held == 0


def test_each_criterion_its_share_and_its_change_in_percentage_points(figures):
    by_number = {criterion.number: criterion for criterion in figures.criteria}
    assert len(by_number) == 19
    for number, (met, previous) in EXPECTED["criteria"].items():
        criterion = by_number[number]
        assert (criterion.met, criterion.previous_met) == (met, previous), number
        assert criterion.share == Decimal(met * 100) / 5
        assert criterion.change_points == Decimal((met - previous) * 100) / 5


def test_districts_ranked_by_average_with_the_previous_year(figures):
    assert [
        (district.name, district.communes, district.average, district.previous_average, district.recognised)
        for district in figures.districts
    ] == EXPECTED["districts"]


def test_recognised_communes_that_lost_criteria(figures):
    assert [(lost.name, lost.criteria) for lost in figures.lost] == EXPECTED["lost"]


def test_funding_with_and_without_credit(figures):
    assert figures.funding.total_vnd == EXPECTED["funding_total_vnd"]
    assert figures.funding.total_without_credit_vnd == EXPECTED["funding_without_credit_vnd"]
    assert figures.funding_kinds == ("mobilised",)


def test_history_for_the_charts(figures):
    assert [(point.year, point.average, point.recognised) for point in figures.history] == [
        (2020, Decimal(10), 1),
        (2021, Decimal("11.6"), 2),
    ]


def test_evidence_status_counts_criteria_met_without_accepted_evidence(figures):
    assert (figures.evidence.accepted, figures.evidence.pending) == (0, 0)
    assert figures.evidence.met_without_evidence == EXPECTED["criteria_met_total"]


def test_a_district_report_counts_its_own_communes_only():
    build_province()
    district = AdministrativeUnit.objects.get(name="Huyện Hai")
    figures = report_figures(unit=district, year=YEAR)
    assert (figures.communes, figures.average, figures.districts) == (2, Decimal(5), ())

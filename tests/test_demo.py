"""`load_demo`: the Cao Bằng demo reproduces the province's published 2021 figures and loads idempotently."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from communes.models import AdministrativeUnit, Membership
from criteria.bands import default_scheme
from criteria.models import Assessment, CriteriaSet, CriterionResult, IndicatorValue, Recognition, Target
from criteria.selectors import band_summary, programme_communes
from funding.models import FundingRecord, InKindContribution
from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

TABLES = (
    AdministrativeUnit,
    Assessment,
    CriterionResult,
    IndicatorValue,
    Recognition,
    Target,
    FundingRecord,
    InKindContribution,
    Membership,
    get_user_model(),
)


def snapshot():
    """Every row of the demo tables, as (table, pk, values): equal snapshots mean nothing changed."""
    return {model.__name__: sorted(model.objects.values_list()) for model in TABLES}


def cao_bang():
    return AdministrativeUnit.objects.get(level="province", code="04")


def test_demo_reproduces_the_2021_figures_and_loading_twice_changes_nothing():
    call_command("load_demo")
    first = snapshot()

    summary = band_summary(within=cao_bang(), year=2021)
    assert summary.communes == 139
    assert summary.by_band == {"all": 17, "15_18": 11, "10_14": 64, "5_9": 47, "under_5": 0, "under_10": 47}
    assert summary.average_rounded() == Decimal("11.63")
    assert [band.key for band in default_scheme(19).all_bands] == list(summary.by_band)

    # The stored summary of each assessment says what its criterion results say.
    met = dict(
        CriterionResult.objects.filter(is_met=True)
        .values("assessment_id")
        .annotate(count=Count("pk"))
        .values_list("assessment_id", "count")
    )
    criteria = dict(CriteriaSet.objects.annotate(n=Count("criteria")).values_list("pk", "n"))
    rows = Assessment.objects.values_list("pk", "criteria_set_id", "results_summary", "criteria_met")
    for pk, set_id, summary, criteria_met in rows:
        assert (len(summary), summary.count("1"), criteria_met) == (criteria[set_id], met.get(pk, 0), met.get(pk, 0))

    call_command("load_demo")
    assert snapshot() == first


def test_demo_history_recognitions_funding_and_accounts():
    call_command("load_demo")
    province = cao_bang()
    communes = programme_communes(within=province, year=2021)

    # Every xã has one assessment a year, 2016-2025, each with 19 criterion results; 2026 is on the new map.
    assert Assessment.objects.filter(unit__in=communes).count() == 139 * 10
    assert set(Assessment.objects.values_list("year", flat=True)) == set(range(2016, 2027))
    assert CriterionResult.objects.filter(assessment__year__lte=2025).count() == 139 * 10 * 19
    years_by_set = dict(Assessment.objects.values_list("criteria_set__code", "year").distinct())
    assert years_by_set.keys() == {"QD1980-2016", "QD318-2022", "QD51-2025"}

    # The recognitions the seeds name, with their decisions.
    hung_dao = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    recognition = Recognition.objects.get(unit=hung_dao)
    assert (recognition.year, recognition.decision_number, recognition.decision_date) == (
        2016,
        "2482/QĐ-UBND",
        datetime.date(2016, 12, 28),
    )
    assert Recognition.objects.filter(year__lte=2021).count() == 17
    assert Recognition.objects.filter(year=2019, decision_number="46/QĐ-UBND").count() == 5

    # A recognised commune meets all 19 from its recognition year on, except the one that lost a criterion.
    met_2021 = CriterionResult.objects.filter(assessment__unit=hung_dao, assessment__year=2021, is_met=True)
    assert met_2021.count() == 19
    vinh_quang = AdministrativeUnit.objects.get(name="Xã Vĩnh Quang", parent__name="Thành phố Cao Bằng")
    lost = CriterionResult.objects.get(assessment__unit=vinh_quang, assessment__year=2022, criterion__number=5)
    assert lost.is_met is False

    # Indicator detail where the seeds give it, evaluated by the engine.
    assert IndicatorValue.objects.filter(assessment__unit=hung_dao, assessment__year=2019).count() == 6
    health = CriterionResult.objects.get(assessment__unit=hung_dao, assessment__year=2019, criterion__number=15)
    assert health.is_met is True

    # Funding: the city's 2011-2020 total of seed 000 (173.210,97 triệu đồng) is stored exactly.
    city_total = sum(
        FundingRecord.objects.filter(unit__name="Thành phố Cao Bằng", year_from=2011, year_to=2020).values_list(
            "amount_vnd", flat=True
        )
    )
    assert city_total == 173_210_970_000
    assert InKindContribution.objects.filter(kind="land_m2").get().quantity == Decimal("20630")

    # One account per role; only the administrator can sign in to the (unscoped) admin.
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    for account in ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_staff is account.can_use_admin


def test_2026_is_assessed_on_the_53_xa_of_the_two_tier_map_with_the_2026_2030_set():
    call_command("load_demo")
    province = cao_bang()
    communes = programme_communes(within=province, year=2026)
    assert communes.count() == 53
    assert all(commune.parent == province for commune in communes)  # no district in between

    assessments = Assessment.objects.filter(year=2026).select_related("criteria_set")
    assert {assessment.unit_id for assessment in assessments} == {commune.pk for commune in communes}
    assert {assessment.criteria_set.code for assessment in assessments} == {"QD51-2025"}
    assert CriterionResult.objects.filter(assessment__year=2026).count() == 53 * 10
    statuses = {status: assessments.filter(status=status).count() for status in ("draft", "submitted", "approved")}
    assert all(statuses.values()) and sum(statuses.values()) == 53
    all_ten = assessments.filter(criteria_met=10)
    assert 0 < all_ten.count() < 10
    assert all(assessment.status == "approved" for assessment in all_ten)

    groups = dict(communes.values("commune_group").annotate(n=Count("pk")).values_list("commune_group", "n"))
    assert groups[3] > 40 and sum(groups.values()) == 53

    official = Membership.objects.get(user__username="xa.hoaan", role=Membership.Role.COMMUNE_OFFICIAL)
    assert official.unit in communes
    assert Assessment.objects.get(unit=official.unit, year=2026).status == "draft"  # work to do


def test_a_commune_merged_on_1_july_2025_keeps_its_assessments_and_points_to_its_successor():
    call_command("load_demo")
    hung_dao = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")

    assert hung_dao.valid_to == datetime.date(2025, 6, 30)
    successors = list(hung_dao.successors.all())
    assert successors
    assert all(successor.valid_from == datetime.date(2025, 7, 1) for successor in successors)
    assert all(successor.parent == cao_bang() for successor in successors)
    assert hung_dao in successors[0].predecessors.all()

    assert hung_dao.assessments.count() == 10
    assert not hung_dao.is_valid_on(datetime.date(2025, 7, 1))
    # Years are counted on the map in force on 1 January: 2025 still on the 139 communes, 2026 on the new map.
    assert programme_communes(within=cao_bang(), year=2025).count() == 139
    assert hung_dao not in programme_communes(within=cao_bang(), year=2026)


def test_load_demo_if_empty_leaves_loaded_data_alone(capsys):
    call_command("load_demo")
    Assessment.objects.filter(year=2016).update(note="sửa tay")
    call_command("load_demo", if_empty=True)
    assert Assessment.objects.filter(note="sửa tay").count() == 139
    call_command("demo_logins")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    assert "vpdp.tinh" in output
    assert "xa.hoaan" in output  # the 2026 commune official

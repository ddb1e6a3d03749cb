"""Which criteria set judges a commune in a year, and the band figures every output shares."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, CriterionResult
from criteria.selectors import band_summary, commune_default_year, criteria_set_in_force, default_year
from criteria.services import assessment_summaries_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("load_criteria", verbosity=0)


@pytest.mark.parametrize(
    ("year", "code"),
    [(2016, "QD1980-2016"), (2020, "QD1980-2016"), (2021, "QD318-2022"), (2025, "QD318-2022"), (2026, "QD51-2025")],
)
def test_the_national_commune_set_in_force_by_year(catalogue, year, code):
    assert criteria_set_in_force(year=year).code == code


def test_no_set_outside_every_period(catalogue):
    assert criteria_set_in_force(year=2015) is None


def test_a_provincial_specification_wins_for_its_province_only(catalogue):
    cao_bang = AdministrativeUnit.objects.create(level="province", kind="tinh", code="04", name="Tỉnh Cao Bằng")
    bac_kan = AdministrativeUnit.objects.create(level="province", kind="tinh", code="06", name="Tỉnh Bắc Kạn")
    national = CriteriaSet.objects.get(code="QD1980-2016")
    provincial = CriteriaSet.objects.create(
        code="CB-618-2017",
        name="Bộ tiêu chí xã nông thôn mới tỉnh Cao Bằng giai đoạn 2017-2020",
        decision_number="618/QĐ-UBND",
        decision_date=datetime.date(2017, 5, 5),
        issuing_level=CriteriaSet.IssuingLevel.PROVINCIAL,
        issuing_unit=cao_bang,
        parent=national,
        period_start=2017,
        period_end=2020,
        tier="ntm",
        assessed_level="commune",
        threshold_dimension="region",
    )
    assert criteria_set_in_force(year=2018, province=cao_bang) == provincial
    assert criteria_set_in_force(year=2016, province=cao_bang) == national  # before the provincial set
    assert criteria_set_in_force(year=2018, province=bac_kan) == national
    assert criteria_set_in_force(year=2018) == national
    assert provincial in national.specifications.all()


@pytest.mark.parametrize(("today", "year"), [(2026, 2026), (2024, 2024), (2033, 2030), (2015, 2015)])
def test_pages_open_on_the_latest_assessment_year_with_a_set_in_force(catalogue, monkeypatch, today, year):
    # 2033: QĐ 51/2025 ended with 2030; 2015: no set had started, so the year itself.
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(today, 12, 3))
    assert default_year() == year


def test_without_any_set_pages_open_on_this_year():
    assert default_year() == timezone.localdate().year


def test_a_commune_closed_by_the_reform_opens_on_its_last_year(catalogue, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 3))
    old = AdministrativeUnit(level="commune", valid_to=datetime.date(2025, 6, 30))
    new = AdministrativeUnit(level="commune", valid_from=datetime.date(2025, 7, 1))
    assert (commune_default_year(old), commune_default_year(new)) == (2025, 2026)


def test_band_summary_counts_programme_communes_without_results_as_zero(catalogue):
    province = AdministrativeUnit.objects.create(level="province", kind="tinh", code="04", name="Tỉnh Cao Bằng")
    district = AdministrativeUnit.objects.create(
        level="district", kind="huyen", code="051", name="Huyện Hoà An", parent=province
    )

    def commune(code, name, kind="xa"):
        return AdministrativeUnit.objects.create(
            level="commune", kind=kind, code=code, name=name, parent=district, in_programme=kind == "xa"
        )

    full, partial, _silent = commune("01", "Xã Một"), commune("02", "Xã Hai"), commune("03", "Xã Ba")
    commune("04", "Thị trấn Nước Hai", kind="thi_tran")  # not in the programme: not in the denominator
    merged_away = commune("05", "Xã Cũ")
    merged_away.valid_to = datetime.date(2019, 12, 31)
    merged_away.save()

    criteria_set = criteria_set_in_force(year=2019)
    criteria = list(criteria_set.criteria.order_by("number"))
    for unit, met in ((full, 19), (partial, 12)):
        assessment = Assessment.objects.create(unit=unit, year=2019, criteria_set=criteria_set)
        CriterionResult.objects.bulk_create(
            CriterionResult(assessment=assessment, criterion=c, is_met=c.number <= met, method="entered")
            for c in criteria
        )

    assessment_summaries_refresh(Assessment.objects.values_list("pk", flat=True))
    summary = band_summary(within=province, year=2019)
    assert summary.communes == 4  # the merged-away commune still counts in 2019
    assert summary.by_band == {"all": 1, "15_18": 0, "10_14": 1, "5_9": 0, "under_5": 2, "under_10": 2}
    assert summary.average == Decimal("7.75")
    assert band_summary(within=province, year=2020).communes == 3

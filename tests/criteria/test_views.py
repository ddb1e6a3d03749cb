"""The commune page, entry form and workflow steps through real requests: who may do what, and bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from criteria.models import Assessment, CriterionResult, Indicator, IndicatorValue
from ntm_portal.models import ChangeRecord
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2019


def client_for(client, world, who):
    if who != "anonymous":
        client.login(username=who, password=PASSWORD)
    return client


def url(name, unit, year=YEAR, **kwargs):
    return reverse(f"criteria:{name}", kwargs={"unit_id": unit.pk, "year": year, **kwargs})


def indicator(code):
    return Indicator.objects.get(code=code, criterion__criteria_set__code="QD1980-2016")


def field(code):
    return f"ind_{indicator(code).pk}"


def entry_post(client, world, unit=None, data=None, version=0):
    unit = unit or world.commune_a
    return client.post(url("entry", unit), {"version": version, **(data or {})})


ROLES = ["anonymous", "province_staff", "district_staff", "official_a", "official_b", "leader", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_entry_post_access_matrix(client, world, role):
    client = client_for(client, world, role)
    response = entry_post(client, world, data={field("15.1"): "87,6"})
    allowed = role in ("province_staff", "district_staff", "official_a", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    assert IndicatorValue.objects.exists() is allowed


@pytest.mark.parametrize(
    ("role", "moves"),
    [
        ("official_a", True),
        ("district_staff", True),
        ("province_staff", True),
        ("leader", False),
        ("official_b", False),
        ("anonymous", False),
    ],
)
def test_submit_step_access(client, world, role, moves):
    client_for(client, world, "province_staff")
    entry_post(client, world, data={field("15.1"): "87,6"})
    client.logout()
    client = client_for(client, world, role)
    assessment = Assessment.objects.get()
    response = client.post(
        url("transition", world.commune_a, action="submit"), {"version": assessment.version, "confirm": "1"}
    )
    assessment.refresh_from_db()
    assert (assessment.status == "submitted") is moves
    if role == "official_b":
        assert response.status_code == 404
    else:
        assert response.status_code == 302


def test_commune_page_shows_values_thresholds_and_why(client, world):
    client = client_for(client, world, "province_staff")
    entry_post(client, world, data={field("15.1"): "87,6", field("15.2"): "true", field("15.3"): "13"})
    page = client.get(url("commune", world.commune_a)).content.decode()
    assert "87,6" in page  # Vietnamese decimal comma
    assert "≤ 26,7 %" in page  # the TDMNPB stunting ceiling
    assert "Trung du và miền núi phía Bắc" in page  # why that threshold applies
    assert "15. Y tế" in page
    assert "Đạt 1 / 19 tiêu chí" in page


def test_entry_saves_values_and_recomputes_results(client, world):
    client = client_for(client, world, "official_a")
    response = entry_post(client, world, data={field("15.1"): "87,6", field("15.2"): "true", field("15.3"): "13"})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert IndicatorValue.objects.get(indicator=indicator("15.1")).number == Decimal("87.6")
    assert CriterionResult.objects.get(assessment=assessment, criterion__number=15).is_met is True
    assert ChangeRecord.objects.about(assessment).filter(action="value").count() == 3


@pytest.mark.parametrize(
    ("code", "value"),
    [("15.1", "150"), ("15.1", "-1"), ("15.1", "tám mươi"), ("15.2", "có lẽ"), ("10", "-5")],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(client, world, code, value):
    client = client_for(client, world, "province_staff")
    response = entry_post(client, world, data={field(code): value})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_override_without_reason_is_refused(client, world):
    client = client_for(client, world, "province_staff")
    criterion = indicator("15.1").criterion
    response = entry_post(
        client,
        world,
        data={field("15.1"): "87,6", f"crit_{criterion.pk}_result": "not_met", f"crit_{criterion.pk}_override": "on"},
    )
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_direct_result_contradicting_indicators_is_refused_next_to_the_field(client, world):
    client = client_for(client, world, "province_staff")
    criterion = indicator("15.1").criterion
    data = {field("15.1"): "87,6", field("15.2"): "true", field("15.3"): "13", f"crit_{criterion.pk}_result": "not_met"}
    response = entry_post(client, world, data=data)
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_stale_form_is_refused_showing_what_changed(client, world):
    client = client_for(client, world, "province_staff")
    entry_post(client, world, data={field("15.3"): "13"})
    opened_version = Assessment.objects.get().version
    entry_post(client, world, data={field("15.3"): "20"}, version=opened_version)  # someone else saves first

    response = entry_post(client, world, data={field("15.3"): "25"}, version=opened_version)
    assert response.status_code == 409
    page = response.content.decode()
    assert "15.3" in page and "13" in page and "20" in page
    assert IndicatorValue.objects.get(indicator=indicator("15.3")).number == Decimal("20")


def test_locked_results_cannot_be_edited(client, world):
    client = client_for(client, world, "province_staff")
    entry_post(client, world, data={field("15.3"): "13"})
    Assessment.objects.update(status="approved")
    version = Assessment.objects.get().version
    response = entry_post(client, world, data={field("15.3"): "30"}, version=version)
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator("15.3")).number == Decimal("13")
    page = client.get(url("commune", world.commune_a)).content.decode()
    assert reverse("criteria:entry", kwargs={"unit_id": world.commune_a.pk, "year": YEAR}) not in page


def test_commune_official_posting_to_another_commune_gets_404_and_nothing_is_written(client, world):
    client = client_for(client, world, "official_a")
    response = entry_post(client, world, unit=world.commune_b, data={field("15.3"): "13"})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_year_outside_every_criteria_set_is_404(client, world):
    client = client_for(client, world, "province_staff")
    assert client.get(url("commune", world.commune_a, year=2015)).status_code == 404
    assert client.get(url("entry", world.commune_a, year=2031)).status_code == 404


def test_start_from_last_years_values(client, world):
    client = client_for(client, world, "province_staff")
    client.post(url("entry", world.commune_a, year=2018), {"version": 0, field("15.3"): "14,5"})
    page = client.get(url("entry", world.commune_a)).content.decode()
    assert "?from=previous" in page
    prefilled = client.get(url("entry", world.commune_a) + "?from=previous").content.decode()
    assert 'value="14,5"' in prefilled


def test_workflow_steps_through_the_pages_with_timeline(client, world):
    client = client_for(client, world, "official_a")
    entry_post(client, world, data={field("15.3"): "13"})

    def take(who, step, comment=""):
        client.logout()
        client.login(username=who, password=PASSWORD)
        version = Assessment.objects.get().version
        return client.post(
            url("transition", world.commune_a, action=step), {"version": version, "comment": comment, "confirm": "1"}
        )

    take("official_a", "submit")
    take("district_staff", "verify")
    take("province_staff", "approve")
    assert Assessment.objects.get().status == "approved"
    take("province_staff", "unlock")  # no reason: refused
    assert Assessment.objects.get().status == "approved"
    take("province_staff", "unlock", "Sửa chỉ tiêu 15.3")
    assert Assessment.objects.get().status == "draft"
    page = client.get(url("commune", world.commune_a)).content.decode()
    assert "Sửa chỉ tiêu 15.3" in page
    assert page.count('class="timeline"') == 1

"""A corrected threshold reaches every page at once: the commune page, the grid and the report agree.

The Cao Bằng demo, with one commune's health criterion (15) judged from indicator values; the stunting
ceiling of QĐ 318/QĐ-TTg is corrected through the catalogue loader, then put back through the admin.
"""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from communes.models import AdministrativeUnit, Membership
from criteria.catalogue_loading import CRITERIA_FIXTURE, criteria_catalogue_load
from criteria.models import Assessment, CriterionResult, Indicator, Threshold
from criteria.selectors import unit_area_key
from criteria.services import DirectInput, assessment_save
from reports.figures import report_figures
from tests.criteria.test_reevaluation import threshold_form
from tests.personas import PASSWORD

YEAR = 2025
SET_CODE = "QD318-2022"
HEALTH = 15


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def province(demo, db):
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


@pytest.fixture
def staff(province, client):
    user = get_user_model().objects.create_user(username="can.bo.tinh", password=PASSWORD)
    Membership.objects.create(user=user, unit=province, role=Membership.Role.PROVINCE_STAFF)
    client.force_login(user)
    return user


def stunting_threshold(area: str) -> Threshold:
    return Threshold.objects.get(
        indicator__criterion__criteria_set__code=SET_CODE, indicator__code="15.3", applies_to=area
    )


@pytest.fixture
def judged_commune(province, staff) -> Assessment:
    """A draft 2025 commune whose criterion 15 is judged from its values (stunting 13%, insurance 60%), its
    other results imported as the demo left them."""
    drafts = Assessment.objects.filter(
        year=YEAR, status=Assessment.Status.DRAFT, criteria_set__code=SET_CODE, unit__parent__parent=province
    ).select_related("unit", "criteria_set")
    assessment = next(a for a in drafts.order_by("unit__code") if unit_area_key(a.unit, a.criteria_set) == "TDMNPB")
    indicators = {i.code: i.pk for i in Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set)}
    kept = CriterionResult.objects.filter(assessment=assessment).exclude(criterion__number=HEALTH)
    assessment_save(
        user=staff,
        unit=assessment.unit,
        year=YEAR,
        version=assessment.version,
        values={indicators["15.3"]: "13.0", indicators["15.4"]: "60"},
        direct={result.criterion_id: DirectInput(is_met=result.is_met) for result in kept},
    )
    assessment.refresh_from_db()
    return assessment


def what_each_page_shows(client, province, assessment) -> dict[str, tuple[int, bool]]:
    """(criteria met, criterion 15 met) of the commune on each page; the report gives the province's
    totals, so its figures are compared as differences."""
    page = client.get(reverse("criteria:commune", kwargs={"unit_id": assessment.unit_id, "year": YEAR}))
    assert page.status_code == 200
    html = page.content.decode()
    commune_met = int(re.search(r"Đạt (\d+) / \d+ tiêu chí", html).group(1))  # the page speaks Vietnamese
    health_css = re.search(rf'<td class="([^"]+)" data-criterion="{HEALTH}">', html).group(1)

    grid = client.get(reverse("criteria:grid"), {"unit": province.pk, "year": YEAR})
    assert grid.status_code == 200
    results = grid.context["grid"]
    row = next(row for row in results.rows if row.unit_id == assessment.unit_id)
    column = [column.number for column in results.columns].index(HEALTH)

    figures = report_figures(unit=province, year=YEAR)
    health = next(criterion for criterion in figures.criteria if criterion.number == HEALTH)
    return {
        "commune page": (commune_met, health_css == "status-met"),
        "grid": (row.met, row.results[column] is True),
        "report": (figures.criteria_met_total, health.met),
    }


def fixture_with_stunting_ceiling(tmp_path, value: str):
    sets = json.loads(CRITERIA_FIXTURE.read_text(encoding="utf-8"))
    qd318 = next(raw for raw in sets if raw["code"] == SET_CODE)
    health = next(raw for raw in qd318["criteria"] if raw["number"] == HEALTH)
    stunting = next(raw for raw in health["indicators"] if raw["code"] == "15.3")
    next(row for row in stunting["thresholds"] if row["applies_to"] == "TDMNPB")["value"] = value
    path = tmp_path / "criteria_sets.json"
    path.write_text(json.dumps(sets, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_corrected_threshold_changes_the_commune_page_the_grid_and_the_report_alike(
    client, province, judged_commune, tmp_path
):
    before = what_each_page_shows(client, province, judged_commune)
    met, health_met = before["commune page"]
    assert health_met and before["grid"] == (met, True)
    report_met, report_health = before["report"]

    # A ceiling of 10% (loaded as a corrected catalogue): 13% stunting no longer meets criterion 15.
    criteria_catalogue_load(path=fixture_with_stunting_ceiling(tmp_path, "10"))

    lowered = what_each_page_shows(client, province, judged_commune)
    assert lowered == {
        "commune page": (met - 1, False),
        "grid": (met - 1, False),
        "report": (report_met - 1, report_health - 1),
    }

    # Put back through the admin, by a superuser: every page follows again.
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser(username="quan.tri", password=PASSWORD))
    threshold = stunting_threshold("TDMNPB")
    response = admin.post(
        reverse("admin:criteria_threshold_change", args=[threshold.pk]), threshold_form(threshold, value="24")
    )
    assert response.status_code == 302

    assert what_each_page_shows(client, province, judged_commune) == before

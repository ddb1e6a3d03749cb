"""2026 on the demo: the pages open on it, list the 53 xã directly under the province, and the workflow goes from
the commune to the province without a district step."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import AdministrativeUnit
from criteria.models import Assessment
from ntm_portal.demo.accounts import DEMO_PASSWORD
from reports.document import Table
from reports.figures import report_figures
from reports.models import Report
from reports.services import report_create
from reports.structure import report_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module")]

YEAR = 2026


def signed_in(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def province():
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code="04")


def test_cao_bang_on_1_january_2026_has_56_commune_level_units_of_which_53_in_the_programme(province):
    units = AdministrativeUnit.objects.valid_on(datetime.date(YEAR, 1, 1)).filter(
        parent=province, level=AdministrativeUnit.Level.COMMUNE
    )
    assert units.count() == 56
    assert units.filter(in_programme=True).count() == 53


def test_the_grid_opens_on_2026_with_the_53_xa_and_no_district(client, province):
    response = signed_in(client, "vpdp.tinh").get(reverse("criteria:grid"))
    grid = response.context["grid"]
    assert (grid.year, grid.criteria_set.code, len(grid.rows), grid.communes) == (YEAR, "QD51-2025", 53, 53)
    html = response.content.decode()
    assert 'name="district"' not in html  # no district filter
    assert 'value="district"' not in html  # no "by district" order
    assert "group-row" not in html and 'scope="rowgroup"' not in html  # no district group headers
    assert grid.districts == [] and not grid.grouped
    assert '<th scope="col">Huyện</th>' not in html  # no district column

    export = client.get(reverse("criteria:results_export"), {"unit": province.pk, "format": "csv"})
    header = export.content.decode("utf-8-sig").splitlines()[2].split(";")
    assert header[:3] == ["STT", "Tên xã", "Mã xã"]


def test_the_2026_report_lists_the_xa_under_the_province_without_a_district_table(province):
    figures = report_figures(unit=province, year=YEAR)
    assert figures.communes == 53 and figures.districts == ()
    assert len(report_figures(unit=province, year=2025).districts) == 10  # 2025 still on the three-tier map

    def district_tables(year):
        report = report_create(user=staff, unit=province, kind=Report.Kind.ANNUAL, year_from=year, year_to=year)
        blocks = report_document(report, report_figures(unit=province, year=year)).blocks
        return [block for block in blocks if isinstance(block, Table) and "cấp huyện" in block.title]

    staff = get_user_model().objects.get(username="vpdp.tinh")
    assert district_tables(2025) and not district_tables(YEAR)


def test_an_office_of_a_closed_district_is_told_to_choose_an_earlier_year(client):
    html = signed_in(client, "vpdp.thanhpho").get(reverse("criteria:grid")).content.decode()
    assert "Thành phố Cao Bằng đã kết thúc hoạt động từ ngày 30/06/2025" in html


def test_the_dashboard_and_the_overview_open_on_2026(client):
    leader = signed_in(client, "lanhdao.tinh")
    dashboard = leader.get(reverse("reports:dashboard"))
    assert dashboard.status_code == 200 and dashboard.context["year"] == YEAR
    overview = signed_in(client, "vpdp.tinh").get(reverse("criteria:overview"))
    assert overview.context["year"] == YEAR


def test_a_2026_assessment_goes_from_the_commune_to_the_province_without_a_district_step(client):
    assessment = Assessment.objects.select_related("unit").get(unit__name="Xã Hòa An", year=YEAR)
    unit = assessment.unit
    page = reverse("criteria:commune", kwargs={"unit_id": unit.pk, "year": YEAR})

    official = signed_in(client, "xa.hoaan")
    assert official.get("/").context["start"].url == page  # the 2026 official starts on this year's page
    response = official.get(page)
    assert "không áp dụng" in response.content.decode()  # the district step does not apply, and says so
    step = reverse("criteria:transition", kwargs={"unit_id": unit.pk, "year": YEAR, "action": "submit"})
    official.post(step, {"version": assessment.version, "confirm": "1"})
    assessment.refresh_from_db()
    assert assessment.status == "submitted"

    staff = signed_in(client, "vpdp.tinh")
    response = staff.get(page)
    assert "approve" in response.context["steps"] and "verify" not in response.context["steps"]
    assert 'data-step="verify"' not in response.content.decode()
    verify = reverse("criteria:transition", kwargs={"unit_id": unit.pk, "year": YEAR, "action": "verify"})
    staff.post(verify, {"version": assessment.version, "confirm": "1"})
    assessment.refresh_from_db()
    assert assessment.status == "submitted"  # verifying is not a step of this year
    approve = reverse("criteria:transition", kwargs={"unit_id": unit.pk, "year": YEAR, "action": "approve"})
    staff.post(approve, {"version": assessment.version, "confirm": "1"})
    assessment.refresh_from_db()
    assert assessment.status == "approved"


def test_the_official_of_the_old_hung_dao_starts_on_its_last_year(client):
    # Hưng Đạo of the three-tier map ended on 30/6/2025: its page for 2026 does not exist.
    hung_dao = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    official = signed_in(client, "xa.hungdao")
    page = reverse("criteria:commune", kwargs={"unit_id": hung_dao.pk, "year": 2025})
    assert official.get("/").context["start"].url == page
    assert official.get(page).status_code == 200

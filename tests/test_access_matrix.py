"""Every portal view × every role × own or another unit → the expected status, and nothing leaks."""

import pytest
from django.urls import reverse

from criteria.models import Assessment
from criteria.services import assessment_save
from reports.services import report_create
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "province_staff", "district_staff", "official_a", "official_b", "leader", "admin"]
YEAR = 2019


def commune_url(name, unit, **extra):
    return reverse(f"criteria:{name}", kwargs={"unit_id": unit.pk, "year": YEAR, **extra})


# view → {role: status}; "own" is Tỉnh Cao Bằng / Xã Hưng Đạo, "other" is a commune of Bắc Kạn.
EXPECTED = {
    "home": dict.fromkeys(ROLES, 302),
    "grid": {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    "grid own province": {
        "anonymous": 302, "province_staff": 200, "district_staff": 404, "official_a": 404,
        "official_b": 404, "leader": 200, "admin": 200,
    },
    "grid other province": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "admin": 200},
    "overview": {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    "commune own": {**dict.fromkeys(ROLES, 200), "anonymous": 302, "official_b": 404},
    "commune other": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "admin": 200},
    "entry own": {**dict.fromkeys(ROLES, 200), "anonymous": 302, "official_b": 404, "leader": 404},
    "entry other": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "admin": 200},
    "dashboard": {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    "dashboard other province": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "admin": 200},
    "reports": {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    "report draft own": {
        **dict.fromkeys(ROLES, 404), "anonymous": 302, "province_staff": 200, "admin": 200,
    },
    "import": {
        **dict.fromkeys(ROLES, 404), "anonymous": 302, "province_staff": 200, "district_staff": 200, "admin": 200,
    },
    "submit own": {**dict.fromkeys(ROLES, 302), "official_b": 404},
    "submit other": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "admin": 302},
}  # fmt: skip


def request(client, world, view):
    own, other = world.commune_a, world.other_commune
    gets = {
        "home": "/",
        "grid": reverse("criteria:grid"),
        "grid own province": f"{reverse('criteria:grid')}?unit={world.province.pk}",
        "grid other province": f"{reverse('criteria:grid')}?unit={world.other_province.pk}",
        "overview": reverse("criteria:overview"),
        "commune own": commune_url("commune", own),
        "commune other": commune_url("commune", other),
        "entry own": commune_url("entry", own),
        "entry other": commune_url("entry", other),
        "dashboard": reverse("reports:dashboard"),
        "dashboard other province": f"{reverse('reports:dashboard')}?unit={world.other_province.pk}",
        "reports": reverse("reports:list"),
        "import": reverse("import_start"),
    }
    if view == "report draft own":
        report = report_create(
            user=world.users["province_staff"], unit=world.province, kind="annual", year_from=YEAR, year_to=YEAR
        )
        return client.get(reverse("reports:edit", args=[report.pk]))
    if view in gets:
        return client.get(gets[view])
    unit = own if view.endswith("own") else other
    version = Assessment.objects.get(unit=unit).version
    return client.post(commune_url("transition", unit, action="submit"), {"version": version})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(EXPECTED))
def test_access_matrix(client, world, view, role):
    for unit in (world.commune_a, world.other_commune):
        assessment_save(user=world.users["admin"], unit=unit, year=YEAR, version=0, values={}, direct={})
    if role != "anonymous":
        client.login(username=role, password=PASSWORD)
    response = request(client, world, view)
    assert response.status_code == EXPECTED[view][role]
    moved = Assessment.objects.filter(status="submitted").values_list("unit", flat=True)
    if view.startswith("submit") and role in ("anonymous", "official_b", "leader"):
        assert not moved  # refused steps change nothing
    if response.status_code == 200 and role != "admin":
        # Zero leaks: nothing of another province reaches a page of someone who does not hold it.
        page = response.content.decode()
        assert world.other_province.name not in page
        assert world.other_commune.name not in page

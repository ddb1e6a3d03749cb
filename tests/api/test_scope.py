"""Each endpoint × persona × own and other unit: a list holds exactly the persona's scope, `?unit=` of their own
unit narrows it, and a unit or a row outside their scope answers 404, as the pages do. The scopes are written out
here, never read from communes/access.py."""

import pytest

from tests.api.conftest import YEAR

pytestmark = pytest.mark.django_db

ROLES = (
    "province_staff",
    "district_staff",
    "official_a",
    "official_b",
    "leader",
    "admin",
    "other_province_staff",
    "other_official",
)
CAO_BANG = {"province", "district", "commune_a", "commune_b"}
BAC_KAN = {"other_province", "other_district", "other_commune"}
# persona → the units of the map (World's attribute names) they see.
SCOPE = {
    "province_staff": CAO_BANG,
    "district_staff": {"district", "commune_a", "commune_b"},
    "official_a": {"commune_a"},
    "official_b": {"commune_b"},
    "leader": CAO_BANG,
    "admin": CAO_BANG | BAC_KAN,
    "other_province_staff": BAC_KAN,
    "other_official": {"other_commune"},
}
# persona → (the unit they hold, a unit outside their scope; None: an administrator has none).
OWN_AND_OTHER = {
    "province_staff": ("province", "other_commune"),
    "district_staff": ("district", "other_province"),
    "official_a": ("commune_a", "commune_b"),
    "official_b": ("commune_b", "commune_a"),
    "leader": ("province", "other_district"),
    "admin": ("province", None),
    "other_province_staff": ("other_province", "commune_a"),
    "other_official": ("other_commune", "district"),
}
# The endpoints that list rows of units; assessments and recognitions exist for the three communes, targets for
# them and for the province.
ROWS_OF = {
    "units": CAO_BANG | BAC_KAN,
    "assessments": {"commune_a", "commune_b", "other_commune"},
    "recognitions": {"commune_a", "commune_b", "other_commune"},
    "targets": {"commune_a", "commune_b", "other_commune", "province"},
}
UNIT_FIELD = {"units": "id", "assessments": "unit", "recognitions": "unit", "targets": "unit"}


def unit_id(api_world, name: str) -> int:
    return getattr(api_world.world, name).pk


def names_of(api_world, ids) -> set[str]:
    by_id = {unit_id(api_world, name): name for name in CAO_BANG | BAC_KAN}
    return {by_id[each] for each in ids}


def listed(api_world, role: str, endpoint: str, **params) -> set[str]:
    response = api_world.client(role).get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])  # one page holds them all
    return names_of(api_world, [row[UNIT_FIELD[endpoint]] for row in body["results"]])


@pytest.mark.parametrize("endpoint", ROWS_OF)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_holds_exactly_the_personas_scope(api_world, role, endpoint):
    assert listed(api_world, role, endpoint) == SCOPE[role] & ROWS_OF[endpoint]


@pytest.mark.parametrize("endpoint", ROWS_OF)
@pytest.mark.parametrize("role", ROLES)
def test_their_own_unit_narrows_the_list_to_it_and_what_is_under_it(api_world, role, endpoint):
    own, _other = OWN_AND_OTHER[role]
    under = {"province": CAO_BANG, "district": CAO_BANG - {"province"}, "other_province": BAC_KAN}.get(own, {own})
    assert listed(api_world, role, endpoint, unit=unit_id(api_world, own)) == under & ROWS_OF[endpoint]


@pytest.mark.parametrize("endpoint", [*ROWS_OF, "funding", "report-figures"])
@pytest.mark.parametrize("role", [role for role in ROLES if OWN_AND_OTHER[role][1]])
def test_a_unit_outside_the_scope_answers_404_as_one_that_does_not_exist(api_world, role, endpoint):
    client = api_world.client(role)
    _own, other = OWN_AND_OTHER[role]
    outside = client.get(f"/api/v1/{endpoint}/", {"unit": unit_id(api_world, other), "year": YEAR})
    missing = client.get(f"/api/v1/{endpoint}/", {"unit": 987_654_321, "year": YEAR})
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


@pytest.mark.parametrize("endpoint", ROWS_OF)
@pytest.mark.parametrize("role", ROLES)
def test_a_row_is_read_alone_in_scope_and_404_outside(api_world, role, endpoint):
    admin_rows = api_world.client("admin").get(f"/api/v1/{endpoint}/").json()["results"]
    client = api_world.client(role)
    for row in admin_rows:
        response = client.get(f"/api/v1/{endpoint}/{row['id']}/")
        seen = names_of(api_world, [row[UNIT_FIELD[endpoint]]]) <= SCOPE[role]
        assert response.status_code == (200 if seen else 404), (row, response.status_code)
        if seen:
            assert response.json() == row


@pytest.mark.parametrize("role", ROLES)
def test_funding_totals_of_the_personas_own_unit(api_world, role):
    own, _other = OWN_AND_OTHER[role]
    response = api_world.client(role).get("/api/v1/funding/", {"unit": unit_id(api_world, own), "year": YEAR})
    assert response.status_code == 200
    body = response.json()
    # 1, 2 and 3 thousand million đồng were recorded on communes A, B and Bắc Kạn's.
    expected = {"province": 3, "district": 3, "commune_a": 1, "commune_b": 2, "other_province": 3}
    expected["other_commune"] = 3
    assert body["unit"] == unit_id(api_world, own)
    assert body["period"] == str(YEAR)
    assert body["total_vnd"] == expected[own] * 1_000_000_000
    assert [(line["code"], line["amount_vnd"], line["share"]) for line in body["lines"]] == [
        ("ns_tw", expected[own] * 1_000_000_000, "100")
    ]


@pytest.mark.parametrize("role", ROLES)
def test_report_figures_of_the_personas_own_unit(api_world, role):
    own, _other = OWN_AND_OTHER[role]
    response = api_world.client(role).get("/api/v1/report-figures/", {"unit": unit_id(api_world, own), "year": YEAR})
    assert response.status_code == 200
    figures = response.json()["figures"]
    communes = {"province": 2, "district": 2, "commune_a": 1, "commune_b": 1, "other_province": 1}
    communes["other_commune"] = 1
    assert figures["unit"]["id"] == unit_id(api_world, own)
    assert figures["communes"] == communes[own]
    assert figures["criteria_set"]["code"] == "QD318-2022"


@pytest.mark.parametrize(
    ("role", "provincial"),
    [
        ("province_staff", {"own"}),
        ("district_staff", {"own"}),
        ("official_a", {"own"}),
        ("official_b", {"own"}),
        ("leader", {"own"}),
        ("admin", {"own", "foreign"}),
        ("other_province_staff", {"foreign"}),
        ("other_official", {"foreign"}),
    ],
)
def test_criteria_sets_are_the_national_ones_and_those_of_the_personas_province(api_world, role, provincial):
    client = api_world.client(role)
    codes = {row["code"] for row in client.get("/api/v1/criteria-sets/", {"page_size": 500}).json()["results"]}
    assert {key for key, criteria_set in api_world.sets.items() if criteria_set.code in codes} == provincial
    assert {"QD318-2022", "QD51-2025"} <= codes
    for key in {"own", "foreign"} - provincial:
        assert client.get(f"/api/v1/criteria-sets/{api_world.sets[key].pk}/").status_code == 404

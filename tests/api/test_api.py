"""The API's door and its lists' mechanics: 401 for anonymous callers and revoked tokens, a signed-in browser
reads it too, pages, filters and their refusals, and a fixed number of queries a page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import AdministrativeUnit
from criteria.models import Assessment
from ntm_portal.api.services import api_token_create, api_token_revoke
from tests.api.conftest import YEAR

pytestmark = pytest.mark.django_db

DATA_ENDPOINTS = (
    "units/",
    "criteria-sets/",
    "assessments/",
    "recognitions/",
    "targets/",
    f"funding/?year={YEAR}",
    f"report-figures/?year={YEAR}",
)


def test_the_acceptance_call(api_world):
    """GET /api/v1/assessments/?year=2021: 401 without a token; a commune official's token lists their commune."""
    anonymous = api_world.client("anonymous").get("/api/v1/assessments/?year=2021")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    response = api_world.client("official_a").get("/api/v1/assessments/?year=2021")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["unit_name"], row["year"]) for row in rows] == [("Xã Hưng Đạo", 2021)]
    assessment = Assessment.objects.get(pk=rows[0]["id"])
    assert rows[0]["status"] == assessment.status
    assert rows[0]["criteria_set"] == assessment.criteria_set.code == "QD318-2022"
    assert [result["criterion"] for result in rows[0]["criterion_results"]] == list(range(1, 20))
    assert rows[0]["criteria_met"] == sum(1 for result in rows[0]["criterion_results"] if result["is_met"])


@pytest.mark.parametrize("endpoint", DATA_ENDPOINTS)
def test_anonymous_callers_and_wrong_tokens_get_401(api_world, client, endpoint):
    assert api_world.client("anonymous").get(f"/api/v1/{endpoint}").status_code == 401
    wrong = client.get(f"/api/v1/{endpoint}", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Token không hợp lệ."}


def test_a_revoked_token_and_an_inactive_account_are_refused(api_world):
    world = api_world.world
    assert api_world.client("official_b").get("/api/v1/units/").status_code == 200
    api_token_revoke(actor=world.users["official_b"])
    assert api_world.client("official_b").get("/api/v1/units/").status_code == 401
    world.users["leader"].is_active = False
    world.users["leader"].save()
    assert api_world.client("leader").get("/api/v1/units/").status_code == 401


def test_a_signed_in_browser_reads_the_api_without_a_token(api_world, client):
    client.force_login(api_world.world.users["official_a"])
    response = client.get("/api/v1/assessments/", {"year": YEAR})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_nothing_is_written_through_the_api(api_world):
    client = api_world.client("admin")
    row = client.get("/api/v1/targets/").json()["results"][0]
    assert client.post("/api/v1/targets/", {"year": 2030}, content_type="application/json").status_code == 405
    assert client.delete(f"/api/v1/targets/{row['id']}/").status_code == 405
    assert client.patch(f"/api/v1/targets/{row['id']}/", {}, content_type="application/json").status_code == 405
    assert client.get(f"/api/v1/targets/{row['id']}/").json() == row


def test_lists_come_in_pages(api_world):
    client = api_world.client("admin")
    first = client.get("/api/v1/units/", {"page_size": 2}).json()
    assert first["count"] == 7
    assert len(first["results"]) == 2
    assert first["next"].endswith("/api/v1/units/?page=2&page_size=2")
    assert first["previous"] is None
    last = client.get("/api/v1/units/", {"page_size": 2, "page": 4}).json()
    assert last["next"] is None
    assert len(last["results"]) == 1
    pages = [client.get("/api/v1/units/", {"page_size": 2, "page": page}).json() for page in (1, 2, 3, 4)]
    seen = [row["id"] for page in pages for row in page["results"]]
    assert sorted(seen) == sorted(AdministrativeUnit.objects.values_list("pk", flat=True))
    assert client.get("/api/v1/units/", {"page": 9}).json() == {"detail": "Trang không hợp lệ."}
    # A page larger than the largest is the largest.
    assert len(client.get("/api/v1/units/", {"page_size": 10_000}).json()["results"]) == 7


def test_units_carry_their_validity_and_successors_and_a_year_picks_its_map(api_world):
    world = api_world.world
    merged = AdministrativeUnit.objects.create(
        level="commune", kind="xa", code="99001", name="Xã Hưng Đạo Mới", short_name="Hưng Đạo Mới",
        parent=world.province, valid_from="2025-07-01", in_programme=True,
    )  # fmt: skip
    world.commune_a.successors.add(merged)
    world.commune_b.successors.add(merged)
    client = api_world.client("province_staff")
    rows = {row["code"]: row for row in client.get("/api/v1/units/", {"level": "commune"}).json()["results"]}
    assert set(rows) == {"01001", "01002", "99001"}
    assert rows["01001"]["valid_to"] == "2025-06-30"
    assert rows["01001"]["successors"] == [merged.pk]
    assert rows["99001"]["valid_from"] == "2025-07-01"

    def on_map(year: int) -> set[str]:
        rows = client.get("/api/v1/units/", {"level": "commune", "year": year}).json()["results"]
        return {row["code"] for row in rows}

    assert (on_map(2021), on_map(2026)) == ({"01001", "01002"}, {"99001"})


def test_filters_by_year_status_tier_and_set(api_world):
    client = api_world.client("admin")

    def count(endpoint, **params):
        return client.get(f"/api/v1/{endpoint}/", params).json()["count"]

    assert count("assessments", year=YEAR) == 3
    assert count("assessments", year=YEAR + 1) == 0
    assert count("assessments", criteria_set="QD318-2022") == 3
    assert count("assessments", status="approved") == 0
    assert count("recognitions", year=YEAR, tier="ntm") == 3
    assert count("recognitions", tier="ntm_nang_cao") == 0
    assert count("targets", year=YEAR + 1) == 4
    assert count("targets", tier="ntm_nang_cao") == 3
    assert count("criteria-sets", year=2021, tier="ntm", assessed_level="commune") == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "hai nghìn"}, "year"),
        ({"year": "99999"}, "year"),
        ({"year": "1999"}, "year"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "-4"}, "unit"),
        ({"status": "xong"}, "status"),
    ],
)
def test_a_bad_filter_is_refused_with_400_in_vietnamese(api_world, params, field):
    response = api_world.client("admin").get("/api/v1/assessments/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    message = response.json()[field][0]
    assert any(word in message for word in ("Nhập", "Đảm bảo", "Chọn", "hợp lệ")), message


@pytest.mark.parametrize("endpoint", ["funding", "report-figures"])
@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "3000"}, {"unit": "x", "year": YEAR}])
def test_the_figures_refuse_bad_parameters(api_world, endpoint, params):
    response = api_world.client("province_staff").get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 400


@pytest.mark.parametrize("endpoint", ["units", "assessments", "funding", "report-figures"])
def test_an_id_past_any_unit_is_404_not_an_error(api_world, endpoint):
    response = api_world.client("admin").get(f"/api/v1/{endpoint}/", {"unit": "9" * 30, "year": YEAR})
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ["units", "criteria-sets", "assessments", "recognitions", "targets"])
def test_a_row_id_past_any_row_is_404(api_world, endpoint):
    assert api_world.client("admin").get(f"/api/v1/{endpoint}/{'9' * 30}/").status_code == 404


def test_report_figures_need_a_year_and_funding_a_readable_period(api_world):
    client = api_world.client("province_staff")
    assert list(client.get("/api/v1/report-figures/").json()) == ["year"]
    assert client.get("/api/v1/funding/", {"period": "2025-2021"}).json() == {
        "period": ["Nhập một giai đoạn như 2021-2025."]
    }
    # No year: the latest period with records, as the funding page opens.
    assert client.get("/api/v1/funding/").json()["period"] == str(YEAR)
    # A record counts in a period when its own lies inside.
    assert client.get("/api/v1/funding/", {"period": "2021-2025"}).json()["total_vnd"] == 3_000_000_000
    assert client.get("/api/v1/funding/", {"period": "2022-2025"}).json()["total_vnd"] == 0


def test_report_figures_default_to_the_callers_widest_unit(api_world):
    body = api_world.client("district_staff").get("/api/v1/report-figures/", {"year": YEAR}).json()
    assert body["figures"]["unit"]["id"] == api_world.world.district.pk


# The token, the memberships, the count, the page and its prefetches: none per row.
QUERIES = {"units": 5, "criteria-sets": 7, "assessments": 5, "recognitions": 4, "targets": 4}


@pytest.mark.parametrize("endpoint", QUERIES)
def test_a_page_takes_a_fixed_number_of_queries(api_world, endpoint, django_assert_max_num_queries):
    client = api_world.client("province_staff")
    with django_assert_max_num_queries(QUERIES[endpoint]):
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": 500})
    assert response.status_code == 200


def test_the_docs_link_on_the_profile_page_is_the_apis(api_world, client):
    client.force_login(api_world.world.users["leader"])
    assert reverse("api:docs") in client.get(reverse("profile")).content.decode()


def test_an_account_without_a_unit_sees_nothing(api_world, client):
    nobody = get_user_model().objects.create_user(username="chua_co_don_vi", password="mat-khau-thu-2026")
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_create(actor=nobody).key}"}
    for endpoint in ("units", "criteria-sets", "assessments", "recognitions", "targets"):
        assert client.get(f"/api/v1/{endpoint}/", **headers).json()["count"] == 0
    for endpoint in ("funding", "report-figures"):
        response = client.get(f"/api/v1/{endpoint}/", {"year": YEAR}, **headers)
        assert response.status_code == 404
        assert response.json() == {"detail": "Hãy chỉ rõ đơn vị: ?unit=<mã số>."}

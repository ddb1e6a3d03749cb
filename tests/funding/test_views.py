"""The funding page through real requests: the seeds' figures, who sees what, warnings, query count."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import AdministrativeUnit, Membership
from funding.models import FundingRecord, FundingSource, InKindContribution
from ntm_portal.demo.accounts import DEMO_PASSWORD
from tests.personas import unit

pytestmark = pytest.mark.django_db

URL = reverse("funding:summary")
TRIEU = 1_000_000


def signed_in(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def member(username, role, member_unit):
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD)
    Membership.objects.create(user=user, unit=member_unit, role=role)
    return user


def test_city_staff_see_the_city_2011_2020_funding_by_default(client, demo):
    response = signed_in(client, "vpdp.thanhpho").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Thành phố Cao Bằng, 2011-2020" in page
    for shown in (
        "173.210,97",  # total
        "127.210,97",  # without credit
        "31.690,35",  # Ngân sách Trung ương
        "18,30",  # 18,2958 % rounded (the report prints it truncated, 18,29)
        "24,91",  # 31.690,35 / 127.210,97 without credit
        "32.825,76",  # Ngân sách địa phương = 500,0 + 31.675,79 + 649,97
        "46.000,00",  # credit
        "26,56",
        "40.457,5",  # labour days
        "20.630",  # m² of land
    ):
        assert shown in page, shown
    assert page.index("Ngân sách địa phương") < page.index("Ngân sách tỉnh") < page.index("Vốn tín dụng")


def test_province_staff_choose_a_year_and_a_kind(client, demo):
    province, _city = demo
    client = signed_in(client, "vpdp.tinh")

    mobilised = client.get(URL, {"unit": province.pk, "year": 2019}).content.decode()
    allocated = client.get(URL, {"unit": province.pk, "period": "2019", "kind": "allocated"}).content.decode()

    assert "2.526.361,25" in mobilised  # 2.421.000 + 18.469 + 40.264 + 2.267,55 + 44.360,7
    assert "105.361,25" in mobilised  # without credit
    assert "422.200,00" in allocated  # NSTW = 313.800 + 108.400
    assert "478.656,00" in allocated


def test_the_province_period_includes_the_city(client, demo):
    province, _city = demo

    page = signed_in(client, "vpdp.tinh").get(URL, {"unit": province.pk, "period": "2011-2020"}).content.decode()

    assert "2.699.572,22" in page  # 2.526.361,25 (province 2019) + 173.210,97 (city)


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("vpdp.thanhpho", "city", 200),
        ("vpdp.thanhpho", "province", 404),
        ("vpdp.tinh", "city", 200),
        ("vpdp.tinh", "province", 200),
        ("lanhdao.tinh", "city", 200),
        ("xa.hungdao", "city", 404),
        ("xa.hungdao", "own commune", 200),
        ("outsider", "city", 404),
        ("outsider", "province", 404),
        ("outsider", "missing", 404),
    ],
)
def test_scope(client, demo, who, target, status):
    province, city = demo
    other_province = unit("province", "tinh", "06", "Tỉnh Bắc Kạn")
    other_commune = unit(
        "commune", "xa", "02001", "Xã Nam Mẫu", unit("district", "huyen", "061", "Huyện Ba Bể", other_province)
    )
    member("outsider", Membership.Role.COMMUNE_OFFICIAL, other_commune)
    hung_dao = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent=city)
    targets = {"city": city.pk, "province": province.pk, "own commune": hung_dao.pk, "missing": 10**9}

    response = signed_in(client, who).get(URL, {"unit": targets[target]})

    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_a_commune_without_records_shows_the_empty_state(client, demo):
    page = signed_in(client, "xa.hungdao").get(URL).content.decode()

    assert 'class="empty-state"' in page and "Xã Hưng Đạo" in page
    assert "<table" not in page


def test_the_funding_link_is_in_the_navigation_for_overview_users_only(client, demo):
    page = signed_in(client, "vpdp.tinh").get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in page
    client.logout()
    assert f'href="{URL}"' not in signed_in(client, "xa.hungdao").get("/").content.decode()


def test_staff_see_warnings_when_sub_sources_do_not_add_up_to_their_parent(client, demo):
    _province, city = demo
    FundingRecord.objects.create(
        unit=city,
        year_from=2011,
        year_to=2020,
        source=FundingSource.objects.get(code="central.investment"),
        kind="mobilised",
        amount_vnd=20_000 * TRIEU,
    )

    staff_page = signed_in(client, "vpdp.thanhpho").get(URL).content.decode()
    client.logout()
    leader_page = signed_in(client, "lanhdao.tinh").get(URL, {"unit": city.pk}).content.decode()

    assert 'class="alert-warning"' in staff_page
    assert "20.000,00" in staff_page and "31.690,35" in staff_page
    assert "51.690,35" in staff_page  # the parent shows its own record plus its sub-source's
    assert 'class="alert-warning"' not in leader_page


def test_query_count_does_not_grow_with_records(client, demo):
    _province, city = demo
    client = signed_in(client, "vpdp.thanhpho")
    client.get(URL)  # session and caches warmed like any later request
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200

    sources = list(FundingSource.objects.all())
    communes = list(AdministrativeUnit.objects.filter(parent=city))
    FundingRecord.objects.bulk_create(
        FundingRecord(
            unit=commune, year_from=2011 + index % 10, year_to=2011 + index % 10, source=source,
            kind="mobilised", amount_vnd=TRIEU,
        )
        for index, commune in enumerate(communes)
        for source in sources
    )  # fmt: skip
    InKindContribution.objects.bulk_create(
        InKindContribution(unit=commune, year_from=2015, year_to=2015, kind="labour_days", quantity=10)
        for commune in communes
    )
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL)

    assert response.status_code == 200
    assert "173.210,97" not in response.content.decode()  # the new records count
    assert len(after) == len(before)

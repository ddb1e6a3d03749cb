"""The results grid and the provinces overview through real requests: figures, filters, scope, query counts."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.html import escape

from communes.models import AdministrativeUnit, Membership
from criteria.bands import default_scheme
from criteria.models import Assessment, CriteriaSet, CriterionResult, Recognition, Tier
from criteria.selectors import band_summary, programme_communes
from criteria.services import assessment_summaries_refresh
from ntm_portal.text import fold
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

GRID = reverse("criteria:grid")
OVERVIEW = reverse("criteria:overview")
# One link per commune row: the grid's rows as a user sees them.
COMMUNE_LINK = re.compile(r'<th scope="row"><a href="/communes/(\d+)/(\d+)/">([^<]+)</a></th>')


def load_demo():
    call_command("load_demo", stdout=io.StringIO())
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


def member(client, unit, role, username="nguoi.dung"):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, unit=unit, role=role)
    client.force_login(user)
    return user


def grid(client, **params):
    response = client.get(GRID, params)
    assert response.status_code == 200
    return response


def rows(response):
    return COMMUNE_LINK.findall(response.content.decode())


def test_province_staff_sees_the_published_2021_figures(client):
    province = load_demo()
    member(client, province, Membership.Role.PROVINCE_STAFF)

    response = grid(client, unit=province.pk, year=2021)

    assert len(rows(response)) == 139
    assert all(year == "2021" for _unit_id, year, _name in rows(response))
    results = response.context["grid"]
    summary = band_summary(within=province, year=2021)
    assert results.summary == summary
    assert results.summary.by_band == {"all": 17, "15_18": 11, "10_14": 64, "5_9": 47, "under_5": 0, "under_10": 47}
    html = response.content.decode()
    for key, count in summary.by_band.items():
        assert re.search(rf'<tr data-band="{key}">\s*<th scope="row">[^<]+</th>\s*<td class="num">{count}</td>', html)
    assert re.search(r"<td class=\"num\" data-average>11,63</td>", html)
    assert '<tr data-band="10_14">' in html and "46,0%" in html  # 64 of 139, with a decimal comma
    # Grouped by district, criteria as columns with their names, every cell readable without colour.
    assert html.count('<th scope="rowgroup"') == 10
    assert f'title="1. {escape(results.columns[0].name)}"' in html
    assert html.count("status-met") + html.count("status-not-met") + html.count("status-undecided") >= 139 * 19

    communes = programme_communes(within=province, year=2021)
    for column in results.columns:
        met = CriterionResult.objects.filter(
            assessment__unit__in=communes, assessment__year=2021, criterion__number=column.number, is_met=True
        ).count()
        assert column.met == met

    overview = client.get(OVERVIEW, {"year": 2021})
    assert overview.status_code == 200
    (row,) = overview.context["rows"]
    assert row.unit == province
    assert row.summary == summary
    assert row.met_all == 17
    assert row.statuses == {"draft": 0, "submitted": 0, "verified": 0, "approved": 139, "none": 0}
    assert f'<tr data-unit="{province.pk}">' in overview.content.decode()
    assert "11,63" in overview.content.decode()


def test_filters_search_and_sorting_narrow_the_rows(client):
    province = load_demo()
    member(client, province, Membership.Role.PROVINCE_STAFF)
    communes = programme_communes(within=province, year=2021)
    summary = band_summary(within=province, year=2021)

    found = rows(grid(client, unit=province.pk, year=2021, q="hung dao"))
    assert {name for _id, _year, name in found} == {"Xã Hưng Đạo"}
    assert len(found) == communes.filter(search_name__contains="hung dao").count() == 3
    assert rows(grid(client, unit=province.pk, year=2021, q="  HƯNG   đạo ")) == found

    city = AdministrativeUnit.objects.get(parent=province, name="Thành phố Cao Bằng")
    in_city = grid(client, unit=province.pk, year=2021, district=city.pk)
    assert {int(unit_id) for unit_id, _year, _name in rows(in_city)} == set(
        communes.filter(parent=city).values_list("pk", flat=True)
    )

    for band in default_scheme(19).all_bands:
        results = grid(client, unit=province.pk, year=2021, band=band.key).context["grid"]
        assert all(band.contains(row.met) for row in results.rows)
        expected = summary.by_band[band.key]
        assert len(results.rows) == results.summary.communes == expected

    recognised = {
        unit_id
        for unit_id in Recognition.objects.filter(
            unit__in=communes, year__lte=2021, withdrawn_on__isnull=True
        ).values_list("unit_id", flat=True)
    }
    tiered = grid(client, unit=province.pk, year=2021, tier="recognised").context["grid"]
    assert {row.unit_id for row in tiered.rows} == recognised
    assert len(grid(client, unit=province.pk, year=2021, tier="not_recognised").context["grid"].rows) == (
        139 - len(recognised)
    )

    for status, expected in (("draft", 68), ("submitted", 71), ("approved", 0), ("none", 0)):
        assert len(rows(grid(client, unit=province.pk, year=2025, status=status))) == expected

    most_first = grid(client, unit=province.pk, year=2021, sort="-met").context["grid"].rows
    assert [row.met for row in most_first] == sorted((row.met for row in most_first), reverse=True)
    assert most_first[0].met == 19
    fewest_first = grid(client, unit=province.pk, year=2021, sort="met").context["grid"].rows
    assert [row.met for row in fewest_first] == sorted(row.met for row in fewest_first)
    by_name = rows(grid(client, unit=province.pk, year=2021, sort="name"))
    assert [fold(name) for _id, _year, name in by_name] == sorted(fold(name) for _id, _year, name in by_name)

    narrowed = grid(client, unit=province.pk, year=2021, band="all", q="hung dao")
    assert rows(narrowed) == [(str(row.unit_id), "2021", row.name) for row in narrowed.context["grid"].rows]
    assert narrowed.context["grid"].summary.communes == 1  # only the city's Hưng Đạo meets all 19
    nothing = grid(client, unit=province.pk, year=2021, q="khong co xa nay")
    assert rows(nothing) == [] and "empty-state" in nothing.content.decode()


def test_district_staff_see_only_their_district(client):
    province = load_demo()
    city = AdministrativeUnit.objects.get(parent=province, name="Thành phố Cao Bằng")
    member(client, city, Membership.Role.DISTRICT_STAFF)

    response = grid(client, year=2021)  # opens on their district
    assert response.context["unit"] == city
    assert len(rows(response)) == 3
    assert '<th scope="rowgroup"' not in response.content.decode()  # one district: no district headings
    assert client.get(GRID, {"unit": province.pk}).status_code == 404
    (row,) = client.get(OVERVIEW, {"year": 2021}).context["rows"]
    assert row.unit == city
    assert row.summary == band_summary(within=city, year=2021)


GRID_MATRIX = {
    # role: (grid of the province, of its district, of another province)
    "anonymous": (302, 302, 302),
    "province_staff": (200, 200, 404),
    "district_staff": (404, 200, 404),
    "official_a": (404, 404, 404),
    "leader": (200, 200, 404),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("role", GRID_MATRIX)
def test_grid_access_matrix(client, world, role):
    if role != "anonymous":
        client.login(username=role, password=PASSWORD)
    got = tuple(
        client.get(GRID, {"unit": unit.pk}).status_code
        for unit in (world.province, world.district, world.other_province)
    )
    assert got == GRID_MATRIX[role]


def test_a_commune_official_has_no_grid_and_cannot_open_other_units(client, world):
    client.login(username="official_a", password=PASSWORD)
    response = client.get(GRID)
    assert response.status_code == 200
    assert "empty-state" in response.content.decode()
    for unit in (world.commune_a, world.commune_b, world.other_commune):
        assert client.get(GRID, {"unit": unit.pk}).status_code == 404
    assert client.get(GRID, {"unit": "abc"}).status_code == 404
    assert client.get(OVERVIEW).context["rows"] == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (GRID, OVERVIEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def small_province(communes: int) -> AdministrativeUnit:
    """A province of `communes` programme communes with 2021 results and a recognition, built with the ORM."""
    call_command("load_criteria", stdout=io.StringIO())
    province = AdministrativeUnit.objects.create(level="province", kind="tinh", code="99", name="Tỉnh Thử")
    district = AdministrativeUnit.objects.create(
        level="district", kind="huyen", code="999", name="Huyện Thử", parent=province
    )
    criteria_set = CriteriaSet.objects.get(code="QD318-2022")
    criteria = list(criteria_set.criteria.order_by("number"))
    for index in range(communes):
        unit = AdministrativeUnit.objects.create(
            level="commune", kind="xa", code=f"9{index:04}", name=f"Xã Thử {index}", parent=district, in_programme=True
        )
        assessment = Assessment.objects.create(unit=unit, year=2021, criteria_set=criteria_set)
        CriterionResult.objects.bulk_create(
            CriterionResult(
                assessment=assessment, criterion=criterion, is_met=criterion.number <= 10 + index, method="entered"
            )
            for criterion in criteria
        )
        Recognition.objects.create(
            unit=unit, tier=Tier.NTM, year=2020, decision_number="1/QĐ-UBND", decision_date=datetime.date(2020, 12, 1)
        )
    # Every writer of results keeps the assessment's summary; so does this fixture.
    assessment_summaries_refresh(Assessment.objects.filter(unit__parent=district).values_list("pk", flat=True))
    return province


# session, user, memberships, districts, sets, criteria, communes, their assessments, their recognitions, and
# the session's pushed-on idle expiry (SESSION_SAVE_EVERY_REQUEST: savepoint, UPDATE, release)
GRID_QUERIES = 12


def test_grid_queries_do_not_grow_with_the_communes(client, django_assert_max_num_queries):
    province = small_province(3)
    member(client, province, Membership.Role.PROVINCE_STAFF)
    with django_assert_max_num_queries(GRID_QUERIES):
        small = grid(client, unit=province.pk, year=2021)
    assert len(rows(small)) == 3
    assert small.context["grid"].summary.by_band == {
        "all": 0,
        "15_18": 0,
        "10_14": 3,
        "5_9": 0,
        "under_5": 0,
        "under_10": 0,
    }
    assert [row.met for row in small.context["grid"].rows] == [10, 11, 12]

    cao_bang = load_demo()
    member(client, cao_bang, Membership.Role.PROVINCE_STAFF, username="cao.bang")
    with django_assert_max_num_queries(GRID_QUERIES):
        large = grid(client, unit=cao_bang.pk, year=2021)
    assert len(rows(large)) == 139


def test_empty_states(client):
    province = small_province(2)
    member(client, province, Membership.Role.PROVINCE_STAFF)
    no_results = grid(client, unit=province.pk, year=2022)
    assert rows(no_results) == [] and "empty-state" in no_results.content.decode()
    AdministrativeUnit.objects.filter(parent__parent=province).update(valid_to=datetime.date(2025, 6, 30))
    no_communes = grid(client, unit=province.pk, year=2026)
    assert no_communes.context["grid"].communes == 0
    assert "empty-state" in no_communes.content.decode()


def test_overview_lists_every_province_for_an_administrator(client):
    province = small_province(3)
    other = AdministrativeUnit.objects.create(level="province", kind="tinh", code="98", name="Tỉnh Khác")
    admin = get_user_model().objects.create_superuser(username="quantri", password=PASSWORD)
    client.force_login(admin)
    response = client.get(OVERVIEW, {"year": 2021})
    by_unit = {row.unit: row for row in response.context["rows"]}
    assert set(by_unit) == {province, other}
    assert by_unit[province].summary == band_summary(within=province, year=2021)
    assert by_unit[other].summary.communes == 0
    assert f'href="{GRID}?unit={province.pk}&amp;year=2021"' in response.content.decode()

"""History across the 2025 reform: a new commune's page shows the old communes it was formed from, each under
its old name and set; an old commune split between two new ones appears under both and is counted once.

The Cao Bằng demo: the new Xã Độc Lập (1/7/2025) was formed from the old Cai Bộ, Quảng Hưng and Độc Lập;
Quảng Hưng was recognised NTM for 2020 and the old Độc Lập for 2021.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import TWO_TIER_MAP_START, AdministrativeUnit, Membership
from criteria.models import Assessment, CriteriaSet, CriterionResult
from criteria.selectors import NO_ASSESSMENT, commune_lineage, commune_successors, year_results
from criteria.services import assessment_summaries_refresh
from reports.figures import report_figures
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

OLD_NAMES = ["Xã Cai Bộ", "Xã Độc Lập", "Xã Quảng Hưng"]  # in Vietnamese order: Đ after D
OWN_MET_2026 = 7


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def province(demo, db):
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


def new_commune(name: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level="commune", name=name, valid_from=TWO_TIER_MAP_START)


def old_commune(name: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level="commune", name=name, valid_from__isnull=True)


@pytest.fixture
def doc_lap(province) -> AdministrativeUnit:
    """The new Xã Độc Lập with its own 2026 results on QĐ 51/2025: seven of the ten criteria."""
    unit = new_commune("Xã Độc Lập")
    qd51 = CriteriaSet.objects.get(code="QD51-2025")
    # The demo's own 2026 results give way to these: the totals below count this commune's alone.
    Assessment.objects.filter(year=2026).delete()
    assessment = Assessment.objects.create(unit=unit, year=2026, criteria_set=qd51)
    CriterionResult.objects.bulk_create(
        CriterionResult(
            assessment=assessment,
            criterion=criterion,
            is_met=criterion.number <= OWN_MET_2026,
            method=CriterionResult.Method.ENTERED,
        )
        for criterion in qd51.criteria.all()
    )
    assessment_summaries_refresh([assessment.pk])
    return unit


@pytest.fixture
def split_cai_bo(province) -> AdministrativeUnit:
    """The old Cai Bộ, made to pass partly into the new Xã Thạch An as well (the demo has no split)."""
    cai_bo = old_commune("Xã Cai Bộ")
    cai_bo.successors.add(new_commune("Xã Thạch An"))
    return cai_bo


def staff_client(client, province):
    user = get_user_model().objects.create_user(username="can.bo.tinh", password=PASSWORD)
    Membership.objects.create(user=user, unit=province, role=Membership.Role.PROVINCE_STAFF)
    client.force_login(user)
    return client


def visible_text(html: str) -> str:
    """The text as read: tags as spaces, spaces collapsed, none before a semicolon or comma."""
    return re.sub(r" ([;,])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))


def page_text(response) -> str:
    assert response.status_code == 200
    return visible_text(response.content.decode())


def lineage_text(response) -> str:
    html = response.content.decode()
    section = html[html.index('<section class="lineage"') :]
    return visible_text(section[: section.index("</section>")])


def test_the_lineage_lists_the_old_communes_year_by_year_in_a_few_queries(doc_lap, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        lineage = commune_lineage(unit=doc_lap)

    assert [predecessor.name for predecessor in lineage.predecessors] == OLD_NAMES
    assert not any(predecessor.split for predecessor in lineage.predecessors)
    assert [each.year for each in lineage.years] == list(range(2016, 2026))
    of_2024 = {result.predecessor.name: result for result in lineage.years[-2].results}
    for name in OLD_NAMES:
        stored = year_results(within=old_commune(name), year=2024).communes[0]
        assert (of_2024[name].met, of_2024[name].criteria, of_2024[name].set_code) == (stored.met, 19, "QD318-2022")
        assert of_2024[name].status == stored.status != NO_ASSESSMENT
    assert of_2024["Xã Quảng Hưng"].tier == "ntm" and of_2024["Xã Cai Bộ"].tier == ""
    recognised = [(predecessor.name, recognition.year) for predecessor, recognition in lineage.recognitions]
    assert recognised == [("Xã Độc Lập", 2021), ("Xã Quảng Hưng", 2020)]


def test_an_old_commune_has_no_lineage_and_names_its_successor(province):
    cai_bo = old_commune("Xã Cai Bộ")

    assert not commune_lineage(unit=cai_bo)
    assert [link.name for link in commune_successors(unit=cai_bo)] == ["Xã Độc Lập"]
    assert commune_successors(unit=new_commune("Xã Độc Lập")) == ()


def test_the_new_commune_page_shows_the_old_results_and_its_own(doc_lap, client, province):
    response = staff_client(client, province).get(reverse("criteria:commune", args=[doc_lap.pk, 2026]))

    text = page_text(response)
    history = lineage_text(response)
    assert "Lịch sử trước sắp xếp (trước 1/7/2025)" in history
    assert "Hình thành từ: Xã Cai Bộ (cũ); Xã Độc Lập (cũ); Xã Quảng Hưng (cũ)" in history
    lineage = commune_lineage(unit=doc_lap)
    of_2024 = {result.predecessor.name: result.met for result in lineage.years[-2].results}
    row_2024 = history[history.index(" 2024 ") : history.index(" 2023 ")]
    for name in OLD_NAMES:
        assert f"{name} (cũ) 318/QĐ-TTg {of_2024[name]}/19 tiêu chí" in row_2024
    assert "Xã Quảng Hưng (cũ): đạt chuẩn Nông thôn mới năm 2020" in history
    assert "Xã Độc Lập (cũ): đạt chuẩn Nông thôn mới năm 2021" in history
    # Its own 2026 status is its own: seven of ten, and the predecessors' recognitions do not make it recognised.
    assert f"Đạt {OWN_MET_2026} / 10 tiêu chí" in text
    assert "Đã công nhận:" not in text
    old_page = reverse("criteria:commune", args=[old_commune("Xã Quảng Hưng").pk, 2024])
    assert f'href="{old_page}"' in response.content.decode()


def test_an_old_commune_page_links_to_its_successor(doc_lap, client, province):
    response = staff_client(client, province).get(reverse("criteria:commune", args=[old_commune("Xã Cai Bộ").pk, 2024]))

    assert "Sau sắp xếp (từ 1/7/2025), đơn vị này thuộc: Xã Độc Lập" in page_text(response)
    assert f'href="{reverse("criteria:commune", args=[doc_lap.pk, 2026])}"' in response.content.decode()
    assert '<section class="lineage"' not in response.content.decode()


def test_a_split_commune_appears_under_both_new_communes_labelled(split_cai_bo, doc_lap, client, province):
    client = staff_client(client, province)
    thach_an = new_commune("Xã Thạch An")

    doc_lap_history = lineage_text(client.get(reverse("criteria:commune", args=[doc_lap.pk, 2026])))
    thach_an_history = lineage_text(client.get(reverse("criteria:commune", args=[thach_an.pk, 2026])))

    assert "Xã Cai Bộ (cũ) (một phần, cũng thuộc Xã Thạch An)" in doc_lap_history
    assert "Xã Cai Bộ (cũ) (một phần, cũng thuộc Xã Độc Lập)" in thach_an_history
    assert "Xã Quảng Hưng (cũ)" not in thach_an_history
    successors = page_text(client.get(reverse("criteria:commune", args=[split_cai_bo.pk, 2024])))
    assert "đơn vị này thuộc: Xã Độc Lập, Xã Thạch An" in successors


def test_a_commune_official_reads_the_history_without_links_to_pages_outside_their_scope(doc_lap, client):
    user = get_user_model().objects.create_user(username="can.bo.xa", password=PASSWORD)
    Membership.objects.create(user=user, unit=doc_lap, role=Membership.Role.COMMUNE_OFFICIAL)
    client.force_login(user)

    response = client.get(reverse("criteria:commune", args=[doc_lap.pk, 2026]))

    assert "Xã Quảng Hưng (cũ)" in lineage_text(response)
    old_page = reverse("criteria:commune", args=[old_commune("Xã Quảng Hưng").pk, 2024])
    assert old_page not in response.content.decode()
    assert client.get(old_page).status_code == 404


def test_the_2024_province_totals_are_the_old_units_counted_once(split_cai_bo, doc_lap, province):
    old_units = AdministrativeUnit.objects.in_programme().filter(valid_to=datetime.date(2025, 6, 30))
    stored = dict(
        Assessment.objects.filter(unit__in=old_units, year=2024, criteria_set__code="QD318-2022").values_list(
            "unit_id", "criteria_met"
        )
    )
    assert len(stored) == old_units.count() == 139

    results = year_results(within=province, year=2024)
    figures = report_figures(unit=province, year=2024)

    assert sorted(commune.unit_id for commune in results.communes) == sorted(stored)  # Cai Bộ once, though split
    assert results.summary.criteria_met_total == sum(stored.values()) == figures.criteria_met_total
    assert figures.communes == 139
    assert figures.met_all == sum(1 for met in stored.values() if met == 19)
    # Nothing of the new communes' history is counted on their map: 2026 is their own results alone.
    new_map = year_results(within=province, year=2026)
    assert len(new_map.communes) == 53 and new_map.assessed == 1
    assert new_map.summary.criteria_met_total == OWN_MET_2026
    assert year_results(within=doc_lap, year=2024).communes == ()

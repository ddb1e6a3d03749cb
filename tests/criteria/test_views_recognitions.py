"""Recognitions and targets through real requests: the pages people use, their Vietnamese messages, the
confirmation before a withdrawal, and the counts the dashboard and the report figures give afterwards."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Recognition, Target, Tier
from ntm_portal.models import ChangeRecord
from reports.figures import report_figures
from tests.criteria.test_recognitions import decision_pdf
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2021


def login(client, who):
    client.login(username=who, password=PASSWORD)
    return client


def recognitions_url(world, unit=None):
    return reverse("criteria:recognitions", kwargs={"unit_id": (unit or world.commune_a).pk, "year": YEAR})


def decision(**fields):
    return {
        "tier": "ntm",
        "year": YEAR,
        "decision_number": "2850/QĐ-UBND",
        "decision_date": "31/12/2021",
        "signer": "Phó Chủ tịch UBND tỉnh",
        "note": "",
        **fields,
    }


def dashboard_recognised(client, world) -> str:
    page = client.get(reverse("reports:dashboard"), {"unit": world.province.pk, "year": YEAR}).content.decode()
    return re.search(r'data-figure="recognised">(\d+)', page).group(1)


def grid_tiers(client, world) -> int:
    """Rows of the results grid showing the NTM tier."""
    grid = client.get(reverse("criteria:grid"), {"unit": world.province.pk, "year": YEAR}).content.decode()
    return grid.count("<td>Nông thôn mới</td>")


def test_a_recognition_recorded_in_the_browser_counts_on_the_dashboard_the_grid_and_in_the_report(client, world):
    login(client, "province_staff")
    held = report_figures(unit=world.province, year=YEAR).tier("ntm").held
    assert (dashboard_recognised(client, world), held, grid_tiers(client, world)) == ("0", 0, 0)

    response = client.post(recognitions_url(world), decision(decision_file=decision_pdf()))

    assert response.status_code == 302
    figures = report_figures(unit=world.province, year=YEAR)
    assert (figures.tier("ntm").held, figures.tier("ntm").new_count) == (1, 1)
    assert dashboard_recognised(client, world) == "1"
    assert grid_tiers(client, world) == 1
    page = client.get(recognitions_url(world)).content.decode()
    assert "quyet-dinh-2850.pdf" in page and "2850/QĐ-UBND" in page


def test_the_commune_page_links_to_its_recognitions(client, world):
    page = login(client, "leader").get(
        reverse("criteria:commune", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})
    )
    assert recognitions_url(world) in page.content.decode()


def test_readers_see_recognitions_without_the_form(client, world):
    recognition = Recognition.objects.create(
        unit=world.commune_a,
        tier=Tier.NTM,
        year=YEAR,
        decision_number="46/QĐ-UBND",
        decision_date=datetime.date(2022, 1, 20),
    )
    edit = reverse("criteria:recognition_edit", kwargs={"recognition_id": recognition.pk})
    for who in ("leader", "official_a", "district_staff"):
        page = login(client, who).get(recognitions_url(world))
        assert page.status_code == 200
        content = page.content.decode()
        assert "46/QĐ-UBND" in content
        assert 'class="recognition-form"' not in content
        assert edit not in content


def test_a_future_decision_date_is_refused_in_vietnamese_and_nothing_is_written(client, world):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = login(client, "province_staff").post(
        recognitions_url(world), decision(decision_date=tomorrow.strftime("%d/%m/%Y"), decision_file=decision_pdf())
    )
    assert response.status_code == 400
    assert "Ngày quyết định không được ở tương lai." in response.content.decode()
    assert not Recognition.objects.exists()


def test_a_missing_number_is_refused_in_vietnamese(client, world):
    response = login(client, "province_staff").post(recognitions_url(world), decision(decision_number=""))
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in response.content.decode()
    assert not Recognition.objects.exists()


def test_a_second_decision_of_the_same_tier_and_year_is_refused(client, world):
    login(client, "province_staff").post(recognitions_url(world), decision())
    response = client.post(recognitions_url(world), decision(decision_number="1/QĐ-UBND"))
    assert response.status_code == 400
    assert "đã có quyết định công nhận" in response.content.decode()
    assert list(Recognition.objects.values_list("decision_number", flat=True)) == ["2850/QĐ-UBND"]


def test_a_correction_through_the_form_is_shown_in_the_history(client, world):
    login(client, "province_staff").post(recognitions_url(world), decision())
    recognition = Recognition.objects.get()
    url = reverse("criteria:recognition_edit", kwargs={"recognition_id": recognition.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, decision(signer="Chủ tịch UBND tỉnh"))
    assert response.status_code == 302
    page = client.get(recognitions_url(world)).content.decode()
    assert "Phó Chủ tịch UBND tỉnh → Chủ tịch UBND tỉnh" in page


def test_withdrawing_asks_for_confirmation_first(client, world):
    login(client, "province_staff").post(recognitions_url(world), decision())
    recognition = Recognition.objects.get()
    url = reverse("criteria:recognition_withdraw", kwargs={"recognition_id": recognition.pk})

    asked = client.get(url)
    assert asked.status_code == 200
    assert "Thu hồi công nhận" in asked.content.decode()
    recognition.refresh_from_db()
    assert recognition.withdrawn_on is None

    response = client.post(url, {"withdrawn_on": "04/05/2023", "withdrawal_decision": "90/QĐ-UBND"})
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert (recognition.withdrawn_on, recognition.withdrawal_decision) == (datetime.date(2023, 5, 4), "90/QĐ-UBND")
    assert report_figures(unit=world.province, year=2023).tier("ntm").held == 0
    assert "Thu hồi ngày 04/05/2023" in client.get(recognitions_url(world)).content.decode()


@pytest.mark.parametrize("who", ["district_staff", "official_a", "leader"])
def test_others_cannot_record_correct_or_withdraw(client, world, who):
    recognition = Recognition.objects.create(
        unit=world.commune_a,
        tier=Tier.NTM,
        year=YEAR,
        decision_number="46/QĐ-UBND",
        decision_date=datetime.date(2022, 1, 20),
    )
    login(client, who)
    assert client.post(recognitions_url(world), decision(tier="ntm_nang_cao")).status_code == 404
    edit = reverse("criteria:recognition_edit", kwargs={"recognition_id": recognition.pk})
    withdraw = reverse("criteria:recognition_withdraw", kwargs={"recognition_id": recognition.pk})
    assert client.post(edit, decision()).status_code == 404
    assert client.post(withdraw, {"withdrawn_on": "04/05/2023", "withdrawal_decision": "9"}).status_code == 404
    assert Recognition.objects.count() == 1
    assert not ChangeRecord.objects.filter(action="recognition").exists()


def targets_url(world, year=2022, unit=None):
    return reverse("criteria:targets", kwargs={"unit_id": (unit or world.province).pk, "year": year})


def test_targets_set_on_the_province_page_reach_the_report_plan(client, world):
    login(client, "province_staff")
    assert client.get(targets_url(world)).status_code == 200
    response = client.post(
        targets_url(world),
        {"average": "16", "source_decision": "QĐ 867/QĐ-UBND", "ntm": [world.commune_a.pk, world.commune_b.pk]},
    )
    assert response.status_code == 302
    plan = report_figures(unit=world.province, year=2021).plan  # the report of a year plans the next
    assert (plan.year, plan.average, plan.new["ntm"]) == (2022, 16, 2)
    assert report_figures(unit=world.province, year=2022).planned_average == 16
    page = client.get(targets_url(world)).content.decode()
    assert "Xã Hưng Đạo, Xã Đức Long" in page  # the history
    commune_page = client.get(recognitions_url(world)).content.decode()
    assert re.search(r"<td>2022</td><td>Nông thôn mới</td><td>QĐ 867/QĐ-UBND</td>", commune_page)


def test_an_average_is_typed_as_the_plans_write_it_with_its_decimals(client, world):
    login(client, "province_staff")
    client.post(targets_url(world), {"average": "16", "source_decision": ""})
    response = client.post(targets_url(world), {"average": "16,44", "source_decision": "QĐ 867/QĐ-UBND"})
    assert response.status_code == 302
    assert report_figures(unit=world.province, year=2022).planned_average == Decimal("16.44")
    page = client.get(targets_url(world)).content.decode()
    assert 'data-figure="average-target">16,44' in page
    assert "16 → 16,44" in page  # the history, in Vietnamese numbers


def test_an_average_above_the_criteria_is_refused_in_vietnamese(client, world):
    response = login(client, "province_staff").post(targets_url(world), {"average": "25", "source_decision": ""})
    assert response.status_code == 400
    assert "từ 0 đến 19 tiêu chí" in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["district_staff", "leader"])
def test_readers_see_targets_but_cannot_set_them(client, world, who):
    login(client, who)
    unit = world.district if who == "district_staff" else world.province
    page = client.get(targets_url(world, unit=unit))
    assert page.status_code == 200
    assert 'class="targets-form"' not in page.content.decode()
    assert client.post(targets_url(world, unit=unit), {"average": "12"}).status_code == 404
    assert not Target.objects.exists()


def test_a_commune_has_no_targets_page(client, world):
    assert login(client, "province_staff").get(targets_url(world, unit=world.commune_a)).status_code == 404


HUGE = "99999999999999999999"


@pytest.mark.parametrize("year", ["99999", "1800", "0", HUGE])
def test_targets_of_a_year_outside_the_sets_are_not_found(client, world, year):
    path = targets_url(world).replace("/2022/", f"/{year}/")
    assert login(client, "province_staff").get(path).status_code == 404


@pytest.mark.parametrize("name", ["criteria:recognition_edit", "criteria:recognition_withdraw"])
def test_a_recognition_id_beyond_the_database_range_is_not_found(client, world, name):
    path = reverse(name, kwargs={"recognition_id": 1}).replace("/1/", f"/{HUGE}/")
    assert login(client, "province_staff").get(path).status_code == 404


@pytest.mark.parametrize(
    ("field", "written"),
    [("year", "99999"), ("year", HUGE), ("year", "2024.5"), ("year", "32000"), ("decision_date", "31/02/2021")],
)
def test_hostile_recognition_fields_are_refused_in_vietnamese(client, world, field, written):
    response = login(client, "province_staff").post(recognitions_url(world), decision(**{field: written}))
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Recognition.objects.exists()


@pytest.mark.parametrize("written", [HUGE, "1e309", "-5", "abc", "16,444"])
def test_hostile_averages_are_refused(client, world, written):
    response = login(client, "province_staff").post(targets_url(world), {"average": written, "source_decision": ""})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Target.objects.exists()


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_read_a_fixed_number_of_queries_whatever_they_list(client, world):
    login(client, "province_staff")
    client.post(recognitions_url(world), decision(decision_file=decision_pdf()))
    client.post(targets_url(world), {"average": "15", "ntm": [world.commune_a.pk]})
    few = queries_of(client, recognitions_url(world)), queries_of(client, targets_url(world))
    for year, tier in ((2022, "ntm_nang_cao"), (2023, "ntm_kieu_mau"), (2024, "ntm_nang_cao")):
        client.post(
            recognitions_url(world),
            decision(tier=tier, year=year, decision_date=f"20/12/{year}", decision_file=decision_pdf(f"qd-{year}.pdf")),
        )
    client.post(
        targets_url(world), {"average": "16", "ntm": [world.commune_a.pk], "ntm_nang_cao": [world.commune_b.pk]}
    )
    assert Recognition.objects.filter(decision_file__isnull=False).count() == 4
    assert (queries_of(client, recognitions_url(world)), queries_of(client, targets_url(world))) == few


def test_the_dashboard_links_to_the_targets_of_its_year(client, world):
    # Without results the dashboard opens on the default year; the link follows whatever year it shows.
    page = login(client, "leader").get(reverse("reports:dashboard"), {"unit": world.province.pk})
    year = page.context["year"]
    assert targets_url(world, year=year) in page.content.decode()
    assert login(client, "leader").get(targets_url(world, year=year)).status_code == 200

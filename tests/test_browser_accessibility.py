"""axe-core on the key pages, signed in as the people who use them: no serious or critical violation."""

import io
from functools import partial

import pytest
from django.urls import reverse

from criteria.models import Assessment
from criteria.services import criteria_set_for
from tests.accessibility import assert_accessible
from tests.browser_sign_in import sign_in as sign_in_as
from tests.personas import PASSWORD

sign_in = partial(sign_in_as, password=PASSWORD)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019


def open_page(page, live_server, username, path):
    sign_in(page, live_server, username)
    assert page.goto(f"{live_server.url}{path}").status == 200
    assert_accessible(page)


def commune_path(name, world):
    return reverse(f"criteria:{name}", kwargs={"unit_id": world.commune_a.pk, "year": YEAR})


def test_sign_in_page(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)


def test_dashboard(page, live_server, world):
    open_page(page, live_server, "leader", reverse("reports:dashboard"))


def test_results_grid(page, live_server, world):
    open_page(page, live_server, "province_staff", f"{reverse('criteria:grid')}?year={YEAR}")


def test_commune_page(page, live_server, world):
    criteria_set = criteria_set_for(unit=world.commune_a, year=YEAR)
    Assessment.objects.create(unit=world.commune_a, year=YEAR, criteria_set=criteria_set)
    open_page(page, live_server, "official_a", commune_path("commune", world))


def test_entry_form(page, live_server, world):
    open_page(page, live_server, "official_a", commune_path("entry", world))


def test_entry_form_after_a_refused_save(page, live_server, world):
    open_page(page, live_server, "official_a", commune_path("entry", world))
    page.locator(".entry-form input[type=text]").first.fill("120")
    page.click(".entry-form .form-actions button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    assert_accessible(page)


def test_evidence_page(page, live_server, world):
    open_page(page, live_server, "official_a", commune_path("evidence", world))


def test_reports_page(page, live_server, world):
    open_page(page, live_server, "province_staff", reverse("reports:list"))


def test_import_page(page, live_server, world):
    open_page(page, live_server, "province_staff", reverse("import_start"))


def test_the_pages_full_of_a_provinces_results(page, live_server):
    """The demo province (217 communes, years of results, a report): long tables and full forms pass too."""
    from django.core.management import call_command

    from ntm_portal.demo.accounts import DEMO_PASSWORD

    call_command("load_demo", stdout=io.StringIO())
    draft = Assessment.objects.filter(year=2025, status="draft").order_by("unit__code").first()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "vpdp.tinh")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    commune = reverse("criteria:commune", kwargs={"unit_id": draft.unit.pk, "year": 2025})
    for path in ("/dashboard/", "/results/?year=2025", commune, f"{commune}edit/", f"{commune}evidence/", "/reports/"):
        assert page.goto(f"{live_server.url}{path}").status == 200
        assert_accessible(page)

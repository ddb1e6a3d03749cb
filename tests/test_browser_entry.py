"""Headless Chromium: province staff enter a commune's result and see the grid change; scope holds in the browser."""

import re

import pytest
from django.core.management import call_command

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriterionResult
from criteria.services import criteria_set_for
from tests.browser_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
# Criteria QĐ 318 lists no indicators for: their result is entered directly.
DIRECT_CRITERIA = (1, 2, 4, 6, 7, 13, 16)


def grid_row(page, unit):
    return page.locator(f"tr:has(a[href$='/communes/{unit.pk}/{YEAR}/'])")


def test_province_staff_enter_a_result_and_the_grid_changes(page, live_server):
    call_command("load_demo")
    draft = (
        Assessment.objects.filter(year=YEAR, status="draft", unit__parent__name="Huyện Bảo Lâm")
        .select_related("unit")
        .order_by("unit__code")
        .first()
    )
    unit = draft.unit
    missing = (
        CriterionResult.objects.filter(assessment=draft, is_met=False, criterion__number__in=DIRECT_CRITERIA)
        .select_related("criterion")
        .order_by("criterion__number")
        .first()
    )
    assert missing is not None, "the demo commune should miss a directly entered criterion"
    met_before = CriterionResult.objects.filter(assessment=draft, is_met=True).count()

    sign_in(page, live_server, "vpdp.tinh")
    page.goto(f"{live_server.url}/results/?year={YEAR}")
    row = grid_row(page, unit)
    assert row.count() == 1
    assert str(met_before) in row.inner_text()

    row.locator(f"a[href$='/communes/{unit.pk}/{YEAR}/']").click()
    page.wait_for_url(re.compile(rf"/communes/{unit.pk}/{YEAR}/$"))
    page.click(f"a[href$='/communes/{unit.pk}/{YEAR}/edit/']")
    page.select_option(f"#id_crit_{missing.criterion.pk}_result", "met")
    page.click(".entry-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/communes/{unit.pk}/{YEAR}/$"))
    assert page.locator(".message-success").count() == 1

    page.goto(f"{live_server.url}/results/?year={YEAR}")
    row = grid_row(page, unit)
    assert str(met_before + 1) in row.inner_text()
    assert CriterionResult.objects.get(pk=missing.pk).is_met is True


def test_a_commune_official_cannot_open_another_commune(page, live_server):
    call_command("load_demo")
    other = AdministrativeUnit.objects.get(name="Xã Chu Trinh")
    sign_in(page, live_server, "xa.hungdao")
    with page.expect_navigation():
        page.click("a.btn:text('Bắt đầu từ đây')")  # the home page's start: the official's own commune
    assert "/communes/" in page.url
    response = page.goto(f"{live_server.url}/communes/{other.pk}/2021/")
    assert response.status == 404
    assert "Chu Trinh" not in page.content()


def test_a_commune_official_enters_a_whole_year_by_keyboard_only(page, live_server, world):
    from criteria.models import IndicatorValue
    from tests.keyboard_entry import enter_commune_year, indicator_ids
    from tests.personas import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official_a")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/communes/{world.commune_a.pk}/2024/edit/")

    run = enter_commune_year(page)

    assert run.keystrokes == run.ideal  # no stop in the Tab order but the values and "Lưu"
    assert re.search(rf"/communes/{world.commune_a.pk}/2024/$", page.url)
    assert page.locator(".message-success").count() == 1
    assessment = Assessment.objects.get(unit=world.commune_a, year=2024)
    stored = set(IndicatorValue.objects.filter(assessment=assessment).values_list("indicator_id", flat=True))
    assert stored == indicator_ids(run.field_ids)
    assert all(value.value not in (None, "", {}) for value in IndicatorValue.objects.filter(assessment=assessment))
    # Criteria without indicators take the result typed; the others follow their values and thresholds.
    direct = CriterionResult.objects.filter(assessment=assessment, criterion__indicators__isnull=True)
    assert direct.exists() and all(result.is_met for result in direct)


def test_a_refused_save_shows_its_summary_focuses_the_field_and_leaving_asks_first(page, live_server, world):
    from tests.keyboard_entry import VALUE_FIELDS
    from tests.personas import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official_a")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/communes/{world.commune_a.pk}/2024/edit/")
    values = page.locator(VALUE_FIELDS)
    assert page.evaluate("document.activeElement.id") == values.first.get_attribute("id")  # cursor in the first
    first = values.evaluate_all(
        """elements => elements.map(element => element.id).filter(id =>
            (document.getElementById(id + "_helptext") || {}).textContent?.includes("tỷ lệ %")).pop()"""
    )
    page.fill(f"#{first}", "120")
    page.focus(f"#{first}")
    with page.expect_navigation() as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 400

    summary = page.locator("#error-summary[role=alert]")
    assert summary.is_visible()
    assert "Nhập tỷ lệ % từ 0 đến 100." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == first
    # The last percentage on the form, far down: the page scrolls to it, it does not reload at the top.
    box = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") > 0 and 0 <= box < page.viewport_size["height"]
    assert summary.locator(f"a[href='#{first}']").count() == 1
    page.evaluate("document.activeElement.blur()")
    summary.locator(f"a[href='#{first}']").click()
    assert page.evaluate("document.activeElement.id") == first  # the summary's link puts the cursor there

    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click(".entry-form .form-actions a.btn")  # "Hủy": the typed value was refused, not saved
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/")


def test_submit_asks_first_saying_what_it_locks(page, live_server, world):
    from tests.accessibility import assert_accessible
    from tests.personas import PASSWORD

    criteria_set = criteria_set_for(unit=world.commune_a, year=2024)
    Assessment.objects.create(unit=world.commune_a, year=2024, criteria_set=criteria_set)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official_a")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/communes/{world.commune_a.pk}/2024/")
    page.click("button[data-step=submit]")
    page.wait_for_url(re.compile(r"/transition/submit/$"))
    assert "Xã sẽ không sửa được các kết quả này nữa" in page.inner_text("main")
    assert_accessible(page)
    assert Assessment.objects.get(unit=world.commune_a, year=2024).status == "draft"  # asked, not done
    page.click(".step-form button[data-step=submit]")
    page.wait_for_url(re.compile(rf"/communes/{world.commune_a.pk}/2024/$"))
    assert Assessment.objects.get(unit=world.commune_a, year=2024).status == "submitted"

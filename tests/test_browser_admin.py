"""Headless Chromium: a demo account signs in to the admin and finds a commune by its unaccented name."""

import pytest
from django.core.management import call_command

from ntm_portal.demo.accounts import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_staff_signs_in_and_searches_units_without_diacritics(page, live_server):
    call_command("load_demo")

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "vpdp.tinh")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").inner_text() == "Cổng thông tin Nông thôn mới"

    page.goto(f"{live_server.url}/admin/communes/administrativeunit/?q=hung+dao")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 3  # Hưng Đạo exists in three districts of Cao Bằng
    assert "Xã Hưng Đạo" in page.locator("#result_list").inner_text()


def test_commune_official_cannot_enter_the_admin(page, live_server):
    call_command("load_demo")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "xa.hungdao")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    assert page.url.startswith(f"{live_server.url}/admin/login/")
    assert page.locator(".errornote").count() == 1

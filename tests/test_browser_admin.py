"""Headless Chromium: a demo account signs in to the admin and finds a commune by its unaccented name."""

import pytest
from django.core.management import call_command

from ntm_portal.demo.accounts import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_signs_in_and_searches_units_without_diacritics(page, live_server):
    call_command("load_demo")

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").inner_text() == "Cổng thông tin Nông thôn mới"

    page.goto(f"{live_server.url}/admin/communes/administrativeunit/?q=hung+dao")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 3  # Hưng Đạo exists in three districts of Cao Bằng
    assert "Xã Hưng Đạo" in page.locator("#result_list").inner_text()


@pytest.mark.parametrize("username", ["xa.hungdao", "vpdp.tinh"])
def test_only_administrators_enter_the_unscoped_admin(page, live_server, username):
    call_command("load_demo")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    assert page.url.startswith(f"{live_server.url}/admin/login/")
    assert page.locator(".errornote").count() == 1

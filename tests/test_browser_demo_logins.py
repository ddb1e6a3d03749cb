"""Headless Chromium: every demo login lands on a working page of the year the portal opens on (2026)."""

import pytest
from django.core.management import call_command

from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_FOUND = ("Page not found", "Không tìm thấy")
# Xã Hưng Đạo of the three-tier map ended on 30/6/2025: its official lands on its last year.
LAST_YEAR_OF = {"xa.hungdao": "2025"}


def test_every_demo_login_lands_on_a_working_page(page, live_server):
    call_command("load_demo")
    for account in ACCOUNTS:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", account.username)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation() as landing:
            page.click("form[action$='/accounts/login/'] button[type=submit]")
        response = landing.value
        text = page.inner_text("body")
        assert response.status == 200, (account.username, page.url)
        assert not any(words in text for words in NOT_FOUND), (account.username, page.url)
        assert LAST_YEAR_OF.get(account.username, "2026") in page.inner_text("h1"), (account.username, page.url)

"""Headless Chromium: every demo login lands on its home page, listing its next tasks (or saying none is
waiting), and its "start here" link opens a working page of the year the portal opens on (2026)."""

import pytest
from django.core.management import call_command

from ntm_portal.demo.accounts import ACCOUNTS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_FOUND = ("Page not found", "Không tìm thấy")
# Xã Hưng Đạo of the three-tier map ended on 30/6/2025: its official starts on its last year, and its
# 2025 results are submitted, so nothing waits for him.
LAST_YEAR_OF = {"xa.hungdao": "2025"}
NOTHING_WAITING = {"xa.hungdao", "lanhdao.tinh"}  # the demo is loaded here without its issued report


def test_every_demo_login_lands_on_its_tasks_and_starts_on_a_working_page(page, live_server):
    call_command("load_demo")
    for account in ACCOUNTS:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", account.username)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation() as landing:
            page.click("form[action$='/accounts/login/'] button[type=submit]")
        assert landing.value.status == 200, account.username
        assert page.url == f"{live_server.url}/", account.username
        assert "Việc cần làm tiếp theo" in page.inner_text("main")
        tasks = page.locator(".task-list a")
        if account.username in NOTHING_WAITING:
            assert tasks.count() == 0 and "Không có việc đang chờ." in page.inner_text("main"), account.username
        else:
            assert tasks.count() > 0, account.username
            first_task = tasks.first.get_attribute("href")

        with page.expect_navigation() as start:
            page.click("text=Bắt đầu từ đây")
        text = page.inner_text("body")
        assert start.value.status == 200, (account.username, page.url)
        assert not any(words in text for words in NOT_FOUND), (account.username, page.url)
        assert LAST_YEAR_OF.get(account.username, "2026") in page.inner_text("h1"), (account.username, page.url)

        if account.username not in NOTHING_WAITING:
            response = page.goto(f"{live_server.url}{first_task}")
            assert response.status == 200, (account.username, first_task)

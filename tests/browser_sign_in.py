"""Signing in from the browser tests: the sign-in page filled and sent as a person would, on a fresh session."""

from ntm_portal.demo.accounts import DEMO_PASSWORD


def sign_in(page, live_server, username, *, password=DEMO_PASSWORD, login_path="/accounts/login/"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{login_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form#login-form input[type=submit], form[action$='/accounts/login/'] button[type=submit]")

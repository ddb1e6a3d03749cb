"""The API's docs page in headless Chromium under the Content-Security-Policy: Swagger UI loads from the project's
static files, reads the schema and lists the endpoints without a single violation (the autouse fixture of
tests/conftest.py fails the test on one); a signed-in user calls an endpoint from it with their session."""

import pytest

from tests.personas import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_works_under_the_policy(page, live_server):
    build_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official_a")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/accounts/login/'] button[type=submit]")
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response.status == 200
    page.wait_for_selector("#operations-assessments-assessments_list")
    assert page.locator(".opblock").count() == 12
    page.click("#operations-assessments-assessments_list .opblock-summary")
    page.click("#operations-assessments-assessments_list .try-out__btn")
    page.click("#operations-assessments-assessments_list .execute")
    body = page.wait_for_selector("#operations-assessments-assessments_list .live-responses-table .microlight")
    assert '"count": 0' in body.inner_text()

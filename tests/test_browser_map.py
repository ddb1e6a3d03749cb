"""Headless Chromium: province staff upload their communes' boundaries on the page, check the preview and confirm;
the dashboard then shows the map, each commune naming itself and its count when hovered, under the strict CSP."""

import re

import pytest
from django.contrib.auth import get_user_model

from communes.models import Membership
from tests.boundary_files import squares
from tests.reports.handmade import YEAR, build_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-ban-do-2026"


def test_staff_upload_boundaries_and_the_dashboard_draws_the_map(page, live_server, tmp_path):
    province = build_province()
    staff = get_user_model().objects.create_user("vanphong", password=PASSWORD)
    Membership.objects.create(user=staff, unit=province, role=Membership.Role.PROVINCE_STAFF)
    geojson = tmp_path / "ranh-gioi.geojson"
    geojson.write_bytes(squares([("99001", "Xã Một"), ("99002", "Xã Hai"), ("99777", "Xã Lạ")]))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/boundaries/")
    page.set_input_files("#id_file", str(geojson))
    page.click("form.import-form button[type=submit]")
    page.wait_for_url(re.compile(r"/boundaries/\d+/$"))
    assert page.locator("[data-count=matched]").inner_text() == "2"
    assert "Xã Lạ" in page.locator("table.boundary-unmatched").inner_text()
    page.click("form[action$='/confirm/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/boundaries/$"))

    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")
    communes = page.locator("figure.map-chart svg path.commune")
    assert communes.count() == 2
    assert communes.first.bounding_box()["width"] > 100  # drawn at its size, not an empty box
    assert communes.first.locator("title").text_content() == "Xã Một: 19/19 tiêu chí"
    page.click("details.map-table summary")
    assert "Xã Hai" in page.locator("details.map-table table").inner_text()

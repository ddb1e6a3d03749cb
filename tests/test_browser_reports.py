"""Headless Chromium: a leader signs in, lands on the dashboard, sees the charts and downloads the issued PDF."""

import datetime
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model

from communes.models import Membership
from reports.services import report_create, report_issue, report_save
from tests.reports.handmade import YEAR, build_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-lanh-dao-2026"


def test_a_leader_sees_the_charts_and_downloads_the_issued_pdf(page, live_server, tmp_path):
    province = build_province()
    staff = get_user_model().objects.create_user("vanphong", password=PASSWORD)
    leader = get_user_model().objects.create_user("lanhdao", password=PASSWORD)
    Membership.objects.create(user=staff, unit=province, role=Membership.Role.PROVINCE_STAFF)
    Membership.objects.create(user=leader, unit=province, role=Membership.Role.LEADER)
    report = report_create(user=staff, unit=province, kind="annual", year_from=YEAR, year_to=YEAR)
    header = {"number": "15", "issued_on": datetime.date(2022, 3, 10)}
    report = report_save(user=staff, report=report, version=report.version, header=header, narrative={})
    report_issue(user=staff, report=report, version=report.version)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lanhdao")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))  # the leader's next tasks, then the dashboard
    # The dashboard opens on the current year (no results yet in this province); the leader picks the year.
    page.goto(f"{live_server.url}/dashboard/?year={YEAR}")

    assert page.locator("[data-figure=average]").inner_text().startswith("11,60")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 3  # criteria over the years, communes by band, funding by source
    assert charts.first.bounding_box()["width"] > 200  # drawn, not an empty box
    assert "11,60" in charts.first.inner_html()

    with page.expect_download() as download:
        page.click("a[href$='/file/pdf/']")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = " ".join(
        subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, check=True).stdout.decode().split()
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 15/BC-BCĐ" in text

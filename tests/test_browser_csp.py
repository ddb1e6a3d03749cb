"""Headless Chromium under the Content-Security-Policy: the key pages of the demo, the scripts they rely on (the
year switch, the upload, the evidence viewer, the admin's export page) and the charts work without a single
violation. The autouse fixture of tests/conftest.py fails any browser test on a violation; the last test shows
that it notices one."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from reports.services import report_create
from tests.browser_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    return response


def test_the_key_pages_and_their_scripts_work_under_the_policy(page, live_server, tmp_path):
    call_command("load_demo")
    base = live_server.url
    commune = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    province = AdministrativeUnit.objects.get(level="province", name__contains="Cao Bằng", valid_from__isnull=True)
    report = report_create(
        user=get_user_model().objects.get(username="vpdp.tinh"), unit=province, kind="annual", year_from=YEAR,
        year_to=YEAR,
    )  # fmt: skip
    photo = tmp_path / "anh-nha-van-hoa.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    # The commune official: upload through the progress script, then open the photo in the viewer.
    sign_in(page, live_server, "xa.hungdao")
    visit(page, f"{base}/communes/{commune.pk}/{YEAR}/evidence/")
    page.set_input_files("#id_files", [str(photo)])
    page.fill("#id_issuer", "UBND xã Hưng Đạo")
    page.click(".upload-form button[type=submit]")
    page.wait_for_selector(".evidence-row")
    with page.expect_popup() as opened:
        page.click(".evidence-row a[href$='/view/']")
    viewer = opened.value
    viewer.wait_for_load_state()
    photo_shown = viewer.locator(".evidence-viewer img")
    assert photo_shown.evaluate("image => image.complete && image.naturalWidth") == 64
    viewer.close()

    # Province staff: every page of the portal's menu.
    sign_in(page, live_server, "vpdp.tinh")
    for path in ("/", f"/results/?year={YEAR}", f"/communes/{commune.pk}/{YEAR}/edit/", "/reports/",
                 f"/reports/{report.pk}/", "/imports/", "/criteria-sets/"):  # fmt: skip
        visit(page, f"{base}{path}")
    visit(page, f"{base}/dashboard/?year={YEAR}")
    charts = page.locator("figure.chart svg")
    assert charts.count() > 0 and charts.first.bounding_box()["width"] > 200
    visit(page, f"{base}/funding/?unit={province.pk}")
    assert page.locator("table.funding th[class^='depth-']").count() > 0
    national = CriteriaSet.objects.get(code="QD51-2025")
    visit(page, f"{base}/criteria-sets/{national.pk}/")
    visit(page, f"{base}/criteria-sets/{national.pk}/copy/")

    # The year switch navigates through navigate.js, no longer an onchange attribute.
    visit(page, f"{base}/communes/{commune.pk}/{YEAR}/")
    other_year = next(
        year for year in page.locator("select[name=year] option").all_inner_texts() if year.strip() != str(YEAR)
    ).strip()
    with page.expect_navigation():
        page.select_option("select[name=year]", label=other_year)
    assert page.url == f"{base}/communes/{commune.pk}/{other_year}/"

    # The administrator: a change list, a change form with its widgets, and the export page's select-all box.
    sign_in(page, live_server, "quantri", login_path="/admin/login/")
    visit(page, f"{base}/admin/communes/administrativeunit/?q=hung+dao")
    visit(page, f"{base}/admin/communes/administrativeunit/{commune.pk}/change/")
    visit(page, f"{base}/admin/funding/fundingrecord/")
    visit(page, f"{base}/admin/funding/fundingrecord/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    assert fields.count() > 1
    page.uncheck("input.select-toggle")
    assert not any(fields.nth(index).is_checked() for index in range(fields.count()))


def test_a_violation_fails_the_browser_test(page, live_server, no_content_security_policy_violation):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")  # a style attribute: refused
    page.evaluate("0")
    violations = no_content_security_policy_violation
    assert any(re.search("inline style", violation) for violation in violations), violations
    violations.clear()  # noticed: the fixture's own check at teardown now passes

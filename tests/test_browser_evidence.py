"""Headless Chromium: an official uploads a PDF and a photo, staff accept one and reject the other, the official
sees both results."""

import io
import re

import pytest
import weasyprint
from django.core.management import call_command
from PIL import Image

from communes.models import AdministrativeUnit
from criteria.models import Evidence
from tests.browser_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def test_upload_review_and_see_the_results(page, live_server, tmp_path):
    call_command("load_demo")
    commune = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    evidence_page = f"{live_server.url}/communes/{commune.pk}/{YEAR}/evidence/"
    pdf = tmp_path / "Biên bản họp dân.pdf"
    pdf.write_bytes(weasyprint.HTML(string="<p>Biên bản họp dân xã Hưng Đạo</p>").write_pdf())
    photo = tmp_path / "anh-nha-van-hoa.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    sign_in(page, live_server, "xa.hungdao")
    page.goto(evidence_page)
    page.set_input_files("#id_files", [str(pdf), str(photo)])
    page.fill("#id_issuer", "UBND xã Hưng Đạo")
    page.click(".upload-form button[type=submit]")
    page.wait_for_selector(".evidence-row >> nth=1")
    assert Evidence.objects.filter(assessment__unit=commune).count() == 2

    sign_in(page, live_server, "vpdp.tinh")
    page.goto(evidence_page)
    document_row = page.locator(".evidence-row", has_text="Biên bản họp dân")
    document_row.locator("button[value=accept]").click()
    page.wait_for_load_state()
    photo_row = page.locator(".evidence-row", has_text="anh-nha-van-hoa")
    photo_row.locator("input[name=comment]").fill("Ảnh mờ, đề nghị chụp lại")
    photo_row.locator("button[value=reject]").click()
    page.wait_for_load_state()

    sign_in(page, live_server, "xa.hungdao")
    page.goto(evidence_page)
    table = page.locator(".evidence-table").inner_text()
    assert re.search(r"Biên bản họp dân.*(Đã chấp nhận|Accepted)", table, re.S)
    assert "Ảnh mờ, đề nghị chụp lại" in table
    assert page.locator(".replace-form").count() == 1  # the rejected photo can be replaced

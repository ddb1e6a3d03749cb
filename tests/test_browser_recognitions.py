"""Headless Chromium: province staff open a commune's recognitions from its page, record a decision with its
scanned file, and see it listed with the file, which joined the commune's evidence of that year."""

import pytest
import weasyprint
from django.core.management import call_command

from communes.models import AdministrativeUnit
from criteria.models import Recognition
from tests.test_browser_evidence import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024


def test_record_a_recognition_with_its_decision_file(page, live_server, tmp_path):
    call_command("load_demo")
    commune = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent__name="Thành phố Cao Bằng")
    decision = tmp_path / "Quyết định công nhận NTM nâng cao.pdf"
    decision.write_bytes(
        weasyprint.HTML(string="<p>Quyết định công nhận xã Hưng Đạo đạt chuẩn NTM nâng cao</p>").write_pdf()
    )

    sign_in(page, live_server, "vpdp.tinh")
    page.goto(f"{live_server.url}/communes/{commune.pk}/{YEAR}/")
    page.click(f"a[href$='/communes/{commune.pk}/{YEAR}/recognitions/']")
    page.wait_for_selector(".recognition-form")
    page.select_option("#id_tier", "ntm_nang_cao")
    page.fill("#id_year", str(YEAR))
    page.fill("#id_decision_number", "2100/QĐ-UBND")
    page.fill("#id_decision_date", "25/12/2024")
    page.fill("#id_signer", "Phó Chủ tịch UBND tỉnh")
    page.set_input_files("#id_decision_file", str(decision))
    page.click(".recognition-form button[type=submit]")
    page.wait_for_selector('.recognition-row:has-text("2100/QĐ-UBND")')

    row = page.locator(".recognition-row", has_text="2100/QĐ-UBND")
    assert "Quyết định công nhận NTM nâng cao.pdf" in row.inner_text()
    recognition = Recognition.objects.select_related("decision_file__assessment").get(decision_number="2100/QĐ-UBND")
    assert (recognition.unit, recognition.tier, recognition.year) == (commune, "ntm_nang_cao", YEAR)
    assert (recognition.decision_file.assessment.unit, recognition.decision_file.assessment.year) == (commune, YEAR)
    assert "2100/QĐ-UBND" in page.locator(".history-table").inner_text()

    with page.expect_download() as download:
        row.locator("a", has_text="Quyết định công nhận").click()
    assert download.value.suggested_filename.endswith(".pdf")

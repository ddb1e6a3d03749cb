"""2026 on the demo (QĐ 51/2025, 10 criteria, no districts): a recognition of the hiện đại tier recorded in the
browser reaches the report's text and its Biểu 03, and the year's targets are checked against 10 criteria."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import AdministrativeUnit
from criteria.models import Assessment, Recognition, Tier
from ntm_portal.demo.accounts import DEMO_PASSWORD
from reports.appendix import appendix_xlsx
from reports.document import Paragraph
from reports.figures import report_figures
from reports.models import Report
from reports.services import report_create
from reports.structure import report_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module")]

YEAR = 2026


@pytest.fixture
def province():
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code="04")


@pytest.fixture
def staff(client):
    assert client.login(username="vpdp.tinh", password=DEMO_PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


def report_text(province) -> str:
    author = get_user_model().objects.get(username="vpdp.tinh")
    report = report_create(user=author, unit=province, kind=Report.Kind.ANNUAL, year_from=YEAR, year_to=YEAR)
    blocks = report_document(report, report_figures(unit=province, year=YEAR)).blocks
    return " ".join(block.text for block in blocks if isinstance(block, Paragraph))


def biểu_03_value(province, label: str):
    """The report year's ("TH 2026") cell of a row of Biểu 03, read back from the workbook."""
    book = openpyxl.load_workbook(io.BytesIO(appendix_xlsx(report_figures(unit=province, year=YEAR, appendix=True))))
    rows = list(book["Biểu 03"].iter_rows(values_only=True))
    column = next(row for row in rows if "STT" in row).index(f"TH {YEAR}")
    return next(row for row in rows if row[1] == label)[column]


def test_a_hien_dai_recognition_of_2026_is_counted_stated_and_in_the_appendix(staff, province):
    commune = Assessment.objects.get(unit__name="Xã Hòa An", year=YEAR).unit
    before = report_figures(unit=province, year=YEAR)
    assert [tier.tier for tier in before.tiers] == [Tier.NTM, Tier.MODERN]  # no nâng cao nor kiểu mẫu in 2026
    assert "hiện đại" not in report_text(province)

    response = staff.post(
        reverse("criteria:recognitions", kwargs={"unit_id": commune.pk, "year": YEAR}),
        {"tier": Tier.MODERN, "year": YEAR, "decision_number": "15/QĐ-UBND", "decision_date": "01/12/2026",
         "signer": "Chủ tịch UBND tỉnh", "note": ""},
    )  # fmt: skip

    assert response.status_code == 302
    assert Recognition.objects.filter(unit=commune, tier=Tier.MODERN, year=YEAR).exists()
    after = report_figures(unit=province, year=YEAR)
    assert after.tier(Tier.MODERN).held == 1 and after.tier(Tier.MODERN).new == (commune.name,)
    assert after.tier(Tier.NTM).held == before.tier(Tier.NTM).held + (commune.pk not in _ntm_holders(province))
    assert "01 xã đạt chuẩn nông thôn mới hiện đại" in report_text(province)
    assert biểu_03_value(province, "Số xã đạt chuẩn NTM hiện đại") == 1


def _ntm_holders(province) -> set[int]:
    """Communes holding NTM during 2026 before the test's decision (the demo's earlier recognitions)."""
    return set(
        Recognition.objects.filter(tier=Tier.NTM, year__lte=YEAR, withdrawn_on__isnull=True)
        .exclude(decision_number="15/QĐ-UBND")
        .values_list("unit_id", flat=True)
    )


def test_a_nang_cao_recognition_is_refused_in_2026(staff, province):
    commune = Assessment.objects.get(unit__name="Xã Hòa An", year=YEAR).unit
    response = staff.post(
        reverse("criteria:recognitions", kwargs={"unit_id": commune.pk, "year": YEAR}),
        {"tier": Tier.ADVANCED, "year": YEAR, "decision_number": "16/QĐ-UBND", "decision_date": "01/12/2026",
         "signer": "", "note": ""},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Recognition.objects.filter(decision_number="16/QĐ-UBND").exists()


def test_the_2026_targets_are_checked_against_the_10_criteria_of_qd_51(staff, province):
    url = reverse("criteria:targets", kwargs={"unit_id": province.pk, "year": YEAR})
    page = staff.get(url)
    assert page.status_code == 200
    assert set(page.context["form"].tiers) == {Tier.NTM, Tier.MODERN}

    refused = staff.post(url, {"average": "11", "source_decision": ""})
    assert refused.status_code == 400
    assert "từ 0 đến 10 tiêu chí" in refused.content.decode()

    assert staff.post(url, {"average": "8,5", "source_decision": "KH 12/KH-UBND"}).status_code == 302
    assert report_figures(unit=province, year=YEAR).planned_average == Decimal("8.5")


def test_the_2026_report_states_its_communes_against_10_criteria(province):
    figures = report_figures(unit=province, year=YEAR)
    assert figures.criteria_count == 10
    text = report_text(province)
    assert f"Năm {YEAR} có {figures.met_all:02d} xã đạt đủ 10/10 tiêu chí" in text
    assert "19/19" not in text

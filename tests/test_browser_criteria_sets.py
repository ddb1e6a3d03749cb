"""Headless Chromium, the acceptance flow of the criteria-set editor: province staff copy QĐ 51/2025 into a
Cao Bằng set, enter group-3 thresholds for two indicators with their sources, then change one threshold, see
which communes flip, apply it, and the grid, the commune page and the report agree; the history shows it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Indicator
from criteria.services import assessment_save
from ntm_portal.models import ChangeRecord
from reports.figures import report_figures
from tests.test_browser_entry import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2026
CODE = "QD51-2025-CB"
SOURCE = "QĐ 12/2026/QĐ-UBND tỉnh Cao Bằng, Phụ lục I, mục {}"
REASON = "Nâng ngưỡng quy hoạch theo QĐ 15/2026/QĐ-UBND"


def add_indicator(page, number: int, code: str, text: str, rule: str, unit: str) -> None:
    page.click(f"#criterion-{number} a[href$='/indicators/new/']")
    page.fill("#id_code", code)
    page.fill("#id_text", text)
    page.select_option("#id_rule", rule)
    page.select_option("#id_value_kind", "percent")
    page.fill("#id_unit", unit)
    page.click(".set-form button[type=submit]")
    page.wait_for_url(re.compile(r"/criteria-sets/\d+/$"))


def enter_group3(page, code: str, value: str, source: str) -> None:
    page.click(f"[data-indicator='{code}'] a.thresholds-link")
    row = page.locator("tr[data-applies-to='nhom3']")
    row.locator("input[name$='-value']").fill(value)
    row.locator("input[name$='-source']").fill(source)
    page.click(".thresholds-form button[type=submit]")


def what_each_page_shows(page, live_server, province, unit) -> dict[str, tuple[int, bool]]:
    """(criteria met, criterion 1 met) of the commune on its page and in the grid; the report's province totals."""
    page.goto(f"{live_server.url}/communes/{unit.pk}/{YEAR}/")
    met = int(re.search(r"Đạt (\d+) / \d+ tiêu chí", page.content()).group(1))
    planning_met = "status-met" in page.locator("td[data-criterion='1']").first.get_attribute("class")
    page.goto(f"{live_server.url}/results/?year={YEAR}&unit={province.pk}")
    row = page.locator(f"tr:has(a[href$='/communes/{unit.pk}/{YEAR}/'])")
    grid_met = int(row.locator("td.num").first.inner_text())
    grid_planning = row.locator("td[class^='status-']").first.get_attribute("class") == "status-met"
    figures = report_figures(unit=province, year=YEAR)
    planning = next(criterion for criterion in figures.criteria if criterion.number == 1)
    return {"commune page": (met, planning_met), "grid": (grid_met, grid_planning), "report": planning.met}


def test_province_staff_copy_the_national_set_enter_thresholds_and_correct_one_with_a_preview(page, live_server):
    call_command("load_demo")
    province = AdministrativeUnit.objects.get(level="province", name__contains="Cao Bằng", valid_from__isnull=True)
    communes = list(
        AdministrativeUnit.objects.filter(level="commune", kind="xa", in_programme=True, parent=province)
        .valid_on(datetime.date(YEAR, 1, 1))
        .order_by("code")[:2]
    )
    for unit in communes:  # the office has classified them: group 3 (areas II and III)
        unit.commune_group = 3
        unit.save(update_fields=["commune_group"])
    flipping, staying = communes

    sign_in(page, live_server, "vpdp.tinh")
    page.goto(f"{live_server.url}/criteria-sets/")
    page.click("tr[data-set='QD51-2025'] a[href$='/copy/']")
    page.fill("#id_code", CODE)
    page.fill("#id_name", "Bộ tiêu chí xã nông thôn mới tỉnh Cao Bằng giai đoạn 2026-2030")
    page.fill("#id_decision_number", "12/2026/QĐ-UBND")
    page.click(".set-form button[type=submit]")
    page.wait_for_url(re.compile(r"/criteria-sets/\d+/$"))
    assert page.locator(".message-success").count() == 1

    add_indicator(page, 1, "1.1", "Tỷ lệ thôn có quy hoạch được phê duyệt", "at_least", "%")
    add_indicator(page, 2, "2.1", "Tỷ lệ đường xã được cứng hóa", "at_least", "%")
    enter_group3(page, "1.1", "80", SOURCE.format("1.1"))
    page.wait_for_url(re.compile(r"/criteria-sets/\d+/$"))
    enter_group3(page, "2.1", "70", SOURCE.format("2.1"))
    page.wait_for_url(re.compile(r"/criteria-sets/\d+/$"))
    detail = page.locator("[data-indicator='1.1'] tr[data-applies-to='nhom3']").inner_text()
    assert "80" in detail and SOURCE.format("1.1") in detail
    assert "chưa có ngưỡng" in page.locator("[data-indicator='1.1']").inner_text()  # the groups left empty

    criteria_set = CriteriaSet.objects.get(code=CODE)
    assert (criteria_set.issuing_unit, criteria_set.parent.code) == (province, "QD51-2025")
    indicators = {
        indicator.code: indicator for indicator in Indicator.objects.filter(criterion__criteria_set=criteria_set)
    }
    staff = get_user_model().objects.get(username="vpdp.tinh")
    for unit, planning in ((flipping, "85"), (staying, "95")):  # the values, as the entry form saves them
        assessment_save(
            user=staff, unit=unit, year=YEAR, version=0,
            values={indicators["1.1"].pk: Decimal(planning), indicators["2.1"].pk: Decimal("75")}, direct={},
        )  # fmt: skip
    before = what_each_page_shows(page, live_server, province, flipping)
    assert before["commune page"] == before["grid"] == (2, True)

    page.goto(f"{live_server.url}/criteria-sets/{criteria_set.pk}/")
    enter_group3(page, "1.1", "90", SOURCE.format("1.1"))
    flips = page.locator(".preview-flips tbody tr")
    assert flips.count() == 1
    assert flipping.name in flips.inner_text() and "chưa đạt" in flips.inner_text()
    assert staying.name not in page.locator(".preview-flips").inner_text()
    page.fill("#id_reason", REASON)
    page.click(".apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/criteria-sets/\d+/$"))
    assert page.locator(".message-success").count() == 1
    assert REASON in page.locator(".history-table").inner_text()

    after = what_each_page_shows(page, live_server, province, flipping)
    assert after["commune page"] == after["grid"] == (1, False)
    assert after["report"] == before["report"] - 1
    assert Assessment.objects.get(unit=flipping, year=YEAR, criteria_set__code=CODE).criteria_met == 1
    assert (
        ChangeRecord.objects.about(Assessment.objects.get(unit=flipping, year=YEAR, criteria_set__code=CODE))
        .filter(comment=REASON)
        .exists()
    )
    page.goto(f"{live_server.url}/communes/{flipping.pk}/{YEAR}/")
    assert REASON in page.content()  # the commune's history says why its result changed

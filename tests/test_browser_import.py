"""Headless Chromium: district staff download the entry template of their scope, fill it, upload it, see the
one error in the preview, upload the corrected file, confirm, and find the results on the grid."""

import re
from functools import partial

import openpyxl
import pytest

from criteria.models import Assessment
from tests.browser_sign_in import sign_in as sign_in_as
from tests.personas import PASSWORD

sign_in = partial(sign_in_as, password=PASSWORD)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024


def fill(path, marks_by_name: dict[str, list[str]]) -> None:
    """Write the marks of each named commune into the template, as a clerk would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = next(row for row in sheet.iter_rows() if any(cell.value == "TC1" for cell in row))
    columns = {cell.value: cell.column for cell in header if cell.value}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        marks = marks_by_name.get(row[columns["Tên xã"] - 1].value)
        for number, mark in enumerate(marks or [], start=1):
            sheet.cell(row=row[0].row, column=columns[f"TC{number}"], value=mark or None)
    book.save(path)


def upload(page, path) -> None:
    page.set_input_files("#id_file", str(path))
    page.click(".import-form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def test_staff_import_the_template_they_filled(page, live_server, world, tmp_path):
    sign_in(page, live_server, "district_staff")
    page.goto(f"{live_server.url}/results/?year={YEAR}")
    with page.expect_download() as download:
        page.click("a[href*='template=1']")
    template = tmp_path / "mau-nhap-lieu.xlsx"
    download.value.save_as(template)

    all_met = ["x"] * 19
    fill(template, {"Xã Hưng Đạo": all_met, "Xã Đức Long": ["x"] * 11 + ["đạt rồi"] + [""] * 7})
    page.click(f"a[href$='/imports/?kind=results&year={YEAR}']")
    assert page.locator("#id_kind_0").is_checked()
    upload(page, template)

    errors = page.locator(".import-errors tbody tr")
    assert errors.count() == 1
    assert "TC12" in errors.inner_text() and "đạt rồi" in errors.inner_text()
    assert page.locator("form[action$='/confirm/']").count() == 0
    assert not Assessment.objects.exists()

    fill(template, {"Xã Đức Long": ["x"] * 12 + [""] * 7})
    upload(page, template)  # the corrected file, from the form under the errors
    assert page.locator("[data-count=new]").inner_text() == "2"
    assert page.locator("[data-count=errors]").inner_text() == "0"
    assert not Assessment.objects.exists()

    page.click("form[action$='/confirm/'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/results/\?year={YEAR}$"))
    assert page.locator(".message-success").count() == 1
    for commune, met in ((world.commune_a, 19), (world.commune_b, 12)):
        row = page.locator(f"tr:has(a[href$='/communes/{commune.pk}/{YEAR}/'])")
        assert str(met) in row.inner_text()
        assert Assessment.objects.get(unit=commune, year=YEAR).criteria_met == met

"""Exporting the results grid in the wide layout (.xlsx, CSV, the blank template) through the view, and
importing the export back: the same results, commune by commune. On the Cao Bằng demo."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.models import Assessment, CriterionResult, Evidence
from criteria.selectors import criteria_set_in_force
from criteria.services import results_import
from ntm_portal.demo.accounts import DEMO_PASSWORD
from ntm_portal.models import ChangeRecord

YEAR = 2021
COMMUNES = 139
EXPORT = reverse("criteria:results_export")
HEADER_ROW = 3


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def province(demo, db):
    return AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)


@pytest.fixture
def city(province):
    return AdministrativeUnit.objects.get(parent=province, level="district", short_name="Cao Bằng")


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def export(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def met_results(year=YEAR):
    """{(unit id, criterion number): is_met} of every stored result of the year."""
    return {
        (unit_id, number): is_met
        for unit_id, number, is_met in CriterionResult.objects.filter(assessment__year=year).values_list(
            "assessment__unit_id", "criterion__number", "is_met"
        )
    }


def delete_year(year=YEAR):
    assessments = Assessment.objects.filter(year=year)
    ChangeRecord.objects.all().delete()  # history rows may point at the results
    Evidence.objects.filter(assessment__in=assessments).delete()
    CriterionResult.objects.filter(assessment__in=assessments).delete()
    assessments.delete()
    assert not Assessment.objects.filter(year=year).exists()


def import_back(content, file_name, year=YEAR):
    criteria_set = criteria_set_in_force(year=year)
    checked = results_file_check(content, year=year, criteria_set=criteria_set, file_name=file_name)
    assert checked.errors == []
    assert len(checked.rows) == COMMUNES
    summary = results_import(user=None, year=year, criteria_set=criteria_set, rows=checked.rows, dry_run=False)
    assert summary.errors == []
    assert summary.written


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize(("kind", "file_name"), [("xlsx", "ket-qua.xlsx"), ("csv", "ket-qua.csv")])
def test_an_export_imports_back_to_the_same_results(client, province, kind, file_name):
    before = met_results()
    assert len(before) == COMMUNES * 19  # the demo has a result for every commune and criterion
    content = export(login(client, "vpdp.tinh"), unit=province.pk, year=YEAR, format=kind)

    delete_year()
    assert met_results() == {}
    import_back(content, file_name)

    assert met_results() == before


def test_the_workbook_has_a_frozen_bold_header_and_a_row_per_commune_with_its_total(client, province):
    response = login(client, "vpdp.tinh").get(EXPORT, {"unit": province.pk, "year": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert 'filename="ket-qua-tinh-cao-bang-2021.xlsx"' in disposition
    assert "filename*=UTF-8''K%E1%BA%BFt-qu%E1%BA%A3-T%E1%BB%89nh-Cao-B%E1%BA%B1ng-2021.xlsx" in disposition

    sheet = workbook(response.content)
    assert sheet["A1"].value.startswith("Kết quả thực hiện Bộ tiêu chí")
    assert sheet["A1"].value.endswith(f"năm {YEAR} – {province.name}")
    assert all(cell.value is None for cell in sheet[2])
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == ["STT", "Tên xã", "Huyện", "Mã xã", *(f"TC{n}" for n in range(1, 20)), "Tổng số tiêu chí đạt"]
    assert all(cell.font.bold for cell in sheet[HEADER_ROW])
    assert sheet.freeze_panes == "E4"
    assert sheet["E3"].comment is not None and sheet["E3"].comment.text.startswith("Tiêu chí 1. ")
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["E"].width

    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert len(rows) == COMMUNES
    met_by_code = dict(
        Assessment.objects.filter(year=YEAR).values_list("unit__code", "criteria_met")
    )  # stored with the results
    for number, row in enumerate(rows, 1):
        marks = row[4:23]
        assert row[0] == number
        assert set(marks) <= {"x", None}  # never "-"
        assert row[23] == marks.count("x") == met_by_code[row[3]]
    assert sheet.cell(row=HEADER_ROW + 1, column=24).number_format == "0"


def test_the_csv_is_utf8_with_a_bom_and_semicolons(client, province):
    content = export(login(client, "vpdp.tinh"), unit=province.pk, year=YEAR, format="csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0].endswith(province.name) and rows[1] == []
    assert rows[2][:4] == ["STT", "Tên xã", "Huyện", "Mã xã"]
    assert len(rows) == HEADER_ROW + COMMUNES
    assert all(set(row[4:23]) <= {"x", ""} and int(row[23]) == row[4:23].count("x") for row in rows[3:])


def test_the_template_has_the_communes_blank_marks_and_a_validation_on_every_mark(client, province):
    response = login(client, "vpdp.tinh").get(EXPORT, {"unit": province.pk, "year": YEAR, "template": 1})
    assert 'filename="mau-nhap-lieu-tinh-cao-bang-2021.xlsx"' in response["Content-Disposition"]
    content = response.content
    sheet = workbook(content)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert len(rows) == COMMUNES
    assert all(row[1] and row[3] for row in rows)
    assert all(value is None for row in rows for value in row[4:])  # marks and total blank, no formula

    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"x"' and validation.allow_blank
    last = HEADER_ROW + COMMUNES
    assert str(validation.sqref) == f"E4:W{last}"
    covered = {cell for ranges in validation.sqref.ranges for cell in ranges.cells}
    assert len(covered) == COMMUNES * 19


def test_a_district_exports_only_its_communes_and_nothing_of_the_province(client, province, city):
    login(client, "vpdp.thanhpho")
    assert client.get(EXPORT, {"unit": province.pk, "year": YEAR}).status_code == 404
    assert client.get(EXPORT, {"unit": province.pk, "year": YEAR, "template": 1}).status_code == 404

    for params in ({"unit": city.pk}, {}):
        sheet = workbook(export(client, year=YEAR, **params))
        rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        assert len(rows) == 3
        assert {row[2] for row in rows} == {city.name}


def test_anonymous_users_are_sent_to_log_in(client, province):
    response = client.get(EXPORT, {"unit": province.pk, "year": YEAR})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_grid_links_to_the_exports_with_its_unit_year_and_set(client, province):
    html = login(client, "vpdp.tinh").get(reverse("criteria:grid"), {"unit": province.pk, "year": YEAR}).content
    html = html.decode()
    assert f"{EXPORT}?unit={province.pk}&amp;year={YEAR}&amp;set=" in html
    for label in ("Tải Excel", "Tải CSV", "Tải mẫu nhập liệu"):  # the portal speaks Vietnamese by default
        assert label in html


def test_a_filled_in_template_reads_back_without_errors(client, city):
    book = openpyxl.load_workbook(
        io.BytesIO(export(login(client, "vpdp.thanhpho"), unit=city.pk, year=YEAR, template=1))
    )
    sheet = book.active
    sheet.cell(row=HEADER_ROW + 1, column=5, value="x")  # the first commune meets criterion 1, the rest nothing
    buffer = io.BytesIO()
    book.save(buffer)
    delete_year()  # the demo's 2021 results are approved and locked; the communes fill in a new year

    checked = results_file_check(
        buffer.getvalue(), year=YEAR, criteria_set=criteria_set_in_force(year=YEAR), file_name="mau.xlsx", within=city
    )
    assert checked.errors == []
    assert [sum(row.marks.values()) for row in checked.rows] == [1, 0, 0]

"""2026 in the wide layout: the export and the entry template of QĐ 51/2025 (10 criteria headed by their names,
the commune group, the 53 xã of the two-tier map, no district), read back by the importer through the import
page; marks written in words; the 19-criterion form of the previous period refused. On the Cao Bằng demo."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.models import Assessment, CriterionResult, Evidence
from criteria.selectors import criteria_set_in_force
from ntm_portal.demo.accounts import DEMO_PASSWORD
from ntm_portal.models import ChangeRecord, ImportBatch

YEAR = 2026
COMMUNES = 53
CRITERIA = 10
EXPORT = reverse("criteria:results_export")
START = reverse("import_start")
HEADER_ROW = 3
FIRST_MARK = 5  # STT, Tên xã, Mã xã, Nhóm xã, then the criteria
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module", "english_messages")]


@pytest.fixture
def province():
    return AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, code="04")


@pytest.fixture
def criteria_set():
    return criteria_set_in_force(year=YEAR)


@pytest.fixture
def staff(client):
    assert client.login(username="vpdp.tinh", password=DEMO_PASSWORD)
    return client


def units_2026():
    return AdministrativeUnit.objects.communes().in_programme().valid_on(datetime.date(YEAR, 1, 1))


def download(client, **params) -> bytes:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def met_results():
    return set(
        CriterionResult.objects.filter(assessment__year=YEAR).values_list(
            "assessment__unit_id", "criterion__number", "is_met"
        )
    )


def delete_year():
    assessments = Assessment.objects.filter(year=YEAR)
    ChangeRecord.objects.all().delete()
    Evidence.objects.filter(assessment__in=assessments).delete()
    CriterionResult.objects.filter(assessment__in=assessments).delete()
    assessments.delete()


def upload(client, content: bytes) -> ImportBatch:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    file = SimpleUploadedFile("ket-qua-2026.xlsx", content, content_type=XLSX)
    response = client.post(START, {"kind": "results", "year": str(YEAR), "file": file})
    assert response.status_code == 302, response.context and response.context["form"].errors
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def confirm(client, batch: ImportBatch) -> ImportBatch:
    response = client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


@pytest.mark.parametrize("template", [False, True])
def test_the_2026_workbook_has_the_53_xa_the_10_criteria_by_name_and_the_commune_group(
    staff, province, criteria_set, template
):
    params = {"unit": province.pk, "year": YEAR, **({"template": 1} if template else {"format": "xlsx"})}
    sheet = sheet_of(download(staff, **params))

    header = [cell.value for cell in sheet[HEADER_ROW]]
    names = dict(criteria_set.criteria.values_list("number", "name"))
    assert len(names) == CRITERIA
    assert header == [
        "STT",
        "Tên xã",
        "Mã xã",
        "Nhóm xã",
        *(f"TC{number} - {names[number]}" for number in range(1, CRITERIA + 1)),
        "Tổng số tiêu chí đạt",
    ]
    assert "Huyện" not in header
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == COMMUNES
    groups = dict(units_2026().filter(code__in=[row[2] for row in rows]).values_list("code", "commune_group"))
    assert len(groups) == COMMUNES and set(groups.values()) <= {1, 2, 3}
    assert [row[2] for row in rows if row[3] != groups[row[2]]] == []
    if template:
        assert all(value is None for row in rows for value in row[FIRST_MARK - 1 :])
        (validation,) = sheet.data_validations.dataValidation
        assert validation.type == "list" and validation.allow_blank
        assert validation.formula1 == '"x,Đạt,Chưa đạt"'
        assert str(validation.sqref) == f"E4:N{HEADER_ROW + COMMUNES}"
        assert len({cell for ranges in validation.sqref.ranges for cell in ranges.cells}) == COMMUNES * CRITERIA
    else:
        stored = dict(Assessment.objects.filter(year=YEAR).values_list("unit__code", "criteria_met"))
        for row in rows:
            marks = row[FIRST_MARK - 1 : FIRST_MARK - 1 + CRITERIA]
            assert set(marks) <= {"x", None}
            assert row[-1] == marks.count("x") == stored[row[2]]


def test_the_2026_csv_has_the_same_header(staff, province):
    content = download(staff, unit=province.pk, year=YEAR, format="csv")
    lines = content.decode("utf-8-sig").splitlines()
    header = lines[2].split(";")
    assert header[:4] == ["STT", "Tên xã", "Mã xã", "Nhóm xã"] and header[4].startswith("TC1 - ")
    assert len(header) == 4 + CRITERIA + 1 and len(lines) == HEADER_ROW + COMMUNES


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_2026_export_imports_back_through_the_import_page_to_the_same_results(staff, province, kind):
    before = met_results()
    assert len(before) == COMMUNES * CRITERIA
    content = download(staff, unit=province.pk, year=YEAR, format=kind)
    if kind == "csv":  # the import page takes the CSV as Excel saves it: back into a workbook
        book = openpyxl.Workbook()
        for line in content.decode("utf-8-sig").splitlines():
            book.active.append([int(v) if v.isdigit() else (v or None) for v in line.split(";")])
        content = saved(book)
    delete_year()
    assert met_results() == set()

    batch = upload(staff, content)
    assert (batch.status, batch.new_rows, batch.error_rows, batch.errors) == ("checked", COMMUNES, 0, [])
    assert batch.warnings == []  # the groups are the portal's own
    assert confirm(staff, batch).status == "imported"
    assert met_results() == before


def test_marks_in_words_import_as_marks(staff, province, criteria_set):
    book = openpyxl.load_workbook(io.BytesIO(download(staff, unit=province.pk, year=YEAR, template=1)))
    sheet = book.active
    words = {
        "Đạt": True,
        "ĐẠT": True,
        "đạt": True,
        "\u0110a\u0323t": True,  # "Đạt" with a combining dot below, as some keyboards write it
        "x": True,
        "X": True,
        "Chưa đạt": False,
        "chưa  đạt": False,
        "Không đạt": False,
        None: False,
    }
    for column, word in enumerate(words, FIRST_MARK):
        sheet.cell(row=HEADER_ROW + 1, column=column, value=word)
    delete_year()

    checked = results_file_check(saved(book), year=YEAR, criteria_set=criteria_set, file_name="mau.xlsx")
    assert checked.errors == []
    first = sheet.cell(row=HEADER_ROW + 1, column=2).value
    (row,) = [row for row in checked.rows if row.unit.name == first]
    assert row.marks == {number: met for number, met in enumerate(words.values(), 1)}


def test_a_word_that_is_not_a_mark_is_an_error_naming_sheet_row_and_column(staff, province, criteria_set):
    book = openpyxl.load_workbook(io.BytesIO(download(staff, unit=province.pk, year=YEAR, template=1)))
    book.active.cell(row=HEADER_ROW + 2, column=FIRST_MARK + 2, value="Có")
    content = saved(book)
    delete_year()  # the demo's 2026 results are approved: only the bad mark is wrong with the file

    with translation.override("en"):
        (error,) = results_file_check(content, year=YEAR, criteria_set=criteria_set, file_name="mau.xlsx").errors
    assert (error.place.sheet, error.place.row, error.place.column) == ("Năm 2026", HEADER_ROW + 2, "G")
    assert error.place.heading.startswith("TC3 - ")
    assert "“Có” is not a mark" in error.message

    with translation.override("vi"):
        (error,) = results_file_check(content, year=YEAR, criteria_set=criteria_set, file_name="mau.xlsx").errors
    assert "“Có”" in error.message and "Chưa đạt" in error.message and "is not a mark" not in error.message


def test_a_commune_group_other_than_the_portals_is_a_warning_not_an_error(staff, province):
    book = openpyxl.load_workbook(io.BytesIO(download(staff, unit=province.pk, year=YEAR, format="xlsx")))
    sheet = book.active
    cell = sheet.cell(row=HEADER_ROW + 1, column=FIRST_MARK - 1)
    cell.value = 3 if cell.value != 3 else 1
    commune = sheet.cell(row=HEADER_ROW + 1, column=2).value
    delete_year()

    batch = upload(staff, saved(book))
    assert (batch.status, batch.new_rows, batch.error_rows) == ("checked", COMMUNES, 0)
    (warning,) = batch.warnings
    assert "row 4, column D (Nhóm xã)" in warning and commune in warning and f"“{cell.value}”" in warning
    page = staff.get(reverse("import_batch", kwargs={"batch_id": batch.pk})).content.decode()
    assert commune in page and "Confirm the import" in page
    assert confirm(staff, batch).status == "imported"
    unit = units_2026().get(code=sheet.cell(row=HEADER_ROW + 1, column=3).value)
    assert unit.commune_group != cell.value  # the file never changes the group


def test_a_2026_workbook_with_the_19_criteria_of_the_previous_period_is_refused_in_vietnamese(staff, province):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append(["BẢNG TỔNG HỢP KẾT QUẢ NĂM 2026"])
    sheet.append(["STT", "Tên xã", *(f"TC{number}" for number in range(1, 20))])
    sheet.append([1, "Xã Hòa An", *["x"] * 19])
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    file = SimpleUploadedFile("cu.xlsx", saved(book), content_type=XLSX)
    response = staff.post(START, {"kind": "results", "year": str(YEAR), "file": file})
    batch = ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    assert batch.status == "refused"
    (place, message) = batch.errors[0]
    assert len(batch.errors) == 1 and "Kết quả" in place
    assert "QĐ 51/2025" in message or "51/2025/QĐ-TTg" in message
    assert "10 tiêu chí" in message and "2026" in message and "11, 12" in message
    assert Assessment.objects.filter(year=YEAR).exists()  # nothing touched

"""The import page: upload → dry-run preview (nothing written) → confirm (everything written) or cancel.

On the small world of tests/personas.py: the district office of Huyện Hoà An with two communes.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult
from criteria.selectors import criteria_set_in_force
from funding.models import FundingRecord
from ntm_portal.models import ChangeRecord, ImportBatch
from tests.old_excel import as_xls
from tests.personas import PASSWORD

YEAR = 2024
START = reverse("import_start")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("english_messages")


def signed_in(client, world, username="district_staff"):
    assert client.login(username=username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch: pages and messages in English
    return client


def results_workbook(rows: list[tuple], *, title: str = "BẢNG TỔNG HỢP KẾT QUẢ NĂM 2024") -> bytes:
    """A wide results table: title row, header, a row per (commune, marks of criteria 1..19[, district])."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append([title])
    sheet.append(["STT", "Tên xã", "Huyện", *[f"TC{number}" for number in range(1, 20)]])
    for index, (name, marks, *district) in enumerate(rows, start=1):
        sheet.append([index, name, district[0] if district else "Hoà An", *marks])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ALL_MET = ["x"] * 19
SOME_MET = ["x"] * 10 + [""] * 9


def upload(client, content: bytes, *, kind="results", year=YEAR, name="ket-qua.xlsx"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content, content_type=XLSX)}
    if year is not None:
        data["year"] = str(year)
    return client.post(START, data)


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def table_counts() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        CriterionResult.objects.count(),
        ChangeRecord.objects.count(),
        FundingRecord.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["official_a", "leader"])
def test_only_staff_and_administrators_open_the_import_page(client, world, username):
    assert signed_in(client, world, username).get(START).status_code == 404


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(START)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["district_staff", "province_staff", "admin"])
def test_staff_see_the_form_and_an_empty_history(client, world, username):
    response = signed_in(client, world, username).get(START)
    assert response.status_code == 200
    assert "You have not imported any file yet." in response.content.decode()
    assert START in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("convert", "name"), [(lambda xlsx: xlsx, "ket-qua.xlsx"), (as_xls, "ket-qua.xls")])
def test_preview_writes_nothing_and_confirm_writes_every_row(client, world, convert, name):
    signed_in(client, world)
    before = table_counts()
    content = convert(results_workbook([("Xã Hưng Đạo", ALL_MET), ("xã  đức long", SOME_MET)]))
    batch = batch_of(upload(client, content, name=name))
    assert table_counts() == before
    assert (batch.status, batch.new_rows, batch.updated_rows, batch.error_rows) == ("checked", 2, 0, 0)
    page = client.get(reverse("import_batch", kwargs={"batch_id": batch.pk})).content.decode()
    assert 'data-count="new">2<' in page and "Confirm the import" in page

    response = client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 302 and response["Location"] == f"{reverse('criteria:grid')}?year={YEAR}"
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.imported_at is not None
    met = {
        unit: Assessment.objects.get(unit=getattr(world, unit), year=YEAR).criterion_results.filter(is_met=True).count()
        for unit in ("commune_a", "commune_b")
    }
    assert met == {"commune_a": 19, "commune_b": 10}
    assert Assessment.objects.get(unit=world.commune_a, year=YEAR).criteria_met == 19

    # Confirming twice (a double click) writes nothing more.
    after = table_counts()
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert table_counts() == after


@pytest.mark.django_db
def test_a_file_with_an_error_is_refused_with_the_place_and_confirming_it_writes_nothing(client, world):
    signed_in(client, world)
    before = table_counts()
    marks = [*ALL_MET[:4], "có", *ALL_MET[5:]]
    batch = batch_of(upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET), ("Xã Đức Long", marks)])))
    assert batch.status == "refused" and batch.error_rows == 1
    [(place, message)] = batch.errors
    assert place == "sheet “Kết quả”, row 4, column H (TC5)"
    assert "“có” is not a mark" in message
    page = client.get(reverse("import_batch", kwargs={"batch_id": batch.pk})).content.decode()
    assert "1 error: nothing was written" in page and "Upload the corrected file" in page
    assert "Confirm the import" not in page
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert table_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "ket-qua.xlsx", "neither an Excel workbook (.xlsx, .xls) nor a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "ket-qua.xls", "cannot be read: it may be damaged"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(client, world, content, name, message):
    signed_in(client, world)
    before = table_counts()
    batch = batch_of(upload(client, content, name=name))
    assert batch.status == "refused"
    assert message in batch.errors[0][1]
    assert table_counts() == before


@pytest.mark.django_db
def test_form_errors_empty_file_missing_year_oversize(client, world, settings):
    signed_in(client, world)
    response = upload(client, b"")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)]), year=None)
    assert response.context["form"].errors["year"] == ["Choose the year these results are for."]
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)]))
    assert "files up to 100" in response.context["form"].errors["file"][0]
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_rows_outside_the_users_scope_are_errors(client, world):
    signed_in(client, world)
    workbook = results_workbook([("Xã Hưng Đạo", ALL_MET), ("Xã Nam Mẫu", ALL_MET, "Ba Bể")])
    batch = batch_of(upload(client, workbook))
    assert batch.status == "refused"
    assert [message for _place, message in batch.errors] == ["You may not enter results for Xã Nam Mẫu."]
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_another_user_cannot_see_or_confirm_an_upload(client, world):
    signed_in(client, world)
    workbook = results_workbook([("Xã Hưng Đạo", ALL_MET)])
    batch = batch_of(upload(client, workbook))
    assert batch.status == "checked"
    client.logout()
    assert (
        signed_in(client, world, "province_staff")
        .get(reverse("import_batch", kwargs={"batch_id": batch.pk}))
        .status_code
        == 404
    )
    assert client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk})).status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_cancel_then_confirm_writes_nothing(client, world):
    signed_in(client, world)
    batch = batch_of(upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)])))
    response = client.post(reverse("import_cancel", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 302 and response["Location"] == START
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_data_approved_between_preview_and_confirmation_is_not_overwritten(client, world):
    signed_in(client, world)
    batch = batch_of(upload(client, results_workbook([("Xã Hưng Đạo", SOME_MET)])))
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    Assessment.objects.filter(unit=world.commune_a, year=YEAR).update(status="approved")
    second = batch_of(upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)])))
    assert second.status == "refused"  # already approved at the dry run
    Assessment.objects.filter(unit=world.commune_a, year=YEAR).update(status="draft")
    third = batch_of(upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)])))
    assert third.status == "checked" and third.updated_rows == 1
    Assessment.objects.filter(unit=world.commune_a, year=YEAR).update(status="approved")
    before = table_counts()
    response = client.post(reverse("import_confirm", kwargs={"batch_id": third.pk}))
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{third.pk}/")
    third.refresh_from_db()
    assert third.status == "refused" and "approved and locked" in third.errors[0][1]
    assert table_counts() == before


@pytest.mark.django_db
def test_history_lists_the_users_own_uploads_only(client, world):
    signed_in(client, world)
    batch_of(upload(client, results_workbook([("Xã Hưng Đạo", ALL_MET)]), name="huyen-hoa-an.xlsx"))
    assert "huyen-hoa-an.xlsx" in client.get(START).content.decode()
    client.logout()
    assert "huyen-hoa-an.xlsx" not in signed_in(client, world, "province_staff").get(START).content.decode()
    client.logout()
    assert "huyen-hoa-an.xlsx" in signed_in(client, world, "admin").get(START).content.decode()


@pytest.mark.django_db
def test_the_grid_links_to_the_import_for_staff_only(client, world):
    link = f"{START}?kind=results&amp;year="
    Assessment.objects.create(unit=world.commune_a, year=YEAR, criteria_set=criteria_set_in_force(year=YEAR))
    assert link in signed_in(client, world).get(reverse("criteria:grid"), {"year": YEAR}).content.decode()
    client.logout()
    assert link not in signed_in(client, world, "leader").get(reverse("criteria:grid"), {"year": YEAR}).content.decode()


def table_workbook(headings: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(headings)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_indicator_values_go_through_the_same_preview_and_confirmation(client, world):
    signed_in(client, world)
    content = table_workbook(
        ["Tên xã", "Huyện", "Năm", "Mã chỉ tiêu", "Giá trị"],
        [["Xã Hưng Đạo", "Hoà An", YEAR, "3.1", "85,5"], ["Xã Hưng Đạo", "Hoà An", YEAR, "8.1", "Đạt"]],
    )
    batch = batch_of(upload(client, content, kind="values", year=None, name="chi-tieu.xlsx"))
    assert (batch.status, batch.new_rows, batch.errors) == ("checked", 1, [])
    assert not Assessment.objects.exists()
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assessment = Assessment.objects.get(unit=world.commune_a, year=YEAR)
    values = {value.indicator.code: value.value for value in assessment.indicator_values.select_related("indicator")}
    assert values == {"3.1": Decimal("85.5"), "8.1": True}


@pytest.mark.django_db
def test_funding_goes_through_the_same_preview_and_confirmation(client, world):
    signed_in(client, world)
    content = table_workbook(
        ["Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)"],
        [["Huyện Hoà An", YEAR, "Ngân sách Trung ương", "Huy động", "1.250,5"]],
    )
    batch = batch_of(upload(client, content, kind="funding", year=None, name="nguon-von.xlsx"))
    assert (batch.status, batch.new_rows, batch.errors) == ("checked", 1, [])
    assert not FundingRecord.objects.exists()
    response = client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert response["Location"] == reverse("funding:summary")
    record = FundingRecord.objects.get()
    assert (record.unit, record.year_from, record.amount_vnd, record.kind) == (
        world.district,
        YEAR,
        1_250_500_000,
        "mobilised",
    )


@pytest.mark.django_db
def test_a_long_error_list_is_shown_a_hundred_at_a_time(client, world):
    signed_in(client, world)
    rows = [(f"Xã Không Có {number}", ALL_MET) for number in range(120)]
    batch = batch_of(upload(client, results_workbook(rows)))
    assert batch.status == "refused" and len(batch.errors) == 120
    address = reverse("import_batch", kwargs={"batch_id": batch.pk})
    first = client.get(address).content.decode()
    assert "Page 1 of 2" in first and "Xã Không Có 0" in first and "Xã Không Có 119" not in first
    second = client.get(address, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and "Xã Không Có 119" in second


def provincial_set(province) -> CriteriaSet:
    """The province's own specification of the national set in force in YEAR, with the same criteria numbers."""
    national = criteria_set_in_force(year=YEAR)
    own = CriteriaSet.objects.create(
        code="CB-2022",
        name="Bộ tiêu chí xã nông thôn mới tỉnh Cao Bằng giai đoạn 2021-2025",
        decision_number="01/QĐ-UBND",
        decision_date=datetime.date(2022, 6, 1),
        issuing_level=CriteriaSet.IssuingLevel.PROVINCIAL,
        issuing_unit=province,
        parent=national,
        period_start=national.period_start,
        period_end=national.period_end,
        tier=national.tier,
        assessed_level=national.assessed_level,
        threshold_dimension=national.threshold_dimension,
    )
    Criterion.objects.bulk_create(
        Criterion(criteria_set=own, number=number, name=name)
        for number, name in national.criteria.values_list("number", "name")
    )
    return own


@pytest.mark.django_db
def test_the_page_and_the_command_import_a_file_against_the_provinces_own_set(client, world, tmp_path):
    own = provincial_set(world.province)
    content = results_workbook([("Xã Hưng Đạo", ALL_MET), ("Xã Đức Long", SOME_MET)])
    batch = batch_of(upload(signed_in(client, world), content))
    client.post(reverse("import_confirm", kwargs={"batch_id": batch.pk}))
    assert set(Assessment.objects.values_list("unit__code", "criteria_set__code")) == {
        ("01001", own.code),
        ("01002", own.code),
    }

    file = tmp_path / "ket-qua.xlsx"
    file.write_bytes(content)
    out = io.StringIO()
    call_command("import_results", str(file), "--year", str(YEAR), "--province", "Cao Bằng", stdout=out)
    assert "0 new, 0 updated, 2 unchanged" in out.getvalue()
    assert set(Assessment.objects.values_list("criteria_set__code", flat=True)) == {own.code}

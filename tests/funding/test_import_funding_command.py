"""The funding import from the command line and in the admin (django-import-export), on the Cao Bằng demo."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from communes.models import AdministrativeUnit
from funding.admin import FundingRecordAdmin
from funding.admin_formats import OfficeFundingTable, TextSafeCSV
from funding.models import FundingRecord
from funding.resources import FundingRecordResource
from funding.services import funding_file_import
from ntm_portal.demo.accounts import DEMO_PASSWORD
from ntm_portal.models import ChangeRecord
from tests.funding.test_import_funding import SEED_000, workbook
from tests.old_excel import as_xls

COMMUNE = "Xã Chu Trinh"
HEADER = ("Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)", "Ghi chú")


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def commune(demo, db):
    return AdministrativeUnit.objects.get(name=COMMUNE, parent__name="Thành phố Cao Bằng")


def counts():
    return FundingRecord.objects.count(), ChangeRecord.objects.count()


def import_funding(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_funding", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ── the command ──


def test_a_dry_run_prints_the_counts_and_the_warnings_and_writes_nothing(commune, tmp_path):
    path = tmp_path / "thanh-pho.xlsx"
    path.write_bytes(workbook(SEED_000, total="173.210,97"))
    before = counts()

    out, err = import_funding(path, "--dry-run")

    assert "0 new, 1 updated, 7 unchanged, 0 rows with errors." in out
    assert "Warning: Thành phố Cao Bằng, 2011-2020, Mobilised: Vốn tín dụng: 46.00 is probably 46,000.00" in out
    assert "Dry run: nothing was written." in out
    assert err == ""
    assert counts() == before


def test_the_import_writes_every_row_and_names_the_first_superuser(commune, tmp_path):
    path = tmp_path / "chu-trinh.xlsx"
    rows = [(1, COMMUNE, "2019", "central", "plan", "1,5"), (2, COMMUNE, "2019", "local", "plan", "2")]
    path.write_bytes(workbook(rows))

    out, _err = import_funding(path)

    assert "2 new, 0 updated, 0 unchanged, 0 rows with errors." in out
    assert "The funding records were imported." in out
    assert FundingRecord.objects.get(unit=commune, source__code="central", kind="plan").amount_vnd == 1_500_000
    first_superuser = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    history = ChangeRecord.objects.filter(comment="import", action=ChangeRecord.Action.CREATED)
    assert history.count() == 2 and {record.user for record in history} == {first_superuser}


def test_errors_go_to_stderr_and_fail_the_command_writing_nothing(commune, tmp_path):
    path = tmp_path / "sai.xlsx"
    rows = [(1, COMMUNE, "2019", "central", "plan", "1"), (2, "Xã Qwerty", "2019", "central", "plan", "-1")]
    path.write_bytes(workbook(rows))
    before = counts()
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"Nothing was imported: 2 errors\. Correct the file and import it again\."):
        call_command("import_funding", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "sheet “Kinh phí”, row 6, column B (Đơn vị): No unit named “Xã Qwerty” was found.",
        "sheet “Kinh phí”, row 6, column F (Số tiền (triệu đồng)): The amount cannot be negative.",
    ]
    assert counts() == before


def test_rows_of_another_year_fail_the_command(commune, tmp_path):
    path = tmp_path / "2019.xlsx"
    path.write_bytes(workbook([(1, COMMUNE, "2019", "central", "plan", "1")]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_funding", str(path), "--year", "2020", stdout=io.StringIO(), stderr=err)

    assert "The row is for 2019, not for 2020, the year of this import." in err.getvalue()


def test_a_file_that_cannot_be_read(commune, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_funding(tmp_path / "missing.xlsx")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_funding", str(empty), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == "The file is empty (0 bytes)."


# ── the admin: django-import-export's import page with the same resource ──


def admin_client(client):
    assert client.login(username="quantri", password=DEMO_PASSWORD)
    return client


def upload(rows, header=HEADER) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "kinh-phi.xlsx"
    return buffer


def xlsx_format() -> str:
    return str(FundingRecordAdmin(FundingRecord, None).get_import_formats().index(OfficeFundingTable))


def csv_format() -> str:
    return str(FundingRecordAdmin(FundingRecord, None).get_export_formats().index(TextSafeCSV))


def test_the_admin_import_checks_then_imports_on_confirmation(commune, client):
    client = admin_client(client)
    page = client.get(reverse("admin:funding_fundingrecord_import"))
    assert page.status_code == 200
    assert "Đơn vị" in page.content.decode()
    before = counts()

    checked = client.post(
        reverse("admin:funding_fundingrecord_import"),
        {
            "resource": "0",
            "format": xlsx_format(),
            "import_file": upload([("chu trinh", "2018", "Ngân sách Trung ương", "huy động", 250.75, "Đường GTNT")]),
        },
    )

    assert checked.status_code == 200
    result = checked.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    assert counts() == before  # the check is a dry run

    confirmed = client.post(
        reverse("admin:funding_fundingrecord_process_import"), checked.context["confirm_form"].initial
    )

    assert confirmed.status_code == 302
    record = FundingRecord.objects.get(unit=commune, year_from=2018, source__code="central")
    assert (record.kind, record.amount_vnd, record.note) == ("mobilised", 250_750_000, "Đường GTNT")
    change = ChangeRecord.objects.filter(action=ChangeRecord.Action.CREATED).latest("pk")
    assert change.user.username == "quantri"


def test_the_admin_import_shows_the_refusals_and_offers_no_confirmation(commune, client):
    client = admin_client(client)
    before = counts()

    checked = client.post(
        reverse("admin:funding_fundingrecord_import"),
        {
            "resource": "0",
            "format": xlsx_format(),
            "import_file": upload([(COMMUNE, "2018", "Ngân sách TW", "huy động", "1,5", None)]),
        },
    )

    assert checked.status_code == 200
    assert checked.context["result"].has_validation_errors()
    assert "confirm_form" not in checked.context
    # The admin is Vietnamese like every page: the message is the catalogue's translation.
    assert "Không có nguồn vốn nào có tên hoặc mã “Ngân sách TW”." in checked.content.decode()
    assert counts() == before


@pytest.mark.parametrize(("convert", "name"), [(lambda xlsx: xlsx, "thanh-pho.xlsx"), (as_xls, "thanh-pho.xls")])
def test_the_admin_reads_an_office_table_with_title_rows_and_a_total(commune, client, convert, name):
    """Seed 000's lines as the city office keeps them: title rows, the header on row 4, a total, signatures."""
    client = admin_client(client)
    before = counts()
    content = io.BytesIO(convert(workbook(SEED_000, total="173.210,97")))
    content.name = name

    checked = client.post(
        reverse("admin:funding_fundingrecord_import"),
        {"resource": "0", "format": xlsx_format(), "import_file": content},
    )

    assert checked.status_code == 200
    result = checked.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    # The demo holds these lines with the credit corrected to 46.000,0: the seed's 46,0 changes it back.
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, len(SEED_000) - 1)
    assert counts() == before
    confirmed = client.post(
        reverse("admin:funding_fundingrecord_process_import"), checked.context["confirm_form"].initial
    )
    assert confirmed.status_code == 302
    assert counts()[0] == before[0]
    city = AdministrativeUnit.objects.get(name="Thành phố Cao Bằng", level="district")
    credit = FundingRecord.objects.get(unit=city, year_from=2011, year_to=2020, source__code="credit")
    assert credit.amount_vnd == 46_000_000


def test_the_admin_says_why_a_file_cannot_be_read(commune, client):
    client = admin_client(client)
    content = io.BytesIO(b"%PDF-1.7\n1 0 obj")
    content.name = "kinh-phi.xlsx"

    checked = client.post(
        reverse("admin:funding_fundingrecord_import"),
        {"resource": "0", "format": xlsx_format(), "import_file": content},
    )

    assert checked.status_code == 200
    assert "Tệp không phải là tệp Excel (.xlsx, .xls) hoặc tệp CSV." in checked.content.decode()
    assert "encountered while trying to read file" not in checked.content.decode()


def test_the_admin_export_reads_back_as_unchanged(commune, client):
    client = admin_client(client)
    assert client.get(reverse("admin:funding_fundingrecord_changelist")).status_code == 200
    fields = {f"fundingrecordresource_{name}": "on" for name in FundingRecordResource().get_export_order()}

    exported = client.post(
        reverse("admin:funding_fundingrecord_export"), {"format": csv_format(), "resource": "0", **fields}
    )

    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Đơn vị,Năm,Nguồn vốn,Loại,Số tiền (triệu đồng),Dự án,Ghi chú"
    assert "Thành phố Cao Bằng,2011-2020,Vốn tín dụng,mobilised,46000," in text
    before = counts()

    summary = funding_file_import(content=text.encode(), file_name="export.csv", user=None, dry_run=True)

    assert summary.errors == []
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, FundingRecord.objects.count())
    assert counts() == before

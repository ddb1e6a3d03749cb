"""Formula injection: a text typed by a user that starts with "=", "+", "-" or "@" reaches every spreadsheet
export as that text, a string cell Excel shows as typed, never a formula; CSV fields get OWASP's apostrophe.
Each file is read back with openpyxl (formulas not evaluated) and its sheets' XML is searched for formulas.

None of the exporters writes a formula of its own (the totals are numbers, so that a reader without a
spreadsheet engine sees them): no `<f>` at all may be in any sheet."""

import csv
import io
import re
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from criteria.dossier import dossier_zip_chunks
from criteria.exports_long import indicator_values_xlsx
from criteria.models import Criterion, Indicator
from criteria.set_workbook import criteria_set_workbook, criteria_set_workbook_import
from funding.admin import FundingRecordAdmin
from funding.admin_formats import TextSafeCSV, TextSafeXLSX
from funding.exports import funding_template_xlsx
from funding.models import FundingRecord, FundingSource
from funding.resources import FundingRecordResource
from ntm_portal.spreadsheet_text import storable, text_row
from reports.appendix import appendix_xlsx
from reports.figures import report_figures
from tests.hostile.data import AT, HYPERLINK, MINUS, PLUS, YEAR, accepted_evidence, login, rename

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_formulas(content: bytes) -> list[str]:
    """Every formula element in the workbook's sheets, as raw XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        return [match for name in sheets for match in re.findall(r"<f[ >].*?</f>|<f/>", archive.read(name).decode())]


def formula_like_cells(content: bytes) -> dict[str, list]:
    """Cells whose text starts like a formula, by text, over every sheet."""
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    cells: dict[str, list] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cells.setdefault(cell.value, []).append(cell)
    return cells


def assert_kept_as_text(content: bytes, *texts: str) -> None:
    cells = formula_like_cells(content)
    assert set(texts) <= set(cells), set(texts) - set(cells)
    for each in (cell for found in cells.values() for cell in found):
        assert each.data_type == "s", (each.coordinate, each.value, each.data_type)
        assert each.quotePrefix, (each.coordinate, each.value)  # Excel shows it as text, even once edited
    assert sheet_formulas(content) == []


def test_text_cells_keep_what_was_typed_and_numbers_stay_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(text_row(sheet, [HYPERLINK, -5, Decimal("-1.5"), "-", "x", None, "bell\x07"]))
    buffer = io.BytesIO()
    book.save(buffer)

    row = next(openpyxl.load_workbook(buffer).active.iter_rows())
    assert [cell.value for cell in row] == [HYPERLINK, -5, -1.5, "-", "x", None, "bell\N{REPLACEMENT CHARACTER}"]
    assert [cell.data_type for cell in row[:5]] == ["s", "n", "n", "s", "s"]
    assert [bool(cell.quotePrefix) for cell in row[:5]] == [True, False, False, True, False]
    assert sheet_formulas(buffer.getvalue()) == []
    assert storable(12) == 12


def test_the_results_grid_export_and_template_keep_hostile_names_as_text(client, province, city, commune):
    rename(commune, name=HYPERLINK)
    rename(city, name=MINUS)
    client = login(client, "vpdp.tinh")

    for params in ({"format": "xlsx"}, {"template": "1"}):
        response = client.get(reverse("criteria:results_export"), {"unit": province.pk, "year": YEAR, **params})
        assert response.status_code == 200
        assert_kept_as_text(response.content, HYPERLINK, MINUS)


def test_the_results_grid_csv_puts_an_apostrophe_before_a_formula(client, province, city, commune):
    rename(commune, name=HYPERLINK)
    rename(city, name=AT)

    response = login(client, "vpdp.tinh").get(
        reverse("criteria:results_export"), {"unit": province.pk, "year": YEAR, "format": "csv"}
    )

    fields = [
        field for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";") for field in row
    ]
    assert f"'{HYPERLINK}" in fields and f"'{AT}" in fields
    assert not [field for field in fields if field.startswith(FORMULA_STARTS)]


def test_the_indicator_values_export_keeps_hostile_names_as_text(assessment, commune):
    rename(commune, name=PLUS)
    indicator = Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set).exclude(kind="composite")[0]
    rename(indicator, text=HYPERLINK)

    assert_kept_as_text(indicator_values_xlsx([assessment], template=True), PLUS, HYPERLINK)


def test_the_dossier_index_keeps_hostile_evidence_as_text_and_names_its_files_safely(
    assessment, commune, evidence_storage
):
    criterion = Criterion.objects.get(criteria_set=assessment.criteria_set, number=2)
    rename(criterion, name=f"={criterion.name}")
    accepted_evidence(assessment, title=HYPERLINK, criterion=criterion, document_number=PLUS, issuer=AT)
    accepted_evidence(assessment, title="../../etc/passwd\x07\r\n", criterion=criterion)
    accepted_evidence(assessment, title=f"@{MINUS}")
    rename(commune, name=MINUS)

    archive = zipfile.ZipFile(io.BytesIO(b"".join(dossier_zip_chunks(assessment))))

    index = archive.read("Danh mục hồ sơ.xlsx")
    assert_kept_as_text(index, HYPERLINK, PLUS, AT, MINUS, f"@{MINUS}")
    numbers = [row[0] for row in openpyxl.load_workbook(io.BytesIO(index)).active.iter_rows() if row[0].value == 1]
    assert numbers and numbers[0].data_type == "n"
    for name in archive.namelist():
        for part in name.split("/"):
            assert part not in ("", ".", "..")
            assert not part.startswith(FORMULA_STARTS), name
            assert not any(unicodedata.category(char) == "Cc" for char in part), name
    files = [name.split("/", 1)[1] for name in archive.namelist() if "/" in name]
    assert len(files) == 3 and "etc-passwd.pdf" in files
    assert any(name.startswith("HYPERLINK( http") for name in files)


def test_the_set_workbook_keeps_hostile_names_as_text_and_reads_them_back(assessment, province):
    criteria_set = assessment.criteria_set
    criterion = criteria_set.criteria.get(number=1)
    rename(criteria_set, name=HYPERLINK)
    rename(criterion, name=MINUS, notes=AT)
    content = criteria_set_workbook(criteria_set)

    assert_kept_as_text(content, HYPERLINK, MINUS, AT, "==")  # "==" is the comparison of a yes/no indicator

    book = openpyxl.load_workbook(io.BytesIO(content))
    code = next(row for row in book["Bo tieu chi"].iter_rows() if row[0].value == "code")[1]
    code.value = "COPY-HOSTILE"
    next(row for row in book["Bo tieu chi"].iter_rows() if row[0].value == "parent_code")[1].value = None
    edited = io.BytesIO()
    book.save(edited)
    user = get_user_model().objects.get(username="quantri")
    copied = criteria_set_workbook_import(user=user, content=edited.getvalue())
    assert copied.name == HYPERLINK
    assert (copied.criteria.get(number=1).name, copied.criteria.get(number=1).notes) == (MINUS, AT)


def test_the_funding_template_keeps_hostile_names_as_text(commune):
    rename(commune, name=HYPERLINK)
    source = FundingSource.objects.filter(disabled_on__isnull=True).order_by("position", "code")[0]
    rename(source, name=PLUS)

    assert_kept_as_text(funding_template_xlsx([commune]), HYPERLINK, PLUS)


def test_the_report_appendix_keeps_hostile_names_as_text(province, commune):
    rename(commune, name=HYPERLINK)
    sources = FundingSource.objects.filter(parent__isnull=True)
    for source in sources:
        rename(source, name=f"@{source.code}")

    content = appendix_xlsx(report_figures(unit=province, year=YEAR, start=2017, appendix=True))

    listed = set(formula_like_cells(content))
    assert listed & {f"@{source.code}" for source in sources}  # the sources with money, in Biểu 02
    assert_kept_as_text(content, HYPERLINK)
    biểu_01 = openpyxl.load_workbook(io.BytesIO(content))["Biểu 01"]
    totals = next(row for row in biểu_01.iter_rows() if row[1].value == "Số xã đạt")
    assert {cell.data_type for cell in totals[3:-2]} == {"n"}  # the totals stay numbers


@pytest.mark.parametrize("file_format", [TextSafeXLSX, TextSafeCSV])
def test_the_funding_admin_export_keeps_hostile_text_as_text(client, demo, db, file_format):
    record = FundingRecord.objects.order_by("pk")[0]
    rename(record, project=HYPERLINK, note=MINUS)
    login(client, "quantri")
    fields = {f"fundingrecordresource_{name}": "on" for name in FundingRecordResource().get_export_order()}
    chosen = FundingRecordAdmin(FundingRecord, None).get_export_formats().index(file_format)

    response = client.post(
        reverse("admin:funding_fundingrecord_export"), {"format": str(chosen), "resource": "0", **fields}
    )

    assert response.status_code == 200
    if file_format is TextSafeXLSX:
        assert_kept_as_text(response.content, HYPERLINK, MINUS)
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        fields = [field for row in rows for field in row]
        assert f"'{HYPERLINK}" in fields and f"'{MINUS}" in fields
        assert not [field for field in fields if field.startswith(FORMULA_STARTS)]

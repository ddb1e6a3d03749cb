"""Importing the funding records offices send, on the Cao Bằng demo: amounts read exactly, forgiving names,
every refusal (which writes nothing), re-imports, scope, the seed's consistency warnings and the template."""

import io
import logging
import unicodedata

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from communes.models import AdministrativeUnit
from funding import import_widgets
from funding.exports import funding_template_xlsx
from funding.models import FundingRecord, FundingSource, InKindContribution
from funding.services import funding_file_import
from ntm_portal.models import ChangeRecord
from tests.old_excel import as_xls

HEADER = ("STT", "Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)", "Tỷ lệ (%)", "Ghi chú")
TRIEU = 1_000_000
COMMUNE = "Xã Chu Trinh"  # one commune of that name on the three-tier map; there are three Xã Hưng Đạo
CITY = "Thành phố Cao Bằng"


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def cao_bang(demo, db):
    province = AdministrativeUnit.objects.get(name="Tỉnh Cao Bằng")
    city = AdministrativeUnit.objects.get(name=CITY, parent=province)
    commune = AdministrativeUnit.objects.get(name=COMMUNE, parent=city)
    return province, city, commune


def workbook(rows, *, header=HEADER, title_rows=True, total=None, sheet_title="Kinh phí") -> bytes:
    """An office's layout: title rows, the header, the rows, a total row and signatures below."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    if title_rows:
        sheet.append(["UBND THÀNH PHỐ CAO BẰNG"])
        sheet.append(["BÁO CÁO KẾT QUẢ HUY ĐỘNG NGUỒN LỰC XÂY DỰNG NÔNG THÔN MỚI"])
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if total is not None:
        sheet.append([None, "Tổng cộng", None, None, None, total])
    sheet.append([])
    sheet.append([None, "Người lập biểu", None, None, None, "Cao Bằng, ngày 25 tháng 11 năm 2025"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(content, *, user=None, year=None, dry_run=False, file_name="kinh-phi.xlsx"):
    return funding_file_import(content=content, file_name=file_name, user=user, year=year, dry_run=dry_run)


def counts():
    return (
        FundingRecord.objects.count(),
        FundingSource.objects.count(),
        InKindContribution.objects.count(),
        ChangeRecord.objects.count(),
        AdministrativeUnit.objects.count(),
    )


def stored(unit, source_code, *, year_from, year_to, kind):
    return FundingRecord.objects.get(
        unit=unit, source__code=source_code, year_from=year_from, year_to=year_to, kind=kind
    ).amount_vnd


def messages(summary):
    return [str(error) for error in summary.errors]


# ── the seed's lines: the credit line printed "46,0" is warned about ──

SEED_000 = [
    (1, CITY, "2011-2020", "Ngân sách Trung ương", "huy động", "31.690,35", "18,29"),
    (2, None, None, "Ngân sách tỉnh", "huy động", "500,0", None),
    (3, None, None, "Ngân sách huyện, thành phố", "huy động", "31.675,79", None),
    (4, None, None, "Ngân sách xã", "huy động", "649,97", None),
    (5, None, None, "Vốn tín dụng", "huy động", "46,0", "26,56%"),
    (6, None, None, "Cộng đồng dân cư, nhân dân đóng góp", "huy động", "30.921,42", None),
    (7, None, None, "Doanh nghiệp, hợp tác xã", "huy động", "12.095,47", None),
    (8, None, None, "Nguồn huy động khác", "huy động", "19.677,97", None),
]


def test_the_seed_000_lines_are_checked_and_the_credit_line_is_warned_about(cao_bang):
    _province, city, _commune = cao_bang
    before = counts()

    with translation.override("vi"):
        summary = run(workbook(SEED_000, total="173.210,97"), dry_run=True)

    # The demo stores the corrected credit line (46.000,0): the file's 46,0 would change it.
    assert (summary.new, summary.updated, summary.unchanged, summary.errors) == (0, 1, 7, [])
    assert not summary.written
    credit = [warning for warning in summary.warnings if "Vốn tín dụng" in warning and "46.000,0" in warning]
    assert credit, summary.warnings
    assert all(warning.startswith("Thành phố Cao Bằng, 2011-2020") for warning in summary.warnings)
    assert counts() == before
    assert stored(city, "credit", year_from=2011, year_to=2020, kind="mobilised") == 46_000 * TRIEU


def test_the_corrected_seed_lines_give_no_warning(cao_bang):
    corrected = [(*row[:5], "46.000,0", row[6]) if row[0] == 5 else row for row in SEED_000]

    summary = run(workbook(corrected, total="173.210,97"), dry_run=True)

    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 8)
    assert summary.warnings == []


def test_sub_sources_that_stop_adding_up_after_the_import_are_warned_about(cao_bang):
    # The demo stores no "local" line; a file giving the parent with too small a sum is flagged.
    rows = [(1, CITY, "2011-2020", "Ngân sách địa phương", "huy động", "32.000,00")]

    summary = run(workbook(rows), dry_run=True)

    assert summary.errors == []
    assert any("Ngân sách địa phương" in warning and "32,825.76" in warning for warning in summary.warnings)


# ── reading: exact amounts, periods, sources and kinds however written ──


@pytest.mark.parametrize("convert", [lambda xlsx: xlsx, as_xls], ids=["xlsx", "xls"])
def test_amounts_are_stored_exactly_in_dong_and_every_spelling_is_read(cao_bang, convert):
    _province, city, commune = cao_bang
    nfd_name = unicodedata.normalize("NFD", "Ngân sách Trung ương")
    rows = [
        (1, "chu trinh", "2019", "central.investment", "plan", "31.690,35"),
        (2, "X. Chu Trinh", 2019, "NGAN SACH TINH", "Phân bổ", "46,0"),
        (3, "Xa Chu Trinh", "2019", "Ngân sách xã", "Disbursed", 649.97),
        (4, COMMUNE, "2019", "Vốn tín dụng", "giải ngân", "0,000001"),
        (5, COMMUNE, "2019", "community", "Huy động", 500),
        (6, COMMUNE, "2011 - 2020", nfd_name, "mobilised", "1.500"),
        (7, COMMUNE, "2016–2020", "Doanh nghiệp, hợp tác xã", "kế hoạch", "12095.47"),
    ]
    header = ("STT", "Xã", "Huyện", "Năm", "Nguồn", "Hình thức", "Kinh phí (triệu đồng)")
    rows = [(number, name, "TP. Cao Bằng", *rest) for number, name, *rest in rows]
    before = FundingRecord.objects.count()

    summary = run(convert(workbook(rows, header=header)))

    assert summary.errors == []
    assert (summary.new, summary.updated, summary.unchanged, summary.written) == (7, 0, 0, True)
    assert FundingRecord.objects.count() == before + 7
    assert stored(commune, "central.investment", year_from=2019, year_to=2019, kind="plan") == 31_690_350_000
    assert stored(commune, "local.province", year_from=2019, year_to=2019, kind="allocated") == 46_000_000
    assert stored(commune, "local.commune", year_from=2019, year_to=2019, kind="disbursed") == 649_970_000
    assert stored(commune, "credit", year_from=2019, year_to=2019, kind="disbursed") == 1
    assert stored(commune, "community", year_from=2019, year_to=2019, kind="mobilised") == 500 * TRIEU
    assert stored(commune, "central", year_from=2011, year_to=2020, kind="mobilised") == 1_500 * TRIEU
    assert stored(commune, "enterprises", year_from=2016, year_to=2020, kind="plan") == 12_095_470_000
    assert city.funding_records.filter(year_from=2019).count() == 0


def test_records_of_the_province_and_the_city_by_full_name_or_code(cao_bang):
    province, city, _commune = cao_bang
    header = ("Mã đơn vị", "Tên đơn vị", "Năm", "Mã nguồn", "Loại", "Giá trị (triệu đồng)")
    rows = [
        ("04", "Tỉnh Cao Bằng", "2024", "central", "plan", "1"),
        (4, None, "2024", "local", "plan", "2"),  # a number cell: the code lost its leading zero
        ("040", "TP Cao Bằng", "2024", "central", "plan", "3"),
        (None, "Thành phố Cao Bằng", "2024", "local", "plan", "4"),
    ]

    summary = run(workbook(rows, header=header, title_rows=False))

    assert summary.errors == []
    assert stored(province, "central", year_from=2024, year_to=2024, kind="plan") == 1 * TRIEU
    assert stored(province, "local", year_from=2024, year_to=2024, kind="plan") == 2 * TRIEU
    assert stored(city, "central", year_from=2024, year_to=2024, kind="plan") == 3 * TRIEU
    assert stored(city, "local", year_from=2024, year_to=2024, kind="plan") == 4 * TRIEU


def test_the_year_of_the_import_fills_a_table_without_a_year_column(cao_bang):
    _province, _city, commune = cao_bang
    header = ("STT", "Đơn vị", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)")

    summary = run(workbook([(1, COMMUNE, "central", "plan", "7,5")], header=header), year=2023)

    assert summary.errors == [] and summary.written
    assert stored(commune, "central", year_from=2023, year_to=2023, kind="plan") == 7_500_000


def test_a_csv_with_semicolons(cao_bang):
    _province, _city, commune = cao_bang
    text = "Đơn vị;Năm;Nguồn vốn;Loại;Số tiền (triệu đồng)\r\nXã Chu Trinh;2022;Vốn lồng ghép;giải ngân;1.234,5\r\n"

    summary = run(text.encode("utf-8-sig"), file_name="kinh-phi.csv")

    assert summary.errors == [] and summary.written
    assert stored(commune, "integrated", year_from=2022, year_to=2022, kind="disbursed") == 1_234_500_000


def test_a_reimport_changes_nothing_and_a_change_is_recorded(cao_bang):
    _province, _city, commune = cao_bang
    rows = [(1, COMMUNE, "2021", "central", "plan", "10"), (2, COMMUNE, "2021", "local", "plan", "20")]
    user = get_user_model().objects.get(username="quantri")
    first = run(workbook(rows), user=user)
    assert (first.new, first.written) == (2, True)
    created = ChangeRecord.objects.filter(action=ChangeRecord.Action.CREATED, comment="import", user=user)
    assert created.count() == 2
    before = counts()

    again = run(workbook(rows), user=user)

    assert (again.new, again.updated, again.unchanged, again.written) == (0, 0, 2, True)
    assert counts() == before

    changed = run(workbook([rows[0], (2, COMMUNE, "2021", "local", "plan", "25,5")]), user=user)

    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 1)
    assert stored(commune, "local", year_from=2021, year_to=2021, kind="plan") == 25_500_000
    change = ChangeRecord.objects.filter(action=ChangeRecord.Action.VALUE).latest("pk")
    assert (change.user, change.target, change.old_value, change.new_value) == (user, "amount_vnd", "20", "25.5")


def test_a_dry_run_counts_and_writes_nothing(cao_bang):
    before = counts()

    summary = run(workbook([(1, COMMUNE, "2021", "central", "plan", "10")]), dry_run=True)

    assert (summary.new, summary.written, summary.errors) == (1, False, [])
    assert counts() == before


# ── refusals: a clear message where the problem is, and nothing written ──


def refused(content, **kwargs):
    before = counts()
    summary = run(content, **kwargs)
    assert not summary.written
    assert summary.errors
    assert counts() == before
    return messages(summary)


def test_an_unknown_unit_is_refused_with_the_close_names(cao_bang):
    found = refused(workbook([(1, "Xã Chu Trin", "2019", "central", "plan", "1")]))

    assert found[0].startswith("sheet “Kinh phí”, row 5, column B (Đơn vị): No unit named “Xã Chu Trin” was found.")
    assert "Did you mean" in found[0] and "Xã Chu Trinh (Thành phố Cao Bằng)" in found[0]


def test_the_district_column_tells_communes_of_the_same_name_apart(cao_bang):
    _province, city, _commune = cao_bang
    hung_dao = AdministrativeUnit.objects.get(name="Xã Hưng Đạo", parent=city)
    header = ("STT", "Xã", "Huyện", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)")

    without = refused(workbook([(1, "Xã Hưng Đạo", None, "2019", "central", "plan", "1")], header=header))
    summary = run(workbook([(1, "Xã Hưng Đạo", "TP. Cao Bằng", "2019", "central", "plan", "1")], header=header))

    assert without == [
        "sheet “Kinh phí”, row 5, column B (Xã): Several units are named “Xã Hưng Đạo”: Xã Hưng Đạo (Huyện Bảo Lạc), "
        "Xã Hưng Đạo (Huyện Nguyên Bình), Xã Hưng Đạo (Thành phố Cao Bằng). Write the full name (Tỉnh …, Thành phố …, "
        "Xã …), the district or the unit's code to say which."
    ]
    assert summary.errors == [] and summary.written
    assert stored(hung_dao, "central", year_from=2019, year_to=2019, kind="plan") == 1 * TRIEU


def test_a_name_several_units_share_must_be_written_in_full(cao_bang):
    found = refused(workbook([(1, "Cao Bằng", "2019", "central", "plan", "1")]))

    assert found == [
        "sheet “Kinh phí”, row 5, column B (Đơn vị): Several units are named “Cao Bằng”: Thành phố Cao Bằng, "
        "Tỉnh Cao Bằng. Write the full name (Tỉnh …, Thành phố …, Xã …), the district or the unit's code to say which."
    ]


def test_an_unknown_source_is_refused(cao_bang):
    found = refused(workbook([(1, COMMUNE, "2019", "Ngân sách TW", "plan", "1")]))

    assert found[0].startswith(
        "sheet “Kinh phí”, row 5, column D (Nguồn vốn): No funding source has the name or code “Ngân sách TW”."
    )
    assert "Ngân sách Trung ương" in found[0]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("31,690.35", "“31,690.35” is not an amount in million đồng: write it as 31.690,35 or 46,0."),
        ("ba triệu", "“ba triệu” is not an amount in million đồng: write it as 31.690,35 or 46,0."),
        ("-5", "The amount cannot be negative."),
        (-5.5, "The amount cannot be negative."),
        (None, "The amount is missing: write it in million đồng, e.g. 31.690,35."),
        ("0,0000001", "0,0000001 million đồng is more precise than one đồng."),
        (0.1234567, "0.1234567 million đồng is more precise than one đồng."),
    ],
)
def test_an_invalid_amount_is_refused(cao_bang, amount, message):
    found = refused(workbook([(1, COMMUNE, "2019", "central", "plan", amount)]))

    assert found == [f"sheet “Kinh phí”, row 5, column F (Số tiền (triệu đồng)): {message}"]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("dự toán", "“dự toán” is not a kind: write one of Planned, Allocated, Disbursed, Mobilised."),
        (None, "The kind is missing: write one of Planned, Allocated, Disbursed, Mobilised."),
    ],
)
def test_an_unknown_kind_is_refused(cao_bang, kind, message):
    assert refused(workbook([(1, COMMUNE, "2019", "central", kind, "1")])) == [
        f"sheet “Kinh phí”, row 5, column E (Loại): {message}"
    ]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2020-2011", "“2020-2011” is not a year or a period: write 2019 or 2011-2020."),
        ("năm ngoái", "“năm ngoái” is not a year or a period: write 2019 or 2011-2020."),
        (None, "The year is missing: write it as 2019, or a period as 2011-2020."),
    ],
)
def test_an_invalid_year_is_refused_once(cao_bang, year, message):
    assert refused(workbook([(1, COMMUNE, year, "central", "plan", "1")])) == [
        f"sheet “Kinh phí”, row 5, column C (Năm): {message}"
    ]


def test_rows_of_another_year_than_the_import_s_are_refused(cao_bang):
    rows = [(1, COMMUNE, "2020", "central", "plan", "1"), (2, COMMUNE, "2011-2020", "local", "plan", "1")]

    found = refused(workbook(rows), year=2020)

    assert found == [
        "sheet “Kinh phí”, row 6, column C (Năm): The row is for 2011-2020, not for 2020, the year of this import."
    ]


def test_a_row_given_twice_is_refused(cao_bang):
    rows = [(1, COMMUNE, "2019", "central", "plan", "1"), (2, "chu trinh", "2019", "Ngân sách Trung ương", "plan", "2")]

    found = refused(workbook(rows))

    assert found == [
        "sheet “Kinh phí”, row 6: This row repeats sheet “Kinh phí”, row 5: the same unit, year, source, kind and "
        "project."
    ]


def test_one_bad_row_refuses_the_whole_file(cao_bang):
    rows = [(1, COMMUNE, "2019", "central", "plan", "1"), (2, COMMUNE, "2019", "local", "plan", "x")]

    before = counts()
    summary = run(workbook(rows))

    assert (summary.new, summary.error_rows, summary.written) == (1, 1, False)
    assert counts() == before


NOT_A_SPREADSHEET = "The file is neither an Excel workbook (.xlsx, .xls) nor a CSV file."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty (0 bytes)."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", NOT_A_SPREADSHEET),
        (b"\x89PNG\r\n\x1a\n\x00\x00", NOT_A_SPREADSHEET),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(cao_bang, content, message):
    assert refused(content) == [message]


def test_an_empty_sheet_is_refused(cao_bang):
    book = openpyxl.Workbook()
    book.active.title = "Trống"
    buffer = io.BytesIO()
    book.save(buffer)

    assert refused(buffer.getvalue()) == ["sheet “Trống”: The sheet is empty."]


def test_a_table_without_the_needed_columns_is_refused(cao_bang):
    no_header = refused(workbook([(1, COMMUNE, "2019", "central", "plan", "1")], header=("STT", "Tên", "Năm")))
    no_kind = refused(
        workbook([(1, COMMUNE, "2019", "central", "1")], header=("STT", "Đơn vị", "Năm", "Nguồn vốn", "Số tiền"))
    )
    in_billions = refused(
        workbook([(1, COMMUNE, "2019", "central", "plan", "1")], header=(*HEADER[:5], "Số tiền (tỷ đồng)"))
    )

    assert no_header[0].startswith("sheet “Kinh phí”: No table header was found")
    assert no_kind == [
        "sheet “Kinh phí”, row 4: The table has no “Loại” column: give each row's kind (kế hoạch, phân bổ, giải ngân "
        "or huy động)."
    ]
    assert in_billions == [
        "sheet “Kinh phí”, row 4: Amounts are read in million đồng (triệu đồng), but column F is headed "
        "“Số tiền (tỷ đồng)”."
    ]


def test_a_table_with_only_its_header_has_no_rows(cao_bang):
    assert refused(workbook([])) == ["The file has no funding rows."]


def test_an_unexpected_error_is_reported_without_python_text_and_logged(cao_bang, monkeypatch, caplog):
    def broken(value):
        raise ZeroDivisionError("division by zero in the amount")

    monkeypatch.setattr(import_widgets, "amount_vnd", broken)

    with caplog.at_level(logging.ERROR, logger="funding.services"):
        found = refused(workbook([(1, COMMUNE, "2019", "central", "plan", "1")]))

    assert found == [
        "sheet “Kinh phí”, row 5: This row could not be checked because of an unexpected error. Please tell the "
        "administrators."
    ]
    assert "ZeroDivisionError" in caplog.text


# ── scope: only the units a user may enter funding for ──


def test_staff_import_for_their_units_only(cao_bang):
    province, city, commune = cao_bang
    city_staff = get_user_model().objects.get(username="vpdp.thanhpho")
    rows = [(1, COMMUNE, "2019", "central", "plan", "1"), (2, CITY, "2019", "central", "plan", "2")]

    allowed = run(workbook(rows), user=city_staff)
    found = refused(workbook([(1, "Tỉnh Cao Bằng", "2019", "central", "plan", "1")]), user=city_staff)

    assert allowed.errors == [] and allowed.written
    assert stored(commune, "central", year_from=2019, year_to=2019, kind="plan") == 1 * TRIEU
    assert stored(city, "central", year_from=2019, year_to=2019, kind="plan") == 2 * TRIEU
    assert found[0].startswith(
        "sheet “Kinh phí”, row 5, column B (Đơn vị): No unit named “Tỉnh Cao Bằng” was found among the units you "
        "may enter funding for."
    )
    assert not FundingRecord.objects.filter(unit=province, year_from=2019, kind="plan").exists()


@pytest.mark.parametrize("username", ["xa.hungdao", "lanhdao.tinh"])
def test_commune_officials_and_leaders_do_not_import_funding(cao_bang, username):
    user = get_user_model().objects.get(username=username)

    found = refused(workbook([(1, COMMUNE, "2019", "central", "plan", "1")]), user=user)

    assert "No unit named “Xã Chu Trinh” was found among the units you may enter funding for." in found[0]


# ── the template offices fill in ──


def test_the_template_reads_back(cao_bang):
    _province, city, commune = cao_bang
    content = funding_template_xlsx([commune, city])
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[3]][:7] == [
        "STT",
        "Đơn vị",
        "Mã đơn vị",
        "Năm",
        "Nguồn vốn",
        "Loại",
        "Số tiền (triệu đồng)",
    ]
    assert sheet.freeze_panes == "C4"
    assert len(sheet.data_validations.dataValidation) == 2
    sheet["D4"], sheet["E4"], sheet["F4"], sheet["G4"] = "2024", "Vốn sự nghiệp", "phân bổ", 123.45
    buffer = io.BytesIO()
    book.save(buffer)

    summary = run(buffer.getvalue())

    assert summary.errors == [] and (summary.new, summary.written) == (1, True)
    assert stored(commune, "central.recurrent", year_from=2024, year_to=2024, kind="allocated") == 123_450_000

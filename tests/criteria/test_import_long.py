"""Importing indicator values in the long layout (a row per commune, year and indicator), on the Cao Bằng demo:
values as offices write them, criteria judged again, merging, every refusal (which writes nothing), scope,
locked results and the command."""

import io
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from criteria.exports_long import indicator_values_xlsx
from criteria.imports.results_long import indicator_values_read
from criteria.models import Assessment, CriterionResult, IndicatorValue
from criteria.services import AssessmentLocked
from criteria.services import values_import as values_import_module
from criteria.services.values_import import indicator_values_import
from ntm_portal.models import ChangeRecord
from tests.old_excel import as_xls

YEAR = 2025  # QĐ 318; the demo's 2025 results are drafts or submitted, earlier years approved
HEADINGS = ["STT", "Mã xã", "Tên xã", "Huyện", "Năm", "Mã chỉ tiêu", "Tên chỉ tiêu", "Giá trị"]
# Cao Bằng (TDMNPB) under QĐ 318: criterion 15 is met with 15.3 ≤ 24 % and 15.4 ≥ 50 %; criterion 8 with
# 8.1 … 8.4 all "Đạt".
HEALTH_MET = [("15.3", "12,5%"), ("15.4", "92,5")]


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def admin(demo, db):
    return get_user_model().objects.get(username="quantri")


@pytest.fixture
def draft(demo, db):
    """(code, name, district name) of a commune whose 2025 results are a draft without evidence."""
    assessment = (
        Assessment.objects.filter(year=YEAR, status=Assessment.Status.DRAFT, evidence__isnull=True)
        .select_related("unit__parent")
        .order_by("unit__code")
        .first()
    )
    return assessment.unit.code, assessment.unit.name, assessment.unit.parent.name


# ── building files ──


def long_file(rows, *, headings=HEADINGS, title="Số liệu", percent_cells=()):
    """Title rows, the header, `rows` (lists under `headings`), then a signature row. `percent_cells` are
    (row index in `rows`, column index) shown as percentages, as Excel stores them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(["UBND TỈNH CAO BẰNG"])
    sheet.append(["SỐ LIỆU CÁC CHỈ TIÊU NÔNG THÔN MỚI NĂM 2025"])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    for index, column in percent_cells:
        sheet.cell(row=4 + index, column=column + 1).number_format = "0.0%"
    sheet.append([])
    sheet.append([None, "Người lập biểu", None, None, None, "Cao Bằng, ngày 25 tháng 11 năm 2025"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def value_rows(commune, values, *, year=YEAR):
    _code, name, district = commune
    return [[number, None, name, district, year, indicator, None, value] for number, (indicator, value) in
            enumerate(values, 1)]  # fmt: skip


def counts():
    return (
        Assessment.objects.count(),
        IndicatorValue.objects.count(),
        CriterionResult.objects.count(),
        ChangeRecord.objects.count(),
    )


def stored_values(code, year=YEAR):
    rows = IndicatorValue.objects.filter(assessment__unit__code=code, assessment__year=year).select_related("indicator")
    return {row.indicator.code: row.value for row in rows}


def result(code, number, year=YEAR):
    return CriterionResult.objects.get(assessment__unit__code=code, assessment__year=year, criterion__number=number)


def run_import(content, user, *, year=None, dry_run=False):
    return indicator_values_import(content=content, file_name="so-lieu.xlsx", user=user, year=year, dry_run=dry_run)


def messages(summary):
    return [str(error) for error in summary.errors]


# ── the write ──


@pytest.mark.parametrize("convert", [lambda xlsx: xlsx, as_xls], ids=["xlsx", "xls"])
def test_a_file_stores_its_values_exactly_and_judges_the_criteria_again(draft, admin, convert):
    """The same in Excel 97-2003 (.xls), where a percentage cell is found by its number format too."""
    code = draft[0]
    content = long_file(
        value_rows(
            draft,
            [
                ("15.3", "12,5%"),
                ("15.4", 0.925),  # a cell Excel shows as 92,5%
                ("8.1", "Đạt"),
                ("8.2", "Có"),
                ("8.3", "x"),
                ("8.4", 1),
                ("3.1", "85,5"),
                ("10", "45.500"),
            ],
        ),
        percent_cells=[(1, 7)],
    )
    content = convert(content)
    before = Assessment.objects.get(unit__code=code, year=YEAR)

    summary = run_import(content, admin)

    assert messages(summary) == []
    assert (summary.new, summary.updated, summary.unchanged, summary.written) == (0, 1, 0, True)
    assert stored_values(code) == {
        "15.3": Decimal("12.5"),
        "15.4": Decimal("92.5"),
        "8.1": True,
        "8.2": True,
        "8.3": True,
        "8.4": True,
        "3.1": Decimal("85.5"),
        "10": Decimal("45500"),
    }
    for number in (8, 15):
        assert (result(code, number).is_met, result(code, number).method) == (True, "computed")
    assessment = Assessment.objects.get(pk=before.pk)
    assert assessment.results_summary[7] == assessment.results_summary[14] == "1"
    assert assessment.criteria_met == assessment.results_summary.count("1")
    assert assessment.version == before.version + 1
    history = ChangeRecord.objects.about(assessment).filter(action=ChangeRecord.Action.VALUE)
    assert {(record.target, record.new_value, record.user_id) for record in history} >= {
        ("15.3", "12.5", admin.pk),
        ("10", "45500", admin.pk),
        ("8.1", "true", admin.pk),
    }


def test_a_value_crossing_its_threshold_flips_the_criterion(draft, admin):
    code = draft[0]
    run_import(long_file(value_rows(draft, HEALTH_MET)), admin)
    assert result(code, 15).is_met is True

    summary = run_import(long_file(value_rows(draft, [("15.4", "40")])), admin)

    assert summary.written and summary.updated == 1
    assert (result(code, 15).is_met, result(code, 15).computed_is_met) == (False, False)
    assert Assessment.objects.get(unit__code=code, year=YEAR).results_summary[14] == "0"


def test_the_values_replace_an_imported_result_they_decide_and_say_so(draft, admin):
    code, name, _district = draft
    imported = result(code, 15)
    imported.is_met, imported.method = False, CriterionResult.Method.IMPORTED
    imported.save()

    summary = run_import(long_file(value_rows(draft, HEALTH_MET)), admin)

    assert result(code, 15).is_met is True
    assert summary.warnings == [
        f"{name}, {YEAR}: criterion 15 was recorded as not met; the imported values judge it met."
    ]
    untouched = result(code, 1)  # no values for criterion 1: its imported result stands
    assert untouched.method == CriterionResult.Method.IMPORTED


def test_an_override_with_its_reason_stands(draft, admin):
    code = draft[0]
    overridden = result(code, 15)
    overridden.is_met, overridden.method, overridden.override_reason = False, "overridden", "Đoàn kiểm tra"
    overridden.save()

    summary = run_import(long_file(value_rows(draft, HEALTH_MET)), admin)

    assert summary.written and summary.warnings == []
    after = result(code, 15)
    assert (after.is_met, after.method, after.override_reason) == (False, "overridden", "Đoàn kiểm tra")


def test_importing_the_same_file_again_changes_nothing(draft, admin):
    content = long_file(value_rows(draft, [*HEALTH_MET, ("8.1", "Chưa đạt")]))
    run_import(content, admin)
    before = counts()

    summary = run_import(content, admin)

    assert (summary.new, summary.updated, summary.unchanged, summary.written) == (0, 0, 1, True)
    assert counts() == before


def test_values_the_file_does_not_give_stay_as_they_are(draft, admin):
    code = draft[0]
    run_import(long_file(value_rows(draft, HEALTH_MET)), admin)

    run_import(long_file(value_rows(draft, [("8.1", "Không"), ("15.3", "")])), admin)  # an empty value: left

    assert stored_values(code) == {"15.3": Decimal("12.5"), "15.4": Decimal("92.5"), "8.1": False}


def test_a_commune_without_results_for_the_year_gets_a_new_draft(draft, admin):
    code = draft[0]
    Assessment.objects.filter(unit__code=code, year=YEAR).delete()

    summary = run_import(long_file(value_rows(draft, HEALTH_MET)), admin)

    assert (summary.new, summary.updated, summary.written) == (1, 0, True)
    assessment = Assessment.objects.get(unit__code=code, year=YEAR)
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.results_summary == "-" * 14 + "1" + "-" * 4
    assert ChangeRecord.objects.about(assessment).filter(action=ChangeRecord.Action.CREATED).exists()


def test_a_dry_run_counts_and_writes_nothing(draft, admin):
    before = counts()

    summary = run_import(long_file(value_rows(draft, HEALTH_MET)), admin, dry_run=True)

    assert (summary.updated, summary.written, summary.errors) == (1, False, [])
    assert counts() == before


def test_a_refusal_while_writing_undoes_every_commune_year(draft, admin, monkeypatch):
    second = Assessment.objects.filter(year=YEAR, status="draft").exclude(unit__code=draft[0]).order_by("unit__code")
    other = second.select_related("unit__parent").first().unit
    content = long_file(
        [*value_rows(draft, HEALTH_MET), *value_rows((other.code, other.name, other.parent.name), HEALTH_MET)]
    )
    real_save, calls = values_import_module.assessment_save, []

    def save_then_refuse(**arguments):
        calls.append(arguments["unit"].code)
        if len(calls) == 2:
            raise AssessmentLocked("Locked meanwhile.")
        return real_save(**arguments)

    monkeypatch.setattr(values_import_module, "assessment_save", save_then_refuse)
    before = counts()

    summary = run_import(content, admin)

    assert messages(summary) == ["sheet “Số liệu”, row 6, column C (Tên xã): Locked meanwhile."]
    assert not summary.written
    assert counts() == before


# ── names, values and layouts ──


def test_names_districts_codes_and_merged_cells_find_their_communes(demo, db):
    nfd = unicodedata.normalize("NFD", "Hưng Đạo")
    content = long_file(
        [
            [1, None, "Xã Hưng Đạo", "Thành phố Cao Bằng", YEAR, "8.1", None, "Đạt"],
            [2, None, nfd, "Huyện Bảo Lạc", YEAR, "8.1", None, "Đạt"],
            [3, None, "hung dao", "Nguyên Bình", YEAR, "8.1", None, "Đạt"],
            [4, None, None, None, None, "8.2", None, "Đạt"],  # merged cells: the commune above
            [5, 1294, None, None, YEAR, "8.1", None, "Đạt"],  # a code stored as a number lost its zero
            [6, None, "X. Lý Bôn", "H. Bảo Lâm", YEAR, "Chỉ tiêu 8.2", None, "Đạt"],
        ]
    )
    read = indicator_values_read(content, file_name="so-lieu.xlsx")

    assert read.errors == []
    assert [(row.unit.code, row.indicator.code) for row in read.rows] == [
        ("01705", "8.1"),
        ("01351", "8.1"),
        ("01783", "8.1"),
        ("01783", "8.2"),
        ("01294", "8.1"),
        ("01294", "8.2"),
    ]


@pytest.mark.parametrize(
    ("code", "written", "expected"),
    [
        ("15.3", "85,5%", Decimal("85.5")),
        ("15.3", "85.5", Decimal("85.5")),
        ("15.3", 85.5, Decimal("85.5")),
        ("15.3", 85.49999999999999, Decimal("85.5")),  # a formula's result
        ("10", "1.250", Decimal("1250")),
        ("10", "31.690,35", Decimal("31690.35")),
        ("10", "1 250", Decimal("1250")),
        ("8.1", "Đạt", True),
        ("8.1", "có", True),
        ("8.1", "X", True),
        ("8.1", "1", True),
        ("8.1", "Chưa đạt", False),
        ("8.1", "Không", False),
        ("8.1", 0, False),
    ],
)
def test_values_as_offices_write_them(demo, db, code, written, expected):
    content = long_file([[1, "01294", None, None, YEAR, code, None, written]])
    read = indicator_values_read(content, file_name="so-lieu.xlsx")
    assert read.errors == []
    assert read.rows[0].value == expected


def test_a_csv_file_with_the_year_chosen(draft, admin):
    code = draft[0]
    content = f"Mã xã;Mã chỉ tiêu;Kết quả\r\n{code};15.3;12,5\r\n{code};8.1;Đạt\r\n".encode("utf-8-sig")

    summary = indicator_values_import(content=content, file_name="so-lieu.csv", user=admin, year=YEAR, dry_run=False)

    assert summary.written, messages(summary)
    assert stored_values(code) == {"15.3": Decimal("12.5"), "8.1": True}


# ── refusals: each reported with its place, none writes anything ──


def _pdf(draft):
    return b"%PDF-1.4 not a table"


REFUSALS = {
    "unknown commune": (
        lambda d: long_file([[1, None, "Lý Bông", None, YEAR, "8.1", None, "Đạt"]]),
        "row 4, column C (Tên xã): No commune named “Lý Bông” was found. Did you mean ",
    ),
    "unknown commune in its district": (
        lambda d: long_file([[1, None, "Hưng Đạo", "Huyện Bảo Lâm", YEAR, "8.1", None, "Đạt"]]),
        "row 4, column C (Tên xã): No commune named “Hưng Đạo” was found in “Huyện Bảo Lâm”.",
    ),
    "same-named communes without district": (
        lambda d: long_file([[1, None, "Hưng Đạo", None, YEAR, "8.1", None, "Đạt"]]),
        "row 4, column C (Tên xã): Several communes are named “Hưng Đạo”",
    ),
    "unknown code": (
        lambda d: long_file([[1, "09999", None, None, YEAR, "8.1", None, "Đạt"]]),
        "row 4, column B (Mã xã): No commune has the code 09999.",
    ),
    "unknown indicator": (
        lambda d: long_file(value_rows(d, [("2.1", "Đạt")])),
        "row 4, column F (Mã chỉ tiêu): The criteria set in force in 2025 (QD318-2022) has no indicator “2.1”.",
    ),
    "not a number": (
        lambda d: long_file(value_rows(d, [("15.3", "mười hai")])),
        "row 4, column H (Giá trị): “mười hai” is not a number.",
    ),
    "percent above 100": (
        lambda d: long_file(value_rows(d, [("15.3", "120%")])),
        "row 4, column H (Giá trị): “120%” cannot be a value of indicator 15.3: Enter a percentage from 0 to 100.",
    ),
    "not yes or no": (
        lambda d: long_file(value_rows(d, [("8.1", "tốt")])),
        "row 4, column H (Giá trị): “tốt” is not a yes / no value",
    ),
    "several conditions": (
        lambda d: long_file(value_rows(d, [("14.1", "Đạt")])),
        "row 4, column H (Giá trị): Indicator 14.1 has several conditions",
    ),
    "year without a criteria set": (
        lambda d: long_file(value_rows(d, [("8.1", "Đạt")], year=2015)),
        "row 4, column E (Năm): No criteria set covers the year 2015.",
    ),
    "not a year": (
        lambda d: long_file(value_rows(d, [("8.1", "Đạt")], year="năm nay")),
        "row 4, column E (Năm): “năm nay” is not a year.",
    ),
    "same value twice": (
        lambda d: long_file(value_rows(d, [*HEALTH_MET, ("15.3", "10")])),
        "row 6, column F (Mã chỉ tiêu): {name} already has a value of indicator 15.3 for 2025 in sheet “Số liệu”, "
        "row 4.",
    ),
    "empty file": (lambda d: b"", "The file is empty (0 bytes)."),
    "not a spreadsheet": (_pdf, "The file is neither an Excel workbook (.xlsx, .xls) nor a CSV file."),
    "damaged old excel": (
        lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
        "The workbook cannot be read: it may be damaged.",
    ),
    "empty sheet": (lambda d: _workbook_without_rows(), "sheet “Sheet”: The sheet is empty."),
    "no header": (
        lambda d: long_file([], headings=["STT", "Tên xã", "Giá trị"]),
        "sheet “Số liệu”: No table header was found",
    ),
    "no year column": (
        lambda d: long_file([[1, "01294", "8.1", "Đạt"]], headings=["STT", "Mã xã", "Mã chỉ tiêu", "Giá trị"]),
        "sheet “Số liệu”, row 3: The table has no year column (“Năm”)",
    ),
    "no values": (lambda d: long_file(value_rows(d, [("8.1", "")])), "The file gives no indicator values."),
}


def _workbook_without_rows():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_refusal_is_reported_with_its_place_and_writes_nothing(draft, admin, case):
    build, expected = REFUSALS[case]
    content = build(draft)
    before = counts()

    summary = run_import(content, admin)

    expected = expected.format(name=draft[1])
    assert any(expected in message for message in messages(summary)), messages(summary)
    assert not summary.written
    assert counts() == before


def test_a_good_row_is_not_written_when_another_is_refused(draft, admin):
    content = long_file([*value_rows(draft, HEALTH_MET), [3, None, "Xã Không Có", None, YEAR, "8.1", None, "Đạt"]])
    before = counts()

    summary = run_import(content, admin)

    assert [message.split(":")[0] for message in messages(summary)] == ["sheet “Số liệu”, row 6, column C (Tên xã)"]
    assert "No commune named “Xã Không Có” was found." in summary.errors[0].message
    assert summary.error_rows == 1 and not summary.written
    assert counts() == before


def test_rows_for_another_year_than_the_one_chosen_are_refused(draft, admin):
    content = long_file(value_rows(draft, [("8.1", "Đạt")], year=2024))
    before = counts()

    summary = run_import(content, admin, year=YEAR)

    assert messages(summary) == [
        "sheet “Số liệu”, row 4, column E (Năm): The row is for 2024, but this import is for 2025."
    ]
    assert counts() == before


def test_a_user_imports_only_within_their_scope(draft, demo, db):
    official = get_user_model().objects.get(username="xa.hungdao")  # Xã Hưng Đạo of the city
    before = counts()

    summary = run_import(long_file(value_rows(draft, HEALTH_MET)), official)
    dry = run_import(long_file(value_rows(draft, HEALTH_MET)), official, dry_run=True)

    expected = [f"sheet “Số liệu”, row 4, column C (Tên xã): You may not enter results for {draft[1]}."]
    assert messages(summary) == messages(dry) == expected
    assert counts() == before


def test_approved_and_submitted_results_are_locked(demo, admin):
    approved = Assessment.objects.filter(year=2024, status="approved").select_related("unit__parent").first().unit
    submitted = Assessment.objects.filter(year=YEAR, status="submitted").select_related("unit__parent").first().unit
    content = long_file(
        [
            *value_rows((approved.code, approved.name, approved.parent.name), [("8.1", "Đạt")], year=2024),
            *value_rows((submitted.code, submitted.name, submitted.parent.name), [("8.1", "Đạt")]),
        ]
    )
    before = counts()

    summary = run_import(content, admin)

    assert messages(summary) == [
        f"sheet “Số liệu”, row 4, column C (Tên xã): The 2024 results of {approved.name} are approved and locked: "
        "ask the province office to unlock them.",
        f"sheet “Số liệu”, row 5, column C (Tên xã): The 2025 results of {submitted.name} are “Submitted” and "
        "cannot be changed until they are returned to draft.",
    ]
    assert counts() == before


# ── the command ──


def call(path, *options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_results", str(path), "--layout", "long", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_long_file_then_finds_it_unchanged(draft, admin, tmp_path):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(long_file(value_rows(draft, HEALTH_MET)))

    out, err = call(path)
    again, _err = call(path, "--year", str(YEAR))

    assert "0 new, 1 updated, 0 unchanged, 0 rows with errors." in out
    assert "The indicator values were imported." in out
    assert "0 new, 0 updated, 1 unchanged" in again
    assert err == ""
    assert stored_values(draft[0]) == {"15.3": Decimal("12.5"), "15.4": Decimal("92.5")}
    assessment = Assessment.objects.get(unit__code=draft[0], year=YEAR)
    assert set(ChangeRecord.objects.about(assessment).filter(action="value").values_list("user", flat=True)) == {
        admin.pk
    }


def test_the_command_prints_the_warnings(draft, admin, tmp_path):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(long_file(value_rows(draft, [*HEALTH_MET, ("8.1", "")])))

    out, err = call(path)

    assert "Warning: 1 rows without a value were left aside: their stored values stay as they are." in out
    assert "The indicator values were imported." in out and err == ""


def test_the_command_writes_nothing_on_an_error_or_a_dry_run(draft, admin, tmp_path):
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    bad.write_bytes(long_file(value_rows(draft, [*HEALTH_MET, ("2.1", "Đạt")])))
    good.write_bytes(long_file(value_rows(draft, HEALTH_MET)))
    before = counts()

    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call(bad)
    with pytest.raises(CommandError, match="Nothing was imported: 2 errors"):  # a row each
        call(good, "--year", "2024")
    out, _err = call(good, "--dry-run")

    assert "Dry run: nothing was written." in out
    assert counts() == before


def test_the_wide_layout_still_needs_its_year(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=r"The wide layout needs --year\."):
        call_command("import_results", str(path), stdout=io.StringIO(), stderr=io.StringIO())


# ── the export ──


def test_the_export_imports_back_unchanged(draft, admin):
    run_import(long_file(value_rows(draft, [*HEALTH_MET, ("8.1", "Chưa đạt"), ("10", "45.500,25")])), admin)
    assessment = Assessment.objects.get(unit__code=draft[0], year=YEAR)
    before = counts()

    exported = indicator_values_xlsx([assessment])
    summary = run_import(exported, admin)

    assert messages(summary) == []
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 1)
    assert counts() == before
    read = indicator_values_read(exported)
    assert {row.indicator.code: row.value for row in read.rows} == {
        "8.1": False,
        "10": Decimal("45500.25"),
        "15.3": Decimal("12.5"),
        "15.4": Decimal("92.5"),
    }


def test_the_template_lists_every_simple_indicator_with_a_blank_value(draft):
    assessment = Assessment.objects.get(unit__code=draft[0], year=YEAR)
    sheet = openpyxl.load_workbook(io.BytesIO(indicator_values_xlsx([assessment], template=True))).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))

    codes = [row[5] for row in rows]
    assert "14.1" not in codes and "5" not in codes  # several conditions: not imported from files
    assert codes[:3] == ["3.1", "3.2", "8.1"] and len(codes) == 15
    assert {(row[1], row[4], row[7]) for row in rows} == {(draft[0], YEAR, None)}

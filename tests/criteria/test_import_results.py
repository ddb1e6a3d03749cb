"""Importing criterion results from the wide tables offices keep, on the Cao Bằng demo: spellings, marks,
every refusal (which writes nothing), the write itself with its history, re-imports and dry runs."""

import codecs
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from communes.models import AdministrativeUnit
from criteria.imports.results_wide import results_file_check
from criteria.models import Assessment, CriteriaSet, CriterionResult
from criteria.selectors import criteria_set_in_force
from criteria.services import results_import
from ntm_portal.models import ChangeRecord
from tests.criteria.test_evidence_files import compound_file
from tests.old_excel import as_xls

pytestmark = pytest.mark.usefixtures("english_messages")


YEAR = 2025  # QĐ 318; the demo's 2025 results are drafts or submitted, earlier years approved
CRITERIA = 19


@pytest.fixture(scope="module")
def demo(demo_for_module):
    return None


@pytest.fixture
def cao_bang(demo, db):
    return programme_communes(YEAR)


def programme_communes(year):
    """(code, commune name, district name) of the programme communes, in code order."""
    return list(
        AdministrativeUnit.objects.in_programme()
        .valid_on(f"{year}-01-01")
        .order_by("code")
        .values_list("code", "name", "parent__name")
    )


def criteria_set(year=YEAR):
    return criteria_set_in_force(year=year)


def marks_for(code, year=YEAR):
    """A deterministic pattern of results: different for each commune and year, never all or nothing."""
    return [(int(code) + number + year) % 3 != 0 for number in range(1, CRITERIA + 1)]


def cells(marks):
    return ["x" if met else None for met in marks]


# ── building files ──


def workbook(rows, *, headings=None, two_row_header=True, total=True, title="Biểu 02", extra_sheets=()):
    """The layout of a province office: title rows, a header merged over two rows, a row per commune
    (STT, name, district, marks, total), a totals row and a signature row. `rows` are (name, district,
    mark cells[, stated total])."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(["UBND TỈNH CAO BẰNG"])
    sheet.append(["BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI NĂM 2025"])
    sheet.append([])
    headings = headings or [f"TC{number}" for number in range(1, CRITERIA + 1)]
    first = len(headings) + 3  # column index of the last criterion, 0-based
    total_heading = ["Tổng số tiêu chí đạt"] if total else []
    if two_row_header:
        sheet.append(
            ["STT", "Tên xã", "Huyện/Thành phố", "Kết quả thực hiện các tiêu chí"]
            + [None] * (len(headings) - 1)
            + total_heading
        )
        sheet.append([None, None, None, *headings, *([None] if total else [])])
        for column in ["A", "B", "C"] + ([openpyxl.utils.get_column_letter(first + 1)] if total else []):
            sheet.merge_cells(f"{column}4:{column}5")
        sheet.merge_cells(f"D4:{openpyxl.utils.get_column_letter(first)}4")
    else:
        sheet.append(["STT", "Tên xã", "Huyện/Thành phố", *headings, *total_heading])
    for number, (name, district, marks, *stated) in enumerate(rows, 1):
        counted = sum(1 for mark in marks if mark not in (None, "", "0", 0, "-", "chưa đạt", "không đạt"))
        sheet.append([number, name, district, *marks, *([stated[0] if stated else counted] if total else [])])
    sheet.append([None, "Tổng cộng", None, *[None] * len(headings)])
    sheet.append([])
    sheet.append([None, "Người lập biểu", None, None, None, "Cao Bằng, ngày 25 tháng 11 năm 2025"])
    for extra in extra_sheets:
        book.create_sheet(extra)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows(communes):
    return [(name, district, cells(marks_for(code))) for code, name, district in communes]


def counts():
    return (Assessment.objects.count(), CriterionResult.objects.count(), ChangeRecord.objects.count())


def check(content, year=YEAR):
    return results_file_check(content, year=year, criteria_set=criteria_set(year), file_name="ket-qua.xlsx")


def stored_marks(code, year=YEAR):
    results = CriterionResult.objects.filter(assessment__unit__code=code, assessment__year=year).order_by(
        "criterion__number"
    )
    return [result.is_met for result in results]


def run(tmp_path, content, *options, name="ket-qua.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_results", str(path), "--year", str(YEAR), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ── names, marks and layouts ──


def test_name_and_district_variants_find_their_communes(cao_bang):
    rows = [
        ("Xã Hưng Đạo", "Thành phố Cao Bằng", "01705"),
        ("hưng đạo", "H. Bảo Lạc", "01351"),
        (unicodedata.normalize("NFD", "Hưng Đạo"), "Huyện Nguyên Bình", "01783"),
        ("X. Vĩnh Quang", "TP. Cao Bằng", "01693"),
        ("VĨNH QUANG", "Bảo Lâm", "01300"),
        ("Xã  Phan  Thanh", "TP Bảo Lạc", "01345"),
        ("Xa Phan Thanh", "Nguyen Binh", "01768"),
        ("X Ngọc Động", "Hà Quảng", "01378"),
        ("Ngọc Động", "Huyện Quảng Hòa", "01618"),
        ("Quang Trung", "Huyện Trùng Khánh", "01465"),
        ("Quang Trung", "Hòa An", "01702"),  # stored "Hoà An": the old placement of the tone mark
        ("Đức Long", "huyện hoà an", "01669"),
        ("Đức Long", "Thạch An", "01822"),
        ("Tổng Cọt", "", None),  # a real commune whose name starts like a totals row
    ]
    result = check(workbook([(name, district, cells(marks_for("1"))) for name, district, _code in rows]))
    assert result.errors == []
    codes = [row.unit.code for row in result.rows]
    assert codes[:-1] == [code for _name, _district, code in rows[:-1]]
    assert result.rows[-1].unit.name == "Xã Tổng Cọt"
    assert [row.place.row for row in result.rows] == list(range(6, 6 + len(rows)))  # as Excel numbers rows
    assert {row.place.column for row in result.rows} == {"B"}


def test_every_mark_variant(cao_bang):
    met = ["x", "X", "Đ", "đạt", "Đạt", "1", 1, "✓"]
    not_met = [None, "", "0", 0, "-", "chưa đạt", "không đạt", "Chưa đạt"]
    marks = [*met, *not_met, "x", None, "x"]
    result = check(workbook([("Xã Hưng Đạo", "Thành phố Cao Bằng", marks, 10)]))
    assert result.errors == []
    assert list(result.rows[0].marks.values()) == [True] * 8 + [False] * 8 + [True, False, True]


@pytest.mark.parametrize(
    "headings",
    [
        [str(number) for number in range(1, CRITERIA + 1)],
        [f"Tiêu chí {number}" for number in range(1, CRITERIA + 1)],
        [f"TC {number:02}" for number in range(1, CRITERIA + 1)],
        "names",
    ],
    ids=["numbers", "tieu-chi-n", "tc-0n", "names"],
)
@pytest.mark.parametrize("two_row_header", [True, False], ids=["two-row-header", "one-row-header"])
def test_criterion_headings(cao_bang, headings, two_row_header):
    if headings == "names":
        headings = [name.upper() for name in criteria_set().criteria.order_by("number").values_list("name", flat=True)]
    code, name, district = cao_bang[0]
    result = check(
        workbook([(name, district, cells(marks_for(code)))], headings=headings, two_row_header=two_row_header)
    )
    assert result.errors == []
    assert list(result.rows[0].marks.values()) == marks_for(code)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text):
    """Text as Vietnamese Windows saves it: letters with their shape (ê, ư, đ) and the tone as a combining mark."""
    letters = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS)) + tones)
    return "".join(letters).encode("cp1258")


def test_csv_in_utf8_with_bom_and_in_cp1258_with_a_code_column(cao_bang):
    header = ["STT", "Mã xã", "Xã", *[f"TC{number}" for number in range(1, CRITERIA + 1)], "Tổng số tiêu chí đạt"]
    line = ["1", "1783", "Hưng Đạo", *["x"] * 5, *[""] * 14, "5"]
    text = "Kết quả năm 2025\n" + "\n".join(";".join(row) for row in (header, line)) + "\nNgười lập biểu\n"
    for content in (codecs.BOM_UTF8 + text.encode(), windows_1258(text)):
        result = results_file_check(content, year=YEAR, criteria_set=criteria_set(), file_name="ket-qua.csv")
        assert result.errors == []
        assert [(row.unit.code, sum(row.marks.values()), row.place.sheet) for row in result.rows] == [
            ("01783", 5, "ket-qua.csv")
        ]


def test_district_group_rows_choose_among_same_named_communes(cao_bang):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên đơn vị", *[f"TC{number}" for number in range(1, CRITERIA + 1)]])
    sheet.append(["I", "Huyện Bảo Lạc"])
    sheet.append([1, "Hưng Đạo", *["x"] * CRITERIA])
    sheet.append(["II", "Thành phố Cao Bằng"])
    sheet.append([1, "Hưng Đạo", *["x"] * CRITERIA])
    buffer = io.BytesIO()
    book.save(buffer)
    assert [row.unit.code for row in check(buffer.getvalue()).rows] == ["01351", "01705"]


# ── refusals: each is reported where it is, and nothing is written ──


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def empty_workbook():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def titles_only_workbook():
    book = openpyxl.Workbook()
    book.active.append(["BẢNG TỔNG HỢP KẾT QUẢ"])
    book.active.append(["Đơn vị tính: tiêu chí"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good(communes, count=2):
    return good_rows(communes[:count])


REFUSALS = {
    "unknown commune": (
        lambda c: workbook([*good(c), ("Hưng Đạp", "Thành phố Cao Bằng", cells(marks_for("1")))]),
        "sheet “Biểu 02”, row 8, column B (Tên xã): No commune named “Hưng Đạp” was found in “Thành phố Cao Bằng”. "
        "Did you mean Xã Hưng Đạo (Thành phố Cao Bằng)?",
    ),
    "ambiguous commune": (
        lambda c: workbook([*good(c), ("Xã Hưng Đạo", "", cells(marks_for("1")))]),
        "row 8, column B (Tên xã): Several communes are named “Xã Hưng Đạo”: Xã Hưng Đạo (Huyện Bảo Lạc), "
        "Xã Hưng Đạo (Huyện Nguyên Bình), Xã Hưng Đạo (Thành phố Cao Bằng).",
    ),
    "duplicated commune": (
        lambda c: workbook([*good(c), (c[0][1], c[0][2], cells(marks_for(c[0][0])))]),
        "row 8, column B (Tên xã): Xã ",  # "… already appears in sheet “Biểu 02”, row 6."
    ),
    "invalid mark": (
        lambda c: workbook([*good(c), ("Hưng Đạo", "TP. Cao Bằng", ["v", *cells(marks_for("1"))[1:]], 1)]),
        "row 8, column D (TC1): “v” is not a mark",
    ),
    "total disagrees": (
        lambda c: workbook([*good(c), ("Hưng Đạo", "TP. Cao Bằng", ["x"] * CRITERIA, 18)]),
        "row 8, column W (Tổng số tiêu chí đạt): The row states 18 criteria met, but 19 are marked.",
    ),
    "ward, not in the programme": (
        lambda c: workbook([*good(c), ("Phường Sông Bằng", "TP. Cao Bằng", ["x"] * CRITERIA)]),
        "row 8, column B (Tên xã): Phường Sông Bằng was not a commune of the programme in 2025.",
    ),
    "missing criterion column": (
        lambda c: workbook(good(c), headings=[f"TC{number}" for number in range(1, CRITERIA)]),
        "sheet “Biểu 02”: The table has no column for criteria 19.",
    ),
    "pdf": (lambda c: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "neither an Excel workbook"),
    "docx": (lambda c: zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "neither"),
    "png": (lambda c: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither an Excel workbook"),
    "damaged xls": (lambda c: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "cannot be read"),
    "word document": (lambda c: compound_file(["WordDocument"]), "neither an Excel workbook"),
    "damaged xlsx": (lambda c: zip_of({"xl/workbook.xml": "<not-a-workbook"}), "cannot be read"),
    "0 bytes": (lambda c: b"", "The file is empty (0 bytes)."),
    "empty sheet": (lambda c: empty_workbook(), "sheet “Sheet”: The sheet is empty."),
    "no header": (lambda c: titles_only_workbook(), "sheet “Sheet”: No table header was found"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_refusal_is_reported_and_writes_nothing(cao_bang, tmp_path, case):
    build, expected = REFUSALS[case]
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(tmp_path, build(cao_bang))
    errors = check(build(cao_bang)).errors
    assert any(expected in str(error) for error in errors), [str(error) for error in errors]
    assert counts() == before


def test_all_errors_of_a_file_are_reported_at_once_with_their_places(cao_bang, tmp_path):
    content = workbook(
        [
            *good(cao_bang),
            ("Hưng Đạp", "", ["x"] * CRITERIA),
            ("Đức Long", "Hoà An", ["x", "?", *["x"] * 17]),
            ("Đức Long", "Thạch An", ["x"] * CRITERIA, 3),
        ]
    )
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_results", str(path), "--year", str(YEAR), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "sheet “Biểu 02”, row 8, column B (Tên xã)",
        "sheet “Biểu 02”, row 9, column E (TC2)",
        "sheet “Biểu 02”, row 10, column W (Tổng số tiêu chí đạt)",
    ]
    assert "Traceback" not in err.getvalue()


def test_approved_results_are_locked(demo, db, tmp_path):
    communes = programme_communes(2024)
    content = workbook([(name, district, cells(marks_for(code, 2024))) for code, name, district in communes[:1]])
    before = counts()
    path = tmp_path / "2024.xlsx"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_results", str(path), "--year", "2024", stdout=io.StringIO(), stderr=err)
    assert "The 2024 results of Xã" in err.getvalue()
    assert "are approved and locked" in err.getvalue()
    assert counts() == before


def test_results_that_contradict_stored_indicators_are_refused(cao_bang):
    code, name, district = cao_bang[0]
    result = CriterionResult.objects.get(assessment__unit__code=code, assessment__year=YEAR, criterion__number=1)
    result.computed_is_met = result.is_met
    result.save()
    marks = cells([not result.is_met, *stored_marks(code)[1:]])
    rows = [(name, district, marks)]
    before = counts()
    summary = results_import(
        user=None, year=YEAR, criteria_set=criteria_set(), rows=check(workbook(rows)).rows, dry_run=False
    )
    assert "say otherwise for criteria 1" in summary.errors[0].message
    assert not summary.written
    assert counts() == before


def test_a_user_imports_only_within_their_scope(cao_bang):
    official = get_user_model().objects.get(username="xa.hungdao")  # Xã Hưng Đạo of the city
    rows = check(workbook([*good_rows(cao_bang[:1]), ("Hưng Đạo", "TP. Cao Bằng", cells(marks_for("1")))])).rows
    before = counts()
    summary = results_import(user=official, year=YEAR, criteria_set=criteria_set(), rows=rows, dry_run=False)
    assert [error.message for error in summary.errors] == [f"You may not enter results for {cao_bang[0][1]}."]
    assert counts() == before


# ── the write ──


def test_a_good_file_imports_every_result_with_summaries_and_history(cao_bang, tmp_path, django_assert_max_num_queries):
    missing = Assessment.objects.get(unit__code=cao_bang[1][0], year=YEAR)
    missing.delete()  # a commune without an assessment yet: the import creates it
    unchanged_code = cao_bang[2][0]
    already = cells(stored_marks(unchanged_code))
    rows = good_rows(cao_bang)
    rows[2] = (rows[2][0], rows[2][1], already)
    before = {
        a.unit.code: (a.version, a.results_summary) for a in Assessment.objects.filter(year=YEAR).select_related("unit")
    }
    records_before = ChangeRecord.objects.count()

    checked = check(workbook(rows))
    assert checked.errors == []
    with django_assert_max_num_queries(25):
        summary = results_import(user=None, year=YEAR, criteria_set=criteria_set(), rows=checked.rows, dry_run=False)
    assert summary.written
    assert (summary.new, summary.unchanged, summary.error_rows) == (1, 1, 0)
    assert summary.updated == len(cao_bang) - 2

    for code, _name, _district in cao_bang:
        expected = [bool(mark) for mark in (already if code == unchanged_code else cells(marks_for(code)))]
        assert stored_marks(code) == expected, code
        assessment = Assessment.objects.get(unit__code=code, year=YEAR)
        assert assessment.results_summary == "".join("1" if met else "0" for met in expected)
        assert assessment.criteria_met == sum(expected)

    created = Assessment.objects.get(unit__code=cao_bang[1][0], year=YEAR)
    assert (created.status, created.version) == ("draft", 1)
    history = ChangeRecord.objects.about(created)
    # A new assessment gets one history row holding every imported result (the summary string).
    assert list(history.values_list("action", "new_value", "comment")) == [
        ("created", created.results_summary, "import")
    ]
    assert set(CriterionResult.objects.filter(assessment=created).values_list("method", flat=True)) == {"imported"}

    code = cao_bang[0][0]
    updated = Assessment.objects.get(unit__code=code, year=YEAR)
    assert updated.version == before[code][0] + 1
    changes = ChangeRecord.objects.about(updated).filter(action="result", subject_version=updated.version)
    old = [int(symbol) for symbol in before[code][1]]
    new = [int(met) for met in marks_for(code)]
    assert {(c.target, c.old_value, c.new_value) for c in changes} == {
        (str(number), "met" if was else "not_met", "met" if now else "not_met")
        for number, (was, now) in enumerate(zip(old, new, strict=True), 1)
        if was != now
    }
    assert Assessment.objects.get(unit__code=unchanged_code, year=YEAR).version == before[unchanged_code][0]
    changed = sum(
        (symbol == "1") != met
        for code, _name, _district in cao_bang
        if code in before and code != unchanged_code
        for symbol, met in zip(before[code][1], marks_for(code), strict=True)
    )
    assert ChangeRecord.objects.count() - records_before == 1 + changed


def test_the_command_imports_then_finds_everything_unchanged(cao_bang, tmp_path):
    content = workbook(good_rows(cao_bang))
    out, err = run(tmp_path, content)
    assert err == ""
    assert f"0 new, {len(cao_bang)} updated, 0 unchanged, 0 rows with errors." in out
    assert "The results of 2025 were imported." in out
    after_first = counts()
    versions = dict(Assessment.objects.filter(year=YEAR).values_list("pk", "version"))

    out, _err = run(tmp_path, content)
    assert f"0 new, 0 updated, {len(cao_bang)} unchanged, 0 rows with errors." in out
    assert counts() == after_first
    assert dict(Assessment.objects.filter(year=YEAR).values_list("pk", "version")) == versions
    first_superuser = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    assert set(ChangeRecord.objects.filter(comment="import").values_list("user", flat=True)) == {first_superuser.pk}


def test_an_old_excel_file_imports_as_its_xlsx_does(cao_bang, tmp_path):
    """The same table saved as Excel 97-2003 (.xls): merged two-row header, marks, totals, signature."""
    rows = good_rows(cao_bang)
    rows[0] = (rows[0][0], rows[0][1], ["Đ", "đạt", 1, "✓", "X", 0, "-", "chưa đạt", *rows[0][2][8:]])
    xlsx, xls = workbook(rows), as_xls(workbook(rows))
    assert xls.startswith(b"\xd0\xcf\x11\xe0")
    from_xlsx, from_xls = check(xlsx), check(xls)
    assert from_xls.errors == []
    assert [(row.unit.pk, dict(row.marks), row.place) for row in from_xls.rows] == [
        (row.unit.pk, dict(row.marks), row.place) for row in from_xlsx.rows
    ]
    out, err = run(tmp_path, xls, name="ket-qua.xls")
    assert err == "" and f"{len(cao_bang)} updated" in out
    code = cao_bang[0][0]
    assert stored_marks(code) == [True] * 5 + [False] * 3 + marks_for(code)[8:]


def test_dry_run_counts_and_writes_nothing(cao_bang, tmp_path):
    before = counts()
    summaries = list(Assessment.objects.filter(year=YEAR).values_list("results_summary", "version"))
    out, _err = run(tmp_path, workbook(good_rows(cao_bang)), "--dry-run")
    assert f"0 new, {len(cao_bang)} updated, 0 unchanged, 0 rows with errors." in out
    assert "Dry run: nothing was written." in out
    assert counts() == before
    assert list(Assessment.objects.filter(year=YEAR).values_list("results_summary", "version")) == summaries


def test_the_command_chooses_the_set_and_refuses_a_wrong_one(cao_bang, tmp_path):
    content = workbook(good_rows(cao_bang[:1]))
    out, _err = run(tmp_path, content, "--criteria-set", criteria_set().code, "--dry-run")
    assert "0 new, 1 updated" in out
    ten_criteria = CriteriaSet.objects.get(code="QD51-2025")
    with pytest.raises(CommandError, match="does not judge communes in 2025"):
        run(tmp_path, content, "--criteria-set", ten_criteria.code)
    with pytest.raises(CommandError, match="No criteria set has the code"):
        run(tmp_path, content, "--criteria-set", "QD-0")


def test_sheets_without_a_table_are_named_and_left_aside(cao_bang, tmp_path):
    out, _err = run(tmp_path, workbook(good_rows(cao_bang[:1]), extra_sheets=["Ghi chú"]), "--dry-run")
    assert "Sheet “Ghi chú” has no results table and was not read." in out
    assert "0 new, 1 updated" in out


def test_a_check_without_comparison_leaves_it_to_the_import_and_still_lists_every_error(demo, db):
    communes = programme_communes(2024)
    approved = [(name, district, cells(marks_for(code, 2024))) for code, name, district in communes[:1]]
    kwargs = {"year": 2024, "criteria_set": criteria_set(2024), "compare": False}
    checked = results_file_check(workbook(approved), **kwargs)
    assert checked.errors == [] and len(checked.rows) == 1  # the import compares under lock
    summary = results_import(user=None, year=2024, criteria_set=criteria_set(2024), rows=checked.rows, dry_run=False)
    assert not summary.written and "are approved and locked" in summary.errors[0].message
    # A file that already has errors is compared at once, so that the office sees all of them together.
    broken = [*approved, ("Xã Không Có", "Huyện Hoà An", cells(marks_for(communes[1][0], 2024)))]
    messages = [error.message for error in results_file_check(workbook(broken), **kwargs).errors]
    assert any("approved and locked" in message for message in messages)
    assert any("Xã Không Có" in message for message in messages)

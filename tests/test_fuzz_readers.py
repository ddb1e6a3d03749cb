"""Hostile workbooks against every reader of office files (Hypothesis, 500 examples each, derandomized).

Each example is a valid table mutated (tests/hostile.py) and goes through the same import function as the
import page and the commands, in a dry run and for real, in a savepoint of its own on PostgreSQL. Whatever
the file, the reader answers with errors (or its own refusal) and never raises anything else; a refused
import writes nothing; every error is a Vietnamese sentence that says where it is (sheet, row, column).
"""

import pytest
from django.db import connection, transaction
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.selectors import criteria_set_in_force
from criteria.set_workbook import (
    CRITERIA_SHEET,
    INDICATORS_SHEET,
    SET_SHEET,
    THRESHOLDS_SHEET,
    WorkbookInvalid,
    criteria_set_workbook,
    criteria_set_workbook_import,
)
from ntm_portal.importing import KINDS
from ntm_portal.spreadsheets import read_sheets
from tests.hostile_inputs import hostile_files, is_vietnamese

YEAR = 2024
EXAMPLES = 500
fuzzed = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    database=None,
)
# Every table an import may write to: their row counts before and after a refused import must be equal.
TABLES = ("criteria_assessment", "criteria_criterionresult", "criteria_indicatorvalue", "ntm_portal_changerecord",
          "funding_fundingrecord", "criteria_criteriaset", "criteria_criterion", "criteria_indicator",
          "criteria_threshold")  # fmt: skip
UNEXPECTED = "The file could not be imported because of an unexpected error. Please tell the administrators."

WIDE = [
    (
        "Kết quả",
        [
            ["BẢNG TỔNG HỢP KẾT QUẢ NĂM 2024"],
            ["STT", "Tên xã", "Huyện", *[f"TC{number}" for number in range(1, 20)], "Tổng số tiêu chí đạt"],
            [1, "Xã Hưng Đạo", "Hoà An", *["x"] * 19, 19],
            [2, "Đức Long", "Hoà An", *["x"] * 10, *[None] * 9, 10],
            ["Người lập biểu"],
        ],
    )
]
LONG = [
    (
        "Chỉ tiêu",
        [
            ["DANH SÁCH SỐ LIỆU CÁC CHỈ TIÊU NĂM 2024"],
            ["Mã xã", "Tên xã", "Huyện", "Năm", "Mã chỉ tiêu", "Giá trị"],
            ["01001", "Xã Hưng Đạo", "Hoà An", YEAR, "3.1", "85,5"],
            [None, None, None, None, "8.1", "Đạt"],
            ["01002", "Xã Đức Long", "Hoà An", YEAR, "17.1", 0.925],
        ],
    )
]
FUNDING = [
    (
        "Nguồn vốn",
        [
            ["BÁO CÁO KẾT QUẢ HUY ĐỘNG NGUỒN LỰC"],
            ["STT", "Đơn vị", "Năm", "Nguồn vốn", "Loại", "Số tiền (triệu đồng)", "Tỷ lệ (%)"],
            [1, "Huyện Hoà An", YEAR, "Ngân sách Trung ương", "Huy động", "1.250,5", "50"],
            [2, None, None, "Vốn tín dụng", "Huy động", 1250.5, 50],
            ["Tổng cộng", None, None, None, None, "2.501", None],
        ],
    )
]


@pytest.fixture(scope="module")
def world(world_for_module):
    return world_for_module


def row_counts() -> tuple[int, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in TABLES))
        return cursor.fetchone()


def assert_explained(errors) -> None:
    """Every error a Vietnamese sentence, placed consistently: a column only on a row, a row only in a sheet."""
    for error in errors:
        assert error.message.strip(), error
        assert error.message != gettext(UNEXPECTED), "an unexpected exception was hidden behind the generic message"
        assert is_vietnamese(error.message), error.message
        place = error.place
        assert not place.column or place.row is not None, error
        assert place.row is None or place.sheet, error
        assert str(error)


def import_both_ways(kind_code: str, user, name: str, content: bytes) -> None:
    run = KINDS[kind_code].run
    year = YEAR if KINDS[kind_code].year_required else None
    with transaction.atomic():
        before = row_counts()
        checked = run(content=content, file_name=name, user=user, year=year, dry_run=True)
        assert_explained(checked.errors)
        assert row_counts() == before, "a dry run wrote"
        imported = run(content=content, file_name=name, user=user, year=year, dry_run=False)
        assert_explained(imported.errors)
        if imported.errors:
            assert not imported.written
            assert row_counts() == before, "a refused import wrote part of the file"
        else:
            assert imported.written
        transaction.set_rollback(True)


@pytest.mark.django_db
@fuzzed
@given(data=st.data())
def test_the_wide_results_reader_survives_hostile_files(world, data):
    import_both_ways("results", world.users["province_staff"], *data.draw(hostile_files(WIDE), label="file"))


@pytest.mark.django_db
@fuzzed
@given(data=st.data())
def test_the_long_values_reader_survives_hostile_files(world, data):
    import_both_ways("values", world.users["province_staff"], *data.draw(hostile_files(LONG), label="file"))


@pytest.mark.django_db
@fuzzed
@given(data=st.data())
def test_the_funding_reader_survives_hostile_files(world, data):
    import_both_ways("funding", world.users["province_staff"], *data.draw(hostile_files(FUNDING), label="file"))


@pytest.fixture(scope="module")
def set_table(world, django_db_blocker) -> list[tuple[str, list[list]]]:
    """A small criteria-set workbook as exported: one criterion of the national set with its first indicator (and
    threshold, if any), under a new code and without the report bands (made for all its criteria)."""
    with django_db_blocker.unblock():
        workbook = criteria_set_workbook(criteria_set_in_force(year=YEAR))
    exported = {sheet.name: [list(row) for row in sheet.rows] for sheet in read_sheets(workbook)}
    criterion, indicator = exported[INDICATORS_SHEET][1][:2]

    def kept(title: str, key: list) -> tuple[str, list[list]]:
        header, *rows = exported[title]
        return title, [header, *(row for row in rows if row[: len(key)] == key)][:2]

    changed = {"code": "FUZZ-1", "report_bands": None}
    fields = [[row[0], changed.get(row[0], row[1] if len(row) > 1 else None)] for row in exported[SET_SHEET]]
    return [
        (SET_SHEET, fields),
        kept(CRITERIA_SHEET, [criterion]),
        kept(INDICATORS_SHEET, [criterion, indicator]),
        kept(THRESHOLDS_SHEET, [criterion, indicator]),
    ]


@pytest.mark.django_db
@fuzzed
@given(data=st.data())
def test_the_criteria_set_workbook_reader_survives_hostile_files(world, set_table, data):
    _name, content = data.draw(hostile_files(set_table), label="file")
    with transaction.atomic():
        before = row_counts()
        try:
            created = criteria_set_workbook_import(user=world.users["admin"], content=content)
        except WorkbookInvalid as invalid:
            assert invalid.errors
            for place, message in invalid.errors:
                assert message.strip() and is_vietnamese(message), message
                assert place or len(invalid.errors) == 1, (place, message)  # a file unread is one error
            assert row_counts() == before, "a refused workbook wrote part of the set"
        else:
            assert created.criteria.exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_base_tables_are_valid(world, set_table):
    """The fuzzing starts from files that import: a mutation that breaks them is the reader's to explain."""
    from tests.hostile_inputs import xlsx

    with transaction.atomic():
        user = world.users["province_staff"]
        for code, table in (("results", WIDE), ("values", LONG), ("funding", FUNDING)):
            year = YEAR if KINDS[code].year_required else None
            summary = KINDS[code].run(content=xlsx(table), file_name="a.xlsx", user=user, year=year, dry_run=False)
            assert (summary.errors, summary.written) == ([], True), code
        assert criteria_set_workbook_import(user=world.users["admin"], content=xlsx(set_table)).code == "FUZZ-1"
        transaction.set_rollback(True)

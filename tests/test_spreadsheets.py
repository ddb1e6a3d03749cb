"""Reading the files offices send into rows of values: .xlsx, .xls (Excel 97-2003) and CSV alike."""

import datetime
import io

import openpyxl
import pytest

from ntm_portal.spreadsheets import UnreadableFile, percent_cells, read_sheets
from tests.criteria.test_evidence_files import compound_file
from tests.old_excel import as_xls

pytestmark = pytest.mark.usefixtures("english_messages")


def office_workbook() -> bytes:
    """Two sheets: Vietnamese text, whole and decimal numbers, a percentage, a boolean, a date, blank cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    sheet.append(["STT", "Tên xã", "Tỷ lệ", "Đạt", "Ngày"])
    sheet.append([1, "Xã Hưng Đạo", 0.925, True, datetime.date(2025, 11, 25)])
    sheet.append([2, "Xã Vĩnh Quang", 87.5, False, None])
    sheet.append([])
    sheet.append([None, "Người lập biểu"])
    sheet["C2"].number_format = "0.0%"
    book.create_sheet("Ghi chú").append(["Số liệu đến 30/11/2025"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xls_reads_as_its_xlsx_does():
    xlsx = office_workbook()
    assert [(sheet.name, sheet.rows) for sheet in read_sheets(as_xls(xlsx))] == [
        ("Biểu 01", [
            ("STT", "Tên xã", "Tỷ lệ", "Đạt", "Ngày"),
            (1, "Xã Hưng Đạo", 0.925, True, datetime.datetime(2025, 11, 25)),
            (2, "Xã Vĩnh Quang", 87.5, False),
            (),
            (None, "Người lập biểu"),
        ]),
        ("Ghi chú", [("Số liệu đến 30/11/2025",)]),
    ]  # fmt: skip
    from_xlsx = read_sheets(xlsx)[0].rows
    assert from_xlsx[1] == (1, "Xã Hưng Đạo", 0.925, True, datetime.datetime(2025, 11, 25))


@pytest.mark.parametrize("convert", [lambda xlsx: xlsx, as_xls], ids=["xlsx", "xls"])
def test_cells_shown_as_percentages_are_found_in_both_formats(convert):
    content = convert(office_workbook())
    assert percent_cells(content, {"Biểu 01": 2}) == {("Biểu 01", 2)}
    assert percent_cells(content, {"Biểu 01": 1}) == set()


def test_a_csv_has_no_percentage_cells():
    assert percent_cells("Tên xã;Tỷ lệ\nXã Hưng Đạo;92,5%\n".encode(), {"CSV": 1}) == set()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty (0 bytes)."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "The workbook cannot be read: it may be damaged."),
        (compound_file(["WordDocument"]), "The file is neither an Excel workbook (.xlsx, .xls) nor a CSV file."),
        (b"%PDF-1.7\n1 0 obj", "The file is neither an Excel workbook (.xlsx, .xls) nor a CSV file."),
    ],
    ids=["0 bytes", "damaged xls", "word document", "pdf"],
)
def test_what_cannot_be_read_says_why(content, message):
    with pytest.raises(UnreadableFile) as refused:
        read_sheets(content)
    assert refused.value.message == message


def test_a_truncated_xls_is_damaged_not_a_crash():
    content = as_xls(office_workbook())
    with pytest.raises(UnreadableFile, match="damaged"):
        read_sheets(content[: len(content) // 2])

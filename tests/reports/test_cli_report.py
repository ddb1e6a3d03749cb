"""The command line of an office scripting its reports, on a fresh database with no account at all: load the
criteria and the map, import the 2021 workbook of Cao Bằng (139 programme communes, 17 meeting all 19
criteria, no recognition decision), render the annual report (issue 16)."""

import io
import re
import unicodedata

import docx
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from docx.shared import Twips
from pypdf import PdfReader

from communes.models import AdministrativeUnit
from reports.docx_parts import text_width
from tests.criteria.test_import_results import cells, workbook
from tests.reports.handmade import build_province

YEAR = 2021
CRITERIA = 19
MEETING_ALL = 17


def programme_communes():
    """(code, name, district name as the workbook writes it) of Cao Bằng's programme communes in 2021."""
    rows = (
        AdministrativeUnit.objects.in_programme()
        .valid_on(f"{YEAR}-01-01")
        .order_by("code")
        .values_list("code", "name", "parent__short_name")
    )
    # Offices type the new placement of the tone mark ("Hòa An"); the code list writes "Hoà An".
    return [(code, name, district.replace("Hoà", "Hòa")) for code, name, district in rows]


def marks(index: int) -> list[bool]:
    """The first 17 communes meet every criterion; the others 3 … 18, never all."""
    met = CRITERIA if index < MEETING_ALL else 3 + index % 16
    return [number <= met for number in range(1, CRITERIA + 1)]


@pytest.fixture
def imported(db, tmp_path):
    call_command("load_criteria", verbosity=0, stdout=io.StringIO())
    call_command("load_units", province="Cao Bằng", stdout=io.StringIO())
    communes = programme_communes()
    assert len(communes) == 139
    assert any(district == "Hòa An" for _code, _name, district in communes)
    rows = [(name, district, cells(marks(index))) for index, (_code, name, district) in enumerate(communes)]
    path = tmp_path / "ket-qua-2021.xlsx"
    path.write_bytes(workbook(rows))
    call_command("import_results", str(path), "--year", str(YEAR), "--province", "Cao Bằng", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
    return tmp_path


def render(tmp_path, *options, file_format="pdf", unit="Cao Bằng", year=YEAR) -> tuple[bytes, str]:
    output = tmp_path / f"bao-cao.{file_format}"
    out = io.StringIO()
    call_command(
        "render_report", "--unit", unit, "--year", str(year), "--kind", "annual", "--format", file_format,
        "--output", str(output), *options, stdout=out,
    )  # fmt: skip
    return output.read_bytes(), out.getvalue()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_fresh_database_without_an_account_renders_the_annual_report(imported):
    content, said = render(imported)

    assert content.startswith(b"%PDF")
    assert "bao-cao.pdf" in said
    text = flat(pdf_text(content))
    assert "Năm 2021 có 17 xã đạt đủ 19/19 tiêu chí, trong đó 00 xã đã có quyết định công nhận đạt chuẩn" in text
    # The bands count the communes not recognised, those meeting every criterion first
    assert "Số xã còn lại: 17 xã đạt đủ 19 tiêu chí, chưa có quyết định công nhận; 28 xã đạt 15-18 tiêu chí;" in text
    assert PdfReader(io.BytesIO(content)).metadata.author == "Dòng lệnh (render_report)"


def test_author_names_a_user_and_an_unknown_one_is_refused(imported):
    get_user_model().objects.create_user("vpdp", first_name="Nông Văn", last_name="An")
    content, _said = render(imported, "--author", "vpdp")
    assert PdfReader(io.BytesIO(content)).metadata.author in ("Nông Văn An", "An Nông Văn")
    with pytest.raises(CommandError, match="Không có người dùng"):
        render(imported, "--author", "khong-co")


def test_administrative_words_are_lower_case_mid_sentence(imported):
    text = flat(pdf_text(render(imported)[0]))

    assert "trên địa bàn tỉnh Cao Bằng có thêm 00 xã" in text
    assert "trên địa bàn Tỉnh" not in text
    assert "huyện Bảo Lâm (19,00), huyện Bảo Lạc (12,13), thành phố Cao Bằng (12,00)" in text
    # A table cell starts with its capital
    assert re.search(r"\b3 Thành phố Cao Bằng 3 12,00\b", text)


def test_no_unit_name_is_broken_inside_a_table_cell(imported):
    """Every line of the district table holds a whole name: "Thành phố Cao" then "Bằng" on the next line is
    the break the appendix had."""
    lines = pdf_text(render(imported)[0]).splitlines()
    districts = AdministrativeUnit.objects.filter(level="district", parent__code="04").valid_on(f"{YEAR}-01-01")
    for district in districts:
        row = [line for line in lines if re.match(rf"\d+ {re.escape(district.name)} \d", line)]
        assert len(row) == 1, (district.name, [line for line in lines if district.short_name.split()[0] in line])
    assert not any(line.strip() in ("Bằng", "Bình", "Khánh", "chí") for line in lines)


def test_every_output_spells_a_unit_as_the_code_list_does(imported):
    """The workbook wrote "Hòa An"; the code list writes "Huyện Hoà An", and so do the PDF, the DOCX and the
    XLSX."""
    pdf = flat(pdf_text(render(imported)[0]))
    document = docx.Document(io.BytesIO(render(imported, file_format="docx")[0]))
    word = flat(" ".join([paragraph.text for paragraph in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]))  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(render(imported, file_format="xlsx")[0]))
    cells = " ".join(
        value for sheet in book for row in sheet.iter_rows(values_only=True) for value in row if isinstance(value, str)
    )
    for output in (pdf, word, unicodedata.normalize("NFC", cells)):
        assert "Hoà An" in output
        assert "Hòa An" not in output


def test_sections_without_data_say_what_is_missing_or_are_left_out(imported):
    text = flat(pdf_text(render(imported)[0]))
    assert (
        "Chưa có số liệu nguồn vốn huy động năm 2021: nhập tại trang Nhập dữ liệu, loại Nguồn vốn (mỗi nguồn một dòng)."
        in text
    )
    assert "Chưa có mục tiêu xã đạt chuẩn nông thôn mới năm 2022: nhập tại trang Quản trị, mục Mục tiêu." in text
    assert "Chưa có nội dung mục này: viết tại trang Báo cáo, ô “I.1. Công tác truyền thông" in text

    left_out = flat(pdf_text(render(imported, "--omit-empty-sections")[0]))
    assert "Chưa có" not in left_out
    assert "Công tác truyền thông" not in left_out
    assert "Nguồn lực thực hiện Chương trình" not in left_out
    # Sections with figures stay, numbered as the standard structure numbers them
    assert "9. Kết quả thực hiện Bộ tiêu chí xã nông thôn mới" in left_out
    assert "17 xã đạt đủ 19/19 tiêu chí" in left_out


def test_a_year_without_results_says_so_once_instead_of_counting_zeros(imported):
    text = flat(pdf_text(render(imported, year=YEAR + 1)[0]))
    assert (
        "9. Kết quả thực hiện Bộ tiêu chí xã nông thôn mới Chưa có kết quả đánh giá tiêu chí năm 2022: nhập tại "
        "trang Nhập dữ liệu, loại Kết quả tiêu chí (mỗi xã một dòng)."
    ) in text
    assert text.count("Chưa có kết quả đánh giá tiêu chí") == 1
    assert "00/139 xã đạt chuẩn" not in text
    assert "Kết quả đạt bình quân tiêu chí" not in text


@pytest.mark.parametrize("written", ["04", "Cao Bằng", "Tỉnh Cao Bằng", "tinh cao bang", "  CAO BANG "])
def test_unit_accepts_the_code_or_the_name_with_or_without_its_kind(imported, written):
    content, _said = render(imported, unit=written)
    assert "trên địa bàn tỉnh Cao Bằng" in flat(pdf_text(content))


def test_a_name_the_province_and_its_city_share_means_the_province_and_says_how_to_choose_the_city(imported):
    _content, said = render(imported, unit="Cao Bằng")
    assert (
        "“Cao Bằng” là tên của Tỉnh Cao Bằng (mã 04) và Thành phố Cao Bằng (mã 040): báo cáo lập cho Tỉnh Cao Bằng. "
        'Để lập cho Thành phố Cao Bằng, hãy ghi --unit 040 hoặc --unit "Thành phố Cao Bằng".'
    ) in said
    for written in ("040", "Thành phố Cao Bằng", "TP. Cao Bằng", "thanh pho cao bang"):
        content, said = render(imported, unit=written)
        text = flat(pdf_text(content))
        assert "trên địa bàn thành phố Cao Bằng" in text, written
        assert "là tên của" not in said


def test_an_unknown_unit_is_refused(imported):
    with pytest.raises(CommandError, match="Không có tỉnh hay huyện nào"):
        render(imported, unit="Không Có")


def test_the_word_table_gives_the_name_column_the_width_of_its_longest_name(imported):
    document = docx.Document(io.BytesIO(render(imported, file_format="docx")[0]))
    table = next(table for table in document.tables if table.rows[0].cells[1].text == "Đơn vị")
    names = [row.cells[1].text for row in table.rows[1:]]
    assert "Thành phố Cao Bằng" in names
    widest = max(text_width(name, size=12, bold=True) for name in names)
    assert table.columns[1].width >= Twips(widest)


@pytest.mark.django_db
def test_two_units_of_one_level_sharing_a_name_need_the_code(tmp_path):
    province = build_province()
    other = AdministrativeUnit.objects.create(level="province", kind="tinh", code="98", name="Tỉnh Khác",
                                              short_name="Khác")  # fmt: skip
    AdministrativeUnit.objects.create(level="district", kind="huyen", code="981", name="Huyện Một",
                                      short_name="Một", parent=other)  # fmt: skip
    with pytest.raises(CommandError, match=r"Có nhiều đơn vị tên Huyện Một: Huyện Một \(981\), Huyện Một \(991\)"):
        render(tmp_path, unit="Huyện Một")
    content, _said = render(tmp_path, unit="991")
    assert "trên địa bàn huyện Một" in flat(pdf_text(content))
    assert province.code == "99"

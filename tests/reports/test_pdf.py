"""The report PDF follows Decree 30/2020/NĐ-CP: header, title, page numbers, fonts and unsplit blocks, read back
from the PDF the way a reader (or a search index) would see it."""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from reports.document import Chart, Document, Header, Heading, PageBreak, Paragraph, Table
from reports.pdf import document_html, document_pdf

SUBJECT = (
    "Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2019,\nphương hướng nhiệm vụ năm 2020"
)
COLUMNS = ("TT", "Đơn vị hành chính", "Số tiêu chí đạt chuẩn", "Vốn ngân sách (triệu đồng)")
CHART_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120"'
    ' font-family="Times New Roman, Liberation Serif, serif">'
    '<rect x="10" y="40" width="150" height="60" fill="#777"/>'
    '<text x="20" y="30" font-size="14">Số xã đạt chuẩn nông thôn mới</text>'
    "</svg>"
)


def sample_document() -> Document:
    header = Header(
        parent_body="UBND TỈNH CAO BẰNG",
        issuing_body="BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH\nMTQG TỈNH CAO BẰNG",
        number_symbol="Số: 125/BC-BCĐ",
        place_date="Cao Bằng, ngày 05 tháng 3 năm 2020",
        kind_title="BÁO CÁO",
        subject=SUBJECT,
        recipients=(
            "Ban Chỉ đạo Trung ương các CTMTQG;",
            "Bộ Nông nghiệp và PTNT;",
            "Thường trực Tỉnh ủy, HĐND tỉnh;",
            "Các thành viên BCĐ tỉnh;",
            "Lưu: VT, NTM.",
        ),
        signer_authority=("TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"),
        signer_title="PHÓ CHỦ TỊCH UBND TỈNH",
        signer_name="Hoàng Xuân Ánh",
        issued_on=datetime.date(2020, 3, 5),
    )
    rows = tuple(
        (str(number), f"Xã Thử Nghiệm {number}", str(number % 20), f"{number * 1234:,}".replace(",", "."))
        for number in range(1, 151)
    )
    blocks = (
        Heading(1, "I.", "Kết quả thực hiện năm 2019"),
        Heading(2, "1.", "Công tác chỉ đạo, điều hành"),
        Paragraph(
            "Năm 2019, toàn tỉnh có thêm 12 xã đạt chuẩn nông thôn mới, nâng tổng số xã đạt chuẩn lên 37 xã; "
            "bình quân mỗi xã đạt 11,2 tiêu chí."
        ),
        Heading(3, "a)", "Về tuyên truyền"),
        Paragraph("Tổ chức 320 hội nghị tuyên truyền tại các xã.", origin="narrative", bullet="-"),
        Paragraph("Phát hành 5.000 tờ rơi.", bullet="+"),
        Table(
            title="Kết quả thực hiện các tiêu chí theo xã",
            columns=COLUMNS,
            rows=(*rows, ("", "Tổng cộng", "1.500", "13.965.150")),
            numeric=(False, False, True, True),
            bold_rows=(150,),
            note="Nguồn: Văn phòng Điều phối nông thôn mới tỉnh.",
        ),
        Chart(title="Biểu đồ 1", svg=CHART_SVG, caption="Số xã đạt chuẩn qua các năm"),
        PageBreak(),
        Heading(1, "II.", "Phương hướng nhiệm vụ năm 2020"),
        Paragraph("Phấn đấu có thêm 10 xã đạt chuẩn nông thôn mới."),
    )
    appendix = (
        Table(
            title="Biểu 01: Nguồn vốn thực hiện Chương trình năm 2019",
            columns=("Nguồn vốn", "Kế hoạch", "Thực hiện"),
            rows=(("Ngân sách trung ương", "450.000", "431.250"), ("Tổng", "450.000", "431.250")),
            numeric=(False, True, True),
            bold_rows=(1,),
        ),
        Table(
            title="Biểu 02: Kết quả thực hiện 19 tiêu chí theo huyện",
            columns=("Huyện", *(f"TC {number}" for number in range(1, 11))),
            rows=(("Hòa An", *("Đạt" for _ in range(10))),),
        ),
    )
    closing = "Trên đây là báo cáo kết quả thực hiện Chương trình năm 2019./."
    return Document(header=header, blocks=blocks, closing=closing, appendix=appendix)


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return document_pdf(sample_document())


@pytest.fixture(scope="module")
def pages(pdf_bytes) -> list[str]:
    """The text of each page as pdftotext reads it (poppler reads Vietnamese more faithfully than pypdf)."""
    assert shutil.which("pdftotext"), "poppler-utils is needed to read the PDF back"
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True, check=True)
    return result.stdout.decode().split("\f")[:-1]


def page_with(pages: list[str], text: str) -> int:
    return next(index for index, page in enumerate(pages) if text in normalised(page))


def test_header_title_and_body_read_back_intact(pages):
    first = normalised(pages[0])
    for text in (
        "UBND TỈNH CAO BẰNG",
        "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH",
        "MTQG TỈNH CAO BẰNG",
        "Số: 125/BC-BCĐ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cao Bằng, ngày 05 tháng 3 năm 2020",
        "BÁO CÁO",
        normalised(SUBJECT),
        "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
        "đạt chuẩn",
        "I. KẾT QUẢ THỰC HIỆN NĂM 2019",
        "1. Công tác chỉ đạo, điều hành",
        "a) Về tuyên truyền",
        "- Tổ chức 320 hội nghị",
    ):
        assert text in first, text


def test_table_header_repeats_on_the_next_page(pages):
    first_row, last_row = page_with(pages, "Xã Thử Nghiệm 1 "), page_with(pages, "Xã Thử Nghiệm 150")
    assert first_row == 0
    assert last_row >= 2
    for index in range(first_row, last_row + 1):
        assert "Số tiêu chí đạt chuẩn" in normalised(pages[index]), f"page {index + 1}"


def first_line(page: str) -> str:
    return next(line for line in page.splitlines() if line.strip()).strip()


def test_page_number_at_the_top_from_page_two(pages):
    appendix = page_with(pages, "Biểu 01: Nguồn vốn")
    assert appendix >= 3
    assert pages[0].splitlines()[0] == "UBND TỈNH CAO BẰNG"
    for number, page in enumerate(pages[1:appendix], start=2):
        assert first_line(page) == str(number)


def test_each_appendix_numbers_its_own_pages_from_one(pages):
    """Phụ lục I, III.1.đ: the pages of each appendix are numbered separately, shown from its first page."""
    first, second = page_with(pages, "Biểu 01: Nguồn vốn"), page_with(pages, "Biểu 02:")
    assert second == first + 1  # Biểu 01 fits on one page
    assert [first_line(pages[first]), first_line(pages[second])] == ["1", "1"]
    assert len(pages) == second + 1


def test_pages_are_a4_with_liberation_serif(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    fonts = set()
    for page in reader.pages:
        width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert (width, height) == pytest.approx((595.28, 841.89), abs=1)
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    assert all("LiberationSerif" in re.sub(r"[^A-Za-z]", "", font) for font in fonts), fonts


def test_signature_block_stays_on_one_page(pages):
    name_page = page_with(pages, "Hoàng Xuân Ánh")
    assert "PHÓ CHỦ TỊCH UBND TỈNH" in normalised(pages[name_page])
    assert "TM. BAN CHỈ ĐẠO" in normalised(pages[name_page])
    assert "Nơi nhận:" in normalised(pages[name_page])
    assert "- Lưu: VT, NTM." in normalised(pages[name_page])


def test_appendix_starts_on_a_new_page(pages):
    appendix_page = page_with(pages, "Biểu 01: Nguồn vốn")
    assert appendix_page == page_with(pages, "Hoàng Xuân Ánh") + 1


def test_wide_appendix_table_is_on_a_landscape_page(pages, pdf_bytes):
    wide_page = PdfReader(io.BytesIO(pdf_bytes)).pages[page_with(pages, "Biểu 02:")]
    assert float(wide_page.mediabox.width) > float(wide_page.mediabox.height)


def test_chart_text_is_in_the_pdf(pages):
    assert page_with(pages, "Số xã đạt chuẩn nông thôn mới") >= 0


def test_same_document_gives_the_same_bytes(pdf_bytes):
    assert document_pdf(sample_document()) == pdf_bytes


def test_pdf_dates_come_from_the_document(pdf_bytes):
    info = PdfReader(io.BytesIO(pdf_bytes)).metadata
    assert info["/CreationDate"].startswith("D:20200305")
    assert info["/ModDate"].startswith("D:20200305")


def test_preview_is_a_fragment_linking_the_stylesheet():
    html = document_html(sample_document(), for_pdf=False)
    assert "<html" not in html
    assert 'href="/static/reports/decree30.css"' in html
    assert 'class="report-preview"' in html
    assert 'lang="vi"' in html
    assert "<thead>" in html

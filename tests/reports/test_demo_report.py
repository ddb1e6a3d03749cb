"""The Cao Bằng demo's reports: the province annual report 2021 and the phase report 2017-2021 (seed 002) as
PDF, XLSX and DOCX, read back as a reader would."""

import datetime
import io
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass

import docx
import openpyxl
import pypdf
import pytest

from communes.models import AdministrativeUnit
from reports.models import Report
from reports.services import report_create, report_files, report_save

pytestmark = pytest.mark.django_db

YEAR = 2021
ANNUAL_ORDER = (
    "I. TÌNH HÌNH TRIỂN KHAI",
    "7. Nguồn lực thực hiện Chương trình",
    "9. Kết quả thực hiện Bộ tiêu chí xã nông thôn mới",
    "a) Kết quả đạt chuẩn xã nông thôn mới",
    "b) Kết quả đạt bình quân tiêu chí",
    "c) Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới",
    "II. ĐÁNH GIÁ CHUNG",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP NĂM 2022",
    "Nơi nhận:",
)


@dataclass
class Rendered:
    report: Report
    files: dict[str, bytes]
    text: str  # the PDF's text, pages separated by form feeds


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        done = subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True)
        return done.stdout.decode()


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def render(kind: str, start: int) -> Rendered:
    province = AdministrativeUnit.objects.get(level="province", code="04", valid_from__isnull=True)
    staff = province.memberships.filter(role="province_staff").first().user
    report = report_create(user=staff, unit=province, kind=kind, year_from=start, year_to=YEAR)
    header = {"number": "25", "issued_on": datetime.date(2022, 3, 15), "signer_name": "Nguyễn Văn A"}
    narrative = {"communication": "Tổ chức 77 lớp tuyên truyền với 3.656 lượt người tham dự."}
    report = report_save(user=staff, report=report, version=report.version, header=header, narrative=narrative)
    _figures, files = report_files(report, ["pdf", "xlsx", "docx"])
    return Rendered(report, files, pdf_text(files["pdf"]))


@pytest.fixture(scope="module")
def annual(demo_for_module, django_db_blocker):
    with django_db_blocker.unblock():
        return render("annual", YEAR)


@pytest.fixture(scope="module")
def phase(demo_for_module, django_db_blocker):
    with django_db_blocker.unblock():
        return render("phase", 2017)


def test_the_annual_pdf_carries_the_decree_header(annual):
    text = flat(annual.text)
    for line in (
        "UBND TỈNH CAO BẰNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 25/BC-BCĐ",
        "Cao Bằng, ngày 15 tháng 3 năm 2022",
        "BÁO CÁO",
        "TM. BAN CHỈ ĐẠO",
        "Nguyễn Văn A",
    ):
        assert line in text, line


def test_the_annual_pdf_has_the_seeds_sections_in_order_with_intact_vietnamese(annual):
    text = flat(annual.text)
    positions = [text.index(title) for title in ANNUAL_ORDER]
    assert positions == sorted(positions)
    assert "Chương trình mục tiêu quốc gia xây dựng nông thôn mới" in text
    assert "đạt chuẩn" in text
    assert "Tổ chức 77 lớp tuyên truyền với 3.656 lượt người tham dự." in text  # written in the browser
    assert text.rstrip().endswith("./.") or "./." in text


def test_the_annual_pdf_states_the_seed_figures_and_numbers_its_pages(annual):
    text = flat(annual.text)
    assert "17/139 xã đạt chuẩn nông thôn mới" in text
    assert "11,63 tiêu chí/xã" in text  # seed 002: 11,63 after the merger
    assert "11 xã đạt 15-18 tiêu chí; 64 xã đạt 10-14 tiêu chí; 47 xã đạt 5-9 tiêu chí" in text
    pages = [page for page in annual.text.split("\f") if page.strip()]
    assert len(pages) == len(pypdf.PdfReader(io.BytesIO(annual.files["pdf"])).pages) >= 3
    assert pages[0].strip().splitlines()[0].strip() != "1"  # page 1 counts but shows no number
    *body, appendix = pages  # the one appendix (Biểu 03) fits on one page
    for number, page in enumerate(body[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)
    assert appendix.strip().splitlines()[0].strip() == "1"  # an appendix numbers its own pages
    assert "Biểu" in appendix


def test_the_xlsx_opens_and_its_sums_match(annual):
    book = openpyxl.load_workbook(io.BytesIO(annual.files["xlsx"]), data_only=True)
    assert book.sheetnames == ["Biểu 01", "Biểu 02", "Biểu 03"]
    matrix = book["Biểu 01"]
    rows = [row for row in matrix.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(rows) == 139
    header = next(row for row in matrix.iter_rows(values_only=True) if "TC1" in row)
    met_row = next(row for row in matrix.iter_rows(values_only=True) if "Số xã đạt" in row[:2])
    for index, heading in enumerate(header):
        if isinstance(heading, str) and heading.startswith("TC"):
            assert met_row[index] == sum(1 for row in rows if row[index] == "x"), heading
    summary = [row for row in book["Biểu 03"].iter_rows(values_only=True)]
    # Rows 2.1 … 2.19 of seed 001's appendix: communes meeting exactly 19, 18, … 1 criteria (2.20: none)
    distribution = [row for row in summary if isinstance(row[0], str) and row[0].startswith("2.")]
    assert distribution  # rows 2.1 … 2.19 of seed 001's appendix
    heading = next(row for row in summary if "TH 2021" in row)
    year_column = heading.index("TH 2021")
    assert sum(row[year_column] or 0 for row in distribution) == 139


def test_the_docx_opens_with_python_docx(annual):
    document = docx.Document(io.BytesIO(annual.files["docx"]))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "TÌNH HÌNH TRIỂN KHAI" in text and "11,63 tiêu chí/xã" in text


def test_the_phase_report_reproduces_seed_002(phase):
    text = flat(phase.text)
    assert "giai đoạn 2017 - 2021" in text
    assert "17/139 xã đạt chuẩn nông thôn mới" in text
    assert "11,63 tiêu chí/xã" in text
    assert "Giai đoạn 2017-2021" in text

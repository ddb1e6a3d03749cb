"""The report DOCX follows Decree 30/2020/NĐ-CP: page, header table, title, headings, tables, page numbers and
the signature block, read back with python-docx the way Word would open the file."""

import datetime
import io
import shutil
import unicodedata
import zipfile
from dataclasses import replace

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Twips

from reports.document import Chart, Document, Header, Heading, PageBreak, Paragraph, Table
from reports.docx_writer import document_docx

SUBJECT = (
    "Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2019,\nphương hướng nhiệm vụ năm 2020"
)
COLUMNS = ("TT", "Đơn vị hành chính", "Số tiêu chí đạt chuẩn", "Vốn ngân sách (triệu đồng)")
CHART_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="160mm" height="64mm" viewBox="0 0 400 160"'
    ' font-family="Times New Roman, Liberation Serif, serif">'
    '<rect x="10" y="40" width="150" height="100" fill="#2e7d32"/>'
    '<rect x="200" y="80" width="150" height="60" fill="#1565c0"/>'
    '<text x="20" y="30" font-size="14">Số xã đạt chuẩn nông thôn mới</text>'
    "</svg>"
)
# Typed on a keyboard that sends combining marks; the DOCX must carry the composed (NFC) form.
DECOMPOSED = unicodedata.normalize("NFD", "Xã Hưng Đạo đạt chuẩn nông thôn mới nâng cao.")


def sample_document() -> Document:
    header = Header(
        parent_body="UBND TỈNH CAO BẰNG",
        issuing_body="BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH\nMTQG TỈNH CAO BẰNG",
        number_symbol="Số: 125/BC-BCĐ",
        place_date="Cao Bằng, ngày 05 tháng 3 năm 2020",
        kind_title="BÁO CÁO",
        subject=SUBJECT,
        recipients=("Ban Chỉ đạo Trung ương các CTMTQG;", "Bộ Nông nghiệp và PTNT;", "Lưu: VT, NTM."),
        signer_authority=("TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"),
        signer_title="PHÓ CHỦ TỊCH UBND TỈNH",
        signer_name="Hoàng Xuân Ánh",
        issued_on=datetime.date(2020, 3, 5),
    )
    rows = tuple((str(n), f"Xã số {n}", str(n % 20), f"{n * 1_250:,}".replace(",", ".")) for n in range(1, 61))
    table = Table(
        title="Biểu 01. Kết quả thực hiện tiêu chí theo xã",
        columns=COLUMNS,
        rows=(*rows, ("", "Tổng cộng", "", "2.287.500")),
        numeric=(False, False, True, True),
        bold_rows=(60,),
        note="Nguồn: báo cáo của UBND các huyện.",
    )
    blocks = (
        Heading(1, "I.", "Tình hình triển khai"),
        Heading(2, "1.", "Công tác truyền thông trong xây dựng nông thôn mới"),
        Paragraph("Đến hết năm 2019, toàn tỉnh có 19 xã đạt chuẩn nông thôn mới, chiếm 11,73% tổng số xã."),
        Heading(3, "a)", "Về quy hoạch:"),
        Paragraph(DECOMPOSED, origin="narrative", bullet="-"),
        table,
        Chart(title="Biểu đồ 1. Số xã đạt chuẩn nông thôn mới", svg=CHART_SVG, caption="Nguồn: Văn phòng Điều phối."),
        PageBreak(),
        Heading(1, "II.", "Phương hướng nhiệm vụ năm 2020"),
        Paragraph("Phấn đấu có thêm 12 xã đạt chuẩn nông thôn mới."),
    )
    appendix = (Table(title="Phụ lục 01", columns=("TT", "Nội dung"), rows=(("1", "Giao thông"),)),)
    return Document(
        header=header,
        blocks=blocks,
        closing="Trên đây là báo cáo kết quả thực hiện Chương trình năm 2019 ./.",
        appendix=appendix,
    )


@pytest.fixture(scope="module")
def written() -> bytes:
    return document_docx(sample_document())


@pytest.fixture(scope="module")
def opened(written):
    return docx.Document(io.BytesIO(written))


def texts(container) -> list[str]:
    return [paragraph.text for paragraph in container.paragraphs]


def test_page_is_a4_portrait_with_decree_margins(opened):
    section = opened.sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
    assert (section.top_margin, section.right_margin) == (Twips(1134), Twips(850))
    assert (section.bottom_margin, section.left_margin) == (Twips(1134), Twips(1701))
    assert section.header_distance == Twips(567)


def test_header_table_is_two_borderless_fixed_rows(opened):
    header = opened.tables[0]
    (agency, national), (number, place_date) = (row.cells for row in header.rows)

    assert [line for line in texts(agency) if line] == [
        "UBND TỈNH CAO BẰNG",
        "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH",
        "MTQG TỈNH CAO BẰNG",
    ]
    assert [line for line in texts(national) if line] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert number.text == "Số: 125/BC-BCĐ"
    assert place_date.text == "Cao Bằng, ngày 05 tháng 3 năm 2020"
    assert [column.width for column in header.columns] == [Twips(4422), Twips(5216)]  # 78 | 92 mm, as the PDF
    assert header._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {side.get(qn("w:val")) for side in borders} == {"nil"}


def test_header_lines_have_their_weights_sizes_and_rules(opened):
    (agency, national), (number, place_date) = (row.cells for row in opened.tables[0].rows)
    parent, *issuer = (p.runs[0] for p in agency.paragraphs if p.runs)
    quoc_hieu, tieu_ngu = (p.runs[0] for p in national.paragraphs if p.runs)

    assert (bool(parent.font.bold), parent.font.size.pt) == (False, 12)
    assert all(run.font.bold and run.font.size.pt == 12 for run in issuer)
    assert (quoc_hieu.font.bold, quoc_hieu.font.size.pt) == (True, 12)
    assert (tieu_ngu.font.bold, tieu_ngu.font.size.pt) == (True, 14)
    assert number.paragraphs[0].runs[0].font.size.pt == 13
    date = place_date.paragraphs[0].runs[0]
    assert (date.font.italic, date.font.size.pt) == (True, 14)
    # A rule under the issuing body and one under the Tiêu ngữ, as long as it (60.4 mm at 14 pt bold).
    for cell in (agency, national):
        assert cell.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None
    motto_rule = national.paragraphs[-1].paragraph_format
    motto_rule_mm = (5216 - 2 * 28) / 567 * 10 - (motto_rule.left_indent.mm + motto_rule.right_indent.mm)
    assert motto_rule_mm == pytest.approx(60.4, abs=1)


def test_title_and_headings_in_order_and_weight(opened):
    body = [p for p in opened.paragraphs if p.text]
    headlines = [p.text for p in body]

    assert headlines[:3] == [
        "BÁO CÁO",
        "Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2019,",
        "phương hướng nhiệm vụ năm 2020",
    ]
    assert all(p.runs[0].font.bold and p.alignment == 1 for p in body[:3])  # centred
    headings = ["I. TÌNH HÌNH TRIỂN KHAI", "1. Công tác truyền thông trong xây dựng nông thôn mới", "a) Về quy hoạch:"]
    headings.append("II. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2020")
    found = [p for p in body if p.text in headings]
    assert [p.text for p in found] == headings
    assert [bool(p.runs[0].font.bold) for p in found] == [True, True, False, True]


def test_body_is_justified_14pt_with_first_line_indent(opened):
    paragraph = next(p for p in opened.paragraphs if p.text.startswith("Đến hết năm 2019"))
    layout = paragraph.paragraph_format

    assert paragraph.alignment == 3  # both
    assert (layout.first_line_indent, layout.space_before, layout.line_spacing) == (Twips(567), Twips(120), 1.0)
    assert paragraph.runs[0].font.size.pt == 14
    assert "đạt chuẩn" in paragraph.text


def test_vietnamese_text_is_intact_and_composed(opened, written):
    bullet = next(p.text for p in opened.paragraphs if p.text.startswith("- "))

    assert bullet == "- Xã Hưng Đạo đạt chuẩn nông thôn mới nâng cao."
    assert unicodedata.is_normalized("NFC", bullet)
    document_xml = zipfile.ZipFile(io.BytesIO(written)).read("word/document.xml").decode()
    assert unicodedata.is_normalized("NFC", document_xml)


def test_every_font_is_times_new_roman(opened, written):
    fonts = {
        fonts.get(qn(f"w:{slot}"))
        for fonts in opened.element.iter(qn("w:rFonts"))
        for slot in ("ascii", "hAnsi", "cs", "eastAsia")
    }
    assert fonts == {"Times New Roman"}
    styles_xml = zipfile.ZipFile(io.BytesIO(written)).read("word/styles.xml").decode()
    defaults = styles_xml[styles_xml.index("<w:docDefaults") : styles_xml.index("</w:docDefaults>")]
    assert 'w:ascii="Times New Roman"' in defaults and "Theme" not in defaults


def test_data_table_repeats_its_header_row_and_aligns_numbers(opened):
    table = opened.tables[1]
    heading, first, *_, total = table.rows

    assert len(table.rows) == 62
    assert heading._tr.trPr.find(qn("w:tblHeader")) is not None
    assert first._tr.trPr is None or first._tr.trPr.find(qn("w:tblHeader")) is None
    assert [cell.text for cell in heading.cells] == list(COLUMNS)
    assert [cell.paragraphs[0].alignment for cell in first.cells] == [0, 0, 2, 2]  # left, left, right, right
    assert total.cells[3].text == "2.287.500" and total.cells[3].paragraphs[0].runs[0].font.bold
    assert first.cells[1].paragraphs[0].runs[0].font.size.pt == 12
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {(side.get(qn("w:val")), side.get(qn("w:sz"))) for side in borders} == {("single", "4")}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="the chart is rasterised by poppler's pdftoppm")
def test_chart_is_a_picture_between_its_title_and_caption(opened):
    paragraphs = opened.paragraphs
    title = next(i for i, p in enumerate(paragraphs) if p.text == "Biểu đồ 1. Số xã đạt chuẩn nông thôn mới")

    assert paragraphs[title + 1]._p.xpath(".//pic:pic")
    assert paragraphs[title + 2].text == "Nguồn: Văn phòng Điều phối."
    (picture,) = opened.inline_shapes
    assert picture.width.mm == pytest.approx(160, abs=0.1)
    assert picture.height.mm == pytest.approx(64, abs=0.1)


def test_chart_without_a_rasteriser_points_to_the_pdf(monkeypatch):
    monkeypatch.setattr("reports.docx_parts.shutil.which", lambda name: None)

    opened = docx.Document(io.BytesIO(document_docx(sample_document())))

    paragraphs = texts(opened)
    title = paragraphs.index("Biểu đồ 1. Số xã đạt chuẩn nông thôn mới")
    assert paragraphs[title + 1 : title + 3] == ["(Biểu đồ xem trong bản PDF)", "Nguồn: Văn phòng Điều phối."]
    assert not opened.inline_shapes


def test_page_number_in_the_header_from_page_two(opened):
    section = opened.sections[0]

    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert "".join(texts(section.first_page_header)) == ""
    assert not section.first_page_header._element.xpath(".//w:instrText")
    number = section.header.paragraphs[0]
    assert [text.text.strip() for text in number._p.xpath(".//w:instrText")] == ["PAGE"]
    assert number.alignment == 1
    assert {run.font.size.pt for run in number.runs} == {14}


def test_signature_row_cannot_split_and_lists_recipients(opened):
    signature = opened.tables[2]
    row = signature.rows[0]
    recipients, signer = row.cells

    assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert texts(recipients) == [
        "Nơi nhận:",
        "- Ban Chỉ đạo Trung ương các CTMTQG;",
        "- Bộ Nông nghiệp và PTNT;",
        "- Lưu: VT, NTM.",
    ]
    label = recipients.paragraphs[0].runs[0].font
    assert (label.bold, label.italic, label.size.pt) == (True, True, 12)
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert texts(signer) == ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND TỈNH", "Hoàng Xuân Ánh"]
    name = signer.paragraphs[-1]
    assert name.runs[0].font.bold and name.paragraph_format.space_before.mm == pytest.approx(30, abs=0.1)


def test_closing_then_signature_then_appendix_in_a_section_from_a_new_page(opened):
    order = list(opened.element.body)
    closing = next(p for p in opened.paragraphs if p.text.endswith("./."))
    signature, appendix = opened.tables[2]._tbl, opened.tables[3]._tbl
    (section_break,) = [element for element in order if element.xpath("./w:pPr/w:sectPr")]

    assert order.index(closing._p) < order.index(signature) < order.index(section_break) < order.index(appendix)
    assert closing.paragraph_format.keep_with_next
    _, appendix_section = opened.sections
    assert appendix_section.start_type == WD_SECTION.NEW_PAGE
    assert appendix_section.orientation == WD_ORIENT.PORTRAIT
    assert not appendix_section.different_first_page_header_footer  # its first page shows its number
    assert opened.tables[3].rows[1].cells[1].text == "Giao thông"


def test_page_break_block_breaks_the_page(opened):
    heading = next(p for p in opened.paragraphs if p.text.startswith("II."))
    before = heading._p.getprevious()

    assert before.xpath("./w:r/w:br[@w:type='page']")


def test_wide_appendix_table_gets_a_landscape_section():
    wide = Table(title="Biểu 02", columns=tuple(f"Cột {n}" for n in range(1, 10)), rows=(tuple("1" * 9),))
    document = replace(sample_document(), appendix=(wide,))

    opened = docx.Document(io.BytesIO(document_docx(document)))

    appendix_section = opened.sections[1]
    assert appendix_section.orientation == WD_ORIENT.LANDSCAPE
    assert (appendix_section.page_width, appendix_section.page_height) == (Twips(16838), Twips(11906))
    assert sum(column.width for column in opened.tables[-1].columns) == Twips(16838 - 1701 - 850)


def test_each_appendix_is_a_section_numbered_from_one():
    """Phụ lục I, III.1.đ: each appendix numbers its pages separately; a wide one is landscape on its own."""
    narrow = Table(title="Biểu 01", columns=("TT", "Nội dung"), rows=(("1", "Giao thông"),))
    wide = Table(title="Biểu 02", columns=tuple(f"Cột {n}" for n in range(1, 10)), rows=(tuple("1" * 9),))
    document = replace(sample_document(), appendix=(narrow, wide))

    opened = docx.Document(io.BytesIO(document_docx(document)))

    body, first, second = opened.sections
    assert body._sectPr.find(qn("w:pgNumType")) is None  # the body counts from its first page as usual
    for section in (first, second):
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert not section.different_first_page_header_footer
    assert (first.orientation, second.orientation) == (WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE)
    assert [table.rows[0].cells[0].text for table in opened.tables[-2:]] == ["TT", "Cột 1"]


def test_same_document_gives_the_same_bytes(written):
    assert document_docx(sample_document()) == written
    properties = docx.Document(io.BytesIO(written)).core_properties
    assert properties.created == properties.modified == datetime.datetime(2020, 3, 5, tzinfo=datetime.UTC)
    assert properties.last_modified_by == "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG TỈNH CAO BẰNG"
    assert properties.language == "vi-VN"

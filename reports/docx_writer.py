"""The DOCX of a report, for offices that finish the text in Word, laid out as Decree 30/2020/NĐ-CP asks.

It walks the neutral tree of `reports.document` and only lays it out. The values are in
shared/reference/decree30-layout.md (§1-6 rules, §10 DOCX equivalents): A4, margins 20/15/20/30 mm,
Times New Roman, body 14 pt justified with a 1 cm first line, page numbers centred in the header from
page 2 on.
"""

import datetime
import io
from dataclasses import replace

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Twips

from reports.document import Block, Chart, Document, Header, Heading, PageBreak, Paragraph, Table
from reports.docx_parts import (
    Format,
    add_page_field,
    add_rule,
    add_text,
    drop_first_paragraph,
    fix_table,
    fixed_timestamps,
    keep_row_whole,
    mm,
    number_pages_from_one,
    repeat_as_header,
    set_defaults,
    style_paragraph,
    svg_png,
    text_width,
)
from reports.pdf import WIDE_TABLE_COLUMNS

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 1134, 850, 1134, 1701
HEADER_DISTANCE = 567
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LANDSCAPE_TEXT_WIDTH = PAGE_HEIGHT - MARGIN_LEFT - MARGIN_RIGHT
# Header and signature tables: 78 | 92 mm with the header at 12 pt, as the PDF (reports/static/reports/
# decree30.css): "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH" fits one line, and the Quốc hiệu (88.3 mm at 12 pt bold) too.
SIDE_COLUMNS = (4422, 5216)
SIDE_CELL_MARGIN = 28
DATA_CELL_MARGIN = 57
# The agency and trích yếu rules are 1/3 to 1/2 of the text line; the Tiêu ngữ rule is as long as it.
RULE_SHARE = 0.4
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
CHART_WIDTH_MM, CHART_MAX_HEIGHT_MM = 160, 180
CHART_ELSEWHERE = "(Biểu đồ xem trong bản PDF)"
# A draft has no issue date; any fixed one keeps the bytes of the same draft the same.
UNDATED = datetime.date(2020, 1, 1)

BODY = Format(first_line=567, before=120)
HEADINGS = {
    1: Format(bold=True, first_line=567, before=120, keep_with_next=True, outline=0),
    2: Format(bold=True, first_line=567, before=120, keep_with_next=True, outline=1),
    3: Format(first_line=567, before=120, keep_with_next=True, outline=2),
}
PARENT_BODY = Format(size=12, align=CENTER)
ISSUING_BODY = Format(size=12, bold=True, align=CENTER)
NUMBER = Format(size=13, align=CENTER, before=80)
NATIONAL = Format(size=12, bold=True, align=CENTER)
MOTTO_LINE = Format(bold=True, align=CENTER)
PLACE_DATE = Format(italic=True, align=CENTER, before=80)
KIND = Format(bold=True, align=CENTER, before=480, keep_with_next=True)
SUBJECT = Format(bold=True, align=CENTER, keep_with_next=True)
TABLE_TITLE = Format(bold=True, align=CENTER, before=120, after=60, keep_with_next=True)
CELL = Format(size=12, before=20, after=20)
CELL_HEADING = replace(CELL, bold=True, align=CENTER)
TABLE_NOTE = Format(size=12, italic=True, before=60)
CHART_TITLE = Format(bold=True, align=CENTER, before=120, keep_with_next=True)
CHART_PICTURE = Format(align=CENTER, before=60, keep_with_next=True)
CHART_CAPTION = Format(size=12, italic=True, align=CENTER, before=60)
RECIPIENTS_LABEL = Format(size=12, bold=True, italic=True, align=LEFT, before=240)
RECIPIENT = Format(size=11, align=LEFT)
AUTHORITY = Format(bold=True, align=CENTER)
AUTHORITY_FIRST = replace(AUTHORITY, before=240)  # level with "Nơi nhận:"
SIGNER_NAME = Format(bold=True, align=CENTER, before=mm(30))
PAGE_NUMBER = Format(align=CENTER)


def document_docx(document: Document) -> bytes:
    """The report as a .docx; the same `Document` gives the same bytes."""
    word = docx.Document()
    set_defaults(word)
    _lay_out_page(word)
    _set_properties(word, document.header)
    _write_header(word, document.header)
    _write_title(word, document.header)
    _write_blocks(word, document.blocks)
    closing = add_text(word, document.closing, BODY)
    closing.paragraph_format.keep_with_next = True
    _write_signature(word, document.header)
    if document.appendix:
        _write_appendix(word, document.appendix)
    buffer = io.BytesIO()
    word.save(buffer)
    return fixed_timestamps(buffer.getvalue())


def _lay_out_page(word) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Twips(HEADER_DISTANCE)
    # Page 1 counts but shows no number: an empty first-page header, the PAGE field in the default one.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    style_paragraph(section.first_page_header.paragraphs[0], PAGE_NUMBER)
    section.header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    style_paragraph(number, PAGE_NUMBER)
    add_page_field(number, size=14)


def _set_properties(word, header: Header) -> None:
    day = header.issued_on or UNDATED
    moment = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    issuer = " ".join(header.issuing_body.split())
    properties = word.core_properties
    properties.title = " ".join(f"{header.kind_title} {header.subject}".split())
    properties.author = properties.last_modified_by = issuer
    properties.comments = ""
    properties.language = "vi-VN"
    properties.revision = 1
    properties.created = properties.modified = moment


def _write_header(word, header: Header) -> None:
    """Ô 1-4: two borderless rows, so "Số" and the place and date share a line whatever stands above."""
    table = word.add_table(rows=2, cols=2)
    fix_table(table, SIDE_COLUMNS, borders=False, cell_margin=SIDE_CELL_MARGIN)
    left_room, right_room = (width - 2 * SIDE_CELL_MARGIN for width in SIDE_COLUMNS)
    agency, national = table.rows[0].cells
    if header.parent_body:
        add_text(agency, header.parent_body.upper(), PARENT_BODY)
    issuer_lines = header.issuing_body.upper().split("\n")
    for line in issuer_lines:
        add_text(agency, line, ISSUING_BODY)
    widest = max(text_width(line, size=ISSUING_BODY.size, bold=True) for line in issuer_lines)
    add_rule(agency, width=round(min(widest, left_room) * RULE_SHARE), room=left_room)
    add_text(national, NATIONAL_NAME, NATIONAL)
    add_text(national, MOTTO, MOTTO_LINE)
    add_rule(national, width=text_width(MOTTO, size=MOTTO_LINE.size, bold=True), room=right_room)
    number, place_date = table.rows[1].cells
    add_text(number, header.number_symbol, NUMBER)
    add_text(place_date, header.place_date, PLACE_DATE)
    for cell in (agency, national, number, place_date):
        drop_first_paragraph(cell)
    for cell in (number, place_date):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM  # brings the two baselines together


def _write_title(word, header: Header) -> None:
    """Ô 5a: the tên loại, then the trích yếu over a short rule."""
    add_text(word, header.kind_title.upper(), KIND)
    subject_lines = header.subject.split("\n")
    for line in subject_lines:
        add_text(word, line, SUBJECT)
    widest = max(text_width(line, size=SUBJECT.size, bold=True) for line in subject_lines)
    add_rule(word, width=round(min(widest, TEXT_WIDTH) * RULE_SHARE), room=TEXT_WIDTH, after=240)


def _write_appendix(word, blocks: tuple[Block, ...]) -> None:
    """Each appendix (a Biểu) in a section of its own from a new page, as the PDF does: its pages numbered from
    1 (Phụ lục I, III.1.đ), shown from its first page on; landscape when the Biểu is wide."""
    for block in blocks:
        section = word.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        number_pages_from_one(section)
        wide = isinstance(block, Table) and len(block.columns) >= WIDE_TABLE_COLUMNS
        landscape = (PAGE_HEIGHT, PAGE_WIDTH) if wide else (PAGE_WIDTH, PAGE_HEIGHT)
        section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Twips(length) for length in landscape)
        _write_blocks(word, (block,), width=LANDSCAPE_TEXT_WIDTH if wide else TEXT_WIDTH)


def _write_blocks(word, blocks: tuple[Block, ...], *, width: int = TEXT_WIDTH) -> None:
    for block in blocks:
        match block:
            case Heading(level=1):
                add_text(word, f"{block.marker} {block.text.upper()}", HEADINGS[1])
            case Heading():
                add_text(word, f"{block.marker} {block.text}", HEADINGS[min(block.level, 3)])
            case Paragraph(bullet=""):
                add_text(word, block.text, BODY)
            case Paragraph():
                add_text(word, f"{block.bullet} {block.text}", BODY)
            case Table():
                _write_table(word, block, width=width)
            case Chart():
                _write_chart(word, block)
            case PageBreak():
                word.add_page_break()
            case _:
                raise TypeError(f"No DOCX layout for {type(block).__name__}")


def _write_table(word, block: Table, *, width: int) -> None:
    if block.title:
        add_text(word, block.title, TABLE_TITLE)
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    fix_table(table, _column_widths(block, width), borders=True, cell_margin=DATA_CELL_MARGIN)
    heading_row, *rows = table.rows
    repeat_as_header(heading_row)
    for cell, title in zip(heading_row.cells, block.columns, strict=True):
        _fill(cell, title, CELL_HEADING)
    numeric = block.numeric + (False,) * (len(block.columns) - len(block.numeric))
    for index, (row, values) in enumerate(zip(rows, block.rows, strict=True)):
        bold = index in block.bold_rows
        for cell, value, is_number in zip(row.cells, values, numeric, strict=True):
            align = RIGHT if is_number else LEFT
            _fill(cell, value, replace(CELL, bold=bold, align=align))
    if block.note:
        add_text(word, block.note, TABLE_NOTE)


def _fill(cell, text: str, fmt: Format) -> None:
    add_text(cell, text, fmt)
    drop_first_paragraph(cell)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _column_widths(block: Table, width: int) -> tuple[int, ...]:
    """`width` shared by each column's longest cell (or longest header word), counted within 3-40 characters;
    a column kept unbroken first takes the printed width of its longest cell (at most half the table)."""
    unbroken = block.unbroken + (False,) * (len(block.columns) - len(block.unbroken))
    fixed = {}
    for index, whole in enumerate(unbroken):
        if whole:
            longest = max((text_width(row[index], size=CELL.size, bold=True) for row in block.rows), default=0)
            fixed[index] = min(longest + 3 * DATA_CELL_MARGIN, width // 2)
    weights = {}
    for index, title in enumerate(block.columns):
        if index not in fixed:
            longest_cell = max((len(row[index]) for row in block.rows), default=0)
            longest_word = max((len(word) for word in title.split()), default=0)
            weights[index] = min(max(longest_cell, longest_word, 3), 40)
    rest = width - sum(fixed.values())
    shared = sum(weights.values()) or 1
    widths = [fixed.get(index) or rest * weights[index] // shared for index in range(len(unbroken))]
    widths[-1] += width - sum(widths)
    return tuple(widths)


def _write_chart(word, chart: Chart) -> None:
    """The chart as a PNG rasterised from its SVG; its title and a pointer to the PDF when that fails."""
    if chart.title:
        add_text(word, chart.title, CHART_TITLE)
    picture = svg_png(chart.svg, width_mm=CHART_WIDTH_MM, max_height_mm=CHART_MAX_HEIGHT_MM)
    if picture is None:
        add_text(word, CHART_ELSEWHERE, CHART_CAPTION)
    else:
        png, width_mm = picture
        add_text(word, "", CHART_PICTURE).add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    if chart.caption:
        add_text(word, chart.caption, CHART_CAPTION)


def _write_signature(word, header: Header) -> None:
    """Ô 9b | ô 7a-7b: Nơi nhận on the left, the signer on the right, in one row never split by a page."""
    table = word.add_table(rows=1, cols=2)
    fix_table(table, SIDE_COLUMNS, borders=False, cell_margin=SIDE_CELL_MARGIN)
    keep_row_whole(table.rows[0])
    recipients, signer = table.rows[0].cells
    add_text(recipients, "Nơi nhận:", RECIPIENTS_LABEL)
    for line in header.recipients:
        add_text(recipients, f"- {line}", RECIPIENT)
    lines = (*header.signer_authority, header.signer_title)
    for number, line in enumerate(lines):
        add_text(signer, line.upper(), AUTHORITY if number else AUTHORITY_FIRST)
    add_text(signer, header.signer_name, SIGNER_NAME)
    drop_first_paragraph(recipients)
    drop_first_paragraph(signer)

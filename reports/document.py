"""A report as a neutral tree of blocks, which the HTML/PDF and the DOCX writers both walk.

`reports.structure` builds it from a `Report` and its `ReportFigures`; the writers never compute a figure
or a sentence themselves, so the preview, the PDF and the DOCX say the same thing.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Header:
    """The administrative header of Decree 30/2020/NĐ-CP (ô 1-5a) and the signature block (ô 7-9b)."""

    parent_body: str  # tên cơ quan chủ quản, "" when none ("UBND TỈNH CAO BẰNG")
    issuing_body: str  # tên cơ quan ban hành; line breaks as "\n" ("BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH\nMTQG TỈNH")
    number_symbol: str  # "Số: 125/BC-BCĐ" or "Số:      /BC-BCĐ" for an unnumbered draft
    place_date: str  # "Cao Bằng, ngày 05 tháng 3 năm 2020"
    kind_title: str  # "BÁO CÁO", "KẾ HOẠCH"
    subject: str  # trích yếu; line breaks as "\n"
    recipients: tuple[str, ...]  # Nơi nhận lines without the leading "- " ("Ban Chỉ đạo Trung ương;", "Lưu: VT, …")
    signer_authority: tuple[str, ...]  # "TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"
    signer_title: str  # "PHÓ CHỦ TỊCH UBND TỈNH"
    signer_name: str
    issued_on: datetime.date | None = None


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 "I. TÌNH HÌNH …" (upper case), 2 "1. …" (bold), 3 "a) …" (regular)."""

    level: int
    marker: str  # "I.", "1.", "a)"
    text: str


# The origin of a paragraph saying which data a section lacks and where to enter it: a report whose author
# chose to leave out sections without data drops these, and the sections left empty with them.
MISSING = "missing"


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "computed": written by the portal from the figures; "narrative": written by staff in the browser;
    # MISSING: what is missing and where to enter it
    origin: str = "computed"
    bullet: str = ""  # "-", "+" or "" for a plain paragraph


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Columns holding numbers are right-aligned; the rest left
    numeric: tuple[bool, ...] = ()
    # Rows (by index) set in bold: totals, group rows
    bold_rows: tuple[int, ...] = ()
    note: str = ""
    # Columns whose cells never break across lines: unit names ("Thành phố Cao Bằng"), units of measure
    unbroken: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # a complete <svg> element, the same markup on the page and in the PDF
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Chart | PageBreak


@dataclass(frozen=True)
class Document:
    header: Header
    blocks: tuple[Block, ...]
    closing: str  # "Trên đây là báo cáo … ./."
    appendix: tuple[Block, ...] = field(default=())  # Biểu tables after the signature, on a new page
    language: str = "vi"
    author: str = ""  # who made the file: a user's name, or the command line (the PDF's Author)

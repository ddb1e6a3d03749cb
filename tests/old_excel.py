"""Test files in the old Excel format (.xls, Excel 97-2003), written with xlwt from an .xlsx made with openpyxl:
the same sheets, values, number formats and merged cells, as an office's "Save as Excel 97-2003" gives."""

import datetime
import io

import openpyxl
import xlwt


def as_xls(xlsx: bytes) -> bytes:
    source = openpyxl.load_workbook(io.BytesIO(xlsx))
    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for worksheet in source.worksheets:
        sheet = book.add_sheet(worksheet.title)
        merged = {(r.min_row, r.min_col): r for r in worksheet.merged_cells.ranges}
        covered = {
            (row, column)
            for r in merged.values()
            for row in range(r.min_row, r.max_row + 1)
            for column in range(r.min_col, r.max_col + 1)
        }
        for row in worksheet.iter_rows():
            for cell in row:
                key = (cell.row, cell.column)
                if cell.value is None or (key in covered and key not in merged):
                    continue
                number_format = cell.number_format
                if isinstance(cell.value, datetime.date) and number_format == "General":
                    number_format = "dd/mm/yyyy"
                if number_format not in styles:
                    styles[number_format] = xlwt.easyxf(num_format_str=number_format)
                style = styles[number_format]
                if key in merged:
                    r = merged[key]
                    sheet.write_merge(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, cell.value, style)
                else:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value, style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

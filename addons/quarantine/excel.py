# This file is part of the quarantine module.  See README.md for licensing.
"""Excel sheets exchanged with communities, airports and laboratories: read
a sheet by its column titles, send back the rows with the reasons they were
refused.  Nothing here touches the database."""
import datetime as dt
import io
from collections import namedtuple
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from trytond.i18n import gettext

from .exceptions import ArrivalImportError

# A list is a bus or a plane, a lab's day, or a whole district at the most.
MAXIMUM_ROWS = 20000

RowError = namedtuple('RowError', ['row', 'column', 'message'])


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


def read_sheet(data):
    """Return (header, rows) of the first sheet; empty rows are dropped.
    Refuse what is not a workbook, has no header, or has too many rows."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError,
            ValueError, TypeError, EOFError) as exception:
        raise ArrivalImportError(gettext(
                'quarantine.msg_import_not_xlsx')) from exception
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [text(v) for v in next(rows, ())]
    raw = [list(r) for r in rows if any(
            v is not None and text(v) for v in r)]
    workbook.close()
    if not any(header):
        raise ArrivalImportError(gettext('quarantine.msg_import_empty'))
    if len(raw) > MAXIMUM_ROWS:
        raise ArrivalImportError(gettext('quarantine.msg_import_too_many',
                count=len(raw), maximum=MAXIMUM_ROWS))
    return header, raw


def header_positions(header, columns):
    """Return ({key: position}, errors) of `columns`, (key, title, required)
    triples, found by title or by key in the header row"""
    keys = {}
    for key, title, _ in columns:
        keys[title] = key
        keys[key] = key
    positions = {}
    for position, title in enumerate(header):
        if title in keys:
            positions[keys[title]] = position
    errors = [RowError(1, title, gettext(
                'quarantine.msg_import_missing_column', column=title))
        for key, title, required in columns
        if required and key not in positions]
    return positions, errors


def cell_getter(values, positions):
    def cell(key):
        position = positions.get(key)
        if position is None or position >= len(values):
            return None
        return values[position]
    return cell


def template(title, columns, example):
    "The bytes of an empty sheet with its column titles and one example"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([header for _, header, _ in columns])
    for cell, (_, _, required) in zip(sheet[1], columns):
        cell.font = Font(bold=True, color='C00000' if required else None)
    sheet.append(example)
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = 18
    return save(workbook)


def error_workbook(header, raw, errors):
    "Return the list sent back with a column of reasons on the bad rows"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误报告"
    reasons = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(
            f'{error.column}: {error.message}')
    sheet.append(list(header) + ["错误原因"])
    red = PatternFill('solid', fgColor='FFC7CE')
    if 1 in reasons:
        sheet.cell(1, len(header) + 1, '；'.join(reasons[1])).fill = red
    for index, values in enumerate(raw, 2):
        sheet.append([_cell_value(v) for v in values]
            + ['；'.join(reasons.get(index, []))])
        if index in reasons:
            for cell in sheet[index]:
                cell.fill = red
    errors_sheet = workbook.create_sheet("错误明细")
    errors_sheet.append(["行", "列", "原因"])
    for error in errors:
        errors_sheet.append([error.row, error.column, error.message])
    return save(workbook)


def _cell_value(value):
    if isinstance(value, (str, int, float, dt.date, dt.datetime)) \
            or value is None:
        return value
    return str(value)


def refusal_summary(errors):
    "The text shown when a list is refused, with its first reasons"
    return gettext('quarantine.msg_import_refused',
        rows=len({e.row for e in errors}), errors=len(errors),
        first='\n'.join(f'{e.row} / {e.column}: {e.message}'
            for e in errors[:10]))


class SheetImportMixin:
    "The refusal of an import wizard: a summary and the sheet sent back"

    def refuse(self, errors, header, raw, filename):
        self.errors.summary = refusal_summary(errors)
        self.errors.report = error_workbook(header, raw, errors)
        self.errors.report_filename = filename
        return 'errors'

    def default_errors(self, fields):
        return {
            'summary': self.errors.summary,
            'report': self.errors.report,
            'report_filename': self.errors.report_filename,
            }


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

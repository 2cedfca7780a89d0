# This file is part of the quarantine module.  See README.md for licensing.
"""Sheets (.xlsx) imported all or nothing: arrival lists, laboratories'
results, and in quarantine_supply prices, suppliers and ration norms.

A sheet is read by the titles of its columns.  Every bad row is reported
(row, column, reason) in a summary and in the sheet sent back with the
reasons, and nothing is imported while any row is bad.  An import says what
its sheet holds (its columns, how a row reads, what importing writes);
`Sheet` reads the rows and collects the errors, `SheetImport` is the wizard
around it.
"""
import datetime as dt
import io
from collections import namedtuple
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pyson import PYSONEncoder
from trytond.wizard import StateTransition

from .excel import save, text
from .exceptions import SheetImportError
from .common import close_view, start_view

# A list is a bus or a plane, a lab's day, or a whole district at the most.
MAXIMUM_ROWS = 20000

RowError = namedtuple('RowError', ['row', 'column', 'message'])


def read_sheet(data):
    """Return (header, rows) of the first sheet; empty rows are dropped.
    Refuse what is not a workbook, has no header, or has too many rows."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError,
            ValueError, TypeError, EOFError) as exception:
        raise SheetImportError(gettext(
                'quarantine.msg_import_not_xlsx')) from exception
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [text(v) for v in next(rows, ())]
    raw = [list(r) for r in rows if any(
            v is not None and text(v) for v in r)]
    workbook.close()
    if not any(header):
        raise SheetImportError(gettext('quarantine.msg_import_empty'))
    if len(raw) > MAXIMUM_ROWS:
        raise SheetImportError(gettext('quarantine.msg_import_too_many',
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


class Sheet:
    """The rows of a sheet read by the titles of `columns`, (key, title,
    required) triples, and the errors found in it as RowErrors: those of
    the header first, then in the order they are reported"""

    def __init__(self, data, columns):
        self.labels = {key: title for key, title, _ in columns}
        self.header, self.raw = read_sheet(data)
        self.positions, self.errors = header_positions(self.header, columns)

    def rows(self, no_row='quarantine.msg_import_no_row'):
        """Return the Rows of the sheet, none while its header is wrong;
        refuse a sheet of titles alone with the message no_row"""
        if self.errors:
            return []
        if not self.raw:
            raise SheetImportError(gettext(no_row))
        return [Row(self, number, values)
            for number, values in enumerate(self.raw, 2)]

    def error(self, row, key, msg_id, /, **kwargs):
        "Report the message msg_id on the row numbered `row`, column `key`"
        self.report(row, key, gettext(msg_id, **kwargs))

    def report(self, row, key, message):
        "Report a message already in the user's language"
        self.errors.append(RowError(row, self.labels[key], message))

    def result(self, records):
        "Return (records, errors, header, raw rows), as the readers do"
        return records, self.errors, self.header, self.raw


class Row:
    "A row of a Sheet, numbered as the spreadsheet shows it"
    __slots__ = ('sheet', 'number', 'values')

    def __init__(self, sheet, number, values):
        self.sheet = sheet
        self.number = number
        self.values = values

    def cell(self, key):
        "The value of the column `key`, None when the sheet has no such cell"
        position = self.sheet.positions.get(key)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    def text(self, key):
        return text(self.cell(key))

    def texts(self):
        "Return {key: text} of every column"
        return {key: self.text(key) for key in self.sheet.labels}

    def error(self, key, msg_id, /, **kwargs):
        self.sheet.error(self.number, key, msg_id, **kwargs)

    def report(self, key, message):
        self.sheet.report(self.number, key, message)

    def require(self, keys):
        "Report each column of `keys` that is empty"
        for key in keys:
            if not self.text(key):
                self.error(key, 'quarantine.msg_import_required')


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
    "Return the sheet sent back with a column of reasons on the bad rows"
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
    "The text shown when a sheet is refused, with its first reasons"
    return gettext('quarantine.msg_import_refused',
        rows=len({e.row for e in errors}), errors=len(errors),
        first='\n'.join(f'{e.row} / {e.column}: {e.message}'
            for e in errors[:10]))


class SheetImportStart:
    """The start form of a sheet import: its file, named by the model that
    mixes this in, and the template to download"""
    __slots__ = ()

    filename = fields.Char("File Name")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename')
    template_filename = fields.Char("Template File Name", readonly=True)


class SheetImportErrors(ModelView):
    "Sheet Import Errors"
    __name__ = 'quarantine.sheet.import.errors'
    __string__ = "Sheet Import Errors"

    summary = fields.Text("Summary", readonly=True)
    report = fields.Binary("Error Report", readonly=True,
        filename='report_filename')
    report_filename = fields.Char("Report File Name", readonly=True)


def import_start(model, view):
    "The start state of a sheet import: its form, Cancel and Import"
    return start_view(model, view, "Import", 'import_')


class SheetImport:
    """The states every sheet import has, mixed in a Wizard: `import_`
    reads the sheet and imports it, or shows the `errors` with the sheet
    sent back.

    The wizard declares its `start` (see import_start) and says what its
    sheet holds:
    - read(): (records, errors, header, raw rows) of the sheet in start;
    - apply(records): import them and return what was imported;
    - error_filename: the name of the sheet sent back;
    - imported_state: where the wizard goes after an import: `end`, or an
      `open_` action that opens the records imported, or its own view.
    trytond copies a wizard's state from the first class that declares it:
    the wizard does not declare import_ or errors again.
    """
    import_ = StateTransition()
    errors = close_view('quarantine.sheet.import.errors',
        'quarantine.sheet_import_errors_view_form')
    error_filename = 'errors.xlsx'
    imported_state = 'end'

    def read(self):
        raise NotImplementedError

    def apply(self, records):
        raise NotImplementedError

    def transition_import_(self):
        records, errors, header, raw = self.read()
        if errors:
            self.errors.summary = refusal_summary(errors)
            self.errors.report = error_workbook(header, raw, errors)
            self.errors.report_filename = self.error_filename
            return 'errors'
        self.imported = self.apply(records)
        return self.imported_state

    def default_errors(self, fields):
        return {
            'summary': self.errors.summary,
            'report': self.errors.report,
            'report_filename': self.errors.report_filename,
            }

    def do_open_(self, action):
        "Open the records imported, counted in the action's name"
        # the client reads the encoded domain
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [r.id for r in self.imported])])
        action['name'] += f' ({len(self.imported)})'
        return action, {}

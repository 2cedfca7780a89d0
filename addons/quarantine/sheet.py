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
from zipfile import BadZipFile, ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pyson import PYSONEncoder
from trytond.wizard import StateTransition

from .bounds import field_size, size_error
from .excel import save, text
from .exceptions import SheetImportError
from .common import close_view, start_view

# A list is a bus or a plane, a lab's day, or a whole district at the most.
MAXIMUM_ROWS = 20000
# The widest sheet imported has a dozen columns.
MAXIMUM_COLUMNS = 100
# A workbook is a few dozen files; thousands are an attack.
MAXIMUM_ARCHIVE_FILES = 1000

RowError = namedtuple('RowError', ['row', 'column', 'message'])


def read_sheet(data):
    """Return (header, rows) of the first sheet; empty rows are dropped.
    Refuse what is not a workbook, has no header, or is bigger than a
    list can be (see check_upload) before or while reading it, never after:
    a sheet declaring a million rows is refused without reading them."""
    check_upload(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True,
            data_only=True)
        sheet = workbook.worksheets[0]
    except (InvalidFileException, BadZipFile, KeyError, OSError,
            ValueError, TypeError, EOFError, IndexError) as exception:
        raise SheetImportError(gettext(
                'quarantine.msg_import_not_xlsx')) from exception
    maximum_rows, maximum_columns = sheet_limits()
    try:
        # the dimension the sheet declares, when it declares one
        declared_rows = sheet.max_row or 0
        declared_columns = sheet.max_column or 0
        if declared_rows > maximum_rows or declared_columns > maximum_columns:
            raise SheetImportError(gettext(
                    'quarantine.msg_import_dimension',
                    rows=declared_rows, columns=declared_columns,
                    maximum_rows=maximum_rows,
                    maximum_columns=maximum_columns))
        # The declared dimension may lie (some writers declare A1 alone):
        # read with no dimension, at most maximum_columns cells a row, and
        # stop past maximum_rows rows.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=maximum_columns, values_only=True)
        header = [text(v) for v in next(rows, ())]
        raw = []
        for number, values in enumerate(rows, 2):
            if number > maximum_rows:
                raise SheetImportError(gettext(
                        'quarantine.msg_import_dimension',
                        rows=f'> {maximum_rows}', columns=declared_columns,
                        maximum_rows=maximum_rows,
                        maximum_columns=maximum_columns))
            if any(v is not None and text(v) for v in values):
                if len(raw) >= MAXIMUM_ROWS:
                    raise SheetImportError(gettext(
                            'quarantine.msg_import_too_many_rows',
                            maximum=MAXIMUM_ROWS))
                raw.append(list(values))
    except (BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError,
            SyntaxError) as exception:
        # SyntaxError: the XML parsers' errors
        raise SheetImportError(gettext(
                'quarantine.msg_import_not_xlsx')) from exception
    finally:
        workbook.close()
    if not any(header):
        raise SheetImportError(gettext('quarantine.msg_import_empty'))
    # the cells read are as many as the widest row holds
    width = max(_width(values) for values in [header, *raw])
    return header[:width], [values[:width] for values in raw]


def _width(values):
    "The position after the last cell of `values` that is not empty"
    for position in range(len(values), 0, -1):
        if values[position - 1] not in (None, ''):
            return position
    return 0


def upload_limits():
    """(bytes, bytes unpacked) an upload may have, from the section
    [quarantine] of trytond's configuration: upload_size (10 MB) and
    upload_unpacked_size (100 MB)"""
    return (config.getint('quarantine', 'upload_size',
            default=10 * 1024 * 1024),
        config.getint('quarantine', 'upload_unpacked_size',
            default=100 * 1024 * 1024))


def sheet_limits():
    """(rows, columns) a sheet may declare or hold, blank rows included:
    the header, MAXIMUM_ROWS rows and as many blank ones; MAXIMUM_COLUMNS
    (configuration: sheet_rows, sheet_columns of [quarantine])"""
    return (config.getint('quarantine', 'sheet_rows',
            default=2 * MAXIMUM_ROWS + 1),
        config.getint('quarantine', 'sheet_columns',
            default=MAXIMUM_COLUMNS))


def check_upload(data):
    """Refuse an upload bigger than upload_limits() allow, packed or
    unpacked (a zip bomb), before opening it; a workbook (.xlsx) is a zip
    archive that tells the size of each of its files"""
    size, unpacked = upload_limits()
    if len(data or b'') > size:
        raise SheetImportError(gettext('quarantine.msg_import_file_size',
                size=_megabytes(len(data)), maximum=_megabytes(size)))
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (BadZipFile, OSError, ValueError, TypeError, EOFError) \
            as exception:
        raise SheetImportError(gettext(
                'quarantine.msg_import_not_xlsx')) from exception
    total = sum(i.file_size for i in infos)
    if len(infos) > MAXIMUM_ARCHIVE_FILES or total > unpacked:
        raise SheetImportError(gettext('quarantine.msg_import_file_size',
                size=_megabytes(total), maximum=_megabytes(unpacked)))


def _megabytes(size):
    return f'{size / 1024 / 1024:.1f} MB'


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
    the header first, then in the order they are reported.

    `fields` maps the keys of the columns of text written to a field to
    its (model, field name): a longer text than the field's size is
    refused on its row, with the message the field gives."""

    def __init__(self, data, columns, fields=None):
        self.labels = {key: title for key, title, _ in columns}
        self.sizes = {key: (model, name, field_size(model, name))
            for key, (model, name) in (fields or {}).items()}
        self.header, self.raw = read_sheet(data)
        self.positions, self.errors = header_positions(self.header, columns)

    def rows(self, no_row='quarantine.msg_import_no_row'):
        """Return the Rows of the sheet, none while its header is wrong;
        refuse a sheet of titles alone with the message no_row"""
        if self.errors:
            return []
        if not self.raw:
            raise SheetImportError(gettext(no_row))
        rows = [Row(self, number, values)
            for number, values in enumerate(self.raw, 2)]
        for row in rows:
            row.check_sizes()
        return rows

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

    def check_sizes(self):
        "Report each text longer than the size of the field it is written to"
        for key, (model, name, size) in self.sheet.sizes.items():
            value = self.text(key)
            if size is not None and len(value) > size:
                self.report(key, size_error(model, name, value))

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

# This file is part of the quarantine module.  See README.md for licensing.
"""Workbooks (.xlsx) given to the users: the bytes of a workbook, the text
of a cell, the result of an export wizard.  The sheets they import are read
by sheet.py."""
import io

from openpyxl.workbook.child import INVALID_TITLE_REGEX

from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import StateTransition

from .common import close_view, start_view


def save(workbook):
    """The bytes of the workbook, where no cell is a formula: the project
    writes none, so a text that reads like one (a name or a community
    typed as `=HYPERLINK(...)` in an imported sheet) stays a text"""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == 'f':
                    cell.data_type = 's'
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def sheet_title(text):
    "A worksheet title made of `text`: the characters Excel refuses removed"
    return INVALID_TITLE_REGEX.sub('_', text).strip("'")[:31] or '_'


def text(value):
    "The text of a cell, without the .0 of a number typed as a float"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class SheetExportResult:
    """The result form of an export: the workbook, its name and how many
    records it holds, labelled by the model that mixes this in with
    file_string and count_string"""
    __slots__ = ()
    file_string = "File"
    count_string = "Count"

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)
    count = fields.Integer("Count", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file.string = cls.file_string
        cls.count.string = cls.count_string


def export_start(model, view):
    "The start state of an export: its form, Cancel and Export"
    return start_view(model, view, "Export", 'export')


def export_result(model, view):
    "The result state of an export: its form and Close"
    return close_view(model, view)


def export_states(model, view):
    """The states of an export wizard, to be its start, export and result:
    the forms of the models `model`.start and `model`.result, by the views
    `view`_start_view_form and `view`_result_view_form, and the transition
    between them"""
    return (export_start(f'{model}.start', f'{view}_start_view_form'),
        StateTransition(),
        export_result(f'{model}.result', f'{view}_result_view_form'))


class SheetExport:
    """What every export wizard does, mixed in a Wizard, the twin of
    sheet.SheetImport: its `start` proposes today and the site it is
    launched from, and the transition that writes the workbook `deliver`s
    it to the `result` form (a SheetExportResult).

    The wizard declares its states (see export_states, or export_start
    and export_result, or common.start_view for other buttons)
    and says in start_values(today) what its start proposes and in
    site_field which of its fields takes the site (a Many2Many field takes
    every selected site; None when the export is not a site's).
    """
    site_field = 'site'

    def start_values(self, today):
        return {}

    def default_start(self, fields):
        context = Transaction().context
        values = self.start_values(Pool().get('ir.date').today())
        if (self.site_field
                and context.get('active_model') == 'quarantine.site'):
            if self.start._fields[self.site_field]._type == 'many2many':
                values[self.site_field] = context.get('active_ids', [])
            else:
                values[self.site_field] = context.get('active_id')
        return values

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


# quarantine_supply's price report still names the first version
SheetExportMixin = SheetExport

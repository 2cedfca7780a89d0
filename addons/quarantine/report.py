# This file is part of the quarantine module.  See README.md for licensing.
"""What the reports of the quarantine modules share: they are drawn by
reportlab (reports/) or written by openpyxl from data gathered by the
report class, so that there is no template to convert, and they print
times and selection values alike."""
import datetime as dt

from trytond.report import Report

# The certificate and the residents' papers are official Chinese documents,
# whatever the language of the user who prints them.
OFFICIAL_LANGUAGE = 'zh_CN'


class FileReport(Report):
    """A report whose render returns the bytes of its file, of the format
    `output_format`: no template to convert"""
    output_format = None

    @classmethod
    def convert(cls, report, data, **kwargs):
        return cls.output_format, data


class PDFReport(FileReport):
    "A report drawn by reportlab (reports/): no template to convert"
    output_format = 'pdf'


class FormReport(PDFReport):
    """A PDF of one form a record: `form(record)` gathers the plain data of
    a record's form, `draw` (a function of reports/) draws a list of them"""
    draw = None

    @classmethod
    def render(cls, report, report_context):
        return cls.draw([cls.form(r) for r in report_context['records']])

    @classmethod
    def form(cls, record):
        raise NotImplementedError


class WorkbookReport(FileReport):
    "A report whose render returns the bytes of a workbook (.xlsx)"
    output_format = 'xlsx'


def minute(value):
    "A date and time as the forms print it, to the minute; '' for none"
    return value.strftime('%Y-%m-%d %H:%M') if value else ''


def printed_at():
    "The time a form is printed, as it prints it"
    return minute(dt.datetime.now())


def selection_labels(model, name):
    """Return {value: label} of the selection field `name` of model (a
    model or one of its records)"""
    return dict(model.fields_get([name])[name]['selection'])

# This file is part of the quarantine module.  See README.md for licensing.
"""Arrival lists (.xlsx): their columns, how a row reads, the template and
the wizard that imports them, all or nothing (see sheet.py).

An arrival list comes from a community or an airport.  Importing the same
file again creates no duplicate: a person is found by identity number, and
a person who already has an open stay is not given a second one.
"""
import datetime as dt
import re
from collections import namedtuple

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from .bounds import arrival_date_error, field_label, future_error
from .common import check_sites
from .exceptions import SheetImportError
from .sheet import (
    Sheet, SheetImport, SheetImportStart, import_start, template)
from .stay import (
    CATEGORIES, CHILD_MAX_AGE, SPECIAL_NEEDS, age_on, identity_error,
    identity_facts, ric)

# (key, header in the template, required)
COLUMNS = [
    ('name', "姓名", True),
    ('identity_number', "身份证号", True),
    ('phone', "联系电话", False),
    ('category', "人员类别", True),
    ('exposure_date', "末次暴露日期", False),
    ('origin', "来源", False),
    ('group', "家庭/团组", False),
    ('community', "所属社区", False),
    ('companion_of', "陪护对象身份证号", False),
    ('consent_signed_by', "知情同意签署人", False),
    ('consent_signed_at', "知情同意签署时间", False),
    ('special_needs', "特殊需求", False),
    ('notes', "备注", False),
    ]
CATEGORY_LABELS = {
    "密切接触者": 'close_contact',
    "密接": 'close_contact',
    "次密切接触者": 'secondary_contact',
    "次密接": 'secondary_contact',
    "入境人员": 'inbound',
    "中高风险地区来返人员": 'risk_area',
    "风险地区来返人员": 'risk_area',
    "其他": 'other',
    }
# What the 特殊需求 column may hold, several separated by 、 , ; or spaces
# (an age of 65 or more counts as elderly whatever the column says)
SPECIAL_NEEDS_LABELS = {
    "老人": 'elderly',
    "老年人": 'elderly',
    "高龄": 'elderly',
    "轮椅": 'disabled',
    "行动不便": 'disabled',
    "残疾": 'disabled',
    "残疾人": 'disabled',
    "孕妇": 'pregnant',
    "儿童": 'child',
    "慢性病": 'chronic',
    "精神疾病": 'psychiatric',
    "精神疾患": 'psychiatric',
    "精神障碍": 'psychiatric',
    }
SPECIAL_NEEDS_SEPARATORS = re.compile(r'[、,，;；/\s]+')
# The field each column of text is written to, bounded by its size
FIELDS = {
    'name': ('party.party', 'name'),
    'phone': ('quarantine.stay', 'phone'),
    'origin': ('quarantine.stay', 'origin'),
    'group': ('quarantine.stay', 'group_name'),
    'community': ('quarantine.stay', 'community'),
    'notes': ('quarantine.stay', 'notes'),
    'consent_signed_by': ('quarantine.stay', 'consent_signed_by'),
    }
# Columns newer than the others: an older list without them is read
NEWER = ['special_needs', 'consent_signed_by', 'consent_signed_at']
REQUIRED = [key for key, _, required in COLUMNS if required]
CATEGORY_CODES = {code for code, _ in CATEGORIES}
SPECIAL_NEEDS_CODES = {code for code, _ in SPECIAL_NEEDS}

# the newer columns last, with a default
Arrival = namedtuple('Arrival', [c[0] for c in COLUMNS
        if c[0] not in NEWER] + ['row'] + NEWER,
    defaults=[None] * len(NEWER))


def template_workbook():
    "Return the bytes of an empty arrival list with its headers"
    return template("到达人员名单", COLUMNS, ["张三", "11010519491231002X",
            "13800138000", "密切接触者", dt.date(2022, 5, 8), "本市社区排查",
            "张家", "和平社区", "", "", "", "行动不便", ""])


def read_arrivals(data, arrival_date):
    """Parse and check an arrival list.

    Return (arrivals, errors, header, raw rows); the rows are only valid
    when errors is empty.  Nothing here writes to the database."""
    message = arrival_date_error(arrival_date,
        field_label('quarantine.stay', 'arrival_date'))
    if message:
        raise SheetImportError(message)
    sheet = Sheet(data, COLUMNS, FIELDS)
    arrivals = [_read_row(row, arrival_date) for row in sheet.rows()]
    _check_file(sheet, arrivals)
    return sheet.result(arrivals)


def _read_row(row, arrival_date):
    row.require(REQUIRED)
    result = {key: value or None for key, value in row.texts().items()}
    number = result['identity_number']
    if number:
        number = ric.compact(number).upper()
        result['identity_number'] = number
        message = identity_error(number)
        if message:
            row.report('identity_number', message)
    if result['companion_of']:
        result['companion_of'] = ric.compact(result['companion_of']).upper()
    category = result['category']
    if category:
        category = CATEGORY_LABELS.get(category, category)
        if category not in CATEGORY_CODES:
            row.error('category', 'quarantine.msg_import_category',
                value=result['category'],
                values='、'.join(CATEGORY_LABELS))
        result['category'] = category
    result['special_needs'] = _special_needs(row, result['special_needs'])
    result['consent_signed_at'] = _consent(row, result)
    exposure = row.cell('exposure_date')
    if isinstance(exposure, dt.datetime):
        exposure = exposure.date()
    if exposure is None or exposure == '':
        result['exposure_date'] = None
    elif not isinstance(exposure, dt.date):
        row.error('exposure_date', 'quarantine.msg_import_date_text',
            value=row.text('exposure_date'))
        result['exposure_date'] = None
    elif exposure > arrival_date:
        row.error('exposure_date', 'quarantine.msg_import_date_future',
            value=exposure.isoformat())
        result['exposure_date'] = None
    else:
        message = future_error(exposure, row.sheet.labels['exposure_date'])
        if message:
            row.report('exposure_date', message)
        result['exposure_date'] = exposure
    return Arrival(row=row.number, **result)


def _consent(row, result):
    """The time the guardian's informed consent was signed (知情同意书,
    Henan L571), read with who signed it: both or neither, on the row of a
    guardian who accompanies someone"""
    signed_at = row.cell('consent_signed_at')
    if isinstance(signed_at, dt.date) and not isinstance(
            signed_at, dt.datetime):
        signed_at = dt.datetime.combine(signed_at, dt.time())
    if signed_at in (None, ''):
        signed_at = None
    elif not isinstance(signed_at, dt.datetime):
        row.error('consent_signed_at', 'quarantine.msg_import_date_text',
            value=row.text('consent_signed_at'))
        return None
    signed_by = result['consent_signed_by']
    if (signed_by or signed_at) and not result['companion_of']:
        row.error('consent_signed_by', 'quarantine.msg_import_consent_alone')
    elif signed_by and not signed_at:
        row.error('consent_signed_at', 'quarantine.msg_import_required')
    elif signed_at and not signed_by:
        row.error('consent_signed_by', 'quarantine.msg_import_required')
    message = future_error(signed_at, row.sheet.labels['consent_signed_at'],
        wall_clock=True)
    if message:
        row.report('consent_signed_at', message)
    return signed_at


def _special_needs(row, value):
    "The special needs of the 特殊需求 cell, a sorted list or None"
    needs = set()
    for label in SPECIAL_NEEDS_SEPARATORS.split(value or ''):
        if not label:
            continue
        need = SPECIAL_NEEDS_LABELS.get(label, label)
        if need not in SPECIAL_NEEDS_CODES:
            row.error('special_needs', 'quarantine.msg_import_special_needs',
                value=label, values='、'.join(SPECIAL_NEEDS_LABELS))
            continue
        needs.add(need)
    return sorted(needs) or None


def _check_file(sheet, arrivals):
    "Checks across rows: repeated numbers, companions"
    first_row = {}
    for arrival in arrivals:
        number = arrival.identity_number
        if not number:
            continue
        if number in first_row:
            sheet.error(arrival.row, 'identity_number',
                'quarantine.msg_import_repeated',
                number=number, row=first_row[number])
        else:
            first_row[number] = arrival.row
    by_number = {a.identity_number: a for a in arrivals if a.identity_number}
    for arrival in arrivals:
        if not arrival.companion_of:
            continue
        other = by_number.get(arrival.companion_of)
        if not other or other is arrival:
            sheet.error(arrival.row, 'companion_of',
                'quarantine.msg_import_companion_unknown',
                number=arrival.companion_of)
            continue
        ages = [_age(a) for a in (arrival, other)]
        if not any(a is not None and a <= CHILD_MAX_AGE for a in ages):
            sheet.error(arrival.row, 'companion_of',
                'quarantine.msg_import_companion_age', age=CHILD_MAX_AGE)


def _age(arrival):
    if not arrival.identity_number or identity_error(arrival.identity_number):
        return None
    birth_date, _ = identity_facts(arrival.identity_number)
    return age_on(birth_date, dt.date.today())


class ImportArrivalsStart(SheetImportStart, ModelView):
    "Import Arrival List"
    __name__ = 'quarantine.stay.import.start'
    __string__ = "Import Arrival List"

    file = fields.Binary("Arrival List (.xlsx)", required=True,
        filename='filename')
    arrival_date = fields.Date("Arrival", required=True)
    regime = fields.Many2One('quarantine.regime', "Regime",
        help="Leave empty for the regime of each row's category "
        "(secondary contacts: their 7 days; the others: 14 days).")
    site = fields.Many2One('quarantine.site', "Site",
        domain=[('state', '=', 'active')],
        help="Site the arrivals go to; rooms are given by Allocate Rooms.")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename',
        help="An empty arrival list with the expected columns.")


class ImportArrivals(SheetImport, Wizard):
    "Import Arrival List"
    __name__ = 'quarantine.stay.import'
    start = import_start('quarantine.stay.import.start',
        'quarantine.stay_import_start_view_form')
    open_ = StateAction('quarantine.act_stay_form')
    error_filename = 'arrival_list_errors.xlsx'
    imported_state = 'open_'

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        values = {
            'arrival_date': Date.today(),
            'regime': None,
            'template': template_workbook(),
            'template_filename': 'arrival_list_template.xlsx',
            }
        if context.get('active_model') == 'quarantine.site':
            values['site'] = context.get('active_id')
        return values

    def read(self):
        check_sites([self.start.site])
        return read_arrivals(self.start.file, self.start.arrival_date)

    def apply(self, arrivals):
        Stay = Pool().get('quarantine.stay')
        start = self.start
        return Stay.import_arrivals(
            arrivals, start.regime, start.arrival_date, start.site)

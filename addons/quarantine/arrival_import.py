# This file is part of the quarantine module.  See README.md for licensing.
"""Arrival lists (.xlsx): template, all-or-nothing import, residents' ledger.

An arrival list comes from a community or an airport.  Every bad row is
reported (row, column, reason) in a sheet returned to the user, and nothing
is imported while any row is bad.  Importing the same file again creates no
duplicate: a person is found by identity number, and a person who already
has an open stay is not given a second one.
"""
import datetime as dt
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .excel import (
    RowError, SheetImportMixin, cell_getter, header_positions, read_sheet,
    template, text)
from .exceptions import ArrivalImportError
from .stay import (
    CATEGORIES, CHILD_MAX_AGE, age_on, identity_error, identity_facts, ric)

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
CATEGORY_CODES = {code for code, _ in CATEGORIES}

Arrival = namedtuple('Arrival', [c[0] for c in COLUMNS] + ['row'])


def template_workbook():
    "Return the bytes of an empty arrival list with its headers"
    return template("到达人员名单", COLUMNS, ["张三", "11010519491231002X",
            "13800138000", "密切接触者", dt.date(2022, 5, 8), "本市社区排查",
            "张家", "和平社区", "", ""])


def read_arrivals(data, arrival_date):
    """Parse and check an arrival list.

    Return (arrivals, errors, header, raw rows); the rows are only valid
    when errors is empty.  Nothing here touches the database."""
    header, raw = read_sheet(data)
    positions, errors = header_positions(header, COLUMNS)
    if errors:
        return [], errors, header, raw
    if not raw:
        raise ArrivalImportError(gettext('quarantine.msg_import_no_row'))
    arrivals = []
    for index, values in enumerate(raw, 2):
        arrival, row_errors = _read_row(
            index, values, positions, arrival_date)
        errors.extend(row_errors)
        arrivals.append(arrival)
    errors.extend(_check_file(arrivals))
    return arrivals, errors, header, raw


def _read_row(index, values, positions, arrival_date):
    errors = []
    labels = {key: label for key, label, _ in COLUMNS}
    cell = cell_getter(values, positions)

    def error(key, msg_id, **kwargs):
        errors.append(RowError(index, labels[key],
                gettext(msg_id, **kwargs)))

    result = {k: text(cell(k)) or None for k, _, _ in COLUMNS}
    for key, _, required in COLUMNS:
        if required and not result[key]:
            error(key, 'quarantine.msg_import_required')
    number = result['identity_number']
    if number:
        number = ric.compact(number).upper()
        result['identity_number'] = number
        message = identity_error(number)
        if message:
            errors.append(RowError(index, labels['identity_number'],
                    message))
    if result['companion_of']:
        result['companion_of'] = ric.compact(result['companion_of']).upper()
    category = result['category']
    if category:
        category = CATEGORY_LABELS.get(category, category)
        if category not in CATEGORY_CODES:
            error('category', 'quarantine.msg_import_category',
                value=result['category'],
                values='、'.join(CATEGORY_LABELS))
        result['category'] = category
    exposure = cell('exposure_date')
    if isinstance(exposure, dt.datetime):
        exposure = exposure.date()
    if exposure is None or exposure == '':
        result['exposure_date'] = None
    elif not isinstance(exposure, dt.date):
        error('exposure_date', 'quarantine.msg_import_date_text',
            value=text(exposure))
        result['exposure_date'] = None
    elif exposure > arrival_date:
        error('exposure_date', 'quarantine.msg_import_date_future',
            value=exposure.isoformat())
        result['exposure_date'] = None
    else:
        result['exposure_date'] = exposure
    return Arrival(row=index, **result), errors


def _check_file(arrivals):
    "Checks across rows: repeated numbers, companions"
    errors = []
    label = dict((k, h) for k, h, _ in COLUMNS)
    first_row = {}
    for arrival in arrivals:
        number = arrival.identity_number
        if not number:
            continue
        if number in first_row:
            errors.append(RowError(arrival.row, label['identity_number'],
                    gettext('quarantine.msg_import_repeated',
                        number=number, row=first_row[number])))
        else:
            first_row[number] = arrival.row
    by_number = {a.identity_number: a for a in arrivals if a.identity_number}
    for arrival in arrivals:
        if not arrival.companion_of:
            continue
        other = by_number.get(arrival.companion_of)
        if not other or other is arrival:
            errors.append(RowError(arrival.row, label['companion_of'],
                    gettext('quarantine.msg_import_companion_unknown',
                        number=arrival.companion_of)))
            continue
        ages = [_age(a) for a in (arrival, other)]
        if not any(a is not None and a <= CHILD_MAX_AGE for a in ages):
            errors.append(RowError(arrival.row, label['companion_of'],
                    gettext('quarantine.msg_import_companion_age',
                        age=CHILD_MAX_AGE)))
    return errors


def _age(arrival):
    if not arrival.identity_number or identity_error(arrival.identity_number):
        return None
    birth_date, _ = identity_facts(arrival.identity_number)
    return age_on(birth_date, dt.date.today())


class ImportArrivalsStart(ModelView):
    "Import Arrival List"
    __name__ = 'quarantine.stay.import.start'
    __string__ = "Import Arrival List"

    file = fields.Binary("Arrival List (.xlsx)", required=True,
        filename='filename')
    filename = fields.Char("File Name")
    arrival_date = fields.Date("Arrival", required=True)
    regime = fields.Many2One('quarantine.regime', "Regime", required=True)
    site = fields.Many2One('quarantine.site', "Site",
        domain=[('state', '=', 'active')],
        help="Site the arrivals go to; rooms are given by Allocate Rooms.")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename',
        help="An empty arrival list with the expected columns.")
    template_filename = fields.Char("Template File Name", readonly=True)


class ImportArrivalsErrors(ModelView):
    "Arrival List Errors"
    __name__ = 'quarantine.stay.import.errors'
    __string__ = "Arrival List Errors"

    summary = fields.Text("Summary", readonly=True)
    report = fields.Binary("Error Report", readonly=True,
        filename='report_filename')
    report_filename = fields.Char("Report File Name", readonly=True)


class ImportArrivals(SheetImportMixin, Wizard):
    "Import Arrival List"
    __name__ = 'quarantine.stay.import'
    start = StateView('quarantine.stay.import.start',
        'quarantine.stay_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    errors = StateView('quarantine.stay.import.errors',
        'quarantine.stay_import_errors_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    open_ = StateAction('quarantine.act_stay_form')

    def default_start(self, fields):
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        Date = pool.get('ir.date')
        context = Transaction().context
        regimes = Regime.search([('code', '=', 'centralized_14')], limit=1)
        values = {
            'arrival_date': Date.today(),
            'regime': regimes[0].id if regimes else None,
            'template': template_workbook(),
            'template_filename': 'arrival_list_template.xlsx',
            }
        if context.get('active_model') == 'quarantine.site':
            values['site'] = context.get('active_id')
        return values

    def transition_import_(self):
        Stay = Pool().get('quarantine.stay')
        start = self.start
        arrivals, errors, header, raw = read_arrivals(
            start.file, start.arrival_date)
        if errors:
            return self.refuse(
                errors, header, raw, 'arrival_list_errors.xlsx')
        self._stays = Stay.import_arrivals(
            arrivals, start.regime, start.arrival_date, start.site)
        return 'open_'


    def do_open_(self, action):
        # the client reads the encoded domain
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [s.id for s in self._stays])])
        action['name'] += f' ({len(self._stays)})'
        return action, {}

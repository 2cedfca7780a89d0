# This file is part of the quarantine module.  See README.md for licensing.
"""A laboratory's result sheet (.xlsx): one row a specimen, found by its
sample code or by the resident's identity number (then the oldest pending
sample planned by the day of collection).  All or nothing, every bad row
reported, as the arrival lists."""
import datetime as dt
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .excel import (
    RowError, SheetImportMixin, cell_getter, header_positions, read_sheet,
    template, text)
from .exceptions import ArrivalImportError
from .stay import ric

COLUMNS = [
    ('sample_code', "样本编码", False),
    ('identity_number', "身份证号", False),
    ('result', "检测结果", True),
    ('institution', "采样机构", True),
    ('reagent', "检测试剂", True),
    ('collected_at', "采样时间", True),
    ]
RESULT_LABELS = {
    "阴性": 'negative', "阳性": 'positive', "无效": 'invalid',
    'negative': 'negative', 'positive': 'positive', 'invalid': 'invalid',
    }

LabResult = namedtuple('LabResult',
    ['row', 'sample', 'result', 'institution', 'reagent', 'collected_at'])


def template_workbook():
    return template("检测结果", COLUMNS, ["S000000001", "", "阴性",
            "示范市疾控中心", "华大基因", dt.datetime(2022, 5, 10, 8, 30)])


def read_results(data):
    """Parse and check a result sheet against the database.

    Return (results, errors, header, raw rows)."""
    header, raw = read_sheet(data)
    positions, errors = header_positions(header, COLUMNS)
    if not errors and 'sample_code' not in positions \
            and 'identity_number' not in positions:
        errors.append(RowError(1, "样本编码", gettext(
                    'quarantine.msg_lab_identify_column')))
    if errors:
        return [], errors, header, raw
    if not raw:
        raise ArrivalImportError(gettext('quarantine.msg_import_no_row'))
    rows = [_read_row(i, v, positions) for i, v in enumerate(raw, 2)]
    for _, row_errors in rows:
        errors.extend(row_errors)
    results, lookup_errors = _find_samples([r for r, _ in rows])
    errors.extend(lookup_errors)
    errors.sort(key=lambda e: e.row)
    return results, errors, header, raw


def _read_row(index, values, positions):
    labels = {key: label for key, label, _ in COLUMNS}
    cell = cell_getter(values, positions)
    errors = []

    def error(key, msg_id, **kwargs):
        errors.append(RowError(index, labels[key], gettext(msg_id, **kwargs)))

    row = {k: text(cell(k)) or None for k, _, _ in COLUMNS}
    if not row['sample_code'] and not row['identity_number']:
        error('sample_code', 'quarantine.msg_lab_identify')
    if row['identity_number']:
        row['identity_number'] = ric.compact(row['identity_number']).upper()
    for key in ['result', 'institution', 'reagent']:
        if not row[key]:
            error(key, 'quarantine.msg_import_required')
    if row['result']:
        result = RESULT_LABELS.get(row['result'].lower())
        if not result:
            error('result', 'quarantine.msg_lab_result',
                value=row['result'], values='、'.join(list(RESULT_LABELS)[:3]))
        row['result'] = result
    collected = cell('collected_at')
    if isinstance(collected, dt.datetime):
        row['collected_at'] = collected
    elif isinstance(collected, dt.date):
        row['collected_at'] = dt.datetime.combine(collected, dt.time())
    else:
        if collected not in (None, ''):
            error('collected_at', 'quarantine.msg_import_date_text',
                value=text(collected))
        elif not any(e.column == labels['collected_at'] for e in errors):
            error('collected_at', 'quarantine.msg_import_required')
        row['collected_at'] = None
    return dict(row, row=index), errors


def _find_samples(rows):
    "Match the rows with pending samples of admitted stays and institutions"
    pool = Pool()
    Sample = pool.get('quarantine.sample')
    Party = pool.get('party.party')
    labels = {key: label for key, label, _ in COLUMNS}
    errors, results, taken = [], [], set()
    names = {r['institution'] for r in rows if r['institution']}
    institutions = {}
    for party in Party.search([('name', 'in', list(names))]):
        institutions.setdefault(party.name, party)
    codes = [r['sample_code'] for r in rows if r['sample_code']]
    by_code = {s.code: s for s in Sample.search([('code', 'in', codes)])}
    numbers = [r['identity_number'] for r in rows
        if r['identity_number'] and not r['sample_code']]
    pending = {}
    for sample in Sample.search([
                ('stay.identity_number', 'in', numbers),
                ('stay.state', '=', 'admitted'),
                ('result', '=', 'pending'),
                ], order=[('planned_date', 'ASC'), ('id', 'ASC')]):
        pending.setdefault(sample.stay.identity_number, []).append(sample)
    for row in rows:
        index = row['row']
        sample = None
        if row['sample_code']:
            sample = by_code.get(row['sample_code'].upper())
            if not sample:
                errors.append(RowError(index, labels['sample_code'], gettext(
                            'quarantine.msg_lab_unknown_code',
                            code=row['sample_code'])))
        elif row['identity_number']:
            day = row['collected_at'].date() if row['collected_at'] else None
            candidates = [s for s in pending.get(row['identity_number'], [])
                if s not in taken and (not day or s.planned_date <= day)]
            if not candidates:
                errors.append(RowError(index, labels['identity_number'],
                        gettext('quarantine.msg_lab_unknown_identity',
                            number=row['identity_number'])))
            else:
                sample = candidates[0]
        if sample:
            if sample.stay.state != 'admitted':
                errors.append(RowError(index, labels['sample_code'], gettext(
                            'quarantine.msg_sample_stay_not_admitted',
                            sample=sample.rec_name,
                            state=sample.stay.state_string)))
            elif sample in taken or sample.result != 'pending':
                errors.append(RowError(index, labels['sample_code'], gettext(
                            'quarantine.msg_lab_already',
                            sample=sample.rec_name)))
            taken.add(sample)
        institution = institutions.get(row['institution'])
        if row['institution'] and not institution:
            errors.append(RowError(index, labels['institution'], gettext(
                        'quarantine.msg_lab_unknown_institution',
                        name=row['institution'])))
        results.append(LabResult(index, sample, row['result'], institution,
                row['reagent'], row['collected_at']))
    return results, errors


class ImportResultsStart(ModelView):
    "Import Lab Results"
    __name__ = 'quarantine.sample.import.start'
    __string__ = "Import Lab Results"

    file = fields.Binary("Result Sheet (.xlsx)", required=True,
        filename='filename')
    filename = fields.Char("File Name")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename')
    template_filename = fields.Char("Template File Name", readonly=True)


class ImportResults(SheetImportMixin, Wizard):
    "Import Lab Results"
    __name__ = 'quarantine.sample.import'
    start = StateView('quarantine.sample.import.start',
        'quarantine.sample_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    errors = StateView('quarantine.stay.import.errors',
        'quarantine.stay_import_errors_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {
            'template': template_workbook(),
            'template_filename': 'lab_results_template.xlsx',
            }

    def transition_import_(self):
        Sample = Pool().get('quarantine.sample')
        results, errors, header, raw = read_results(self.start.file)
        if errors:
            return self.refuse(
                errors, header, raw, 'lab_results_errors.xlsx')
        for result in results:
            Sample.record_results([result.sample], result.result,
                institution=result.institution, reagent=result.reagent,
                collected_at=result.collected_at)
        return 'end'


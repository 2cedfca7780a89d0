# This file is part of the quarantine module.  See README.md for licensing.
"""A laboratory's result sheet (.xlsx): one row a specimen, found by its
sample code or by the resident's identity number (then the oldest pending
sample planned by the day of collection).  All or nothing, every bad row
reported, as the arrival lists."""
import datetime as dt
from collections import namedtuple

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import Wizard

from .bounds import future_error
from .excel import text
from .sheet import (
    Sheet, SheetImport, SheetImportStart, import_start, template)
from .stay import ric

COLUMNS = [
    ('sample_code', "样本编码", False),
    ('identity_number', "身份证号", False),
    ('result', "检测结果", True),
    ('institution', "采样机构", True),
    ('reagent', "检测试剂", True),
    ('collected_at', "采样时间", True),
    ]
# The field each column of text is written to or found by
FIELDS = {
    'institution': ('party.party', 'name'),
    'reagent': ('quarantine.sample', 'reagent'),
    }
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
    sheet = Sheet(data, COLUMNS, FIELDS)
    if not sheet.errors and not (
            {'sample_code', 'identity_number'} & sheet.positions.keys()):
        sheet.error(1, 'sample_code', 'quarantine.msg_lab_identify_column')
    rows = [_read_row(row) for row in sheet.rows()]
    results = _find_samples(sheet, rows) if rows else []
    sheet.errors.sort(key=lambda e: e.row)
    return sheet.result(results)


def _read_row(row):
    values = {key: value or None for key, value in row.texts().items()}
    if not values['sample_code'] and not values['identity_number']:
        row.error('sample_code', 'quarantine.msg_lab_identify')
    if values['identity_number']:
        values['identity_number'] = ric.compact(
            values['identity_number']).upper()
    row.require(['result', 'institution', 'reagent'])
    if values['result']:
        result = RESULT_LABELS.get(values['result'].lower())
        if not result:
            row.error('result', 'quarantine.msg_lab_result',
                value=values['result'],
                values='、'.join(list(RESULT_LABELS)[:3]))
        values['result'] = result
    collected = row.cell('collected_at')
    if isinstance(collected, dt.datetime):
        values['collected_at'] = collected
    elif isinstance(collected, dt.date):
        values['collected_at'] = dt.datetime.combine(collected, dt.time())
    else:
        if collected not in (None, ''):
            row.error('collected_at', 'quarantine.msg_import_date_text',
                value=text(collected))
        else:
            row.error('collected_at', 'quarantine.msg_import_required')
        values['collected_at'] = None
    message = future_error(values['collected_at'],
        row.sheet.labels['collected_at'], wall_clock=True)
    if message:
        row.report('collected_at', message)
    return dict(values, row=row.number)


def _find_samples(sheet, rows):
    """Match the rows with pending samples of admitted stays and
    institutions; the samples are found through the user's rules: a sample
    of another site is not found"""
    pool = Pool()
    Sample = pool.get('quarantine.sample')
    Party = pool.get('party.party')
    results, taken = [], set()
    names = {r['institution'] for r in rows if r['institution']}
    institutions = {}
    for party in Party.search([('name', 'in', list(names))]):
        institutions.setdefault(party.name, party)
    codes = [r['sample_code'] for r in rows if r['sample_code']]
    numbers = [r['identity_number'] for r in rows
        if r['identity_number'] and not r['sample_code']]
    with check_access():
        by_code = {s.code: s for s in Sample.search([('code', 'in', codes)])}
        by_number = Sample.search([
                ('stay.identity_number', 'in', numbers),
                ('stay.state', '=', 'admitted'),
                ('result', '=', 'pending'),
                ], order=[('planned_date', 'ASC'), ('id', 'ASC')])
    pending = {}
    for sample in by_number:
        pending.setdefault(sample.stay.identity_number, []).append(sample)
    for row in rows:
        index = row['row']
        sample = None
        if row['sample_code']:
            sample = by_code.get(row['sample_code'].upper())
            if not sample:
                sheet.error(index, 'sample_code',
                    'quarantine.msg_lab_unknown_code',
                    code=row['sample_code'])
        elif row['identity_number']:
            day = row['collected_at'].date() if row['collected_at'] else None
            candidates = [s for s in pending.get(row['identity_number'], [])
                if s not in taken and (not day or s.planned_date <= day)]
            if not candidates:
                sheet.error(index, 'identity_number',
                    'quarantine.msg_lab_unknown_identity',
                    number=row['identity_number'])
            else:
                sample = candidates[0]
        if sample:
            if sample.stay.state != 'admitted':
                sheet.error(index, 'sample_code',
                    'quarantine.msg_sample_stay_not_admitted',
                    sample=sample.rec_name, state=sample.stay.state_string)
            elif sample in taken or sample.result != 'pending':
                sheet.error(index, 'sample_code', 'quarantine.msg_lab_already',
                    sample=sample.rec_name)
            taken.add(sample)
        institution = institutions.get(row['institution'])
        if row['institution'] and not institution:
            sheet.error(index, 'institution',
                'quarantine.msg_lab_unknown_institution',
                name=row['institution'])
        results.append(LabResult(index, sample, row['result'], institution,
                row['reagent'], row['collected_at']))
    return results


class ImportResultsStart(SheetImportStart, ModelView):
    "Import Lab Results"
    __name__ = 'quarantine.sample.import.start'
    __string__ = "Import Lab Results"

    file = fields.Binary("Result Sheet (.xlsx)", required=True,
        filename='filename')


class ImportResults(SheetImport, Wizard):
    "Import Lab Results"
    __name__ = 'quarantine.sample.import'
    start = import_start('quarantine.sample.import.start',
        'quarantine.sample_import_start_view_form')
    error_filename = 'lab_results_errors.xlsx'

    def default_start(self, fields):
        return {
            'template': template_workbook(),
            'template_filename': 'lab_results_template.xlsx',
            }

    def read(self):
        return read_results(self.start.file)

    def apply(self, results):
        Sample = Pool().get('quarantine.sample')
        for result in results:
            Sample.record_results([result.sample], result.result,
                institution=result.institution, reagent=result.reagent,
                collected_at=result.collected_at)
        return [r.sample for r in results]

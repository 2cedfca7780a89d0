# This file is part of the quarantine module.  See README.md for licensing.
"The residents' ledger (台账) of a site for a period, as an Excel sheet"
from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import Wizard

from .common import check_sites
from .excel import (
    SheetExport, SheetExportResult, export_states, save)
from .exceptions import StayError
from .privacy import log_personal_data

LEDGER_COLUMNS = [
    ("序号", lambda i, s: i),
    ("姓名", lambda i, s: s.person.rec_name),
    ("身份证号", lambda i, s: s.identity_number),
    ("性别", lambda i, s: s.sex_string),
    ("年龄", lambda i, s: s.age),
    ("联系电话", lambda i, s: s.phone),
    ("人员类别", lambda i, s: s.category_string),
    ("来源", lambda i, s: s.origin),
    ("所属社区", lambda i, s: s.community),
    ("家庭/团组", lambda i, s: s.group_name),
    ("房间", lambda i, s: s.room.name if s.room else None),
    ("末次暴露日期", lambda i, s: s.exposure_date),
    ("到达日期", lambda i, s: s.arrival_date),
    ("解除日期", lambda i, s: s.end_date),
    ("状态", lambda i, s: s.state_string),
    ("核验时间", lambda i, s: s.verified_at),
    ]


def ledger_workbook(site, date_from, date_to, stays):
    "Return the bytes of the ledger of `stays`"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "隔离人员台账"
    sheet.append([f"{site.name} 隔离人员台账 {date_from} 至 {date_to}"])
    sheet['A1'].font = Font(bold=True, size=14)
    sheet.append([title for title, _ in LEDGER_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, stay in enumerate(stays, 1):
        sheet.append([value(index, stay) for _, value in LEDGER_COLUMNS])
    sheet.freeze_panes = 'A3'
    return save(workbook)


class LedgerStart(ModelView):
    "Residents' Ledger"
    __name__ = 'quarantine.stay.ledger.start'
    __string__ = "Residents' Ledger"

    site = fields.Many2One('quarantine.site', "Site", required=True)
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)


class LedgerResult(SheetExportResult, ModelView):
    "Residents' Ledger"
    __name__ = 'quarantine.stay.ledger.result'
    __string__ = "Residents' Ledger File"
    file_string = "Ledger"
    count_string = "Residents"


class Ledger(SheetExport, Wizard):
    "Residents' Ledger"
    __name__ = 'quarantine.stay.ledger'
    start, export, result = export_states(
        'quarantine.stay.ledger', 'quarantine.stay_ledger')

    def start_values(self, today):
        return {'date_from': today.replace(day=1), 'date_to': today}

    def transition_export(self):
        Stay = Pool().get('quarantine.stay')
        start = self.start
        if start.date_to < start.date_from:
            raise StayError(gettext('quarantine.msg_ledger_dates'))
        check_sites([start.site])
        with check_access():
            stays = Stay.search([
                    ('site', '=', start.site.id),
                    ('state', 'in', ['admitted', 'released', 'transferred']),
                    ('arrival_date', '<=', start.date_to),
                    ['OR',
                        ('end_date', '>=', start.date_from),
                        ('end_date', '=', None)],
                    ], order=[('arrival_date', 'ASC'), ('id', 'ASC')])
        log_personal_data(self.__name__, [start.site], len(stays), stays)
        return self.deliver(
            ledger_workbook(start.site, start.date_from, start.date_to, stays),
            f'ledger-{start.site.code}-{start.date_from}-{start.date_to}.xlsx',
            len(stays))


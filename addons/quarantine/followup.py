# This file is part of the quarantine module.  See README.md for licensing.
"""After release: health monitoring at home with tests on days 2 and 7,
followed by the home community, which receives the list of its released
residents."""
import datetime as dt
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import StateTransition, Wizard

from .common import check_sites
from .excel import (
    SheetExport, SheetExportResult, export_result, export_start, save,
    sheet_title)
from .bounds import check_not_future
from .exceptions import FutureDateError, StayError
from .privacy import log_personal_data
from .registry import insert_rows

HOME_TEST_DAYS = (2, 7)


class HomeMonitoring(ModelSQL, ModelView):
    "Home Monitoring Test"
    __name__ = 'quarantine.home_monitoring'
    __string__ = "Home Monitoring Test"

    stay = fields.Many2One('quarantine.stay', "Stay", required=True,
        ondelete='CASCADE', readonly=True)
    community = fields.Char("Community", readonly=True)
    day = fields.Integer("Day", required=True, readonly=True,
        help="Day after release.")
    planned_date = fields.Date("Planned Date", required=True,
        readonly=True)
    done_at = fields.DateTime("Done at")
    result = fields.Selection([
            ('pending', "Pending"),
            ('negative', "Negative"),
            ('positive', "Positive"),
            ], "Result", required=True)
    notes = fields.Char("Notes", size=1000)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('planned_date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_result():
        return 'pending'

    @classmethod
    def validate_fields(cls, tests, field_names):
        super().validate_fields(tests, field_names)
        check_not_future(tests, field_names & {'done_at'}, FutureDateError)

    def get_rec_name(self, name):
        return f'{self.stay.rec_name} +{self.day}'

    @classmethod
    def plan(cls, stays):
        "The home tests on days 2 and 7 after each release"
        insert_rows(cls, ['stay', 'community', 'day', 'planned_date',
                'result'], [
                (s.id, s.community, day,
                    s.release_date + dt.timedelta(days=day), 'pending')
                for s in stays for day in HOME_TEST_DAYS])


def notification_workbook(stays, followups):
    "One sheet per community: its released residents and their home tests"
    workbook = Workbook()
    workbook.remove(workbook.active)
    by_community = defaultdict(list)
    for stay in stays:
        by_community[stay.community or gettext(
                'quarantine.msg_notification_no_community')].append(stay)
    for community, residents in sorted(by_community.items()):
        sheet = workbook.create_sheet(sheet_title(community))
        sheet.append([gettext('quarantine.msg_notification_title',
                    community=community)])
        sheet['A1'].font = Font(bold=True, size=14)
        sheet.append(["姓名", "身份证号", "联系电话", "隔离点", "解除日期",
                "证明编号"] + [f"第{d}天检测" for d in HOME_TEST_DAYS])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for stay in residents:
            dates = {f.day: f.planned_date for f in followups[stay.id]}
            sheet.append([stay.person.rec_name, stay.identity_number,
                    stay.phone, stay.site.rec_name if stay.site else None,
                    stay.release_date, stay.certificate_number]
                + [dates.get(d) for d in HOME_TEST_DAYS])
        for column in 'ABCDEFGH':
            sheet.column_dimensions[column].width = 18
    return save(workbook)


class NotifyCommunitiesStart(ModelView):
    "Notify Communities"
    __name__ = 'quarantine.stay.notify.start'
    __string__ = "Notify Communities"

    date_from = fields.Date("Released from", required=True)
    date_to = fields.Date("Released to", required=True)
    site = fields.Many2One('quarantine.site', "Site",
        help="Leave empty for every site you work for.")


class NotifyCommunitiesResult(SheetExportResult, ModelView):
    "Notify Communities"
    __name__ = 'quarantine.stay.notify.result'
    __string__ = "Community Notification"
    file_string = "Notification"
    count_string = "Released Residents"


class NotifyCommunities(SheetExport, Wizard):
    """Notify Communities

    The released residents of a period, one sheet per home community, with
    their home-monitoring test dates."""
    __name__ = 'quarantine.stay.notify'
    start = export_start('quarantine.stay.notify.start',
        'quarantine.stay_notify_start_view_form')
    export = StateTransition()
    result = export_result('quarantine.stay.notify.result',
        'quarantine.stay_notify_result_view_form')

    def start_values(self, today):
        return {'date_from': today, 'date_to': today}

    def transition_export(self):
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Followup = pool.get('quarantine.home_monitoring')
        start = self.start
        if start.date_to < start.date_from:
            raise StayError(gettext('quarantine.msg_ledger_dates'))
        domain = [
            ('state', '=', 'released'),
            ('release_date', '>=', start.date_from),
            ('release_date', '<=', start.date_to),
            ]
        if start.site:
            check_sites([start.site])
            domain.append(('site', '=', start.site.id))
        # without a site: the released residents of the user's sites
        with check_access():
            stays = Stay.search(domain, order=[('community', 'ASC'),
                    ('release_date', 'ASC'), ('id', 'ASC')])
        followups = defaultdict(list)
        for followup in Followup.search(
                [('stay', 'in', [s.id for s in stays])]):
            followups[followup.stay.id].append(followup)
        log_personal_data(
            self.__name__, [s.site for s in stays], len(stays), stays)
        return self.deliver(notification_workbook(stays, followups),
            f'release-notification-{start.date_from}-{start.date_to}.xlsx',
            len(stays))


# This file is part of the quarantine module.  See README.md for licensing.
"""After release: health monitoring at home with tests on days 2 and 7
(on a regime with post-release tests: the close contacts' centralised
isolation), each with two specimens by different institutions with different reagents
("解除隔离后第2、第7天各'双采双检'1次", Henan L125), and for a regime with a
home part (7 days in a site + 7 at home, Henan L19, Ruijin L5096) until the
end of that part, with two specimens on its last day (Henan L21); followed
by the home community, which receives the list of its released
residents."""
import datetime as dt
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import Wizard

from .common import check_sites
from .excel import (
    SheetExport, SheetExportResult, export_states, save, sheet_title)
from .bounds import check_not_future
from .exceptions import FutureDateError, HomeTestError, StayError
from .privacy import log_personal_data
from .registry import insert_rows

HOME_TEST_DAYS = (2, 7)
# the specimens of each home test (双采双检)
HOME_SPECIMENS = 2


def home_test_days(regime):
    """The days after release of the home tests of a stay on `regime`: 2
    and 7 when the regime has post-release tests (close contacts, Henan
    L125; not health monitoring nor secondary contacts), and the last day
    of the regime's home monitoring (L21)"""
    days = set(HOME_TEST_DAYS) if (
        regime is None or regime.post_release_tests) else set()
    if regime and regime.home_monitoring_days:
        days.add(regime.home_monitoring_days)
    return sorted(days)


def home_monitoring_end(regime, release_date):
    "The last day of the home part of a regime released on `release_date`"
    if regime and regime.home_monitoring_days and release_date:
        return release_date + dt.timedelta(days=regime.home_monitoring_days)


class HomeMonitoring(ModelSQL, ModelView):
    "Home Monitoring Test"
    __name__ = 'quarantine.home_monitoring'
    __string__ = "Home Monitoring Test"

    stay = fields.Many2One('quarantine.stay', "Stay", required=True,
        ondelete='CASCADE', readonly=True)
    community = fields.Char("Community", readonly=True)
    day = fields.Integer("Day", required=True, readonly=True,
        help="Day after release.")
    specimen = fields.Integer("Specimen", readonly=True,
        help="1 or 2: each home test takes two specimens, by different "
        "institutions with different reagents.")
    planned_date = fields.Date("Planned Date", required=True,
        readonly=True)
    done_at = fields.DateTime("Done at")
    institution = fields.Many2One('party.party', "Sampling Institution",
        ondelete='RESTRICT')
    reagent = fields.Char("Reagent", size=100,
        help="Reagent (kit) used by the laboratory.")
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
        if field_names & {'result', 'institution', 'reagent'}:
            cls.check_pairs(tests)

    @classmethod
    def check_pairs(cls, tests):
        """A result names its institution and reagent, and the two specimens
        of a day are by different institutions with different reagents"""
        def reagent(test):
            return (test.reagent or '').strip().lower()
        recorded = [t for t in tests if t.result != 'pending']
        for test in recorded:
            if not test.institution or not reagent(test):
                raise HomeTestError(gettext(
                        'quarantine.msg_home_test_institution_reagent',
                        test=test.rec_name))
        others = cls.search([
                ('stay', 'in', list({t.stay.id for t in recorded})),
                ('result', '!=', 'pending'),
                ]) if recorded else []
        for test in recorded:
            for other in others:
                if (other.id == test.id or other.stay != test.stay
                        or other.day != test.day):
                    continue
                if other.institution == test.institution:
                    raise HomeTestError(gettext(
                            'quarantine.msg_home_test_same_institution',
                            test=test.rec_name,
                            institution=test.institution.rec_name))
                if reagent(other) == reagent(test):
                    raise HomeTestError(gettext(
                            'quarantine.msg_home_test_same_reagent',
                            test=test.rec_name, reagent=test.reagent))

    def get_rec_name(self, name):
        return f'{self.stay.rec_name} +{self.day}'

    @classmethod
    def plan(cls, stays):
        """The home tests after each release, two specimens each: days 2
        and 7, and the last day of the regime's home monitoring"""
        insert_rows(cls, ['stay', 'community', 'day', 'specimen',
                'planned_date', 'result'], [
                (s.id, s.community, day, specimen,
                    s.release_date + dt.timedelta(days=day), 'pending')
                for s in stays for day in home_test_days(s.regime)
                for specimen in range(1, HOME_SPECIMENS + 1)])


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
        days = sorted({f.day for stay in residents
                for f in followups[stay.id]})
        sheet.append(["姓名", "身份证号", "联系电话", "隔离点", "解除日期",
                "证明编号", "居家健康监测截止"]
            + [f"第{d}天检测（双采双检）" for d in days])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for stay in residents:
            dates = {f.day: f.planned_date for f in followups[stay.id]}
            sheet.append([stay.person.rec_name, stay.identity_number,
                    stay.phone, stay.site.rec_name if stay.site else None,
                    stay.release_date, stay.certificate_number,
                    stay.home_monitoring_end]
                + [dates.get(d) for d in days])
        for cells in sheet.iter_cols(min_row=2, max_row=2):
            sheet.column_dimensions[cells[0].column_letter].width = 18
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
    start, export, result = export_states(
        'quarantine.stay.notify', 'quarantine.stay_notify')

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


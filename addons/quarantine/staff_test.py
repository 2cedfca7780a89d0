# This file is part of the quarantine module.  See README.md for licensing.
"""The daily tests of a site's staff (Chongqing L129: the staff of the
isolation sites are tested once a day), planned every day by a scheduled
job, a positive result alerting the site's medical staff and the
administrators as a resident's does, and their roster"""
from reports.roster import render_roster

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .bounds import field_label, future_error
from .exceptions import StaffTestError
from .report import PDFReport, printed_at

RESULTS = [
    ('pending', "Pending"),
    ('negative', "Negative"),
    ('positive', "Positive"),
    ('invalid', "Invalid"),
    ]
RECORDED = ['collected_at', 'institution', 'reagent', 'result']


class StaffTest(ModelSQL, ModelView):
    "Staff Test"
    __name__ = 'quarantine.staff.test'
    __string__ = "Staff Test"

    _states = {'readonly': Eval('id', -1) >= 0}

    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE', states=_states)
    staff = fields.Many2One('quarantine.staff', "Staff", required=True,
        ondelete='CASCADE', states=_states,
        domain=[('site', '=', Eval('site', -1))])
    role = fields.Function(fields.Char("Role"), 'get_role')
    date = fields.Date("Date", required=True, states=_states)
    collected_at = fields.DateTime("Collected at",
        states={'required': Eval('result') != 'pending'})
    institution = fields.Many2One('party.party', "Institution",
        ondelete='RESTRICT')
    reagent = fields.Char("Reagent", size=100)
    result = fields.Selection(RESULTS, "Result", required=True, sort=False)
    result_string = result.translated('result')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('staff_date_unique', Unique(t, t.staff, t.date),
                'quarantine.msg_staff_test_unique'),
            ]
        cls._order = [('date', 'DESC'), ('site', 'ASC'), ('staff', 'ASC'),
            ('id', 'DESC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_result():
        return 'pending'

    @fields.depends('staff', 'site')
    def on_change_staff(self):
        if self.staff:
            self.site = self.staff.site

    def get_role(self, name):
        return self.staff.role_string

    def get_rec_name(self, name):
        return f'{self.staff.rec_name} {self.date}'

    @classmethod
    def create(cls, vlist):
        tests = super().create(vlist)
        cls.alert_positive([t for t in tests if t.result == 'positive'])
        return tests

    @classmethod
    def write(cls, *args):
        "A recorded result is not rewritten"
        actions = iter(args)
        positive = []
        for tests, values in zip(actions, actions):
            if values.keys() & set(RECORDED):
                for test in tests:
                    if test.result != 'pending':
                        raise StaffTestError(gettext(
                                'quarantine.msg_staff_test_recorded',
                                test=test.rec_name))
            if values.get('result') == 'positive':
                positive.extend(tests)
        super().write(*args)
        cls.alert_positive(cls.browse(positive))

    @classmethod
    def alert_positive(cls, tests):
        """A positive staff result alerts, as a resident's does, the medical
        staff and the administrators (those linked to sites: of the test's
        site only), whoever recorded it"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not tests:
            return
        groups = [ModelData.get_id('quarantine', g)
            for g in ['group_medical', 'group_admin']]
        with without_check_access():
            for user in User.search([('groups', 'in', groups)]):
                sites = set(user.quarantine_sites)
                concerned = [t for t in tests
                    if not sites or t.site in sites]
                if concerned:
                    cls.notify_user(concerned, 'tryton-warning',
                        gettext('quarantine.msg_staff_positive_alert',
                            count=len(concerned)),
                        description=', '.join(
                            t.rec_name for t in concerned[:10]),
                        user=user.id)

    @classmethod
    def validate_fields(cls, tests, field_names):
        super().validate_fields(tests, field_names)
        if field_names & {'collected_at', 'result'}:
            for test in tests:
                if test.result != 'pending' and not test.collected_at:
                    raise StaffTestError(gettext(
                            'quarantine.msg_staff_test_collected',
                            test=test.rec_name))
                message = future_error(test.collected_at,
                    field_label(cls.__name__, 'collected_at'))
                if message:
                    raise StaffTestError(message)

    @classmethod
    def plan(cls, sites, date):
        """Create the pending tests of the active staff of the sites on
        the date, for those not planned yet; return the tests of the day"""
        Staff = Pool().get('quarantine.staff')
        staff = Staff.search([('site', 'in', [s.id for s in sites])])
        planned = {t.staff for t in cls.search([
                    ('staff', 'in', [s.id for s in staff]),
                    ('date', '=', date)])}
        cls.create([{'site': s.site.id, 'staff': s.id, 'date': date}
                for s in staff if s not in planned])
        return cls.search([
                ('site', 'in', [s.id for s in sites]),
                ('date', '=', date)])

    @classmethod
    def plan_today(cls):
        """The scheduled job: plan today's tests of the active staff of
        every active site, as the sites' *Plan Staff Tests* button does;
        return them"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        Date = pool.get('ir.date')
        sites = Site.search([('state', '=', 'active')])
        return cls.plan(sites, Date.today()) if sites else []


class Site(metaclass=PoolMeta):
    __name__ = 'quarantine.site'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'plan_staff_tests': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def plan_staff_tests(cls, sites):
        "Plan today's test of every active staff member of the sites"
        StaffTest = Pool().get('quarantine.staff.test')
        Date = Pool().get('ir.date')
        StaffTest.plan(sites, Date.today())


class StaffRoster(PDFReport):
    "The staff of a site and their test of the day, to tick and sign"
    __name__ = 'quarantine.site.staff_roster'

    @classmethod
    def render(cls, report, report_context):
        Date = Pool().get('ir.date')
        date = (report_context.get('data') or {}).get('date') or Date.today()
        site, = report_context['records']
        return render_roster(cls.roster(site, date))

    @classmethod
    def roster(cls, site, date):
        """The active staff of the site by role, with the result of their
        test of the date: pending or not planned is to sample"""
        pool = Pool()
        Staff = pool.get('quarantine.staff')
        StaffTest = pool.get('quarantine.staff.test')
        staff = Staff.search([('site', '=', site.id)])
        tests = {t.staff: t for t in StaffTest.search([
                    ('staff', 'in', [s.id for s in staff]),
                    ('date', '=', date)])}
        groups, done = {}, 0
        for member in staff:
            test = tests.get(member)
            if test and test.result != 'pending':
                done += 1
            group = groups.setdefault(member.role, {
                    'label': member.role_string, 'rows': []})
            group['rows'].append({
                    'room': member.phone or '',
                    'name': member.party.rec_name,
                    'identity_number': '',
                    'kind': member.role_string,
                    'test': (test.result_string if test
                        else gettext('quarantine.msg_staff_roster_unplanned')),
                    'sample_code': '',
                    'note': '' if member.certified else gettext(
                        'quarantine.msg_staff_roster_uncertified'),
                    })
        return {
            'title': gettext('quarantine.msg_staff_roster_title'),
            'site': site.rec_name,
            'date': str(date),
            'printed_at': printed_at(),
            'groups': list(groups.values()),
            'totals': [
                (gettext('quarantine.msg_roster_staff'), len(staff)),
                (gettext('quarantine.msg_staff_roster_tested'), done),
                ],
            'labels': {
                'room': gettext('quarantine.msg_staff_roster_phone'),
                'kind': gettext('quarantine.msg_staff_roster_role'),
                'test': gettext('quarantine.msg_staff_roster_result'),
                },
            'page_format': gettext('quarantine.msg_room_board_page'),
            }

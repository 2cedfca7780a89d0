# This file is part of the quarantine module.  See README.md for licensing.
"""The daily report (日报) of the sites of an area, or of chosen sites, for
a date: residents at the start of the day, admitted, released, transferred,
positives, rooms by state, staff; "zero report" where nothing moved.  Each
site's report is submitted by a deadline (Zhejiang: the isolation lists
before 09:00); the report marks the sites late."""
import datetime as dt
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font
from sql.aggregate import Count

from reports.daily import render_daily_report

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, Wizard

from .excel import SheetExport, export_result, save
from .report import printed_at
from .room import ROOM_STATES
from .common import check_sites, due_at, start_view, user_sites

MOVEMENTS = ['admitted', 'released', 'transferred', 'positive']


def day_bounds(date):
    start = dt.datetime.combine(date, dt.time())
    return start, start + dt.timedelta(days=1)


def figures(sites, date):
    """Return {site id: {name: count}} for the date, one grouped query
    a figure for all the sites"""
    pool = Pool()
    Stay = pool.get('quarantine.stay')
    Sample = pool.get('quarantine.sample')
    Room = pool.get('quarantine.room')
    Staff = pool.get('quarantine.staff')
    stay, sample, room, staff = (Stay.__table__(), Sample.__table__(),
        Room.__table__(), Staff.__table__())
    cursor = Transaction().connection.cursor()
    ids = [s.id for s in sites]
    start, end = day_bounds(date)
    result = defaultdict(lambda: defaultdict(int))

    def count(table, site, where, name, join=None):
        query = (join or table).select(site, Count(table.id),
            where=site.in_(ids) & where, group_by=[site])
        cursor.execute(*query)
        for site_id, value in cursor:
            result[site_id][name] = value
    left = stay.left_at
    count(stay, stay.site, (stay.admitted_at < start)
        & ((left == None) | (left >= start)), 'start')  # noqa: E711
    count(stay, stay.site, (stay.admitted_at >= start)
        & (stay.admitted_at < end), 'admitted')
    for state in ['released', 'transferred']:
        count(stay, stay.site, (stay.state == state) & (left >= start)
            & (left < end), state)
    join = sample.join(stay, condition=sample.stay == stay.id)
    count(sample, stay.site, (sample.result == 'positive')
        & (((sample.collected_at >= start) & (sample.collected_at < end))
            | ((sample.collected_at == None)  # noqa: E711
                & (sample.planned_date == date))), 'positive', join=join)
    for state in ROOM_STATES:
        count(room, room.site, room.state == state, state)
    count(staff, staff.site, (staff.active == True), 'staff')  # noqa: E712
    for site_id in ids:
        values = result[site_id]
        values['end'] = (values['start'] + values['admitted']
            - values['released'] - values['transferred'])
    return result


class Submission(ModelSQL, ModelView):
    "Daily Report Submission"
    __name__ = 'quarantine.daily_report.submission'
    __string__ = "Daily Report Submission"

    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    submitted_at = fields.DateTime("Submitted at", required=True)
    zero = fields.Boolean("Zero Report",
        help="Nothing moved at the site that day.")
    late = fields.Boolean("Late",
        help="Submitted after the deadline of the configuration.")
    due_at = fields.Function(fields.DateTime("Due at",
            help="The deadline of the report of the date: the configured "
            "hour of the configured days later (09:00 of the next day)."),
        'get_due_at')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('site_date_unique', Unique(t, t.site, t.date),
                'quarantine.msg_daily_report_submitted'),
            ]
        cls._order = [('date', 'DESC'), ('site', 'ASC'), ('id', 'DESC')]

    @classmethod
    def get_due_at(cls, submissions, name):
        "The deadlines of the submissions' dates, the configuration read once"
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        return {s.id: due_at(s.date, config.daily_report_hour,
                config.daily_report_day_offset) for s in submissions}

    @classmethod
    def deadline(cls, date):
        """When the report of `date` is due: at the configured hour of the
        configured days later (the report of day D by 09:00 of D + 1)"""
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        return due_at(date, config.daily_report_hour,
            config.daily_report_day_offset)


class DailyReportStart(ModelView):
    "Daily Report"
    __name__ = 'quarantine.daily_report.start'
    __string__ = "Daily Report"

    date = fields.Date("Date", required=True)
    area = fields.Many2One('quarantine.area', "Area",
        help="The sites of the area and of its sub-areas.")
    sites = fields.Many2Many('quarantine.site', None, None, "Sites",
        help="Empty with no area: every site you work for.")


class DailyReportResult(ModelView):
    "Daily Report"
    __name__ = 'quarantine.daily_report.result'
    __string__ = "Daily Report File"

    summary = fields.Text("Summary", readonly=True)
    pdf = fields.Binary("PDF", readonly=True, filename='pdf_filename')
    pdf_filename = fields.Char("PDF File Name", readonly=True)
    xlsx = fields.Binary("Excel", readonly=True, filename='xlsx_filename')
    xlsx_filename = fields.Char("Excel File Name", readonly=True)


class DailyReport(SheetExport, Wizard):
    """Daily Report

    An export of its own result: the summary, the PDF and the workbook."""
    __name__ = 'quarantine.daily_report'
    start = start_view('quarantine.daily_report.start',
        'quarantine.daily_report_start_view_form', "Print", 'print_',
        'tryton-print', others=[Button("Submit", 'submit', 'tryton-forward')])
    print_ = StateTransition()
    submit = StateTransition()
    result = export_result('quarantine.daily_report.result',
        'quarantine.daily_report_result_view_form')
    site_field = 'sites'

    def start_values(self, today):
        return {'date': today}

    def report_sites(self):
        """The open sites chosen, or of the area chosen, or all: of those
        the user works for (a site chosen that is not theirs is refused)"""
        check_sites(self.start.sites)
        domain = [('state', 'in', ['standby', 'active'])]
        if self.start.sites:
            domain.append(('id', 'in', [s.id for s in self.start.sites]))
        if self.start.area:
            domain.append(
                ('area', 'child_of', [self.start.area.id], 'parent'))
        return user_sites(domain)

    def transition_submit(self):
        "Record each site's report of the date, zero or not, on time or not"
        pool = Pool()
        Submission = pool.get('quarantine.daily_report.submission')
        date = self.start.date
        sites = self.report_sites()
        values = figures(sites, date)
        done = {s.site for s in Submission.search([
                    ('site', 'in', [s.id for s in sites]),
                    ('date', '=', date)])}
        now = dt.datetime.now()
        deadline = Submission.deadline(date)
        Submission.create([{
                    'site': site.id, 'date': date, 'submitted_at': now,
                    'zero': not any(values[site.id][m] for m in MOVEMENTS),
                    'late': now > deadline,
                    } for site in sites if site not in done])
        return 'print_'

    def transition_print_(self):
        pool = Pool()
        Submission = pool.get('quarantine.daily_report.submission')
        date = self.start.date
        sites = self.report_sites()
        values = figures(sites, date)
        submissions = {s.site: s for s in Submission.search([
                    ('site', 'in', [s.id for s in sites]),
                    ('date', '=', date)])}
        overdue = dt.datetime.now() > Submission.deadline(date)
        names = ['start', 'admitted', 'released', 'transferred',
            'positive', 'end'] + ROOM_STATES + ['staff']
        columns = gettext('quarantine.msg_daily_report_columns').split('|')
        rows = []
        for site in sites:
            submission = submissions.get(site)
            rows.append({
                    'site': site.rec_name,
                    'figures': [values[site.id][n] for n in names],
                    'zero': not any(values[site.id][m] for m in MOVEMENTS),
                    'late': (submission.late if submission else overdue),
                    })
        totals = [sum(values[s.id][n] for s in sites) for n in names]
        scope = (self.start.area.rec_name if self.start.area
            else '、'.join(s.rec_name for s in self.start.sites)
            or gettext('quarantine.msg_daily_report_all_sites'))
        report = {
            'title': gettext('quarantine.msg_daily_report_title'),
            'date': str(date), 'scope': scope,
            'printed_at': printed_at(),
            'columns': columns, 'rows': rows, 'totals': totals,
            'labels': {
                'zero': gettext('quarantine.msg_daily_report_zero'),
                'late': gettext('quarantine.msg_daily_report_late'),
                },
            }
        self.result.pdf = render_daily_report(report)
        self.result.xlsx = self.workbook(report)
        self.result.pdf_filename = f'daily-report-{date}.pdf'
        self.result.xlsx_filename = f'daily-report-{date}.xlsx'
        self.result.summary = gettext('quarantine.msg_daily_report_summary',
            sites=len(sites), zero=sum(r['zero'] for r in rows),
            late=sum(bool(r['late']) for r in rows))
        return 'result'

    @staticmethod
    def workbook(report):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = report['title'][:31]
        notes = gettext('quarantine.msg_daily_report_notes')
        site = gettext('quarantine.msg_daily_report_site')
        sheet.append([report['title'], report['date'], report['scope']])
        sheet.append([site] + report['columns'] + [notes])
        for row in report['rows']:
            flags = [report['labels'][k] for k in ['zero', 'late']
                if row[k]]
            sheet.append([row['site']] + row['figures'] + ['、'.join(flags)])
        sheet.append([gettext('quarantine.msg_daily_report_total')]
            + report['totals'])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        return save(workbook)

    def default_result(self, fields):
        return {name: getattr(self.result, name) for name in [
                'summary', 'pdf', 'pdf_filename', 'xlsx', 'xlsx_filename']}

# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, admit_residents)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction


class DailyReportTestCase(ActivatedTestCase):
    "The daily report of the sites"

    def run_report(self, date, sites, submit=False):
        DailyReport = Pool().get('quarantine.daily_report', type='wizard')
        session_id, _, _ = DailyReport.create()
        wizard = DailyReport(session_id)
        wizard.start.date = date
        wizard.start.area = None
        wizard.start.sites = sites
        if submit:
            wizard.transition_submit()
        wizard.transition_print_()
        return wizard.result

    @with_transaction()
    def test_figures_and_zero_report(self):
        "Today's admissions are counted; a site with no movement is zero"
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Submission = pool.get('quarantine.daily_report.submission')
        busy = active_site(code='A1', rooms=3)
        quiet = active_site(code='B1', rooms=2)
        admit_residents(busy, busy.rooms[:2])
        Configuration.write([Configuration(1)], {
                'daily_report_hour': 0, 'daily_report_day_offset': 0})
        today = dt.date.today()
        result = self.run_report(today, [busy, quiet], submit=True)
        rows = list(load_workbook(io.BytesIO(result.xlsx)).active.values)
        header, by_site = rows[1], {r[0]: r for r in rows[2:-1]}
        admitted = header.index("Admitted")
        occupied = header.index("Occupied Rooms")
        self.assertEqual(by_site[busy.rec_name][admitted], 2)
        self.assertEqual(by_site[busy.rec_name][header.index("At End")], 2)
        self.assertEqual(by_site[busy.rec_name][occupied], 2)
        self.assertEqual(by_site[quiet.rec_name][admitted], 0)
        self.assertIn("Zero report", by_site[quiet.rec_name][-1])
        self.assertNotIn("Zero report", by_site[busy.rec_name][-1])
        self.assertEqual(rows[-1][admitted], 2)
        # submitted after 00:00: late, and zero for the quiet site
        submissions = {s.site: s for s in Submission.search([])}
        self.assertTrue(all(s.late for s in submissions.values()))
        self.assertTrue(submissions[quiet].zero)
        self.assertFalse(submissions[busy].zero)
        text = PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text()
        self.assertIn(busy.rec_name, text)
        self.assertIn("Zero report", text)

    @with_transaction()
    def test_deadline_is_next_day(self):
        "The report of day D is due at 09:00 of D + 1 (Zhejiang L34)"
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Submission = pool.get('quarantine.daily_report.submission')
        config = Configuration(1)
        self.assertEqual(
            (config.daily_report_hour, config.daily_report_day_offset),
            (9, 1))
        self.assertEqual(Submission.deadline(dt.date(2022, 5, 8)),
            dt.datetime(2022, 5, 9, 9))
        Configuration.write([config], {
                'daily_report_hour': 18, 'daily_report_day_offset': 0})
        self.assertEqual(Submission.deadline(dt.date(2022, 5, 8)),
            dt.datetime(2022, 5, 8, 18))

    @with_transaction()
    def test_complete_day_on_time(self):
        """Today's report, submitted today, is on time: its deadline is
        tomorrow's 09:00; the report of two days ago is late"""
        Submission = Pool().get('quarantine.daily_report.submission')
        site = active_site(code='A1', rooms=1)
        today = dt.date.today()
        before_yesterday = today - dt.timedelta(days=2)
        self.run_report(today, [site], submit=True)
        self.run_report(today, [site], submit=True)
        self.run_report(before_yesterday, [site], submit=True)
        on_time, = Submission.search([('date', '=', today)])
        self.assertFalse(on_time.late)
        self.assertTrue(on_time.zero)
        late, = Submission.search([('date', '=', before_yesterday)])
        self.assertTrue(late.late)
        # printed before anything is submitted: overdue only once the
        # deadline passed
        other = active_site(code='B1', rooms=1)
        result = self.run_report(before_yesterday, [other])
        self.assertEqual(result.summary, "1 sites, 1 zero reports, 1 late.")
        rows = list(load_workbook(io.BytesIO(result.xlsx)).active.values)
        self.assertIn("Late", rows[2][-1])
        result = self.run_report(today, [other])
        self.assertEqual(result.summary, "1 sites, 1 zero reports, 0 late.")

    @with_transaction()
    def test_list_shows_due_time_and_late(self):
        """The list of the submissions shows each report's deadline (09:00
        of D + 1 by default, as configured) and whether it came late; its
        Late tab lists the late ones"""
        pool = Pool()
        Submission = pool.get('quarantine.daily_report.submission')
        Configuration = pool.get('quarantine.configuration')
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        site = active_site(code='A1', rooms=1)
        today = dt.date.today()
        before_yesterday = today - dt.timedelta(days=2)
        self.run_report(today, [site], submit=True)
        self.run_report(before_yesterday, [site], submit=True)
        view = Submission.fields_view_get(view_type='tree')
        self.assertIn('name="due_at"', view['arch'])
        self.assertIn('name="late"', view['arch'])
        rows = Submission.search_read([], fields_names=['date', 'due_at',
                'late'], order=[('date', 'ASC')])
        self.assertEqual(
            [(r['date'], r['due_at'], r['late']) for r in rows], [
                (before_yesterday, dt.datetime.combine(
                        before_yesterday + dt.timedelta(days=1),
                        dt.time(9)), True),
                (today, dt.datetime.combine(
                        today + dt.timedelta(days=1), dt.time(9)), False)])
        Configuration.write([Configuration(1)], {'daily_report_hour': 18,
                'daily_report_day_offset': 0})
        self.assertEqual(Submission(rows[1]['id']).due_at,
            dt.datetime.combine(today, dt.time(18)))
        action = ActWindow(ModelData.get_id(
                'quarantine', 'act_daily_report_submission'))
        tabs = {d.name: d.domain for d in action.act_window_domains}
        self.assertEqual([s.date for s in Submission.search(
                    PYSONDecoder().decode(tabs["Late"]))],
            [before_yesterday])

# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, admit_residents)
from trytond.pool import Pool
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
        Configuration.write([Configuration(1)], {'daily_report_hour': 0})
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
    def test_submission_before_deadline(self):
        "A report submitted before the deadline is on time, and once only"
        Submission = Pool().get('quarantine.daily_report.submission')
        site = active_site(code='A1', rooms=1)
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        self.run_report(tomorrow, [site], submit=True)
        self.run_report(tomorrow, [site], submit=True)
        submission, = Submission.search([])
        self.assertFalse(submission.late)
        self.assertTrue(submission.zero)

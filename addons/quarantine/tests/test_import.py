# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import io

from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.quarantine.arrival_import import (
    COLUMNS, read_arrivals, template_workbook)
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, make_ric, xlsx)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

HEADER = [header for _, header, _ in COLUMNS]


def workbook_bytes(rows, header=HEADER):
    return xlsx(header or None, rows)


SIGNED_AT = dt.datetime(2022, 5, 10, 7, 45)


def arrival(i, name=None, birth='19800101', category="密切接触者",
        exposure=TODAY - dt.timedelta(days=2), companion='', group='',
        needs='', signed_by='', signed_at=None):
    return [name or f"到达{i}", make_ric(birth, f'{i % 1000:03d}'),
        f"1380000{i:04d}", category, exposure, "航班CA1234", group,
        "和平社区", companion, signed_by, signed_at, needs, ""]


class ImportTestCase(ActivatedTestCase):
    "Arrival lists from Excel"

    def run_import(self, data, site=None):
        "Run the wizard; return (next state, wizard)"
        pool = Pool()
        Import = pool.get('quarantine.stay.import', type='wizard')
        Regime = pool.get('quarantine.regime')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        wizard.start.arrival_date = TODAY
        wizard.start.regime, = Regime.search(
            [('code', '=', 'centralized_14')])
        wizard.start.site = site
        return wizard.transition_import_(), wizard

    def test_template_has_the_columns(self):
        "The template reads back as a valid list of one arrival"
        arrivals, errors, _, _ = read_arrivals(template_workbook(), TODAY)
        self.assertEqual(errors, [])
        self.assertEqual(len(arrivals), 1)
        self.assertEqual(arrivals[0].category, 'close_contact')

    @with_transaction()
    def test_special_needs_column(self):
        """特殊需求 says who needs an accessible room, as an age of 65 or
        more does; an unknown need is refused on its row"""
        Stay = Pool().get('quarantine.stay')
        self.assertIn("特殊需求", HEADER)
        rows = [
            arrival(1, needs="轮椅"),
            arrival(2, needs="行动不便、慢性病"),
            arrival(3, birth='19510301'),
            arrival(4, needs="孕妇；精神疾病"),
            arrival(5),
            ]
        state, wizard = self.run_import(workbook_bytes(
                rows + [arrival(6, needs="会飞")]))
        self.assertEqual(state, 'errors')
        report = load_workbook(io.BytesIO(wizard.errors.report))
        details = [tuple(r) for r in report["错误明细"].iter_rows(
                min_row=2, values_only=True)]
        self.assertEqual([(r, c) for r, c, _ in details], [(7, "特殊需求")])
        self.assertIn('Unknown special need "会飞"', details[0][2])
        self.assertEqual(Stay.search_count([]), 0)

        state, _ = self.run_import(workbook_bytes(rows))
        self.assertEqual(state, 'open_')
        stays = Stay.search([], order=[('phone', 'ASC')])
        self.assertEqual([s.special_needs for s in stays], [
                ('disabled',), ('chronic', 'disabled'), (),
                ('pregnant', 'psychiatric'), ()])
        self.assertEqual([s.needs_accessible for s in stays],
            [True, True, True, False, False])
        self.assertEqual([r.needs_accessible
                for r in Stay._planning_rows(stays)],
            [True, True, True, False, False])

    @with_transaction()
    def test_import_bus_then_again(self):
        "A bus of 40 with a child and guardian; importing again adds nobody"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=100, floors=5)
        child = make_ric('20130601', '901')
        rows = [arrival(i, group=f"团{i // 4}") for i in range(38)]
        rows.append(arrival(901, name="小雨", birth='20130601'))
        rows.append(arrival(902, name="妈妈", birth='19860315',
                companion=child, signed_by="妈妈", signed_at=SIGNED_AT))
        data = workbook_bytes(rows)
        state, wizard = self.run_import(data, site)
        self.assertEqual(state, 'open_')
        stays = Stay.search([('state', '=', 'draft')])
        self.assertEqual(len(stays), 40)
        mother, = Stay.search([('companion_of', '!=', None)])
        self.assertEqual(mother.companion_of.identity_number, child)
        self.assertEqual(mother.companion_of.age, 8)
        self.assertEqual((mother.guardian_consent, mother.consent_signed_by,
                mother.consent_signed_at), (True, "妈妈", SIGNED_AT))

        state, wizard = self.run_import(data, site)
        self.assertEqual(state, 'open_')
        self.assertEqual(Stay.search_count([]), 40)

        Stay.allocate(stays, site)
        self.assertEqual(mother.room, mother.companion_of.room)
        self.assertEqual(Stay.search_count([('state', '=', 'admitted')]), 40)

    @with_transaction()
    def test_consent_columns(self):
        """The consent is read from the list, never assumed (Henan L571):
        a guardian without it is imported unsigned and not admitted; half a
        consent, or one on a row accompanying nobody, is refused"""
        Stay = Pool().get('quarantine.stay')
        self.assertIn("知情同意签署人", HEADER)
        self.assertIn("知情同意签署时间", HEADER)
        site = active_site(rooms=4)
        child = make_ric('20130601', '901')
        rows = [arrival(901, name="小雨", birth='20130601'),
            arrival(902, name="妈妈", birth='19860315', companion=child)]
        bad = [
            arrival(903, name="甲", birth='20140101', signed_by="甲"),
            arrival(904, name="乙", birth='19860315',
                companion=make_ric('20140101', '903'), signed_by="乙"),
            arrival(905, name="丙", birth='19860315',
                companion=make_ric('20140101', '903'),
                signed_at=SIGNED_AT),
            arrival(906, name="丁", birth='19860315',
                companion=make_ric('20140101', '903'), signed_by="丁",
                signed_at="2022-05-10 08:00"),
            ]
        state, wizard = self.run_import(workbook_bytes(rows + bad), site)
        self.assertEqual(state, 'errors')
        report = load_workbook(io.BytesIO(wizard.errors.report))
        details = [tuple(r) for r in report["错误明细"].iter_rows(
                min_row=2, values_only=True)]
        self.assertEqual([(r, c) for r, c, _ in details], [
                (4, "知情同意签署人"), (5, "知情同意签署时间"),
                (6, "知情同意签署人"), (7, "知情同意签署时间")])
        self.assertIn("accompanies nobody", details[0][2])
        self.assertEqual(Stay.search_count([]), 0)

        state, _ = self.run_import(workbook_bytes(rows), site)
        self.assertEqual(state, 'open_')
        mother, = Stay.search([('companion_of', '!=', None)])
        self.assertEqual((mother.guardian_consent, mother.consent_signed_by,
                mother.consent_signed_at), (False, None, None))
        stays = Stay.search([])
        with self.assertRaisesRegex(UserError,
                'record the guardian.s signed informed consent'):
            Stay.allocate(stays, site)
        self.assertEqual([(s.state, s.room) for s in Stay.browse(stays)],
            [('draft', None)] * 2)
        self.assertEqual(site.available_count, 4)

    @with_transaction()
    def test_bad_rows_are_reported_and_nothing_imported(self):
        "Every bad row comes back with row, column and reason"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Party = pool.get('party.party')
        good = arrival(1)
        bad_check = arrival(2)
        bad_check[1] = bad_check[1][:-1] + (
            '0' if bad_check[1][-1] != '0' else '1')
        text_date = arrival(3, exposure="2022-05-08")
        unknown_category = arrival(4, category="路人")
        repeated = arrival(1, name="重复")
        no_name = arrival(6, name="")
        no_name[0] = None
        future = arrival(7, exposure=TODAY + dt.timedelta(days=1))
        adult_companion = arrival(8, companion=good[1])
        data = workbook_bytes([good, bad_check, text_date, unknown_category,
                repeated, no_name, future, adult_companion])
        parties = Party.search_count([])

        state, wizard = self.run_import(data)
        self.assertEqual(state, 'errors')
        self.assertEqual(Stay.search_count([]), 0)
        self.assertEqual(Party.search_count([]), parties)
        summary = wizard.errors.summary
        self.assertIn('Nothing was imported: 7 rows', summary)

        report = load_workbook(io.BytesIO(wizard.errors.report))
        details = [tuple(r) for r in report["错误明细"].iter_rows(
                min_row=2, values_only=True)]
        by_row = {}
        for row, column, message in details:
            by_row.setdefault(row, []).append((column, message))
        self.assertNotIn(2, by_row)
        self.assertTrue(any(c == '身份证号' and 'check digit' in m
                for c, m in by_row[3]))
        self.assertTrue(any('is text' in m for _, m in by_row[4]))
        self.assertTrue(any('Unknown category' in m for _, m in by_row[5]))
        self.assertTrue(any('already on row 2' in m for _, m in by_row[6]))
        self.assertEqual(by_row[7], [('姓名', 'A value is required.')])
        self.assertTrue(any('after the arrival' in m for _, m in by_row[8]))
        self.assertTrue(any('14 or younger' in m for _, m in by_row[9]))
        # The first sheet is the list itself, with the reasons added
        sheet = report.worksheets[0]
        self.assertEqual(sheet.cell(1, len(HEADER) + 1).value, "错误原因")
        self.assertIsNone(sheet.cell(2, len(HEADER) + 1).value)
        self.assertIn('check digit', sheet.cell(3, len(HEADER) + 1).value)

    @with_transaction()
    def test_wrong_columns(self):
        "A sheet without the identity column is refused on row 1"
        header = [h for h in HEADER if h != "身份证号"]
        data = workbook_bytes([["张三", "13800000000"]], header=header)
        state, wizard = self.run_import(data)
        self.assertEqual(state, 'errors')
        self.assertIn('"身份证号" is missing', wizard.errors.summary)

    @with_transaction()
    def test_empty_and_not_excel(self):
        "An empty workbook, a header alone and a text file are refused"
        for data, message in [
                (workbook_bytes([], header=None), 'empty'),
                (workbook_bytes([]), 'no row'),
                ("姓名,身份证号\n".encode('utf-8'), 'not an Excel'),
                (b'', 'not an Excel'),
                ]:
            with self.subTest(message=message):
                with self.assertRaisesRegex(UserError, message):
                    self.run_import(data)
        self.assertEqual(Pool().get('quarantine.stay').search_count([]), 0)

    @with_transaction()
    def test_10000_rows_one_bad(self):
        "One bad row among 10,000 stops the whole list"
        Stay = Pool().get('quarantine.stay')
        rows = [arrival(i, birth=f'19{50 + i // 1000:02d}0101')
            for i in range(10000)]
        rows[7777][3] = "不明"
        state, wizard = self.run_import(workbook_bytes(rows))
        self.assertEqual(state, 'errors')
        self.assertIn('1 rows have 1 errors', wizard.errors.summary)
        self.assertIn('7779', wizard.errors.summary)
        self.assertEqual(Stay.search_count([]), 0)

    @with_transaction()
    def test_born_after_today_refused(self):
        "A number born after today stops the list, its row and reason named"
        Stay = Pool().get('quarantine.stay')
        data = workbook_bytes([arrival(1), arrival(2, birth='21500101')])
        state, wizard = self.run_import(data)
        self.assertEqual(state, 'errors')
        self.assertEqual(Stay.search_count([]), 0)
        details = load_workbook(io.BytesIO(wizard.errors.report))["错误明细"]
        (row, column, message), = details.iter_rows(
            min_row=2, values_only=True)
        self.assertEqual((row, column), (3, '身份证号'))
        self.assertIn('2150-01-01 is after today', message)

    @with_transaction()
    def test_ledger_export(self):
        "The ledger of a site lists its residents of the period"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Ledger = pool.get('quarantine.stay.ledger', type='wizard')
        site = active_site(rooms=10)
        self.run_import(workbook_bytes([arrival(i) for i in range(3)]), site)
        Stay.allocate(Stay.search([]), site)
        session_id, _, _ = Ledger.create()
        wizard = Ledger(session_id)
        wizard.start.site = site
        wizard.start.date_from = TODAY
        wizard.start.date_to = TODAY + dt.timedelta(days=30)
        self.assertEqual(wizard.transition_export(), 'result')
        self.assertEqual(wizard.result.count, 3)
        sheet = load_workbook(io.BytesIO(wizard.result.file)).active
        self.assertEqual(sheet.cell(2, 3).value, "身份证号")
        self.assertEqual(sheet.cell(3, 3).value, make_ric('19800101', '000'))

        wizard.start.date_to = TODAY - dt.timedelta(days=1)
        with self.assertRaisesRegex(UserError, 'cannot be before'):
            wizard.transition_export()

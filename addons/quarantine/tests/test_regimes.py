# This file is part of the quarantine module.  See README.md for licensing.
"""The regimes of the plans (Henan v2.0): health monitoring on days 1, 3, 5
and 7 with two specimens at the end (L21, L25), the secondary contacts' 7
days (L125) by default for their category on every path, the home part of
7 + 7 (L19, Ruijin L5096), the post-release tests of days 2 and 7 each with
two specimens (L125), and the symptoms of L103 ⑦."""
import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.test_bulk import arrival
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_party, create_person,
    load_translations, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def regime(code):
    Regime = Pool().get('quarantine.regime')
    regime, = Regime.search([('code', '=', code)])
    return regime


def calendar(stay):
    "(day, days after protocol day 1, exit) of the stay's samples"
    return sorted((s.day, (s.planned_date - stay.start_date).days,
            s.exit_sample) for s in stay.samples)


class RegimesTestCase(ActivatedTestCase):
    "Regimes of the plans, by category, and the tests after release"

    def labs(self):
        self.lab_a = create_party("疾控中心检验所")
        self.lab_b = create_party("第三方检测机构")

    def stay_on(self, code, days_ago, name="甲", sequence='111', **values):
        """An admitted stay on the regime `code` whose protocol day 1 (last
        exposure and arrival) was `days_ago` days ago"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Date = pool.get('ir.date')
        start = Date.today() - dt.timedelta(days=days_ago)
        site = active_site(rooms=2, code=f'S{sequence}')
        stay, = Stay.create([dict({
                        'person': create_person(name, sequence=sequence).id,
                        'regime': regime(code).id,
                        'arrival_date': start, 'exposure_date': start,
                        'site': site.id, 'room': site.rooms[0].id,
                        }, **values)])
        Stay.admit([stay])
        return Stay(stay.id)

    def release(self, stay):
        "Record a negative calendar, the exit pair by two labs, release"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        first, second = [s for s in stay.samples if s.exit_sample]
        routine = [s for s in stay.samples if not s.exit_sample]
        if routine:
            Sample.record_results(routine, 'negative',
                institution=self.lab_a, reagent="华大")
        Sample.record_results([first], 'negative', institution=self.lab_a,
            reagent="华大")
        Sample.record_results([second], 'negative', institution=self.lab_b,
            reagent="达安")
        Stay.release([stay])
        return Stay(stay.id)

    @with_transaction()
    def test_health_monitoring_regime(self):
        """Seven days of health monitoring: tests on days 1, 3, 5 and 7,
        two specimens on day 7 (Henan L25, L21)"""
        health = regime('health_monitoring')
        self.assertEqual((health.duration_days, health.test_day_list,
                health.exit_dual_sampling), (7, [1, 3, 5, 7], True))
        stay = self.stay_on('health_monitoring', 6)
        self.assertEqual(calendar(stay), [(1, 0, False), (3, 2, False),
                (5, 4, False), (7, 6, True), (7, 6, True)])
        self.assertEqual(stay.end_date, stay.start_date + dt.timedelta(6))

    @with_transaction()
    def test_health_monitoring_upgrade(self):
        """A database with the former shipped values (days 1, 4, 7, one
        specimen) gets the plan's at the upgrade; one an administrator
        changed keeps its values"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        table = Regime.__table__()
        cursor = Transaction().connection.cursor()
        health = regime('health_monitoring')
        others = {r.id: (r.test_days, r.exit_dual_sampling)
            for r in Regime.search([('id', '!=', health.id)])}

        def set_values(test_days, dual):
            cursor.execute(*table.update(
                    [table.test_days, table.exit_dual_sampling],
                    [test_days, dual], where=table.id == health.id))
            Regime._migrate_health_monitoring('quarantine')
            cursor.execute(*table.select(
                    table.test_days, table.exit_dual_sampling,
                    where=table.id == health.id))
            test_days, dual = cursor.fetchone()
            return test_days, bool(dual)
        self.assertEqual(set_values('1,4,7', False), ('1,3,5,7', True))
        self.assertEqual(set_values('1,2,7', False), ('1,2,7', False))
        self.assertEqual({r.id: (r.test_days, r.exit_dual_sampling)
                for r in Regime.search([('id', '!=', health.id)])}, others)

    @with_transaction()
    def test_secondary_contact_regime(self):
        """Secondary contacts: 7 days, daily tests on days 1 to 3 and two
        specimens on day 7 (Henan L125), by default for their category;
        close contacts keep the 14 days"""
        secondary = regime('secondary_contact')
        self.assertEqual((secondary.duration_days, secondary.test_day_list,
                secondary.exit_dual_sampling, secondary.count_from),
            (7, [1, 2, 3, 7], True, 'exposure'))
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Date = pool.get('ir.date')
        today = Date.today()
        site = active_site(rooms=4)
        exposure = today - dt.timedelta(days=2)
        stays = Stay.create([{
                    'person': create_person(name, sequence=seq).id,
                    'category': category,
                    'arrival_date': today, 'exposure_date': exposure,
                    'site': site.id, 'room': room.id,
                    } for name, seq, category, room in [
                    ("次密", '201', 'secondary_contact', site.rooms[0]),
                    ("密接", '202', 'close_contact', site.rooms[1])]])
        Stay.admit(stays)
        secondary_stay, close = Stay.browse([s.id for s in stays])
        self.assertEqual(secondary_stay.regime, secondary)
        self.assertEqual(secondary_stay.end_date,
            exposure + dt.timedelta(days=6))
        # arrived on day 3: the tests of days 1 and 2 are the arrival's
        self.assertEqual(calendar(secondary_stay), [(3, 2, False),
                (7, 6, True), (7, 6, True)])
        self.assertEqual(close.regime, regime('centralized_14'))
        self.assertEqual(close.end_date, exposure + dt.timedelta(days=13))

    @with_transaction()
    def test_category_regime_every_path(self):
        """The form, a write, the arrival list (bulk) give a secondary
        contact the same regime, end date and samples; a regime chosen for
        the stay is kept"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Date = pool.get('ir.date')
        today = Date.today()
        secondary = regime('secondary_contact')
        exposure = today - dt.timedelta(days=2)
        site = active_site(rooms=4)
        # the form: the category changes the default regime
        form = Stay()
        form.regime = regime('centralized_14')
        form.category = 'secondary_contact'
        form.on_change_category()
        self.assertEqual(form.regime, secondary)
        form.category = 'close_contact'
        form.on_change_category()
        self.assertEqual(form.regime, regime('centralized_14'))
        chosen = Stay(regime=regime('close_contact_daily'),
            category='secondary_contact')
        chosen.on_change_category()
        self.assertEqual(chosen.regime, regime('close_contact_daily'))
        # the arrival list's regime is left empty: each row's category's
        Import = pool.get('quarantine.stay.import', type='wizard')
        session_id, _, _ = Import.create()
        self.assertIsNone(Import(session_id).default_start([])['regime'])
        # created without a regime (RPC, form), and by the arrival list
        created, = Stay.create([{
                    'person': create_person("表单", sequence='301').id,
                    'category': 'secondary_contact',
                    'arrival_date': today, 'exposure_date': exposure,
                    }])
        imported, other = Stay.import_arrivals([
                arrival(1, "名单", '19800101', '302',
                    category='secondary_contact', exposure=exposure),
                arrival(2, "名单密接", '19800101', '303',
                    exposure=exposure)], None, today)
        self.assertEqual(other.regime, regime('centralized_14'))
        # a draft written to the category follows it
        written, = Stay.create([{
                    'person': create_person("改类别", sequence='304').id,
                    'category': 'close_contact',
                    'arrival_date': today, 'exposure_date': exposure,
                    }])
        self.assertEqual(written.regime, regime('centralized_14'))
        Stay.write([written], {'category': 'secondary_contact'})
        stays = Stay.browse([created.id, imported.id, written.id])
        for stay, room in zip(stays, site.rooms):
            self.assertEqual(stay.regime, secondary, stay.rec_name)
            self.assertEqual(stay.end_date, exposure + dt.timedelta(days=6))
        Stay.write(list(stays), {'site': site.id})
        for stay, room in zip(stays, site.rooms):
            Stay.write([stay], {'room': room.id})
        Stay.admit(list(stays))
        calendars = [calendar(s) for s in Stay.browse([s.id for s in stays])]
        self.assertEqual(calendars, [calendars[0]] * 3)
        self.assertEqual(calendars[0], [(3, 2, False), (7, 6, True),
                (7, 6, True)])
        # an admitted stay keeps its regime and its calendar
        Stay.write([stays[0]], {'category': 'close_contact'})
        self.assertEqual(Stay(stays[0].id).regime, secondary)
        self.assertEqual(calendar(Stay(stays[0].id)), calendars[0])

    @with_transaction()
    def test_post_release_tests_dual(self):
        """Released: tests on days 2 and 7 at home, two specimens each
        (Henan L125); no home part on the 14-day regime"""
        self.labs()
        stay = self.release(self.stay_on('centralized_14', 13))
        self.assertIsNone(stay.home_monitoring_end)
        self.assertEqual(sorted((t.day, t.specimen,
                    (t.planned_date - stay.release_date).days)
                for t in stay.home_monitoring),
            [(2, 1, 2), (2, 2, 2), (7, 1, 7), (7, 2, 7)])

    @with_transaction()
    def test_no_post_release_tests_after_monitoring(self):
        """The tests of days 2 and 7 after release follow the close
        contacts' centralised isolation (Henan L125): a resident released
        from health monitoring (L25) or from the secondary contacts' 7 days
        (L125) has none, and their certificate and community sheet name
        none; a regime an administrator gives them plans them"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        Notify = pool.get('quarantine.stay.notify', type='wizard')
        load_translations('quarantine')
        self.labs()
        self.assertEqual({r.code: r.post_release_tests
                for r in Regime.search([])}, {
                'centralized_14': True, 'close_contact_daily': True,
                'centralized_7_home_7': True, 'home_isolation': True,
                'health_monitoring': False, 'secondary_contact': False})
        monitored = self.release(self.stay_on('health_monitoring', 6,
                community="和平社区"))
        secondary = self.release(self.stay_on('secondary_contact', 6,
                name="乙", sequence='222', community="和平社区"))
        for stay in [monitored, secondary]:
            with self.subTest(regime=stay.regime.code):
                self.assertEqual(stay.home_monitoring, ())
                with Transaction().set_context(language='zh_CN'):
                    _, content, _, _ = Certificate.execute([stay.id], {})
                text = ''.join(page.extract_text() for page in
                    PdfReader(io.BytesIO(bytes(content))).pages)
                self.assertIn(stay.certificate_number, text)
                self.assertIn("返家后配合社区做好健康监测", text)
                self.assertNotIn("核酸检测（“双采双检”）", text)
        session_id, _, _ = Notify.create()
        wizard = Notify(session_id)
        wizard.start.date_from = wizard.start.date_to = (
            monitored.release_date)
        wizard.start.site = None
        self.assertEqual(wizard.transition_export(), 'result')
        sheet = load_workbook(io.BytesIO(wizard.result.file))["和平社区"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][-1], "居家健康监测截止")
        self.assertEqual(len(rows), 4)
        # a regime given the tests after release plans them
        Regime.write([monitored.regime], {'post_release_tests': True})
        again = self.release(self.stay_on('health_monitoring', 6,
                name="丙", sequence='333'))
        self.assertEqual(sorted({t.day for t in again.home_monitoring}),
            [2, 7])

    @with_transaction()
    def test_post_release_tests_upgrade(self):
        """The upgrade that adds the flag leaves health monitoring and the
        secondary contacts without tests after release, the other regimes
        with them, as before"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        table = Regime.__table__()
        cursor = Transaction().connection.cursor()
        # the column as the upgrade adds it: the default on every row
        cursor.execute(*table.update([table.post_release_tests], [True]))
        Regime._migrate_post_release_tests('quarantine')
        self.assertEqual(
            sorted(r.code for r in Regime.search(
                    [('post_release_tests', '=', False)])),
            ['health_monitoring', 'secondary_contact'])

    @with_transaction()
    def test_post_release_pair_refused(self):
        """The two specimens of a home test: different institutions and
        reagents, a result names both; a refusal changes nothing"""
        pool = Pool()
        HomeTest = pool.get('quarantine.home_monitoring')
        load_translations('quarantine')
        self.labs()
        stay = self.release(self.stay_on('centralized_14', 13))
        first, second = [t for t in stay.home_monitoring if t.day == 2]
        HomeTest.write([first], {'result': 'negative',
                'institution': self.lab_a.id, 'reagent': "华大"})
        refusals = [
            ({'institution': self.lab_a.id, 'reagent': "达安"},
                "均由“疾控中心检验所”检测"),
            ({'institution': self.lab_b.id, 'reagent': "华大"},
                "均使用试剂“华大”"),
            ({'reagent': "达安"}, "需填写采样机构和试剂"),
            ]
        for values, message in refusals:
            with self.subTest(values=values):
                with self.assertRaises(UserError) as cm, savepoint(), \
                        Transaction().set_context(language='zh_CN'):
                    HomeTest.write([second], {'result': 'negative',
                            **values})
                self.assertIn(message, cm.exception.message)
                second = HomeTest(second.id)
                self.assertEqual((second.result, second.institution,
                        second.reagent), ('pending', None, None))
        HomeTest.write([second], {'result': 'negative',
                'institution': self.lab_b.id, 'reagent': "达安"})
        self.assertEqual(
            sorted((t.day, t.result) for t in HomeTest.search(
                    [('stay', '=', stay.id)])),
            [(2, 'negative'), (2, 'negative'), (7, 'pending'),
                (7, 'pending')])

    @with_transaction()
    def test_home_part_after_release(self):
        """7 days in a site + 7 at home (Henan L19): the release sets the
        end of the home part, 7 days on, its tests on days 2 and 7 with two
        specimens each (day 7 ends the monitoring, L21); a longer home part
        adds its last day"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        Notify = pool.get('quarantine.stay.notify', type='wizard')
        self.labs()
        seven = regime('centralized_7_home_7')
        self.assertEqual((seven.duration_days, seven.home_monitoring_days),
            (7, 7))
        stay = self.stay_on('centralized_7_home_7', 6, community="和平社区")
        self.assertEqual(stay.end_date, Pool().get('ir.date').today())
        stay = self.release(stay)
        self.assertEqual(stay.home_monitoring_end,
            stay.release_date + dt.timedelta(days=7))
        self.assertEqual(sorted((t.day, t.specimen)
                for t in stay.home_monitoring),
            [(2, 1), (2, 2), (7, 1), (7, 2)])
        Regime.copy([seven], {'code': 'home_10',
                'home_monitoring_days': 10})
        other = self.release(self.stay_on('home_10', 6, name="乙",
                sequence='222', community="和平社区"))
        self.assertEqual(other.home_monitoring_end,
            other.release_date + dt.timedelta(days=10))
        self.assertEqual(sorted({t.day for t in other.home_monitoring}),
            [2, 7, 10])
        session_id, _, _ = Notify.create()
        wizard = Notify(session_id)
        wizard.start.date_from = wizard.start.date_to = stay.release_date
        wizard.start.site = None
        self.assertEqual(wizard.transition_export(), 'result')
        sheet = load_workbook(io.BytesIO(wizard.result.file))["和平社区"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][6:], ("居家健康监测截止",
                "第2天检测（双采双检）", "第7天检测（双采双检）",
                "第10天检测（双采双检）"))
        by_name = {r[0]: r for r in rows[2:]}
        end = stay.home_monitoring_end
        self.assertEqual(by_name[stay.person.rec_name][6].date(), end)
        self.assertIsNone(by_name[stay.person.rec_name][9])
        self.assertEqual(by_name[other.person.rec_name][9].date(),
            other.release_date + dt.timedelta(days=10))

    @with_transaction()
    def test_symptoms_of_the_plan(self):
        """鼻塞 and 流涕 are symptoms (Henan L103 ⑦): a reading with one puts
        the resident on the medical team's list"""
        pool = Pool()
        Monitoring = pool.get('quarantine.monitoring')
        Stay = pool.get('quarantine.stay')
        load_translations('quarantine')
        with Transaction().set_context(language='zh_CN'):
            labels = dict(Monitoring.fields_get(['symptoms'])['symptoms'][
                    'selection'])
        self.assertEqual((labels['nasal_congestion'], labels['runny_nose']),
            ("鼻塞", "流涕"))
        for symptom, sequence in [('nasal_congestion', '401'),
                ('runny_nose', '402')]:
            stay = self.stay_on('centralized_14', 3, sequence=sequence)
            Monitoring.create([{'stay': stay.id, 'period': 'morning',
                        'temperature': 36, 'symptoms': [symptom]}])
            self.assertTrue(Stay(stay.id).health_flag, symptom)

# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_party, load_translations,
    savepoint)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

COLLECTED = dt.datetime(2022, 5, 10, 7, 30)


class StaffTestTestCase(ActivatedTestCase):
    "The staff of a site tested once a day (Chongqing L129)"

    def staff(self, site):
        "A doctor, a guard in training and a cleaner who left"
        Staff = Pool().get('quarantine.staff')
        return Staff.create([{
                    'site': site.id, 'role': role,
                    'party': create_party(name).id, 'certified': certified,
                    'active': active, 'phone': '1390000010%d' % i,
                    } for i, (name, role, certified, active) in enumerate([
                        ("孙丽", 'medical', True, True),
                        ("褚强", 'security', False, True),
                        ("杨帆", 'cleaning', True, False)])])

    @with_transaction()
    def test_plan_and_record(self):
        """Planning the day's tests gives each active staff member one,
        once; a result is recorded with its time and is then kept"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        StaffTest = pool.get('quarantine.staff.test')
        site = active_site(rooms=1)
        other = active_site(code='S2', rooms=1)
        self.staff(site)
        today = pool.get('ir.date').today()
        Site.plan_staff_tests([site])
        Site.plan_staff_tests([site])
        tests = StaffTest.search([], order=[('staff.party.name', 'ASC')])
        self.assertEqual(
            sorted((t.staff.party.name, t.site, t.date, t.result)
                for t in tests),
            [("孙丽", site, today, 'pending'),
                ("褚强", site, today, 'pending')])
        self.assertEqual(StaffTest.search_count([('site', '=', other)]), 0)

        doctor = next(t for t in tests if t.staff.party.name == "孙丽")
        cdc = create_party("示范市疾控中心")
        # a result needs the time of the specimen
        with self.assertRaisesRegex(UserError,
                'when the specimen of "孙丽 .*" was collected'):
            with savepoint():
                StaffTest.write([doctor], {'result': 'negative'})
        with self.assertRaisesRegex(UserError, 'in the future'):
            with savepoint():
                StaffTest.write([doctor], {'result': 'negative',
                        'collected_at': dt.datetime.now()
                        + dt.timedelta(days=1)})
        self.assertEqual(doctor.result, 'pending')
        StaffTest.write([doctor], {'result': 'negative',
                'collected_at': COLLECTED, 'institution': cdc.id,
                'reagent': "华大基因"})
        with self.assertRaisesRegex(UserError,
                'The result of the test "孙丽 .*" is recorded'):
            with savepoint():
                StaffTest.write([doctor], {'result': 'positive'})
        self.assertEqual((doctor.result, doctor.collected_at),
            ('negative', COLLECTED))
        # once a day
        with self.assertRaisesRegex(SQLConstraintError, 'once a day'):
            with savepoint():
                StaffTest.create([{'site': site.id,
                            'staff': doctor.staff.id, 'date': today}])
        if backend.name != 'sqlite':
            # SQLite's unique error loses the transaction's writes
            self.assertEqual(StaffTest.search_count([]), 2)

    @with_transaction()
    def test_roster(self):
        """The staff roster lists the active staff by role with their test
        of the day, the uncertified marked; it prints as a PDF"""
        pool = Pool()
        StaffTest = pool.get('quarantine.staff.test')
        Roster = pool.get('quarantine.site.staff_roster', type='report')
        site = active_site(rooms=1)
        doctor, guard, _ = self.staff(site)
        today = pool.get('ir.date').today()
        test, = StaffTest.create([{'site': site.id, 'staff': doctor.id,
                    'date': today}])
        StaffTest.write([test], {'result': 'negative',
                'collected_at': COLLECTED})
        roster = Roster.roster(site, today)
        rows = [(g['label'], r['name'], r['room'], r['test'], r['note'])
            for g in roster['groups'] for r in g['rows']]
        self.assertEqual(sorted(rows), sorted([
                    ("Medical (Health Observation)", "孙丽", '13900000100',
                        "Negative", ''),
                    ("Security", "褚强", '13900000101', "Not planned",
                        "Not certified")]))
        self.assertEqual(roster['totals'], [("Staff", 2), ("Tested", 1)])
        extension, content, _, _ = Roster.execute([site.id], {})
        self.assertEqual((extension, bytes(content[:4])), ('pdf', b'%PDF'))

    @with_transaction()
    def test_scheduled_planning(self):
        """The daily scheduled job plans today's test of the active staff of
        every active site, as the sites' button does, once; a site not
        active gets none"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        Site = pool.get('quarantine.site')
        StaffTest = pool.get('quarantine.staff.test')
        ModelData = pool.get('ir.model.data')
        site = active_site(rooms=1)
        standby = active_site(code='S2', rooms=1)
        Site.write([standby], {'state': 'standby'})
        self.staff(site)
        self.staff(standby)
        cron = Cron(ModelData.get_id('quarantine', 'cron_plan_staff_tests'))
        self.assertEqual((cron.interval_number, cron.interval_type),
            (1, 'days'))
        today = pool.get('ir.date').today()
        Cron.run_once([cron])
        Cron.run_once([cron])
        self.assertEqual(sorted((t.staff.party.name, t.site, t.date,
                    t.result) for t in StaffTest.search([])), [
                ("孙丽", site, today, 'pending'),
                ("褚强", site, today, 'pending')])

    @with_transaction()
    def test_positive_alerts(self):
        """A positive staff result alerts the site's medical staff and the
        administrators, not another site's, and lists it under the
        Positive tab; a positive without its collection time is refused in
        Chinese and alerts nobody"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        StaffTest = pool.get('quarantine.staff.test')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        load_translations('quarantine')
        site = active_site(rooms=1)
        other_site = active_site(code='S2', rooms=1)
        medical = ModelData.get_id('quarantine', 'group_medical')
        User.create([
                {'login': 'medic', 'name': "Medic", 'groups': [
                        ('add', [medical])],
                    'quarantine_sites': [('add', [site.id])]},
                {'login': 'other', 'name': "Other", 'groups': [
                        ('add', [medical])],
                    'quarantine_sites': [('add', [other_site.id])]},
                ])
        self.staff(site)
        Site.plan_staff_tests([site])
        doctor, = StaffTest.search([('staff.party.name', '=', "孙丽")])
        notifications = Transaction().user_notifications
        with Transaction().set_context(language='zh_CN'), \
                self.assertRaises(UserError) as cm, savepoint():
            StaffTest.write([doctor], {'result': 'positive'})
        self.assertIn("孙丽", cm.exception.message)
        self.assertIn("须同时填写采样时间", cm.exception.message)
        self.assertEqual(StaffTest(doctor.id).result, 'pending')
        self.assertEqual(notifications, [])
        with Transaction().set_context(language='zh_CN'):
            StaffTest.write([doctor], {'result': 'positive',
                    'collected_at': COLLECTED})
        alerts = {n.user.login: n.label for n in notifications}
        self.assertIn('medic', alerts)
        self.assertNotIn('other', alerts)
        self.assertEqual(alerts['medic'], "核酸检测阳性：1名工作人员")
        action = ActWindow(ModelData.get_id(
                'quarantine', 'act_staff_test_form'))
        tabs = {d.name: d.domain for d in action.act_window_domains}
        self.assertEqual(StaffTest.search(
                PYSONDecoder().decode(tabs["Positive"])), [doctor])

# This file is part of the quarantine module.  See README.md for licensing.
"Who reads and changes what, over JSON-RPC as the web client talks"
import datetime as dt
import io
import unittest

from openpyxl import load_workbook

from trytond.pool import Pool
from trytond.transaction import Transaction

from .city import CityTestCase
from .tools import (
    create_party, create_person, create_stay, make_ric, xlsx)

SITE_REFUSED = "You can only choose the sites you work for."
LAB_HEADER = ["样本编码", "身份证号", "检测结果", "采样机构", "检测试剂",
    "采样时间"]
ARRIVAL_HEADER = ["姓名", "身份证号", "联系电话", "人员类别", "末次暴露日期",
    "来源", "家庭/团组", "所属社区", "陪护对象身份证号", "备注"]


def sheets(data):
    "The rows (tuples of values) of each sheet of a workbook's bytes"
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True))
        for sheet in workbook.worksheets}


def view_defaults(result):
    "The values of the form a wizard's state shows"
    return result['view']['defaults']


class CityAccessTestCase(CityTestCase):
    "Each role of the small city, logged in over JSON-RPC"

    def server(self, func, *args):
        """Run func(*args) in a committed transaction of the root user:
        what a test creates for itself"""
        with Transaction().start(self.db_name, 0):
            return func(*args)

    def action(self, xml_id):
        """The data of a report's action as the client sends it (the
        action's id)"""
        def get_id():
            return Pool().get('ir.model.data').get_id('quarantine', xml_id)
        return {'action_id': self.server(get_id)}

    def admin(self):
        return self.login('city_admin')

    def read(self, model, ids, names):
        "The values of the records as the city's administrator reads them"
        return self.admin().model(model, 'read', ids, names)

    def assertSiteRefused(self, call, *args, **kwargs):
        "A site outside the user's is refused, named nowhere"
        error = self.assertRefused(call, *args, **kwargs)
        self.assertEqual(error.message, SITE_REFUSED)
        self.assertNotIn("隔离点B", error.message + error.detail)
        return error

    def test_site_manager_lists_own_site(self):
        "A site manager lists the stays of their site only"
        city = self.city
        client = self.login('manager_a')
        ids = client.model('quarantine.stay', 'search', [])
        self.assertIn(city['stays']['a'], ids)
        self.assertEqual({s['site'] for s in self.read(
                        'quarantine.stay', ids, ['site'])} - {None},
            {city['sites']['a']})
        self.assertRefused(client.model, 'quarantine.stay', 'read',
            [city['stays']['b']], ['person'])

    def test_ledger_other_site_refused(self):
        "The ledger of another site is refused; of their own, their rows"
        city = self.city
        today = dt.date.today()
        client = self.login('manager_a')

        def ledger(site):
            return client.wizard('quarantine.stay.ledger', None, [], [
                    ('start', {}),
                    ('export', {'start': {'site': site,
                                'date_from': today.replace(day=1),
                                'date_to': today}}),
                    ])
        self.assertSiteRefused(ledger, city['sites']['b'])
        values = view_defaults(ledger(city['sites']['a']))
        rows, = sheets(values['file']).values()
        numbers = {r[2] for r in rows[2:]}
        expected = {s['identity_number'] for s in self.admin().model(
                'quarantine.stay', 'search_read', [
                    ('site', '=', city['sites']['a']),
                    ('state', 'in', ['admitted', 'released', 'transferred']),
                    ], 0, None, None, ['identity_number'])}
        self.assertEqual(numbers, expected)
        self.assertIn(city['numbers']['a'], numbers)
        self.assertNotIn(city['numbers']['b'], numbers)
        self.assertEqual(values['count'], len(expected))
        self.assertRefused(self.login('clerk_a').wizard,
            'quarantine.stay.ledger', None, [], [('start', {})])

    def test_notify_own_sites_only(self):
        "The released residents of the user's sites only, another refused"
        city = self.city
        today = dt.date.today()

        def released():
            Stay = Pool().get('quarantine.stay')
            stays = [create_stay(create_person(f"解除{key}", sequence=seq),
                    Pool().get('quarantine.site')(city['sites'][key]),
                    arrival_date=today - dt.timedelta(days=14),
                    exposure_date=today - dt.timedelta(days=15),
                    community="和平社区")
                for key, seq in [('a', '401'), ('b', '402')]]
            for stay in stays:
                Stay.write([stay], {'state': 'released',
                        'release_date': today,
                        'certificate_number': f'T-{stay.id}'})
            return [s.identity_number for s in stays]
        number_a, number_b = self.server(released)
        client = self.login('manager_a')

        def notify(site):
            return client.wizard('quarantine.stay.notify', None, [], [
                    ('start', {}),
                    ('export', {'start': {'site': site,
                                'date_from': today, 'date_to': today}}),
                    ])
        self.assertSiteRefused(notify, city['sites']['b'])
        values = view_defaults(notify(None))
        numbers = {row[1] for rows in sheets(values['file']).values()
            for row in rows[2:]}
        expected = {s['identity_number'] for s in self.admin().model(
                'quarantine.stay', 'search_read', [
                    ('site', '=', city['sites']['a']),
                    ('state', '=', 'released'),
                    ('release_date', '=', today),
                    ], 0, None, None, ['identity_number'])}
        self.assertEqual(numbers, expected)
        self.assertIn(number_a, numbers)
        self.assertNotIn(number_b, numbers)

    def roster_date(self, key):
        "The first day with pending samples of the site `key`"
        samples = self.admin().model('quarantine.sample', 'search_read', [
                ('site', '=', self.city['sites'][key]),
                ('result', '=', 'pending'),
                ], 0, 1, [('planned_date', 'ASC')], ['planned_date'])
        return samples[0]['planned_date']

    def test_print_roster_own_site(self):
        "The sampling roster of another site is refused, as to a user of no group"
        city = self.city
        date = self.roster_date('a')
        client = self.login('manager_a')

        def roster(site, state='excel'):
            return client.wizard('quarantine.site.print_roster', None, [], [
                    ('start', {}),
                    (state, {'start': {'site': site, 'date': date}}),
                    ])
        self.assertSiteRefused(roster, city['sites']['b'])
        self.assertSiteRefused(roster, city['sites']['b'], 'print_')
        roster_action = self.action('report_sampling_roster')
        self.assertRefused(client.report, 'quarantine.site.sampling_roster',
            'quarantine.site', [city['sites']['b']],
            dict(roster_action, date=date))
        values = view_defaults(roster(city['sites']['a']))
        rows, = sheets(values['file']).values()
        codes = {r[6] for r in rows[2:] if r[6]}
        expected = {s['code'] for s in self.admin().model(
                'quarantine.sample', 'search_read', [
                    ('site', '=', city['sites']['a']),
                    ('stay.state', '=', 'admitted'),
                    ('planned_date', '=', date),
                    ('result', '=', 'pending'),
                    ], 0, None, None, ['code'])}
        self.assertTrue(expected)
        self.assertEqual(codes, expected)
        self.assertFalse({r[3] for r in rows[2:]} & {city['numbers']['b']})
        nogroup = self.login('nogroup')
        self.assertRefused(nogroup.wizard, 'quarantine.site.print_roster',
            None, [], [('start', {}), ('excel', {'start': {
                            'site': city['sites']['b'], 'date': date}})])
        self.assertRefused(nogroup.report, 'quarantine.site.sampling_roster',
            'quarantine.site', [city['sites']['b']],
            dict(roster_action, date=date))

    def test_lab_import_other_site_not_found(self):
        "A lab sheet finds the samples of the user's sites only"
        city = self.city
        self.server(create_party, "访问测试检测机构")
        sample_b = city['samples']['b'][0]
        sample_a = city['samples']['a'][-1]
        code_b, = [s['code'] for s in self.read(
                    'quarantine.sample', [sample_b], ['code'])]
        code_a, = [s['code'] for s in self.read(
                    'quarantine.sample', [sample_a], ['code'])]
        now = dt.datetime.now().replace(microsecond=0)
        client = self.login('medical_a')

        def upload(*rows):
            return client.wizard('quarantine.sample.import', None, [], [
                    ('start', {}),
                    ('import_', {'start': {'file': xlsx(LAB_HEADER, rows),
                                'filename': 'results.xlsx'}}),
                    ])
        for row in [
                [code_b, None, "阳性", "访问测试检测机构", "华大", now],
                [None, city['numbers']['b'], "阳性", "访问测试检测机构",
                    "华大", now + dt.timedelta(days=30)],
                ]:
            summary = view_defaults(upload(row))['summary']
            self.assertNotIn("居民B", summary)
            self.assertTrue(code_b in summary
                or city['numbers']['b'] in summary, summary)
        sample, = self.read('quarantine.sample', [sample_b], ['result'])
        self.assertEqual(sample['result'], 'pending')
        upload([code_a, None, "阴性", "访问测试检测机构", "华大", now])
        sample, = self.read('quarantine.sample', [sample_a], ['result'])
        self.assertEqual(sample['result'], 'negative')

    def test_record_results_other_site_refused(self):
        "Results on another site's samples are refused, nothing recorded"
        city = self.city
        sample_b = city['samples']['b'][1]
        client = self.login('medical_a')
        error = self.assertRefused(client.wizard, 'quarantine.sample.record',
            'quarantine.sample', [sample_b], [('start', {}), ('record', {
                        'start': {'result': 'positive',
                            'collected_at': dt.datetime.now()}})])
        self.assertNotIn("居民B", error.message + error.detail)
        sample, = self.read('quarantine.sample', [sample_b], ['result'])
        self.assertEqual(sample['result'], 'pending')

    def test_allocate_other_site_refused(self):
        "Allocation into another site's rooms is refused; into theirs done"
        city = self.city
        today = dt.date.today()
        stay_id = self.server(lambda: create_stay(
                create_person("待分配", sequence='501'),
                arrival_date=today, exposure_date=today).id)
        client = self.login('manager_a')

        def allocate(site):
            return client.wizard('quarantine.stay.allocate',
                'quarantine.stay', [stay_id], [
                    ('start', {}),
                    ('allocate', {'start': {'site': site}}),
                    ])
        self.assertSiteRefused(allocate, city['sites']['b'])
        stay, = self.read('quarantine.stay', [stay_id],
            ['state', 'site', 'room'])
        self.assertEqual(
            (stay['state'], stay['site'], stay['room']), ('draft', None, None))
        allocate(city['sites']['a'])
        stay, = self.read('quarantine.stay', [stay_id],
            ['state', 'site', 'room.site'])
        self.assertEqual(stay['state'], 'admitted')
        self.assertEqual(stay['site'], city['sites']['a'])
        self.assertEqual(stay['room.']['site'], city['sites']['a'])

    def test_import_arrivals_other_site_refused(self):
        "An arrival list into another site is refused, nothing created"
        city = self.city
        today = dt.date.today()
        number = make_ric('19850505', '601')
        regime, = self.admin().model('quarantine.regime', 'search',
            [('code', '=', 'centralized_14')])
        client = self.login('manager_a')

        def upload(site):
            return client.wizard('quarantine.stay.import', None, [], [
                    ('start', {}),
                    ('import_', {'start': {
                                'file': xlsx(ARRIVAL_HEADER, [[
                                            "到达者", number, None,
                                            "密切接触者", today, None, None,
                                            None, None, None]]),
                                'filename': 'arrivals.xlsx',
                                'arrival_date': today, 'regime': regime,
                                'site': site}}),
                    ])

        def stays():
            return self.admin().model('quarantine.stay', 'search_read',
                [('identity_number', '=', number)], 0, None, None, ['site'])
        self.assertSiteRefused(upload, city['sites']['b'])
        self.assertEqual(stays(), [])
        upload(city['sites']['a'])
        stay, = stays()
        self.assertEqual(stay['site'], city['sites']['a'])

    def test_daily_report_own_sites(self):
        """The daily report covers the user's sites only, another site is
        refused, and a user of no group has none"""
        city = self.city
        today = dt.date.today()
        self.assertRefused(self.login('nogroup').wizard,
            'quarantine.daily_report', None, [], [
                ('start', {}),
                ('submit', {'start': {'date': today,
                            'sites': [city['sites']['b']]}}),
                ])
        client = self.login('manager_a')

        def report(sites, state='print_'):
            return client.wizard('quarantine.daily_report', None, [], [
                    ('start', {}),
                    (state, {'start': {'date': today, 'sites': sites,
                                'area': None}}),
                    ])
        self.assertSiteRefused(report, [city['sites']['b']], 'submit')
        self.assertSiteRefused(report,
            [city['sites']['a'], city['sites']['b']])
        names = {s['id']: s['rec_name'] for s in self.read('quarantine.site',
                list(city['sites'].values()), ['rec_name'])}
        for login in ['manager_a', 'clerk_a']:
            client = self.login(login)
            values = view_defaults(report([], 'submit'))
            rows, = sheets(values['xlsx']).values()
            self.assertEqual([r[0] for r in rows[2:-1]],
                [names[city['sites']['a']]])
        submissions = self.admin().model(
            'quarantine.daily_report.submission', 'search_read',
            [('date', '=', today)], 0, None, None, ['site'])
        self.assertEqual([s['site'] for s in submissions],
            [city['sites']['a']])

    def test_stay_wizards_other_site_refused(self):
        "Change a stay's end date or room: another site's refused"
        city = self.city
        client = self.login('manager_a')
        stay_b = city['stays']['b']
        before, = self.read('quarantine.stay', [stay_b], ['end_date'])
        error = self.assertRefused(client.wizard,
            'quarantine.stay.change_end_date', 'quarantine.stay', [stay_b], [
                ('start', {}),
                ('change', {'start': {'end_date': before['end_date']
                            + dt.timedelta(days=3), 'reason': "test"}}),
                ])
        self.assertNotIn("居民B", error.message + error.detail)
        after, = self.read('quarantine.stay', [stay_b], ['end_date'])
        self.assertEqual(after, before)
        room_b, = self.admin().model('quarantine.room', 'search', [
                ('site', '=', city['sites']['b']),
                ('state', '=', 'available')], 0, 1)
        stay_a = city['stays']['a']
        before, = self.read('quarantine.stay', [stay_a], ['room'])
        self.assertRefused(client.wizard,
            'quarantine.stay.change_room', 'quarantine.stay', [stay_a], [
                ('start', {}),
                ('change', {'start': {'room': room_b, 'reason': "test"}}),
                ])
        after, = self.read('quarantine.stay', [stay_a], ['room'])
        self.assertEqual(after, before)

    def test_create_rooms_other_site_refused(self):
        "Rooms are created in the user's sites only"
        city = self.city
        client = self.login('manager_a')

        def create(site):
            return client.wizard('quarantine.room.create', None, [], [
                    ('start', {}),
                    ('create_', {'start': {'site': site, 'buildings': 'Z',
                                'floor_from': 9, 'floor_to': 9,
                                'number_from': 1, 'number_to': 2,
                                'pattern': '{building}-{floor}{number:02d}',
                                'capacity': 1, 'accessible': False,
                                'initial_state': 'available'}}),
                    ])

        def rooms(key):
            return self.admin().model('quarantine.room', 'search', [
                    ('site', '=', city['sites'][key]),
                    ('building', '=', 'Z')])
        self.assertSiteRefused(create, city['sites']['b'])
        self.assertEqual(rooms('b'), [])
        create(city['sites']['a'])
        self.assertEqual(len(rooms('a')), 2)

    def test_reports_other_site_refused(self):
        "Room board and certificates: another site's or no group refused"
        city = self.city
        client = self.login('manager_a')
        board = self.action('report_room_board')
        self.assertRefused(client.report, 'quarantine.site.room_board',
            'quarantine.site', [city['sites']['b']], board)
        extension, content, _, _ = client.report(
            'quarantine.site.room_board', 'quarantine.site',
            [city['sites']['a']], board)
        self.assertEqual(extension, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        nogroup = self.login('nogroup')
        self.assertRefused(nogroup.report, 'quarantine.site.room_board',
            'quarantine.site', [city['sites']['a']], board)
        error = self.assertRefused(nogroup.report,
            'quarantine.stay.release_certificate', 'quarantine.stay',
            [city['stays']['a']], self.action('report_release_certificate'))
        self.assertNotIn("居民A", error.message + error.detail)

    def test_delete_refusal_names_nothing(self):
        """A delete (or a result's write) refused by access names no record:
        the access is checked before the business rules"""
        city = self.city
        # a result recorded: the business rules refuse its deletion and
        # its change
        recorded = city['samples']['b'][-1:]

        def record():
            Sample = Pool().get('quarantine.sample')
            Sample.record_results(Sample.browse(recorded), 'negative')
        self.server(record)
        for login, model, ids, name in [
                ('nogroup', 'quarantine.stay', [city['stays']['a']], "居民A"),
                ('manager_a', 'quarantine.stay', [city['stays']['b']],
                    "居民B"),
                ('manager_a', 'quarantine.sample', recorded, "居民B"),
                ('manager_a', 'quarantine.site', [city['sites']['b']],
                    "隔离点B"),
                ]:
            with self.subTest(login=login, model=model):
                client = self.login(login)
                error = self.assertRefused(client.model, model, 'delete', ids)
                self.assertNotIn(name, error.message + error.detail)
        room_b, = self.admin().model('quarantine.room', 'search', [
                ('site', '=', city['sites']['b']),
                ('state', '=', 'occupied')], 0, 1)
        room_name, = [r['rec_name'] for r in self.read(
                    'quarantine.room', [room_b], ['rec_name'])]
        error = self.assertRefused(self.login('manager_a').model,
            'quarantine.room', 'delete', [room_b])
        self.assertNotIn(room_name, error.message + error.detail)
        error = self.assertRefused(self.login('manager_a').model,
            'quarantine.sample', 'write', recorded, {'reagent': "x"})
        self.assertNotIn("居民B", error.message + error.detail)
        # the business rule still speaks to who may read the record
        error = self.assertRefused(self.admin().model,
            'quarantine.stay', 'delete', [city['stays']['a']])
        self.assertIn("居民A", error.message)
        self.assertEqual(len(self.read('quarantine.stay',
                    [city['stays']['a'], city['stays']['b']], ['id'])), 2)


del CityTestCase

if __name__ == '__main__':
    unittest.main()

# This file is part of the quarantine module.  See README.md for licensing.
"Quick entry over JSON-RPC, as the arrival list of the web client sends it"
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from .city import CityTestCase
from .tools import make_ric


class EntryRPCTestCase(CityTestCase):
    "A clerk of site A types arrivals at the door"

    def regime(self):
        with Transaction().start(self.db_name, 0):
            Regime = Pool().get('quarantine.regime')
            regime, = Regime.search([('code', '=', 'centralized_14')])
            return regime.id

    def row(self, name, number, **values):
        return dict({
                'person_name': name, 'id_type': 'cn_ric',
                'id_number': number, 'phone': '13800000000',
                'category': 'close_contact', 'regime': self.regime(),
                'site': self.city['sites']['a'],
                'arrival_date': dt.date.today(),
                }, **values)

    def count(self, model):
        with Transaction().start(self.db_name, 0):
            return Pool().get(model).search_count([])

    def test_arrival_rows(self):
        """A child and her mother typed in the arrival list: the parties
        are created with their identity card numbers, the stays read back
        with birth date, sex and age; a second row of the mother is
        refused and nothing is written"""
        client = self.login('clerk_a')
        child = make_ric('20180808', '401')
        mother = make_ric('19880808', '402')
        ids = client.model('quarantine.stay', 'create', [
                self.row("小明", child),
                self.row("明妈", mother, companion_number=child,
                    guardian_consent=True, consent_signed_by="明妈",
                    consent_signed_at=dt.datetime(2022, 5, 10, 8, 30)),
                ])
        rows = client.model('quarantine.stay', 'read', ids, [
                'person_name', 'id_number', 'identity_number', 'birth_date',
                'sex', 'age', 'phone', 'category', 'companion_of',
                'companion_number', 'person.rec_name'])
        rows.sort(key=lambda r: ids.index(r['id']))
        today = dt.date.today()
        self.assertEqual([(r['person_name'], r['id_number'],
                    r['identity_number'], r['birth_date'], r['sex'],
                    r['phone'], r['category'], r['companion_of'],
                    r['companion_number'], r['person.']['rec_name'])
                for r in rows], [
                ("小明", child, child, dt.date(2018, 8, 8), 'male',
                    '13800000000', 'close_contact', None, None, "小明"),
                ("明妈", mother, mother, dt.date(1988, 8, 8), 'female',
                    '13800000000', 'close_contact', ids[0], child, "明妈"),
                ])
        self.assertEqual(rows[0]['age'], today.year - 2018 - (
                (today.month, today.day) < (8, 8)))

        parties, stays = self.count('party.party'), self.count(
            'quarantine.stay')
        error = self.assertRefused(client.model, 'quarantine.stay',
            'create', [self.row("新来", make_ric('19900101', '403')),
                self.row("明妈", mother)])
        self.assertIn("明妈", error.message)
        self.assertIn("隔离点A", error.message)
        self.assertEqual((self.count('party.party'),
                self.count('quarantine.stay')), (parties, stays))

    def test_other_site_person_not_revealed(self):
        """The number of a resident of site B, whom the clerk of A may not
        read: the form does not fill them in, and the refusals name
        neither their name nor their site"""
        client = self.login('clerk_a')
        number = self.city['numbers']['b']
        values = client.model('quarantine.stay', 'on_change', {
                'id_type': 'cn_ric', 'id_number': number,
                'person_name': None, 'person': None,
                'arrival_date': dt.date.today(),
                'identity_number': None, 'birth_date': None, 'sex': None,
                }, ['id_number'])
        self.assertFalse(values.get('person'))
        self.assertEqual(values.get('birth_date'), dt.date(1980, 1, 1))

        stays = self.count('quarantine.stay')
        error = self.assertRefused(client.model, 'quarantine.stay',
            'create', [self.row("别人", number)])
        self.assertIn(number, error.message)
        self.assertNotIn("居民B", error.message + error.detail)
        error = self.assertRefused(client.model, 'quarantine.stay',
            'create', [self.row("居民B", number)])
        self.assertIn("another site", error.message)
        for error_text in [error.message, error.detail]:
            self.assertNotIn("隔离点B", error_text)
        self.assertEqual(self.count('quarantine.stay'), stays)

    def test_no_access_no_lookup(self):
        "A user who may not create stays learns nothing of a number"
        client = self.login('logistics')
        error = self.assertRefused(client.model, 'quarantine.stay',
            'create', [self.row("别人", self.city['numbers']['b'])])
        self.assertNotIn("居民B", error.message + error.detail)

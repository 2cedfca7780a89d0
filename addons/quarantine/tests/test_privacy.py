# This file is part of the quarantine module.  See README.md for licensing.
"""Residents' personal data over JSON-RPC: who reads and changes a resident,
who reads the identity numbers masked, and the access log of the exports
and prints"""
import datetime as dt
import unittest

from trytond.pool import Pool

from .city import CityTestCase
from .tools import create_person, make_ric


def masked(number):
    return '*' * (len(number) - 4) + number[-4:]


class PrivacyTestCase(CityTestCase):
    "Residents' parties, identifiers and numbers, as each role reads them"

    @classmethod
    def setUpDatabase(cls):
        super().setUpDatabase()
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        # a supplier: a party that is not a resident
        supplier = create_person("供应商甲")
        cls.city['supplier'] = supplier.id
        # a resident of A released, whose certificate prints
        today = dt.date.today()
        person = create_person("居民R", sequence='104')
        stay, = Stay.create([{
                    'person': person.id, 'site': cls.city['sites']['a'],
                    'arrival_date': today - dt.timedelta(days=14),
                    'exposure_date': today - dt.timedelta(days=16),
                    }])
        # released as release does: signed by the current key
        CertificateKey = pool.get('quarantine.certificate.key')
        Stay.write([stay], {'state': 'released', 'release_date': today,
                'certificate_number': 'JC-TEST-0001',
                'certificate_key': CertificateKey.current()})
        cls.city['stays']['released'] = stay.id
        cls.city['numbers']['released'] = make_ric('19800101', '104')

    def identifier_of(self, key):
        "The id of the cn_ric identifier of the resident `key`"
        client = self.login('city_admin')
        ids = client.model('party.identifier', 'search', [
                ('party', '=', self.city['persons'][key]),
                ('type', '=', 'cn_ric')])
        self.assertEqual(len(ids), 1)
        return ids[0]

    def test_nogroup_reads_no_resident(self):
        "A user in no group finds no resident nor identifier, reads none"
        city = self.city
        identifier = self.identifier_of('a')
        client = self.login('nogroup')
        persons = list(city['persons'].values())
        self.assertEqual(client.model('party.party', 'search', [
                    ('id', 'in', persons)]), [])
        rows = client.model('party.party', 'search_read', [],
            0, None, None, ['quarantine_identity_number'])
        numbers = {r['quarantine_identity_number'] for r in rows}
        for number in city['numbers'].values():
            self.assertNotIn(number, numbers)
            self.assertNotIn(masked(number), numbers)
        self.assertEqual(client.model('party.identifier', 'search', [
                    ('party', 'in', persons)]), [])
        self.assertRefused(client.model, 'party.party', 'read',
            [city['persons']['a']], ['name'])
        self.assertRefused(client.model, 'party.identifier', 'read',
            [identifier], ['code'])

    def test_nogroup_cannot_rewrite_identifier(self):
        "A user in no group cannot give a resident another number"
        identifier = self.identifier_of('a')
        client = self.login('nogroup')
        self.assertRefused(client.model, 'party.identifier', 'write',
            [identifier], {'code': make_ric('19800101', '199')})
        admin = self.login('city_admin')
        code, = admin.model('party.identifier', 'read', [identifier],
            ['code'])
        self.assertEqual(code['code'], self.city['numbers']['a'])

    def test_nogroup_keeps_other_parties(self):
        "Parties that are not residents stay open to every user"
        client = self.login('nogroup')
        supplier = self.city['supplier']
        self.assertEqual(client.model('party.party', 'search', [
                    ('id', '=', supplier)]), [supplier])
        client.model('party.party', 'write', [supplier],
            {'name': "供应商乙"})
        new, = client.model('party.party', 'create', [{'name': "检测机构"}])
        row, = client.model('party.party', 'read', [new], ['name'])
        self.assertEqual(row['name'], "检测机构")

    def test_site_manager_own_residents(self):
        "A site manager reads and renames A's residents, not B's"
        city = self.city
        client = self.login('manager_a')
        row, = client.model('party.party', 'read', [city['persons']['a']],
            ['quarantine_identity_number'])
        self.assertEqual(row['quarantine_identity_number'],
            city['numbers']['a'])
        client.model('party.party', 'write', [city['persons']['a']],
            {'name': "居民A甲"})
        self.assertRefused(client.model, 'party.party', 'write',
            [city['persons']['b']], {'name': "改名"})
        self.assertRefused(client.model, 'party.party', 'read',
            [city['persons']['b']], ['quarantine_identity_number'])
        rows = client.model('party.party', 'search_read', [
                ('quarantine_identity_number', '=', city['numbers']['b'])],
            0, None, None, ['name'])
        self.assertEqual(rows, [])
        found = client.model('party.party', 'search', [
                ('quarantine_identity_number', '=', city['numbers']['a'])])
        self.assertEqual(found, [city['persons']['a']])
        admin = self.login('city_admin')
        row, = admin.model('party.party', 'read', [city['persons']['b']],
            ['name'])
        self.assertEqual(row['name'], "居民B")

    def test_intake_resident_without_site(self):
        "A resident waiting for a site stays readable to the site roles"
        pool_city = self.city
        admin = self.login('city_admin')
        person, = admin.model('party.party', 'create', [{
                    'name': "待分配", 'identifiers': [('create', [{
                                    'type': 'cn_ric',
                                    'code': make_ric('19800101', '105'),
                                    }])]}])
        admin.model('quarantine.stay', 'create', [{'person': person}])
        client = self.login('clerk_a')
        row, = client.model('party.party', 'read', [person], ['name'])
        self.assertEqual(row['name'], "待分配")
        client.model('party.party', 'write', [person], {'name': "待分配甲"})
        self.assertNotIn(pool_city['persons']['b'], client.model(
                'party.party', 'search', []))

    def test_logistics_reads_masked(self):
        "Logistics reads every resident's number masked, changes none"
        city = self.city
        identifier = self.identifier_of('a')
        client = self.login('logistics')
        rows = client.model('party.party', 'read',
            [city['persons']['a'], city['persons']['b']],
            ['quarantine_identity_number'])
        self.assertEqual([r['quarantine_identity_number'] for r in rows], [
                masked(city['numbers']['a']), masked(city['numbers']['b'])])
        row, = client.model('party.identifier', 'read', [identifier],
            ['code', 'rec_name'])
        self.assertEqual(row['code'], masked(city['numbers']['a']))
        self.assertEqual(row['rec_name'], masked(city['numbers']['a']))
        row, = client.model('quarantine.stay', 'read',
            [city['stays']['a']],
            ['identity_number', 'person.quarantine_identity_number'])
        self.assertEqual(row['identity_number'],
            masked(city['numbers']['a']))
        self.assertEqual(row['person.']['quarantine_identity_number'],
            masked(city['numbers']['a']))
        exported = client.model('quarantine.stay', 'export_data',
            [city['stays']['a']], ['identity_number',
                'person/quarantine_identity_number',
                'person/identifiers/code'])
        self.assertEqual(exported,
            [[masked(city['numbers']['a'])] * 3])
        # found by the whole number, never by a part of it
        self.assertEqual(client.model('party.party', 'search', [
                    ('quarantine_identity_number', '=',
                        city['numbers']['a'])]), [city['persons']['a']])
        part = city['numbers']['a'][:-1] + '%'
        for model, field in [
                ('party.party', 'quarantine_identity_number'),
                ('party.party', 'rec_name'),
                ('party.party', 'identifiers.code'),
                ('party.identifier', 'code'),
                ('quarantine.stay', 'identity_number'),
                ('quarantine.stay', 'rec_name'),
                ('quarantine.stay', 'person.quarantine_identity_number'),
                ]:
            with self.subTest(model=model, field=field):
                self.assertEqual(client.model(model, 'search', [
                            (field, 'like', part)]), [])
        manager = self.login('manager_a')
        self.assertEqual(manager.model('quarantine.stay', 'search', [
                    ('identity_number', 'like', part)]),
            [city['stays']['a']])
        self.assertEqual(manager.model('party.party', 'search', [
                    ('rec_name', 'like', part)]), [city['persons']['a']])
        self.assertRefused(client.model, 'party.party', 'write',
            [city['persons']['a']], {'name': "改名"})
        self.assertRefused(client.model, 'party.identifier', 'write',
            [identifier], {'code': make_ric('19800101', '199')})

    def test_access_log(self):
        "The ledger and the prints are logged; administrators alone read it"
        city = self.city
        today = dt.date.today()
        manager = self.login('manager_a')
        manager.wizard('quarantine.stay.ledger', 'quarantine.site', [], [
                ('export', {'start': {'site': city['sites']['a'],
                            'date_from': today - dt.timedelta(days=30),
                            'date_to': today}}),
                ])
        medical = self.login('medical_a')
        medical.report('quarantine.stay.release_certificate',
            'quarantine.stay', [city['stays']['released']])
        medical.report('quarantine.site.sampling_roster', 'quarantine.site',
            [city['sites']['a']],
            # the arrival day's test (the resident was exposed two days
            # before arriving: no test is planned before arrival)
            data={'date': today})
        admin = self.login('city_admin')
        logs = admin.model('quarantine.access.log', 'search_read', [],
            0, None, [('id', 'ASC')],
            ['user', 'what', 'site', 'sites', 'person_count', 'resource'])
        self.assertEqual([(r['user'], r['what'], r['site'],
                    r['person_count']) for r in logs], [
                (city['users']['manager_a'], 'quarantine.stay.ledger',
                    city['sites']['a'], 2),
                (city['users']['medical_a'],
                    'quarantine.stay.release_certificate',
                    city['sites']['a'], 1),
                (city['users']['medical_a'],
                    'quarantine.site.sampling_roster', city['sites']['a'],
                    1),
                ])
        self.assertEqual(logs[1]['resource'],
            f"quarantine.stay: {city['stays']['released']}")
        self.assertRefused(admin.model, 'quarantine.access.log', 'write',
            [logs[0]['id']], {'person_count': 0})
        self.assertRefused(admin.model, 'quarantine.access.log', 'delete',
            [logs[0]['id']])
        self.assertRefused(admin.model, 'quarantine.access.log', 'create',
            [{'what': 'forged'}])
        for role in ['manager_a', 'logistics', 'nogroup']:
            client = self.login(role)
            self.assertRefused(client.model, 'quarantine.access.log',
                'search', [])


del CityTestCase

if __name__ == '__main__':
    unittest.main()

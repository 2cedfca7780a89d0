# This file is part of the quarantine_transfer module.  See README.md.
"""Who reads and changes which transfers, over JSON-RPC as the web client
talks: the site roles the transfers to or from their sites, the transfer
team every one"""
import datetime as dt
import unittest

from trytond.modules.quarantine.tests.city import CityTestCase
from trytond.modules.quarantine.tests.tools import create_person
from trytond.pool import Pool


class TransferAccessTestCase(CityTestCase):
    "Transfers of the small city's sites A and B, logged in as each role"
    module = 'quarantine_transfer'

    @classmethod
    def setUpDatabase(cls):
        super().setUpDatabase()
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        city = cls.city
        stay_b = Stay(city['stays']['b'])
        contact = create_person("密接C", sequence='201')
        # B's resident to hospital, and a community's contact to site A
        to_hospital, to_a = Transfer.create([{
                    'origin': stay_b.site.rec_name,
                    'destination': "定点医院",
                    'lines': [('create', [{
                                    'person': stay_b.person.id,
                                    'stay': stay_b.id,
                                    'category': stay_b.category,
                                    }])],
                    }, {
                    'origin': "和平社区",
                    'to_site': city['sites']['a'],
                    'lines': [('create', [{
                                    'person': contact.id,
                                    'category': 'close_contact',
                                    }])],
                    }])
        city['transfers'] = {'b': to_hospital.id, 'to_a': to_a.id}
        city['transfer_lines'] = {
            'b': to_hospital.lines[0].id, 'to_a': to_a.lines[0].id}
        city['numbers']['contact'] = contact.quarantine_identity_number

    def test_site_manager_reads_own_transfers(self):
        "A site manager lists the transfers to or from their site only"
        city = self.city
        client = self.login('manager_a')
        self.assertEqual(
            client.model('quarantine.transfer', 'search',
                [('id', 'in', list(city['transfers'].values()))]),
            [city['transfers']['to_a']])
        self.assertRefused(client.model, 'quarantine.transfer', 'read',
            [city['transfers']['b']], ['origin'])

    def test_site_manager_reads_no_identity_number_of_b(self):
        "B's persons on a transfer, their identity numbers, are not A's"
        city = self.city
        client = self.login('manager_a')
        lines = client.model('quarantine.transfer.line', 'search_read',
            [('id', 'in', list(city['transfer_lines'].values()))],
            0, None, None, ['person', 'person.quarantine_identity_number'])
        self.assertEqual([l['id'] for l in lines],
            [city['transfer_lines']['to_a']])
        self.assertNotIn(city['numbers']['b'], repr(lines))
        self.assertEqual(client.model('quarantine.transfer.line', 'search',
                [('person.quarantine_identity_number', '=',
                        city['numbers']['b'])]), [])
        self.assertRefused(client.model, 'quarantine.transfer.line', 'read',
            [city['transfer_lines']['b']], ['person', 'stay'])

    def test_site_manager_cannot_change_transfer_of_b(self):
        "Writing, requesting, adding a person to B's transfer is refused"
        city = self.city
        client = self.login('manager_a')
        transfer_b = city['transfers']['b']
        self.assertRefused(client.model, 'quarantine.transfer', 'write',
            [transfer_b], {'destination': "别处"})
        self.assertRefused(client.model, 'quarantine.transfer', 'request',
            [transfer_b])
        self.assertRefused(client.model, 'quarantine.transfer.line', 'write',
            [city['transfer_lines']['b']], {'phone': '13800000000'})
        self.assertRefused(client.model, 'quarantine.transfer.line',
            'create', [{'transfer': transfer_b,
                    'person': city['persons']['a']}])
        # nothing changed
        admin = self.login('city_admin')
        transfer, = admin.model('quarantine.transfer', 'read', [transfer_b],
            ['destination', 'state', 'person_count'])
        self.assertEqual(
            (transfer['destination'], transfer['state'],
                transfer['person_count']),
            ("定点医院", 'draft', 1))

    def test_site_manager_requests_transfer_from_own_site(self):
        "A site manager requests the transfer of a resident of their site"
        city = self.city
        client = self.login('manager_a')
        transfer_id, = client.model('quarantine.transfer', 'create', [{
                    'origin': "隔离点A",
                    'destination': "定点医院",
                    'lines': [('create', [{
                                    'person': city['persons']['a'],
                                    'stay': city['stays']['a'],
                                    'positive': True,
                                    }])],
                    }])
        client.model('quarantine.transfer', 'request', [transfer_id])
        transfer, = client.model('quarantine.transfer', 'read',
            [transfer_id], ['state', 'number', 'deadline', 'requested_at'])
        self.assertEqual(transfer['state'], 'requested')
        self.assertTrue(transfer['number'])
        self.assertEqual(transfer['deadline'] - transfer['requested_at'],
            dt.timedelta(hours=2))
        # the transfer team sees it too
        team = self.login('transfer')
        self.assertEqual(team.model('quarantine.transfer', 'search',
                [('id', '=', transfer_id)]), [transfer_id])

    def test_site_manager_cannot_take_resident_of_b(self):
        "A transfer into A of a stay of B is refused, and nothing is made"
        city = self.city
        client = self.login('manager_a')
        error = self.assertRefused(client.model, 'quarantine.transfer',
            'create', [{
                    'origin': "隔离点B",
                    'to_site': city['sites']['a'],
                    'lines': [('create', [{
                                    'person': city['persons']['b_waiting'],
                                    'stay': city['stays']['b_waiting'],
                                    }])],
                    }])
        self.assertEqual(error.message,
            "You can only transfer the residents of your own sites.")
        admin = self.login('city_admin')
        self.assertEqual(admin.model('quarantine.transfer.line', 'search',
                [('stay', '=', city['stays']['b_waiting'])]), [])

    def test_person_on_transfer_of_b_not_named(self):
        "The refusal of a person on B's open transfer does not name it"
        city = self.city
        client = self.login('manager_a')
        transfer_id, = client.model('quarantine.transfer', 'create', [{
                    'origin': "和平社区",
                    'to_site': city['sites']['a'],
                    'lines': [('create', [{
                                    'person': city['persons']['b'],
                                    }])],
                    }])
        error = self.assertRefused(client.model, 'quarantine.transfer',
            'request', [transfer_id])
        self.assertIn("is already on another open transfer", error.message)
        state, = client.model('quarantine.transfer', 'read', [transfer_id],
            ['state'])
        self.assertEqual(state['state'], 'draft')
        self.login('city_admin').model(
            'quarantine.transfer', 'delete', [transfer_id])

    def test_medical_reads_own_transfers(self):
        "Medical staff of A, like their manager, see A's transfers only"
        city = self.city
        client = self.login('medical_a')
        self.assertEqual(
            client.model('quarantine.transfer', 'search',
                [('id', 'in', list(city['transfers'].values()))]),
            [city['transfers']['to_a']])
        self.assertRefused(client.model, 'quarantine.transfer.line', 'read',
            [city['transfer_lines']['b']], ['person'])

    def test_district_admin_reads_area_transfers(self):
        "An administrator with areas sees the transfers of their sites"
        city = self.city
        client = self.login('district_admin')
        self.assertEqual(
            client.model('quarantine.transfer', 'search',
                [('id', 'in', list(city['transfers'].values()))]),
            [city['transfers']['to_a']])

    def test_transfer_team_and_city_admin_read_every_transfer(self):
        "The transfer team and the city's administrator read both"
        city = self.city
        for login in ['transfer', 'city_admin']:
            with self.subTest(login=login):
                client = self.login(login)
                self.assertEqual(
                    sorted(client.model('quarantine.transfer', 'search',
                            [('id', 'in', list(
                                        city['transfers'].values()))])),
                    sorted(city['transfers'].values()))
                lines = client.model('quarantine.transfer.line', 'read',
                    list(city['transfer_lines'].values()), ['person'])
                self.assertEqual(len(lines), 2)

    def test_other_roles_read_no_transfer(self):
        "Clerks, logistics officers and users in no group read none"
        city = self.city
        for login in ['clerk_a', 'logistics', 'nogroup']:
            with self.subTest(login=login):
                client = self.login(login)
                self.assertRefused(client.model, 'quarantine.transfer.line',
                    'search_read', [], 0, None, None, ['person'])
                self.assertRefused(client.model, 'quarantine.transfer',
                    'read', [city['transfers']['to_a']], ['origin'])

    def test_handover_form_of_b_refused(self):
        "The handover form of B's transfer is refused to A's manager"
        city = self.city
        client = self.login('manager_a')
        self.assertRefused(client.report, 'quarantine.transfer.handover',
            'quarantine.transfer', [city['transfers']['b']])
        kind, content, _, _ = client.report('quarantine.transfer.handover',
            'quarantine.transfer', [city['transfers']['to_a']])
        self.assertEqual(kind, 'pdf')
        self.assertTrue(content)

    def test_reconcile_of_b_refused(self):
        "Recording the signed copies of B's transfer is refused"
        city = self.city
        client = self.login('manager_a')
        self.assertRefused(client.wizard, 'quarantine.transfer.reconcile',
            'quarantine.transfer', [city['transfers']['b']], [
                ('start', {}),
                ('save', {'start': {
                            'copies_returned': ['site'],
                            'copies_signed_by': "王",
                            'copies_returned_at': dt.datetime.now(),
                            }}),
                ])
        admin = self.login('city_admin')
        transfer, = admin.model('quarantine.transfer', 'read',
            [city['transfers']['b']], ['copies_signed_by'])
        self.assertIsNone(transfer['copies_signed_by'])


del CityTestCase

if __name__ == '__main__':
    unittest.main()

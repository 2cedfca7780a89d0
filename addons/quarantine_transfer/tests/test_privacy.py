# This file is part of the quarantine_transfer module.  See README.md.
"The transfer team reads the residents' numbers masked, over JSON-RPC"
import unittest

from trytond.modules.quarantine.tests.city import CityTestCase


class TransferPrivacyTestCase(CityTestCase):
    "The transfer team of the small city"
    module = 'quarantine_transfer'

    def test_transfer_team_reads_masked(self):
        "The transfer team reads every resident, numbers masked, changes none"
        city = self.city
        client = self.login('transfer')
        persons = [city['persons']['a'], city['persons']['b']]
        rows = client.model('party.party', 'read', persons,
            ['quarantine_identity_number'])
        self.assertEqual(
            sorted(r['quarantine_identity_number'] for r in rows),
            sorted('*' * 14 + city['numbers'][k][-4:] for k in 'ab'))
        row, = client.model('quarantine.stay', 'read', [city['stays']['b']],
            ['identity_number'])
        self.assertEqual(row['identity_number'],
            '*' * 14 + city['numbers']['b'][-4:])
        self.assertRefused(client.model, 'party.party', 'write', persons,
            {'name': "改名"})

    def test_transfer_team_enters_persons(self):
        """The transfer team types a new passenger, and takes a resident
        from their stay: the resident's number reads masked, in the form
        and in the list, and the line keeps the stay's person"""
        city = self.city
        client = self.login('transfer')
        masked = '*' * 14 + city['numbers']['b'][-4:]
        values = client.model('quarantine.transfer.line', 'on_change', {
                'stay': city['stays']['b'], 'person': None,
                'person_name': None, 'id_type': 'cn_ric', 'id_number': None,
                'positive': False, 'category': None, 'phone': None,
                }, ['stay'])
        self.assertEqual((values['person'], values['person_name'],
                values['id_number']),
            (city['persons']['b'], "居民B", masked))
        transfer_id, = client.model('quarantine.transfer', 'create', [{
                    'origin': "和平社区", 'destination': "定点医院",
                    'lines': [('create', [{
                                    'stay': city['stays']['b'],
                                    'person': city['persons']['b'],
                                    'person_name': "居民B",
                                    'id_type': 'cn_ric',
                                    'id_number': masked,
                                    }, {
                                    'person_name': "Anna Berg",
                                    'id_type': 'passport',
                                    'id_number': 'P7654321',
                                    'phone': '13900000002',
                                    }])],
                    }])
        transfer, = client.model('quarantine.transfer', 'read',
            [transfer_id], ['lines'])
        rows = client.model('quarantine.transfer.line', 'read',
            transfer['lines'], ['person', 'person_name', 'id_number'])
        rows.sort(key=lambda r: transfer['lines'].index(r['id']))
        self.assertEqual([(r['person_name'], r['id_number']) for r in rows],
            [("居民B", masked), ("Anna Berg", '****4321')])
        self.assertEqual(rows[0]['person'], city['persons']['b'])


del CityTestCase

if __name__ == '__main__':
    unittest.main()

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


del CityTestCase

if __name__ == '__main__':
    unittest.main()

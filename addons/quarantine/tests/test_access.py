# This file is part of the quarantine module.  See README.md for licensing.
"Who reads and changes what, over JSON-RPC as the web client talks"
import unittest

from .city import CityTestCase


class CityAccessTestCase(CityTestCase):
    "Each role of the small city, logged in over JSON-RPC"

    def test_site_manager_lists_own_site(self):
        "A site manager lists the stays of their site only"
        city = self.city
        client = self.login('manager_a')
        ids = client.model('quarantine.stay', 'search', [])
        self.assertEqual(ids, [city['stays']['a']])
        self.assertRefused(client.model, 'quarantine.stay', 'read',
            [city['stays']['b']], ['person'])


del CityTestCase

if __name__ == '__main__':
    unittest.main()

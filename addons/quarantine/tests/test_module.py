# This file is part of the quarantine module.  See README.md for licensing.
from trytond.tests.test_tryton import ModuleTestCase


class QuarantineTestCase(ModuleTestCase):
    "Test Quarantine module"
    module = 'quarantine'


del ModuleTestCase

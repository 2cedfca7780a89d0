# This file is part of the quarantine_supply module.  See README.md.
from trytond.modules.quarantine.tests.tools import (
    ListHeaderChecks, ModuleChecks)
from trytond.tests.test_tryton import ModuleTestCase


class QuarantineSupplyTestCase(
        ListHeaderChecks, ModuleChecks, ModuleTestCase):
    "Test Quarantine Supply module"
    module = 'quarantine_supply'


del ModuleTestCase

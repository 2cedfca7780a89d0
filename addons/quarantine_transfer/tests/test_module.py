# This file is part of the quarantine_transfer module.  See README.md.
from trytond.modules.quarantine.tests.tools import (
    ListHeaderChecks, ModuleChecks)
from trytond.tests.test_tryton import ModuleTestCase


class QuarantineTransferTestCase(
        ModuleChecks, ListHeaderChecks, ModuleTestCase):
    "Test Quarantine Transfer module"
    module = 'quarantine_transfer'


del ModuleTestCase

# This file is part of the quarantine_supply module.  See README.md.
from trytond.modules.quarantine.tests.tools import scenario_test_case
from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


ScenarioTestCase = scenario_test_case(load_tests)

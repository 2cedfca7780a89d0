# This file is part of the quarantine_transfer module.  See README.md.
import unittest

from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


class ScenarioTestCase(unittest.TestCase):
    "Run the scenarios under pytest, which ignores load_tests"

    def test_scenarios(self):
        suite = load_tests(unittest.TestLoader(), unittest.TestSuite(), None)
        self.assertGreater(suite.countTestCases(), 0)
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        self.assertTrue(result.wasSuccessful(), result.failures
            + result.errors)

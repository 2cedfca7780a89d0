# This file is part of the quarantine_transfer module.  See README.md.
from trytond.modules.quarantine.tests.tools import (
    dependency_problems, repeated_list_headers, unrenderable_list_fields,
    untranslated)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class QuarantineTransferTestCase(ModuleTestCase):
    "Test Quarantine Transfer module"
    module = 'quarantine_transfer'

    @with_transaction()
    def test_translations_complete(self):
        "Every string a user sees has its zh_CN translation"
        self.assertEqual(untranslated(self.module), [])

    @with_transaction()
    def test_dependencies_declared(self):
        "tryton.cfg and pyproject.toml name exactly what the module uses"
        self.assertEqual(dependency_problems(self.module), [])

    @with_transaction()
    def test_list_views_render_in_web_client(self):
        "Every list field has a widget the web client can draw"
        self.assertEqual(unrenderable_list_fields(self.module), [])

    @with_transaction()
    def test_list_headers_not_repeated(self):
        "No list shows a column header twice, in zh_CN"
        self.assertEqual(repeated_list_headers(self.module), [])


del ModuleTestCase

# Crosses the three modules: the Chinese of the screens a role reaches.
"""Every string of Tryton's own modules (party, company, product, stock,
purchase, purchase_request...) that a quarantine role meets in the web
client is translated in zh_CN: upstream's translation where it is filled,
else the project's override (addons/quarantine/locale/override/zh_CN.po,
addons/quarantine_supply/locale/override/zh_CN.po).  What a role reaches
is computed from the roles' groups, their menus and model access
(addons/quarantine/tests/translations.py); scripts/missing_translations.py
lists the same on a database."""
import unittest

from trytond.modules.quarantine.tests.translations import (
    load_language, missing_translations, override_module, role_groups)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

MODULES = ['quarantine', 'quarantine_transfer', 'quarantine_supply']


class TranslationsTestCase(unittest.TestCase):
    "The upstream strings the roles meet, in Chinese"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module(MODULES)

    @with_transaction()
    def test_roles_meet_no_english(self):
        "No upstream label, menu, button or tab a role reaches is English"
        load_language('zh_CN')
        missing = missing_translations('zh_CN')
        self.assertEqual([f'{override_module(m.module)}: {m.msgctxt} '
                f'{m.msgid!r} ({m.where})' for m in missing], [])

    @with_transaction()
    def test_overrides_shown(self):
        """The labels of issue 16 show in Chinese: address, purchase,
        requests, employee"""
        pool = Pool()
        load_language('zh_CN')
        self.assertTrue(role_groups())
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        Address = pool.get('party.address')
        Purchase = pool.get('purchase.purchase')
        Employee = pool.get('company.employee')
        with Transaction().set_context(language='zh_CN'):
            address = Address.fields_get(['attn', 'street_name', 'post_box'])
            purchase = Purchase.fields_get(['quotation_expire'])
            employee = Employee.fields_get(['active'])
            menu = Menu(ModelData.get_id(
                    'purchase_request', 'menu_purchase_request_form'))
            self.assertEqual(menu.name, "采购申请")
        self.assertEqual(
            [address[f]['string'] for f in ['attn', 'street_name', 'post_box']],
            ["收件人", "街道", "信箱"])
        self.assertEqual(purchase['quotation_expire']['string'], "报价有效期")
        self.assertEqual(employee['active']['string'], "有效")

    @with_transaction()
    def test_button_state_message(self):
        """Tryton's refusal of a hidden button called anyway reads in
        Chinese: upstream's translation is fuzzy (and spoke of deleting),
        the override replaces it"""
        from trytond.i18n import gettext
        load_language('zh_CN')
        with Transaction().set_context(language='zh_CN'):
            message = gettext('ir.msg_button_state_record',
                button="打印入住告知书", record="入住甲", model="隔离人员")
        self.assertEqual(message,
            "不能对“隔离人员”的记录“入住甲”执行“打印入住告知书”。")

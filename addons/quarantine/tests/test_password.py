# This file is part of the quarantine module.  See README.md for licensing.
"""The password policy the project ships (trytond.conf [password]) and the
database list it disables ([database] list)"""
import configparser
import secrets
import unittest

import trytond.config as config
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, module_directory)
from trytond.pool import Pool
from trytond.res.user import PasswordError
from trytond.tests.test_tryton import with_transaction

SHIPPED = module_directory('quarantine').parents[1] / 'trytond.conf'


def shipped():
    if not SHIPPED.exists():
        raise unittest.SkipTest(f"no {SHIPPED}: not a checkout of the project")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SHIPPED, encoding='utf-8')
    return parser


class PasswordPolicyTestCase(ActivatedTestCase):
    "Test the shipped deployment defaults"

    def setUp(self):
        super().setUp()
        self.policy = {option: shipped().get('password', option)
            for option in ['length', 'entropy']}
        before = {option: config.get('password', option)
            for option in self.policy}
        for option, value in self.policy.items():
            config.set('password', option, value)

        def restore():
            for option, value in before.items():
                # no entropy is 0: not checked
                config.set('password', option, value or '0')
        self.addCleanup(restore)

    def test_shipped_configuration(self):
        "No database list; passwords of 10 characters and entropy at least"
        parser = shipped()
        self.assertFalse(parser.getboolean('database', 'list'))
        self.assertGreaterEqual(parser.getint('password', 'length'), 10)
        self.assertGreater(parser.getfloat('password', 'entropy'), 0)

    @with_transaction()
    def test_weak_passwords_refused(self):
        "Too short, or too few different characters: refused, with why"
        User = Pool().get('res.user')
        user, = User.create([{'login': 'clerk1', 'name': "Clerk"}])
        for password, reason in [
                ('Ab3-x9', '10'),
                ('aaaaaaaaaaaaaaaa', '8 different'),
                ('ab12ab12ab12ab12', '8 different'),
                ('1234512345', '8 different'),
                ]:
            with self.subTest(password=password):
                with self.assertRaises(PasswordError) as raised:
                    User.write([user], {'password': password})
                self.assertIn(reason, raised.exception.message)
        self.assertIsNone(User.get_login('clerk1', {'password': password}))

    @with_transaction()
    def test_project_passwords_accepted(self):
        """A good password, and the passwords the project's scripts and
        tests make, satisfy the policy"""
        User = Pool().get('res.user')
        user, = User.create([{'login': 'clerk2', 'name': "Clerk"}])
        while len(set(generated := secrets.token_urlsafe(12))) < 12:
            pass  # scripts/setup_db.sh
        for password in ['Kx7-pQ2!mZ9r', generated,
                'Admin-' + secrets.token_urlsafe(12),  # tests/rpc_harness.py
                'Bt-' + secrets.token_urlsafe(15),  # tests/browser
                ]:
            with self.subTest(password=password):
                User.write([user], {'password': password})
                self.assertEqual(
                    User.get_login('clerk2', {'password': password}), user.id)

# This file is part of the quarantine module.  See README.md for licensing.
"""The public certificate verification page, over HTTP: trytond's own WSGI
application in process, no login, as a checkpoint's phone opens it"""
import base64
import hashlib
import hmac
import itertools
import secrets
import urllib.parse

import trytond.config as config
from trytond.modules.quarantine.tests.test_release import admitted_stay
from trytond.modules.quarantine.tests.tools import create_party
from trytond.modules.quarantine.verification import VerificationAttempt
from trytond.exceptions import UserError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, with_transaction)
from trytond.transaction import (
    Transaction, TransactionError, check_access)

SITE_NAME = '东湖<酒店>&隔离点'
PERSON_NAME = '张小明'


def release(name, sequence):
    "A resident released today with a certificate: the stay"
    pool = Pool()
    Stay = pool.get('quarantine.stay')
    Sample = pool.get('quarantine.sample')
    stay = admitted_stay(name=name, sequence=sequence)
    lab_a, lab_b = create_party("疾控中心"), create_party("第三方检测机构")
    routine = [s for s in stay.samples if not s.exit_sample]
    first, second = [s for s in stay.samples if s.exit_sample]
    Sample.record_results(routine, 'negative', institution=lab_a,
        reagent="华大")
    Sample.record_results([first], 'negative', institution=lab_a,
        reagent="华大")
    Sample.record_results([second], 'negative', institution=lab_b,
        reagent="达安")
    Stay.release([stay])
    return Stay(stay.id)


def forged_code(secret, key_id, stay):
    "What a forger who knew `secret` would print"
    message = '|'.join([key_id, stay.certificate_number,
            stay.identity_number, str(stay.release_date)])
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:20]


def committed(func, user=0):
    """Run func in a transaction of its own, committed; return its result
    (as trytond's with_transaction, it locks what the ORM asks for)"""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, user, **extras) as transaction:
            try:
                result = func(transaction)
            except TransactionError as e:
                transaction.rollback()
                e.fix(extras)
                continue
            transaction.commit()
            return result


class VerifyPageTestCase(RouteTestCase):
    "Test the public certificate verification page"
    module = 'quarantine'
    # the page is in Chinese: the language of a database set up by
    # scripts/setup_db.sh
    language = 'zh_CN'

    @classmethod
    def setUpClass(cls):
        # RouteTestCase's setUpDatabase runs in a transaction without the
        # locks the singleton and the sequences ask for
        super(RouteTestCase, cls).setUpClass()
        committed(cls.prepare)

    @classmethod
    def prepare(cls, transaction):
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        config_ = Configuration(1)
        config_.verification_url = 'https://jc.example.gov.cn'
        config_.save()
        stay = release(PERSON_NAME, '201')
        stay.site.name = SITE_NAME
        stay.site.save()
        cls.stay_id = stay.id
        cls.number = stay.certificate_number
        cls.identity_number = stay.identity_number
        cls.release_date = str(stay.release_date)
        cls.code = stay.certificate_code()
        cls.qr = Certificate.certificate(stay)['qr_payload']

    addresses = itertools.count(1)

    def setUp(self):
        super().setUp()
        # every test from its own address: the limit counts by address
        self.address = '198.51.100.%d' % next(self.addresses)

    def get(self, number=None, code=None, address=None, url=None):
        if url is not None:
            parts = urllib.parse.urlsplit(url)
            path, query = parts.path, parts.query
        else:
            path = f'/{urllib.parse.quote(self.db_name, safe="")}' \
                '/quarantine/verify'
            query = urllib.parse.urlencode({
                    k: v for k, v in [('number', number), ('code', code)]
                    if v is not None})
        return self.client().get(path, query_string=query,
            environ_base={'REMOTE_ADDR': address or self.address})

    def assertValid(self, response):
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('有效', page)
        self.assertNotIn('无效', page)
        return page

    def assertInvalid(self, response):
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('无效', page)
        self.assertNotIn(PERSON_NAME[0] + '*', page)
        self.assertNotIn(self.number, page)
        return page

    def test_qr_code_opens_a_valid_page(self):
        """The QR code's address shows 有效, the number, the masked name, the
        site and the release date; never the identity number"""
        self.assertTrue(self.qr.startswith(
                'https://jc.example.gov.cn/%s/quarantine/verify?' %
                urllib.parse.quote(self.db_name, safe='')), self.qr)
        response = self.get(url=self.qr)
        page = self.assertValid(response)
        self.assertEqual(response.mimetype, 'text/html')
        self.assertEqual(response.mimetype_params['charset'], 'utf-8')
        self.assertIn('<html lang="zh-CN">', page)
        self.assertIn('name="viewport"', page)
        self.assertIn(self.number, page)
        self.assertIn('张*明', page)
        self.assertNotIn(PERSON_NAME, page)
        self.assertIn(self.release_date, page)
        # HTML-escaped
        self.assertIn('东湖&lt;酒店&gt;&amp;隔离点', page)
        self.assertNotIn(SITE_NAME, page)
        for part in [self.identity_number, self.identity_number[-4:],
                self.identity_number[:6]]:
            self.assertNotIn(part, page)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        self.assertEqual(response.headers['Referrer-Policy'], 'no-referrer')

    def test_code_typed_by_hand(self):
        "Typed from the paper in lower case and groups, it verifies"
        grouped = ' '.join(self.code[i:i + 5] for i in range(0, 20, 5))
        self.assertValid(self.get(self.number, grouped.lower()))

    def test_tampered_code_is_invalid(self):
        "A changed character, a shorter code, another number: 无效"
        last = 'A' if self.code[-1] != 'A' else 'B'
        for number, code in [
                (self.number, self.code[:-1] + last),
                (self.number, self.code[:16]),
                (self.number, ''),
                (self.number, '<script>alert(1)</script>'),
                ('JC1999-000001', self.code),
                ('', self.code),
                ]:
            with self.subTest(number=number, code=code):
                page = self.assertInvalid(self.get(number, code))
                self.assertNotIn('<script>', page)

    def test_forgery_with_guessed_secret(self):
        """A code made with a guessed secret, or with the configuration's
        former secret by the former 64-bit scheme, is refused"""
        with Transaction().start(DB_NAME, 0, readonly=True):
            stay = Pool().get('quarantine.stay')(self.stay_id)
            key_id = stay.certificate_key
            guesses = [
                forged_code(secrets.token_bytes(32), key_id, stay),
                forged_code(b'', key_id, stay),
                forged_code(b'\0' * 32, key_id, stay),
                # the scheme of the certificates printed before the keys,
                # with a secret that was readable by every user
                hmac.new(secrets.token_hex(32).encode(), '|'.join([
                            stay.certificate_number, stay.identity_number,
                            str(stay.release_date)]).encode(),
                    hashlib.sha256).hexdigest()[:16].upper(),
                ]
        for code in guesses:
            with self.subTest(code=code):
                self.assertInvalid(self.get(self.number, code))

    def test_form_without_code(self):
        "Opened without a certificate: a form to type one in"
        response = self.get()
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('<form method="get">', page)
        self.assertIn('name="number"', page)
        self.assertIn('name="code"', page)
        self.assertIn('核验码', page)

    def test_rate_limit_by_address(self):
        """After the limit of requests from one address: HTTP 429 with a
        Chinese message, even for a valid certificate; another address is
        still answered"""
        limit, before = 4, VerificationAttempt.limit()
        if not config.has_section('quarantine'):
            config.add_section('quarantine')
        config.set('quarantine', 'verify_max_attempt', str(limit))
        try:
            for _ in range(limit):
                self.assertInvalid(self.get(self.number, 'AAAA'))
            response = self.get(self.number, self.code)
            self.assertEqual(response.status_code, 429)
            page = response.get_data(as_text=True)
            self.assertIn('过于频繁', page)
            self.assertNotIn('张*明', page)
            self.assertEqual(
                self.get(self.number, self.code).status_code, 429)
            self.assertValid(
                self.get(self.number, self.code, address='203.0.113.9'))
        finally:
            config.set('quarantine', 'verify_max_attempt', str(before))

    def test_rotation_keeps_old_certificates(self):
        """An administrator rotates the key: the next certificates are
        signed with the new one and the old ones still verify; other users
        may not rotate"""
        def rotate(transaction):
            pool = Pool()
            Stay = pool.get('quarantine.stay')
            User = pool.get('res.user')
            Configuration = pool.get('quarantine.configuration')
            ModelData = pool.get('ir.model.data')
            sites = [Stay(self.stay_id).site.id]
            admin, manager = User.create([{
                        'login': 'rotator', 'name': "Rotator",
                        'groups': [('add', [ModelData.get_id(
                                        'quarantine', 'group_admin')])],
                        }, {
                        'login': 'manager_r', 'name': "Manager",
                        'groups': [('add', [ModelData.get_id(
                                        'quarantine', 'group_site_manager')])],
                        'quarantine_sites': [('add', sites)],
                        }])
            old_key = Configuration(1).certificate_key
            with transaction.set_user(manager.id), check_access():
                with self.assertRaises(AccessButtonError):
                    Configuration.rotate_certificate_key([Configuration(1)])
            self.assertEqual(Configuration(1).certificate_key, old_key)
            with transaction.set_user(admin.id), check_access():
                Configuration.rotate_certificate_key([Configuration(1)])
                new_key = Configuration(1).certificate_key
            self.assertNotEqual(new_key, old_key)
            stay = release("李四", '202')
            self.assertEqual(stay.certificate_key, new_key)
            return (stay.certificate_number, stay.certificate_code())
        new = committed(rotate)
        self.assertValid(self.get(self.number, self.code))
        page = self.assertValid(self.get(*new))
        self.assertIn('李*', page)
        # the old certificate's code does not fit the new key
        self.assertInvalid(self.get(new[0], self.code))

    @with_transaction()
    def test_migration_of_the_configuration_secret(self):
        """The certificates printed with the configuration's secret (16
        hexadecimal characters) verify after the upgrade; the secret leaves
        the configuration; the next certificates use a new key"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Key = pool.get('quarantine.certificate.key')
        Configuration = pool.get('quarantine.configuration')
        cursor = Transaction().connection.cursor()
        # the database as the former version left it
        old_secret = secrets.token_hex(32)
        configuration_h = Configuration.__table_handler__('quarantine')
        configuration_h.add_column('certificate_secret', 'VARCHAR')
        configuration = Configuration.__table__()
        cursor.execute(*configuration.update(
                [configuration.certificate_secret], [old_secret]))
        stay_table = Stay.__table__()
        cursor.execute(*stay_table.update(
                [stay_table.certificate_key], [None]))
        cursor.execute(*Key.__table__().delete())
        Key._secret_cache.clear()

        Key.__register__('quarantine')

        stay = Stay(self.stay_id)
        self.assertEqual(stay.certificate_key, 'legacy')
        old_code = hmac.new(old_secret.encode(), '|'.join([
                    stay.certificate_number, stay.identity_number,
                    str(stay.release_date)]).encode(),
            hashlib.sha256).hexdigest()[:16].upper()
        self.assertEqual(stay.certificate_code(), old_code)
        self.assertTrue(Stay.verify_certificate(
                stay.certificate_number, old_code)['valid'])
        self.assertFalse(Configuration.__table_handler__(
                'quarantine').column_exist('certificate_secret'))
        self.assertNotIn(Key.current(), {None, 'legacy'})
        Key._secret_cache.clear()

    @with_transaction()
    def test_retired_key(self):
        """The certificates of a retired key verify as invalid and are no
        longer printed"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Key = pool.get('quarantine.certificate.key')
        Certificate = pool.get(
            'quarantine.stay.release_certificate', type='report')
        stay = Stay(self.stay_id)
        self.assertTrue(Stay.verify_certificate(self.number, self.code)[
                'valid'])
        key, = Key.search([('key_id', '=', stay.certificate_key)])
        Key.write([key], {'active': False})
        self.assertEqual(Stay.verify_certificate(self.number, self.code),
            {'valid': False})
        with self.assertRaises(UserError) as raised:
            Certificate.execute([stay.id], {})
        self.assertIn('证明由已停用的密钥签发', raised.exception.message)

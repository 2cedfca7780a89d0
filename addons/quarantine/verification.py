# This file is part of the quarantine module.  See README.md for licensing.
"""The keys of the certificates' verification codes and the public
verification page (routes.py serves it).

A certificate records the id of the key that signed it: rotating the key
signs the new certificates with a new one and the old ones still verify.
No group reads or writes the keys (ir.model.access and field access): only
this server code does.
"""
import base64
import datetime as dt
import hashlib
import hmac
import secrets
import urllib.parse
from html import escape

from sql import Null
from sql.aggregate import Count

import trytond.config as config
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.url import http_host

from reports.identity import mask_name

# The certificates printed before the keys: 16 hexadecimal characters
# (64 bits) of an HMAC keyed with the configuration's secret
LEGACY = 'legacy'
# 20 base32 characters: 100 bits of an HMAC-SHA256
HMAC_SHA256 = 'hmac-sha256'
CODE_LENGTH = 20
# What a verification request may carry: longer input is not a certificate
MAX_INPUT = 64
# The page is a public Chinese document, whatever the server's language
PAGE_LANGUAGE = 'zh_CN'
# routes.py serves it
VERIFY_PATH = 'quarantine/verify'


def normalize_code(code):
    "The code as typed or scanned: spaces, dashes and case do not matter"
    code = ''.join(str(code or '').split()).replace('-', '').upper()
    return code[:MAX_INPUT]


class CertificateKey(ModelSQL):
    "Certificate Key"
    __name__ = 'quarantine.certificate.key'
    __string__ = "Certificate Key"

    key_id = fields.Char("Key ID", required=True, readonly=True)
    secret = fields.Char("Secret", required=True, readonly=True, strip=False)
    scheme = fields.Selection([
            (LEGACY, "Legacy (64 bits)"),
            (HMAC_SHA256, "HMAC-SHA256 (100 bits)"),
            ], "Scheme", required=True, readonly=True)
    active = fields.Boolean("Active",
        help="The certificates signed by an inactive key no longer verify.")
    _secret_cache = Cache('quarantine.certificate.key.secret', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_id_unique', Unique(t, t.key_id),
                'quarantine.msg_certificate_key_unique'),
            ]

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Stay = pool.get('quarantine.stay')
        super().__register__(module)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(Count(table.id)))
        count, = cursor.fetchone()
        if count:
            return
        # Migration: the secret of the configuration (readable by every
        # user until then) becomes the legacy key of the certificates
        # already released, so that they still verify
        configuration_h = Configuration.__table_handler__(module)
        if configuration_h.column_exist('certificate_secret'):
            configuration = Configuration.__table__()
            cursor.execute(*configuration.select(
                    configuration.certificate_secret,
                    where=configuration.certificate_secret != Null))
            row = cursor.fetchone()
            if row:
                legacy_id = 'legacy'
                cursor.execute(*table.insert(
                        [table.key_id, table.secret, table.scheme,
                            table.active, table.create_uid,
                            table.create_date],
                        [[legacy_id, row[0], LEGACY, True, 0,
                                dt.datetime.now()]]))
                stay = Stay.__table__()
                cursor.execute(*stay.update(
                        [stay.certificate_key], [legacy_id],
                        where=(stay.certificate_number != Null)
                        & (stay.certificate_key == Null)))
            configuration_h.drop_column('certificate_secret')
        # Generated at install: the first certificate is signed with it
        key_id, secret = cls.new_secret()
        cursor.execute(*table.insert(
                [table.key_id, table.secret, table.scheme, table.active,
                    table.create_uid, table.create_date],
                [[key_id, secret, HMAC_SHA256, True, 0,
                        dt.datetime.now()]]))

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_scheme():
        return HMAC_SHA256

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._secret_cache.clear()

    @staticmethod
    def new_secret():
        "A new key id and 256 random bits"
        key_id = 'K%s-%s' % (
            dt.date.today().strftime('%Y%m%d'), secrets.token_hex(3).upper())
        return key_id, secrets.token_bytes(32).hex()

    @classmethod
    def current(cls, make=True):
        """The key id that signs the new certificates: the newest active
        key (one is made if there is none and make, in a writing
        transaction)"""
        with without_check_access():
            keys = cls.search([
                    ('scheme', '=', HMAC_SHA256),
                    ], order=[('id', 'DESC')], limit=1)
        if not keys:
            if not make:
                return None
            keys = [cls.rotate()]
        key, = keys
        return key.key_id

    @classmethod
    def rotate(cls):
        "Make the key of the next certificates; the others stay valid"
        key_id, secret = cls.new_secret()
        with without_check_access():
            key, = cls.create([{
                        'key_id': key_id,
                        'secret': secret,
                        'scheme': HMAC_SHA256,
                        }])
        return key

    @classmethod
    def secret_of(cls, key_id):
        "(scheme, secret) of the active key key_id, or None"
        if not key_id:
            return None
        found = cls._secret_cache.get(key_id, -1)
        if found != -1:
            return tuple(found) if found else None
        with without_check_access():
            keys = cls.search([('key_id', '=', key_id)], limit=1)
            found = (keys[0].scheme, keys[0].secret) if keys else None
        cls._secret_cache.set(key_id, found)
        return found

    @classmethod
    def sign(cls, key_id, number, identity_number, release_date):
        """The verification code of a certificate signed by key_id, or None
        when the key is unknown or inactive"""
        found = cls.secret_of(key_id)
        if not found:
            return None
        scheme, secret = found
        fields_ = [number or '', identity_number or '',
            str(release_date or '')]
        if scheme == LEGACY:
            return hmac.new(secret.encode(), '|'.join(fields_).encode(),
                hashlib.sha256).hexdigest()[:16].upper()
        digest = hmac.new(bytes.fromhex(secret),
            '|'.join([key_id] + fields_).encode(), hashlib.sha256).digest()
        return base64.b32encode(digest).decode()[:CODE_LENGTH]


def verification_url(number, code):
    """The address of the public page that verifies the certificate: what
    its QR code carries"""
    Configuration = Pool().get('quarantine.configuration')
    base = Configuration(1).verification_url or http_host()
    database = Transaction().database.name
    return '%s/%s/%s?%s' % (base.rstrip('/'),
        urllib.parse.quote(database, safe=''), VERIFY_PATH,
        urllib.parse.urlencode({'number': number, 'code': code}))


class VerificationAttempt(ModelSQL):
    """A request of the public verification page, by client network: as
    res.user.login.attempt limits the logins"""
    __name__ = 'quarantine.certificate.verification_attempt'
    __string__ = "Certificate Verification Attempt"

    ip_address = fields.Char("IP Address")
    ip_network = fields.Char("IP Network")

    @staticmethod
    def window():
        return config.getint('quarantine', 'verify_window', default=300)

    @staticmethod
    def limit():
        return config.getint('quarantine', 'verify_max_attempt', default=60)

    @classmethod
    def since(cls):
        return dt.datetime.now() - dt.timedelta(seconds=cls.window())

    @classmethod
    def network(cls):
        ip_address, ip_network = Transaction().remote_address()
        return (str(ip_address) if ip_address else '',
            str(ip_network) if ip_network else '')

    @classmethod
    def add(cls):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete(where=table.create_date < cls.since()))
        ip_address, ip_network = cls.network()
        cls.create([{
                    'ip_address': ip_address,
                    'ip_network': ip_network,
                    }])

    @classmethod
    def count(cls):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        _, ip_network = cls.network()
        cursor.execute(*table.select(Count(table.id),
                where=(table.ip_network == ip_network)
                & (table.create_date >= cls.since())))
        return cursor.fetchone()[0]

    @classmethod
    def exceeded(cls):
        return cls.count() >= cls.limit()


PAGE = '''<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{title}</title>
<style>
body {{ margin: 0; padding: 1rem; font-family: system-ui, "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 1.25rem;
  line-height: 1.5; color: #1a1a1a; background: #f4f4f4; }}
main {{ max-width: 32rem; margin: 0 auto; background: #fff;
  border-radius: .5rem; padding: 1.25rem; }}
h1 {{ font-size: 1.35rem; margin: 0 0 1rem; }}
.verdict {{ font-size: 2.5rem; font-weight: bold; text-align: center;
  padding: .75rem; border-radius: .5rem; margin-bottom: 1rem; }}
.valid {{ color: #fff; background: #2e7d32; }}
.invalid {{ color: #fff; background: #c62828; }}
dl {{ margin: 0; }} dt {{ color: #5f5f5f; font-size: 1rem; }}
dd {{ margin: 0 0 .75rem; font-size: 1.5rem; word-break: break-all; }}
label {{ display: block; margin-top: .75rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1.25rem;
  padding: .5rem; }}
button {{ margin-top: 1rem; width: 100%; font-size: 1.35rem;
  padding: .75rem; }}
p.note {{ font-size: 1rem; color: #5f5f5f; }}
</style>
</head>
<body><main>
<h1>{title}</h1>
{body}
</main></body>
</html>
'''


def _message(msg_id, **variables):
    return escape(gettext('quarantine.' + msg_id, **variables))


def page(body):
    return PAGE.format(title=_message('msg_verify_title'), body=body)


def form_page(number='', code=''):
    "The form a checkpoint fills in from the printed certificate"
    return page(
        '<p>%s</p>\n<form method="get">\n'
        '<label for="number">%s</label>\n'
        '<input id="number" name="number" value="%s" maxlength="%d" '
        'autocomplete="off" required>\n'
        '<label for="code">%s</label>\n'
        '<input id="code" name="code" value="%s" maxlength="%d" '
        'autocomplete="off" autocapitalize="characters" required>\n'
        '<button type="submit">%s</button>\n</form>' % (
            _message('msg_verify_prompt'),
            _message('msg_verify_number'), escape(number), MAX_INPUT,
            _message('msg_verify_code'), escape(code), MAX_INPUT,
            _message('msg_verify_submit')))


def result_page(result):
    "The verdict on a certificate: what verify_certificate returned"
    if not result['valid']:
        return page('<div class="verdict invalid">%s</div>\n<p>%s</p>' % (
                _message('msg_verify_invalid'),
                _message('msg_verify_invalid_detail')))
    rows = [
        ('msg_verify_number', result['number']),
        ('msg_verify_name', mask_name(result['name'])),
        ('msg_verify_site', result['site'] or ''),
        ('msg_verify_release_date', str(result['release_date'] or '')),
        ]
    return page('<div class="verdict valid">%s</div>\n<p>%s</p>\n<dl>\n%s\n'
        '</dl>\n<p class="note">%s</p>' % (
            _message('msg_verify_valid'),
            _message('msg_verify_valid_detail'),
            '\n'.join('<dt>%s</dt><dd>%s</dd>' % (
                    _message(label), escape(value))
                for label, value in rows),
            _message('msg_verify_note')))


def limited_page():
    return page('<div class="verdict invalid">%s</div>' % (
            _message('msg_verify_rate_limited')))

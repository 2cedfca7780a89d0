# This file is part of the quarantine module.  See README.md for licensing.
"""Residents' personal data.

Who reads a resident is said by the record rules (privacy.xml); what they
read of the identity numbers is said here: the site roles and the
administrators read them in full, every other user (transfer team,
logistics, read-only roles) reads them masked but for the last 4
characters, in what the server answers over RPC (read, search_read,
export, on_change).  The server's own code reads them in full whoever the
user, so that what it computes and writes stays true.

The exports and prints of residents' lists write an access log
(`quarantine.access.log`, `log_personal_data`) that administrators alone
read.
"""
import datetime as dt

from reports.identity import mask_identity
from stdnum.cn import ric

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

# The groups (module, XML id) that read identity numbers in full
FULL_IDENTITY_GROUPS = [
    ('quarantine', 'group_admin'),
    ('quarantine', 'group_site_manager'),
    ('quarantine', 'group_medical'),
    ('quarantine', 'group_clerk'),
    ]

# The fields that hold a resident's identity number (and the codes of
# party.identifier, that are one when their type is cn_ric)
IDENTITY_FIELDS = {
    ('party.party', 'quarantine_identity_number'),
    ('quarantine.stay', 'identity_number'),
    ('quarantine.stay', 'id_number'),
    ('quarantine.stay', 'companion_number'),
    }
IDENTIFIER = 'identifier'
WHOLE_OPERATORS = {'=', '!=', 'in', 'not in'}


def full_identity_groups():
    "The ids of the groups that read identity numbers in full"
    ModelData = Pool().get('ir.model.data')
    ids = set()
    for module, fs_id in FULL_IDENTITY_GROUPS:
        try:
            ids.add(ModelData.get_id(module, fs_id))
        except KeyError:
            pass
    return ids


def identity_in_full():
    "Whether the current user reads residents' identity numbers in full"
    transaction = Transaction()
    if not transaction.user:
        return True
    User = Pool().get('res.user')
    return bool(set(User.get_groups()) & full_identity_groups())


def masking():
    """Whether the identity numbers read now are masked: what a user who
    does not read them in full reads over RPC (the server's own reads are
    made without access check)"""
    return Transaction().check_access and not identity_in_full()


def mask(value):
    return mask_identity(value) if value else value


class IdentityMask:
    """Mask `_identity_fields` in what the users who do not read identity
    numbers in full read over RPC or export"""
    __slots__ = ()
    _identity_fields = ()

    @classmethod
    def _identity_masked_ids(cls, ids):
        "The ids among ids whose identity fields are masked"
        return set(ids)

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        names = [n for n in cls._identity_fields if n in fields_names]
        if names and result and masking():
            with without_check_access():
                masked = cls._identity_masked_ids([r['id'] for r in result])
            for row in result:
                if row['id'] in masked:
                    for name in names:
                        row[name] = mask(row.get(name))
        return result


class MaskedExport:
    """The exports of a user who does not read identity numbers in full
    carry them masked, whatever the path to them"""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        data = super().export_data(records, fields_names, header=header)
        if not identity_in_full():
            columns = {i: cls._identity_path(name.split('/'))
                for i, name in enumerate(fields_names)}
            columns = {i: kind for i, kind in columns.items() if kind}
            for row in data[1 if header else 0:]:
                for i, kind in columns.items():
                    value = row[i]
                    if isinstance(value, str) and (
                            kind is not IDENTIFIER or ric.is_valid(value)):
                        row[i] = mask(value)
        return data

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        if Transaction().check_access and not identity_in_full():
            domain = whole_numbers_only(cls, domain)
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def _identity_path(cls, path):
        return identity_path(cls, path)


def identity_path(Model, path):
    """Whether the path (field names) from Model leads to an identity
    number: True, or IDENTIFIER for the code of an identifier of any
    type"""
    for name in path[:-1]:
        field = Model._fields.get(name.split('.')[0].split(':')[0])
        if not field or not hasattr(field, 'get_target'):
            return False
        Model = field.get_target()
    name = path[-1]
    if Model.__name__ == 'party.identifier' and name in {
            'code', 'code_compact', 'rec_name'}:
        return IDENTIFIER
    return (Model.__name__, name) in IDENTITY_FIELDS


def whole_numbers_only(Model, domain):
    """The domain where a clause on an identity number by a part of it
    (like, ilike, <...) finds nothing: who reads the numbers masked finds a
    person by the whole number only"""
    if is_leaf(domain):
        name, operator = domain[0], domain[1]
        path = name.split('.')
        if operator in {'where', 'not where'}:
            field = Model._fields.get(path[0])
            if field is not None and hasattr(field, 'get_target'):
                return (name, operator, whole_numbers_only(
                        field.get_target(), domain[2]), *domain[3:])
            return domain
        if operator not in WHOLE_OPERATORS and identity_path(Model, path):
            return ('id', '=', None)
        return domain
    elif isinstance(domain, (list, tuple)):
        return [whole_numbers_only(Model, d)
            if isinstance(d, (list, tuple)) else d for d in domain]
    return domain


class Party(IdentityMask, MaskedExport, metaclass=PoolMeta):
    __name__ = 'party.party'
    _identity_fields = ('quarantine_identity_number',)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if clause[1] not in WHOLE_OPERATORS and not identity_in_full():
            domain = [d for d in domain
                if not (is_leaf(d) and d[0].startswith('identifiers.'))]
        return domain


class Identifier(IdentityMask, MaskedExport, metaclass=PoolMeta):
    "The resident identity card numbers (cn_ric) are masked"
    __name__ = 'party.identifier'
    _identity_fields = ('code', 'code_compact', 'rec_name')

    @classmethod
    def _identity_masked_ids(cls, ids):
        # in SQL: reading the type through the ORM would read the code
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        masked = set()
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(list(sub_ids))
                    & (table.type == 'cn_ric')))
            masked.update(i for i, in cursor)
        return masked


class Stay(IdentityMask, MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.stay'
    _identity_fields = ('identity_number', 'id_number', 'companion_number')

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if clause[1] not in WHOLE_OPERATORS and not identity_in_full():
            domain = [d for d in domain
                if not (is_leaf(d) and d[0] == 'identity_number')]
        return domain

    @fields.depends('identity_number', 'id_number')
    def on_change_person(self):
        super().on_change_person()
        if masking():
            self.identity_number = mask(self.identity_number)
            self.id_number = mask(self.id_number)


class Sample(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.sample'


class Monitoring(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.monitoring'


class HomeMonitoring(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.home_monitoring'


class Staff(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.staff'


class Room(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.room'


class Site(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.site'


class Address(MaskedExport, metaclass=PoolMeta):
    __name__ = 'party.address'


class ContactMechanism(MaskedExport, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'


class AccessLog(ModelSQL, ModelView):
    "Personal Data Access"
    __name__ = 'quarantine.access.log'
    __string__ = "Personal Data Access"

    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    logged_at = fields.DateTime("Date", readonly=True)
    what = fields.Char("Export or Print", readonly=True,
        help="The export or print that carried residents' personal data.")
    site = fields.Many2One('quarantine.site', "Site", readonly=True,
        ondelete='SET NULL',
        help="The site of the persons, when they are of one site.")
    sites = fields.Char("Sites", readonly=True,
        help="The sites of the persons.")
    person_count = fields.Integer("Persons", readonly=True)
    resource = fields.Char("Records", readonly=True,
        help="The model and the ids of what was exported or printed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('logged_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def log(cls, what, sites, count, records=None):
        """Log that the current user exported or printed `what`: the
        personal data of `count` persons of `sites` (sites or ids, None
        ignored), `records` being what was exported or printed.  Written
        by the server whatever the user's access, in a transaction of its
        own when the current one is read-only (a print)."""
        Site = Pool().get('quarantine.site')
        transaction = Transaction()
        site_ids = sorted({int(s) for s in (sites or []) if s is not None})
        with without_check_access():
            names = [s.code or s.name for s in Site.browse(site_ids)]
        resource = None
        if records:
            records = list(records)
            ids = [r.id for r in records]
            resource = records[0].__name__ + ': ' + ', '.join(
                map(str, ids[:20])) + (
                f' … ({len(ids)})' if len(ids) > 20 else '')
        values = {
            'user': transaction.user,
            'logged_at': dt.datetime.now(),
            'what': what,
            'site': site_ids[0] if len(site_ids) == 1 else None,
            'sites': ', '.join(names)[:1000],
            'person_count': count,
            'resource': resource,
            }
        if transaction.readonly:
            with transaction.new_transaction() as logging:
                with without_check_access():
                    cls.create([values])
                logging.commit()
        else:
            with without_check_access():
                cls.create([values])


def log_personal_data(what, sites, count, records=None):
    "Log an export or print of residents' personal data (AccessLog.log)"
    Pool().get('quarantine.access.log').log(what, sites, count, records)

# This file is part of the quarantine module.  See README.md for licensing.
"""Quick entry of a person: name, identity document and phone in one row.

People at the door type a resident's name, document type and number, phone
and category in one line of a stay (or of a transfer); the resident party
is found by the document number or created behind it, and the party form
is never needed.  Every path (a stay's form, the arrival list, the arrival
import, a transfer's persons, a create over RPC) finds or creates the
persons with `find_or_create_persons`: a number known to the database
gives its party, whose name must be the one typed; the same number twice
in a batch is refused.

The lookup reads every party whoever the user (a person returning after a
stay elsewhere keeps one party), but an error names only what the user may
read."""
from collections import namedtuple

from stdnum.cn import ric

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .common import readable
from .exceptions import EntryError
from .registry import create_residents

# The identity documents a person is entered with: the resident identity
# card of Chinese citizens, or the document of a foreigner or of a
# resident of Hong Kong, Macao or Taiwan.  They are the types of the
# party's identifier.
DOCUMENT_TYPES = [
    ('cn_ric', "Resident Identity Card"),
    ('passport', "Passport"),
    ('hkmopermit', "Mainland Travel Permit for HK and Macao Residents"),
    ('twpermit', "Mainland Travel Permit for Taiwan Residents"),
    ('otherdoc', "Other Document"),
    ]
DOCUMENT_CODES = [code for code, _ in DOCUMENT_TYPES]
DOCUMENT_SIZE = 30
IN_MAX = backend.MAX_QUERY_PARAMS
ENTRY_FIELDS = ('person_name', 'id_type', 'id_number')

Entry = namedtuple('Entry', ['name', 'type', 'number'])


def clean_name(name):
    return ' '.join((name or '').split())


def same_name(name, other):
    "Names match whatever their spaces and case ('张 三' is '张三')"
    return (''.join((name or '').split()).casefold()
        == ''.join((other or '').split()).casefold())


def compact_number(type_, number):
    "The number as stored: without spaces, in capitals"
    number = ''.join((number or '').split()).upper()
    if type_ == 'cn_ric' and number:
        number = ric.compact(number).upper()
    return number or None


def document_error(type_, number):
    "The translated reason why a document number is refused, or None"
    from .stay import identity_error
    if type_ == 'cn_ric':
        return identity_error(number)
    if (len(number) > DOCUMENT_SIZE
            or not all(c.isalnum() or c in '-()' for c in number)):
        return gettext('quarantine.msg_entry_document_format',
            number=number, size=DOCUMENT_SIZE)


def masked(number):
    "Whether the number is one read masked (see privacy.py), not typed"
    return '*' in (number or '')


def typed(values):
    """Whether the values of a row give its person by an entry: a number
    typed, or a name without a person chosen"""
    number = values.get('id_number')
    if number and masked(number) and values.get('person'):
        return False
    return bool(number or (values.get('person_name')
            and not values.get('person')))


def entry_of(values):
    "The checked Entry of the values of a row, the number compacted"
    type_ = values.get('id_type') or 'cn_ric'
    number = compact_number(type_, values.get('id_number'))
    name = clean_name(values.get('person_name'))
    if type_ not in DOCUMENT_CODES:
        type_ = 'otherdoc'
    if not number:
        raise EntryError(gettext('quarantine.msg_entry_number_required',
                name=name))
    if not name:
        raise EntryError(gettext('quarantine.msg_entry_name_required',
                number=number))
    message = document_error(type_, number)
    if message:
        raise EntryError(message)
    return Entry(name, type_, number)


def document_of(party):
    """The (type, number) of the identity document of the party: the
    resident identity card, else a document of DOCUMENT_TYPES"""
    found = None
    for identifier in party.identifiers:
        if identifier.type == 'cn_ric':
            return identifier.type, identifier.code
        if identifier.type in DOCUMENT_CODES and not found:
            found = identifier.type, identifier.code
    return found or (None, None)


def find_persons(entries):
    "Return {(type, number): party} of the entries known to the database"
    Identifier = Pool().get('party.identifier')
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry.type, set()).add(entry.number)
    found = {}
    with without_check_access():
        for type_, numbers in by_type.items():
            for sub_numbers in grouped_slice(sorted(numbers), IN_MAX):
                for identifier in Identifier.search([
                            ('type', '=', type_),
                            ('code', 'in', list(sub_numbers)),
                            ], order=[('id', 'ASC')]):
                    found.setdefault(
                        (type_, identifier.code), identifier.party)
    return found


def find_or_create_persons(entries, refuse=None, own=None):
    """Return the party ids of `entries` (Entry), in the same order: the
    party that holds the document number, or a new one.

    A number repeated in the batch, or known under another name, is
    refused, naming the other person only to a user who may read them;
    `refuse(parties)` may refuse the parties found (an open stay).  `own`
    maps an entry's index to the party that row already had: a name typed
    differently for it corrects that party's name."""
    Party = Pool().get('party.party')
    seen = set()
    for entry in entries:
        key = entry.type, entry.number
        if key in seen:
            raise EntryError(gettext('quarantine.msg_entry_repeated',
                    number=entry.number))
        seen.add(key)
    found = find_persons(entries)
    known = [found[(e.type, e.number)] for e in entries
        if (e.type, e.number) in found]
    renames, mismatches = {}, []
    for index, entry in enumerate(entries):
        party = found.get((entry.type, entry.number))
        if not party or same_name(party.name, entry.name):
            continue
        if own and own.get(index) == party and len(
                party.quarantine_stays) <= 1:
            renames[party] = entry.name
            continue
        mismatches.append((entry, party))
    if mismatches:
        entry, party = mismatches[0]
        if readable(Party, [party.id]):
            message = gettext('quarantine.msg_entry_name_mismatch',
                number=entry.number, person=party.name, name=entry.name)
        else:
            message = gettext('quarantine.msg_entry_name_mismatch_hidden',
                number=entry.number, name=entry.name)
        raise EntryError(message)
    if refuse and known:
        refuse(known)
    for party, name in renames.items():
        Party.write([party], {'name': name})
    new = [e for e in entries if (e.type, e.number) not in found]
    created = create_residents([(e.name, e.number, e.type) for e in new])
    found.update(((e.type, e.number), Party(i))
        for e, i in zip(new, created))
    return [found[(e.type, e.number)].id for e in entries]


class PersonEntry:
    """A record of a person entered by name, document and phone: the
    entry fields (ENTRY_FIELDS) give the `person` (a many2one to
    party.party) on create and write, through find_or_create_persons"""
    __slots__ = ()

    person_name = fields.Function(fields.Char("Name", size=100,
            help="The person's name as on the identity document."),
        'get_entry', setter='set_entry', searcher='search_entry')
    id_type = fields.Function(fields.Selection(
            [(None, "")] + DOCUMENT_TYPES, "Document Type",
            help="The resident identity card, or the document of a "
            "foreigner or of a resident of Hong Kong, Macao or Taiwan."),
        'get_entry', setter='set_entry', searcher='search_entry')
    id_number = fields.Function(fields.Char("Document Number",
            size=DOCUMENT_SIZE,
            help="The person is found by this number, or created with it."),
        'get_entry', setter='set_entry', searcher='search_entry')

    @classmethod
    def default_id_type(cls):
        return 'cn_ric'

    @classmethod
    def get_entry(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            person = record.person
            type_, number = document_of(person) if person else (None, None)
            values = {
                'person_name': person.name if person else None,
                'id_type': type_,
                'id_number': number,
                }
            for name in names:
                result[name][record.id] = values[name]
        return result

    @classmethod
    def search_entry(cls, name, clause):
        "Search the person's name or identity documents"
        target = {
            'person_name': 'person.name',
            'id_type': 'person.identifiers.type',
            'id_number': 'person.identifiers.code',
            }[name]
        return [(target, *clause[1:])]

    @classmethod
    def set_entry(cls, records, name, value):
        # create and write turn the entry into the person
        pass

    @fields.depends('id_type', 'id_number', 'person_name', 'person')
    def on_change_id_number(self):
        "The person known by the number, when the user may read them"
        Party = Pool().get('party.party')
        type_ = self.id_type or 'cn_ric'
        number = compact_number(type_, self.id_number)
        self.id_number = number
        if not number or document_error(type_, number):
            return
        found = find_persons([Entry(None, type_, number)])
        party = found.get((type_, number))
        if party and readable(Party, [party.id]):
            self.person = party
            if not self.person_name:
                self.person_name = party.name

    on_change_id_type = on_change_id_number

    @classmethod
    def _entry_refuse(cls, parties, records=()):
        "Refuse the parties found for the entries (nothing by default)"

    @classmethod
    def _entry_access(cls, mode):
        "The model's access, checked before the rules of the entries"
        ModelAccess = Pool().get('ir.model.access')
        if Transaction().check_access:
            ModelAccess.check(cls.__name__, mode)

    @classmethod
    def resolve_entries(cls, vlist):
        """Return the values of new records with their person found or
        created from their entry fields (which are removed)"""
        cls._entry_access('create')
        vlist = [v.copy() for v in vlist]
        rows = [v for v in vlist if typed(v)]
        if rows:
            entries = [entry_of(v) for v in rows]
            ids = find_or_create_persons(entries, refuse=cls._entry_refuse)
            for values, party_id in zip(rows, ids):
                values['person'] = party_id
        for values in vlist:
            for name in ENTRY_FIELDS:
                values.pop(name, None)
        return vlist

    @classmethod
    def resolve_entry_writes(cls, args):
        """Return the arguments of write with the entry fields turned into
        the person of each record written"""
        if not any(set(ENTRY_FIELDS) & v.keys() for v in args[1::2]):
            return args
        cls._entry_access('write')
        result = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if masked(values.get('id_number')):
                # the number as it was read, not changed
                values = {k: v for k, v in values.items()
                    if k != 'id_number'}
            if not set(ENTRY_FIELDS) & values.keys():
                result.extend([records, values])
                continue
            rest = {k: v for k, v in values.items()
                if k not in ENTRY_FIELDS}
            for record in records:
                row = {n: values.get(n, getattr(record, n))
                    for n in ENTRY_FIELDS}
                party_id, = find_or_create_persons([entry_of(row)],
                    refuse=lambda p, r=record: cls._entry_refuse(p, [r]),
                    own={0: record.person} if record.person else None)
                result.extend([[record], {**rest, 'person': party_id}])
        return result

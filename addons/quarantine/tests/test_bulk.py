# This file is part of the quarantine module.  See README.md for licensing.
"""The bulk path (registry.py) keeps the ORM's contract: the same rows as
create/write, the user's record rules and field access, validation"""
import datetime as dt
from contextlib import contextmanager
from unittest.mock import patch

from sql import Column, Table

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.quarantine.arrival_import import Arrival
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, create_person, create_site,
    create_stay, make_ric, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

# What differs between two identical records written at two moments
AUDIT_COLUMNS = {'id', 'create_uid', 'create_date', 'write_uid',
    'write_date'}


def arrival(row, name, birth, sequence, companion_of=None, group=None,
        category='close_contact', exposure=TODAY - dt.timedelta(days=2),
        special_needs=None, consent=None):
    return Arrival(name=name, identity_number=make_ric(birth, sequence),
        phone=f'1380000{row:04d}', category=category,
        exposure_date=exposure, origin="航班CA1234", group=group,
        community="和平社区", companion_of=companion_of, notes=None,
        row=row, special_needs=special_needs,
        consent_signed_by=consent and name,
        consent_signed_at=consent and dt.datetime(2022, 5, 10, 8, 30))


def bus():
    "Four arrivals: two adults of a family, a child and its guardian"
    child = arrival(3, "小明", '20160301', '135')
    return [
        arrival(1, "王一", '19800101', '111', group="王家",
            special_needs=['chronic', 'disabled']),
        arrival(2, "王二", '19820202', '122', group="王家",
            category='secondary_contact', exposure=None),
        child,
        arrival(4, "李母", '19850505', '144',
            companion_of=child.identity_number, consent=True),
        ]


def regime():
    Regime = Pool().get('quarantine.regime')
    regime, = Regime.search([('code', '=', 'centralized_14')])
    return regime


def table_rows(table, where_column, values):
    "The rows of `table` whose `where_column` is in `values`, as dicts"
    cursor = Transaction().connection.cursor()
    values = list(values)
    if not values:
        return []
    table = Table(table)
    cursor.execute(*table.select(
            where=Column(table, where_column).in_(values)))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def snapshot(numbers, site):
    """The rows the intake of `numbers` wrote: parties, identifiers, stays,
    samples and the site's rooms, the new records' ids replaced by the
    identity number they belong to"""
    identifiers = table_rows('party_identifier', 'code', numbers)
    number_of_party = {i['party']: i['code'] for i in identifiers}
    parties = table_rows('party_party', 'id', number_of_party)
    stays = table_rows('quarantine_stay', 'person', number_of_party)
    number_of_stay = {s['id']: s['identity_number'] for s in stays}
    samples = table_rows('quarantine_sample', 'stay', number_of_stay)
    rooms = table_rows('quarantine_room', 'site', [site.id])

    def clean(row, **references):
        row = {k: v for k, v in row.items() if k not in AUDIT_COLUMNS}
        for column, numbers in references.items():
            row[column] = numbers.get(row[column])
        return row
    result = {
        'party': {number_of_party[p['id']]: clean(p) for p in parties},
        'identifier': {i['code']: clean(i, party=number_of_party)
            for i in identifiers},
        'stay': {s['identity_number']: clean(s, person=number_of_party,
                companion_of=number_of_stay) for s in stays},
        'sample': sorted((clean(s, stay=number_of_stay) for s in samples),
            key=lambda s: (s['stay'], s['day'], s['exit_sample'])),
        'room': {r['id']: clean(r) for r in rooms},
        }
    # the time of admission is the time of the run: both set
    for stay in result['stay'].values():
        stay['admitted_at'] = stay['admitted_at'] is not None
    return result


@contextmanager
def undone():
    "Undo what the block wrote, so that another path can write it again"
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    cursor.execute('SAVEPOINT quarantine_parity')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT quarantine_parity')
        for cache in transaction.cache.values():
            cache.clear()
        transaction.counter += 1


class BulkTestCase(ActivatedTestCase):
    "The bulk path and the ORM"

    def site_manager(self, site):
        "A site manager of `site` (and of no other)"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        manager, = User.create([{'login': f'manager_{site.code}',
                    'name': f"Manager {site.code}",
                    'groups': [('add', [ModelData.get_id(
                                    'quarantine', 'group_site_manager')])],
                    'quarantine_sites': [('add', [site.id])]}])
        return manager

    @with_transaction()
    def test_bulk_and_orm_write_the_same_rows(self):
        """The same arrivals, imported, allocated and admitted in bulk or
        created, given their rooms and admitted by the ORM, give the same
        parties, identifiers, stays, rooms and samples"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        Party = pool.get('party.party')
        site = active_site(rooms=6, floors=2)
        arrivals = bus()
        numbers = [a.identity_number for a in arrivals]
        sequence = Party._code_sequence()
        number_next = sequence.number_next

        # the bulk path: every write in a few statements
        with undone():
            with patch.object(Stay, '_bulk_transition_records', 1), \
                    patch.object(Room, '_bulk_transition_records', 1):
                stays = Stay.import_arrivals(arrivals, regime(), TODAY, site)
                Stay.allocate(stays, site)
            bulk = snapshot(numbers, site)

        # the ORM: create, write and the transitions' writes
        sequence.number_next = number_next
        sequence.save()
        persons = Party.create([{'name': a.name, 'identifiers': [
                        ('create', [{'type': 'cn_ric',
                                    'code': a.identity_number}])]}
                for a in arrivals])
        person_of = dict(zip(numbers, persons))
        stay_of = {}
        for heads in [True, False]:
            for a in arrivals:
                if bool(a.companion_of) == heads:
                    continue
                companion = stay_of.get(a.companion_of)
                stay_of[a.identity_number] = create_stay(
                    person_of[a.identity_number], site,
                    category=a.category, exposure_date=a.exposure_date,
                    home_days_served=0, phone=a.phone, origin=a.origin,
                    group_name=a.group, community=a.community,
                    notes=a.notes, companion_of=companion and companion.id,
                    guardian_consent=bool(companion),
                    consent_signed_by=a.consent_signed_by,
                    consent_signed_at=a.consent_signed_at,
                    special_needs=a.special_needs)
        for number, stay in stay_of.items():
            Stay.write([stay], {'room': bulk['stay'][number]['room']})
        Stay.admit(Stay.browse(list(stay_of.values())))
        orm = snapshot(numbers, site)

        self.assertEqual(len(bulk['stay']), 4)
        self.assertEqual(len(bulk['sample']), 4 * 6)
        for table in ['party', 'identifier', 'stay', 'room', 'sample']:
            with self.subTest(table=table):
                self.assertEqual(bulk[table], orm[table])

    @with_transaction()
    def test_bulk_import_refused_in_another_site(self):
        """A site manager of A cannot create stays in B by an arrival
        list: nothing is written"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Party = pool.get('party.party')
        site_a = active_site(rooms=4, code='A')
        site_b = active_site(rooms=4, code='B')
        manager = self.site_manager(site_a)
        parties = Party.search_count([])
        with Transaction().set_user(manager.id), check_access():
            with self.assertRaisesRegex(AccessError, 'Own sites'):
                with savepoint():
                    Stay.import_arrivals(bus(), regime(), TODAY, site_b)
        self.assertEqual(Stay.search_count([]), 0)
        self.assertEqual(Party.search_count([]), parties)

        # the manager's own site takes them
        with Transaction().set_user(manager.id), check_access():
            stays = Stay.import_arrivals(bus(), regime(), TODAY, site_a)
        self.assertEqual({s.site for s in stays}, {site_a})

    @with_transaction()
    def test_bulk_allocation_refused_in_another_site(self):
        """A site manager of A cannot allocate arrivals to B's rooms, nor
        admit them into B's rooms in bulk: nothing changes"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site_a = active_site(rooms=4, code='A')
        site_b = active_site(rooms=4, code='B')
        manager = self.site_manager(site_a)
        stays = Stay.import_arrivals(bus(), regime(), TODAY, site_a)
        with Transaction().set_user(manager.id), check_access():
            with self.assertRaisesRegex(AccessError, 'Own sites'):
                with savepoint():
                    Stay.allocate(Stay.browse(stays), site_b)
        # B's stays (written by its own managers) in B's rooms
        in_b = [create_stay(create_person(f"B{i}", sequence=f'9{i}1'),
                site_b, room) for i, room in enumerate(site_b.rooms[:2])]
        with Transaction().set_user(manager.id), check_access(), \
                patch.object(Stay, '_bulk_transition_records', 1), \
                patch.object(Room, '_bulk_transition_records', 1):
            with self.assertRaises(AccessError):
                with savepoint():
                    Stay.admit(Stay.browse(in_b))
            # a bulk write of B's rooms directly
            with self.assertRaisesRegex(AccessError, 'Own sites'):
                with savepoint():
                    Room.occupy(Room.browse(site_b.rooms))
        self.assertEqual(
            {s.state for s in Stay.browse(stays + in_b)}, {'draft'})
        self.assertEqual({s.room for s in Stay.browse(stays)}, {None})
        self.assertEqual(
            {r.state for r in Room.browse(site_a.rooms + site_b.rooms)},
            {'available'})

        # the manager's own site takes them
        with Transaction().set_user(manager.id), check_access(), \
                patch.object(Stay, '_bulk_transition_records', 1), \
                patch.object(Room, '_bulk_transition_records', 1):
            Stay.allocate(Stay.browse(stays), site_a)
        self.assertEqual(
            {s.state for s in Stay.browse(stays)}, {'admitted'})

    @with_transaction()
    def test_bulk_refuses_draft_site(self):
        """Arrivals are neither imported into nor admitted into a site that
        is not active, in bulk as by the ORM"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        draft = create_site(code='D', rooms=4)
        manager = self.site_manager(draft)
        with Transaction().set_user(manager.id), check_access():
            with self.assertRaises(DomainValidationError):
                with savepoint():
                    Stay.import_arrivals(bus(), regime(), TODAY, draft)
            self.assertEqual(Stay.search_count([]), 0)
            with self.assertRaisesRegex(UserError, 'not active'):
                with savepoint():
                    Stay.allocate(
                        Stay.import_arrivals(bus(), regime(), TODAY),
                        draft)
        self.assertEqual(Stay.search_count([('site', '!=', None)]), 0)

        # a site back to draft keeps its draft stays: none is admitted
        site = active_site(rooms=4, code='E')
        stays = [create_stay(create_person(f"E{i}", sequence=f'8{i}1'),
                site, room) for i, room in enumerate(site.rooms)]
        Site.close([site])
        Site.draft([site])
        for bulk in [1, 100]:
            with self.subTest(bulk=bulk), \
                    patch.object(Stay, '_bulk_transition_records', bulk), \
                    patch.object(Room, '_bulk_transition_records', bulk):
                with self.assertRaisesRegex(UserError, 'not active'):
                    with savepoint():
                        Stay.admit(Stay.browse(stays))
        self.assertEqual({s.state for s in Stay.browse(stays)}, {'draft'})

    @with_transaction()
    def test_bulk_checks_field_access(self):
        """A field the user may not write is not written in bulk either"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        FieldAccess = pool.get('ir.model.field.access')
        site = active_site(rooms=4, code='A')
        manager = self.site_manager(site)
        FieldAccess.create([{'model': 'quarantine.stay',
                    'field': 'community', 'perm_write': False}])
        with Transaction().set_user(manager.id), check_access():
            with self.assertRaises(AccessError):
                with savepoint():
                    Stay.import_arrivals(bus(), regime(), TODAY, site)
        self.assertEqual(Stay.search_count([]), 0)

    @with_transaction()
    def test_bulk_validates_field_domains(self):
        """A batch written in bulk is validated as the ORM validates it: a
        room of another site than the stay's is refused"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        site_a = active_site(rooms=4, code='A')
        site_b = active_site(rooms=4, code='B')
        stays = Stay.import_arrivals(bus(), regime(), TODAY, site_a)
        from trytond.modules.quarantine.registry import update_rows
        with self.assertRaises(DomainValidationError):
            with savepoint():
                update_rows(Stay, ['room'],
                    [(s.id, r.id) for s, r in zip(stays, site_b.rooms)])
        self.assertEqual({s.room for s in Stay.browse(stays)}, {None})

# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import io
from decimal import Decimal
from unittest.mock import patch

from pypdf import PdfReader
from sql import Column

from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError, ValidationError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase,
    TODAY, active_site, create_person, create_stay, make_ric, savepoint,
    signed_consent)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def transitions(records):
    """Return the transitions ir.model.log holds of the records, as
    (id, target) in order"""
    Log = Pool().get('ir.model.log')
    # the ORM logs at commit; the tests roll back
    Transaction()._store_log_records()
    return [(int(l.resource.id), l.target) for l in Log.search([
                ('resource', 'in', [str(r) for r in records]),
                ('event', '=', 'transition'),
                ], order=[('id', 'ASC')])]


class StayTestCase(ActivatedTestCase):
    "Residents, stays and room assignment"

    @with_transaction()
    def test_identity_number_refused(self):
        "A wrong check digit or an impossible birth date is refused"
        Party = Pool().get('party.party')
        wrong_check = make_ric('19800101')[:-1] + (
            '0' if make_ric('19800101')[-1] != '0' else '1')
        impossible = make_ric('19801332')
        for code in [wrong_check, impossible, '1101051980']:
            with self.subTest(code=code):
                with self.assertRaises(UserError):
                    with savepoint():
                        Party.create([{'name': "X", 'identifiers': [
                                        ('create', [{'type': 'cn_ric',
                                                    'code': code}])]}])
        self.assertEqual(Party.search_count([('name', '=', "X")]), 0)

    @with_transaction()
    def test_identity_born_after_today_refused(self):
        """A number born after today (2150) is refused as a resident's
        identifier and as a stay's, naming the birth date"""
        Party = Pool().get('party.party')
        Stay = Pool().get('quarantine.stay')
        future = make_ric('21500101')
        with self.assertRaisesRegex(UserError, '2150-01-01'):
            with savepoint():
                Party.create([{'name': "未来", 'identifiers': [
                                ('create', [{'type': 'cn_ric',
                                            'code': future}])]}])
        self.assertEqual(Party.search_count([('name', '=', "未来")]), 0)
        # a party written past the identifier's check (the bulk path)
        person = create_person("未来")
        Identifier = Pool().get('party.identifier')
        identifier, = person.identifiers
        table = Identifier.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.code], [future], where=table.id == identifier.id))
        with self.assertRaisesRegex(ValidationError, 'after today'):
            with savepoint():
                create_stay(Pool().get('party.party')(person.id))
        self.assertEqual(Stay.search_count([]), 0)

    @with_transaction()
    def test_identity_facts(self):
        "Birth date, sex and age come from the identity number"
        person = create_person("小明", birth='20130215', sequence='135')
        stay = create_stay(person)
        self.assertEqual(stay.identity_number, make_ric('20130215', '135'))
        self.assertEqual(stay.birth_date, dt.date(2013, 2, 15))
        self.assertEqual(stay.sex, 'male')
        self.assertEqual(stay.age, 9)

    @with_transaction()
    def test_end_date_from_regime(self):
        "Day 1 is the last exposure for the 14-day regime"
        stay = create_stay(create_person("A"))
        self.assertEqual(stay.end_date, TODAY + dt.timedelta(days=11))
        Stay = Pool().get('quarantine.stay')
        Stay.write([stay], {'home_days_served': 3})
        self.assertEqual(stay.end_date, TODAY + dt.timedelta(days=8))

    @with_transaction()
    def test_end_date_change_needs_reason(self):
        "Extending a stay needs a reason and is kept in the history"
        Stay = Pool().get('quarantine.stay')
        stay = create_stay(create_person("A"))
        new_end = stay.end_date + dt.timedelta(days=7)
        with self.assertRaisesRegex(UserError, 'reason'):
            Stay.change_end_dates([stay], new_end, '  ')
        Stay.change_end_dates([stay], new_end, "Positive contact on floor")
        self.assertEqual(stay.end_date, new_end)
        change, = stay.end_date_changes
        self.assertEqual(change.new_end_date, new_end)
        self.assertEqual(change.old_end_date, new_end - dt.timedelta(days=7))
        # A reasoned end date survives later edits of the dates
        Stay.write([stay], {'home_days_served': 2})
        self.assertEqual(stay.end_date, new_end)
        with self.assertRaisesRegex(ValidationError, 'cannot be before'):
            Stay.change_end_dates(
                [stay], TODAY - dt.timedelta(days=1), "Typo")

    @with_transaction()
    def test_second_open_stay_refused(self):
        "The same person cannot open two stays"
        person = create_person("A")
        create_stay(person)
        with self.assertRaises(SQLConstraintError):
            create_stay(person)

    @with_transaction()
    def test_single_occupancy(self):
        "A second adult in an admitted room is refused, also below Python"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        room = site.rooms[0]
        first = create_stay(create_person("A", sequence='111'), site, room)
        second = create_stay(create_person("B", sequence='222'), site, room)
        Stay.admit([first])
        self.assertEqual(room.state, 'occupied')
        with self.assertRaisesRegex(UserError, 'is there'):
            Stay.admit([second])
        # Without the Python check the database refuses it
        with self.assertRaisesRegex(SQLConstraintError, 'already occupied'):
            Stay.write([second], {'state': 'admitted'})

    @with_transaction()
    def test_child_with_guardian(self):
        "A child of 14 or younger shares its room with one guardian"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        room = site.rooms[0]
        child = create_stay(
            create_person("Child", birth='20130601', sequence='111'),
            site, room)
        guardian = create_stay(create_person("Mother", sequence='222'),
            site, room, companion_of=child.id, **signed_consent("Mother"))
        Stay.admit([child, guardian])
        self.assertEqual((child.state, guardian.state),
            ('admitted', 'admitted'))
        self.assertEqual(site.occupied_count, 1)
        self.assertEqual(site.resident_count, 2)

    @with_transaction()
    def test_companion_needs_consent(self):
        """"陪护前需签署知情同意书" (Henan L571): a child and its guardian
        are not admitted, by the button or the allocation, until the
        guardian's consent is recorded with who signed it and when"""
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        room = site.rooms[0]
        child = create_stay(
            create_person("Child", birth='20130601', sequence='111'),
            site, room)
        guardian = create_stay(create_person("Mother", sequence='222'),
            site, room, companion_of=child.id)
        for admit in [lambda: Stay.admit([child, guardian]),
                lambda: Stay.allocate([child, guardian], site)]:
            with self.assertRaisesRegex(UserError,
                    '"Mother" shares the room of "Child": record the '
                    'guardian.s signed informed consent'):
                with savepoint():
                    admit()
            self.assertEqual([s.state for s in Stay.browse([child, guardian])],
                ['draft', 'draft'])
            self.assertEqual(site.occupied_count, 0)
            self.assertEqual(
                Pool().get('quarantine.sample').search_count([]), 0)
        # half a consent is refused when written, and nothing changes
        for values in [{'guardian_consent': True},
                {'guardian_consent': True, 'consent_signed_by': "Mother"},
                {'consent_signed_by': "Mother",
                    'consent_signed_at': dt.datetime(2022, 5, 10, 8)}]:
            with self.assertRaises(ValidationError):
                with savepoint():
                    Stay.write([guardian], values)
        self.assertEqual((guardian.guardian_consent,
                guardian.consent_signed_by, guardian.consent_signed_at),
            (False, None, None))
        with self.assertRaisesRegex(ValidationError, 'in the future'):
            with savepoint():
                Stay.write([guardian], dict(signed_consent("Mother"),
                        consent_signed_at=dt.datetime.now()
                        + dt.timedelta(days=1)))
        Stay.write([guardian], signed_consent("Mother"))
        Stay.admit([child, guardian])
        self.assertEqual((child.state, guardian.state),
            ('admitted', 'admitted'))
        self.assertEqual(guardian.consent_signed_at,
            dt.datetime(2022, 5, 10, 8, 30))

    @with_transaction()
    def test_consent_on_change(self):
        "Ticking the consent proposes the guardian and now; unticking clears"
        Stay = Pool().get('quarantine.stay')
        stay = Stay(person_name="王芳", guardian_consent=True)
        stay.on_change_guardian_consent()
        self.assertEqual(stay.consent_signed_by, "王芳")
        self.assertLessEqual(stay.consent_signed_at, dt.datetime.now())
        stay.guardian_consent = False
        stay.on_change_guardian_consent()
        self.assertEqual((stay.consent_signed_by, stay.consent_signed_at),
            (None, None))

    @with_transaction()
    def test_draft_stay_offered_free_rooms(self):
        "Picking a room for a draft stay offers the available rooms only"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=3)
        taken, cleaning, free = site.rooms
        Stay.admit([create_stay(create_person("A"), site, taken)])
        Room.to_cleaning([cleaning])
        self.assertIn('quarantine_available_rooms', Stay.room.search_context)
        with Transaction().set_context(quarantine_available_rooms=True):
            self.assertEqual(Room.search([('site', '=', site.id)]), [free])
        self.assertEqual(len(Room.search([('site', '=', site.id)])), 3)

    @with_transaction()
    def test_companion_older_than_14_refused(self):
        "Two adults, or a 15-year-old and an adult, cannot share"
        site = active_site(rooms=2)
        room = site.rooms[0]
        teen = create_stay(
            create_person("Teen", birth='20070101', sequence='111'),
            site, room)
        with self.assertRaisesRegex(ValidationError, '14 or younger'):
            create_stay(create_person("Father", sequence='222'), site, room,
                companion_of=teen.id)

    @with_transaction()
    def test_cancel_sends_room_to_cleaning(self):
        "The room a resident leaves goes to terminal disinfection"
        Stay = Pool().get('quarantine.stay')
        Room = Pool().get('quarantine.room')
        site = active_site(rooms=1)
        room, = site.rooms
        stay = create_stay(create_person("A"), site, room)
        Stay.admit([stay])
        with self.assertRaisesRegex(UserError, 'still occupied'):
            Room.to_cleaning([room])
        Stay.cancel([stay])
        self.assertEqual(Room(room.id).state, 'cleaning')
        self.assertIsNotNone(stay.left_at)

    @with_transaction()
    def test_leave_with_companion(self):
        """A room with a child and its guardian stays occupied until both
        left it; leaving together sends it to cleaning at once"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=2)
        pairs = []
        for i, room in enumerate(site.rooms):
            child = create_stay(create_person(f"Child {i}",
                    birth='20130601', sequence=f'1{i}1'), site, room)
            guardian = create_stay(create_person(f"Mother {i}",
                    sequence=f'2{i}2'), site, room,
                companion_of=child.id, **signed_consent(f"Mother {i}"))
            pairs.append((child, guardian))
        Stay.admit([s for p in pairs for s in p])
        (child, guardian), together = pairs

        Stay.transfer_out([child])
        self.assertEqual(Stay(child.id).state, 'transferred')
        self.assertIsNotNone(Stay(child.id).left_at)
        self.assertEqual(Room(child.room.id).state, 'occupied')
        self.assertFalse(Room(child.room.id).turnovers)
        Stay.cancel([guardian])
        self.assertEqual(Stay(guardian.id).state, 'cancelled')
        self.assertEqual(Room(child.room.id).state, 'cleaning')
        turnover, = Room(child.room.id).turnovers

        Stay.transfer_out(list(together))
        self.assertEqual([s.state for s in Stay.browse(together)],
            ['transferred', 'transferred'])
        self.assertEqual(Room(together[0].room.id).state, 'cleaning')

    @with_transaction()
    def test_refused_transition_changes_nothing(self):
        """Releasing a draft stay or admitting an admitted one changes
        nothing: no state, no time, no room, no sample, no log"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=2)
        draft = create_stay(create_person("A", sequence='111'), site,
            site.rooms[0])
        admitted = create_stay(create_person("B", sequence='222'), site,
            site.rooms[1])
        Stay.admit([admitted])
        samples = len(Stay(admitted.id).samples)
        logged = transitions([draft, admitted])

        Stay.release([draft])
        Stay.transfer_out([draft])
        Stay.admit([admitted])
        Stay.draft([admitted])
        draft, admitted = Stay.browse([draft, admitted])
        self.assertEqual((draft.state, admitted.state), ('draft', 'admitted'))
        self.assertIsNone(draft.left_at)
        self.assertIsNone(draft.certificate_number)
        self.assertIsNone(draft.admitted_at)
        self.assertEqual([r.state for r in Room.browse(site.rooms)],
            ['available', 'occupied'])
        self.assertEqual(len(admitted.samples), samples)
        self.assertEqual(transitions([draft, admitted]), logged)

    @with_transaction()
    def test_transitions_logged(self):
        """Every change of state is logged, whether written by the ORM or,
        for a batch, in a few statements"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        for bulk in [False, True]:
            with self.subTest(bulk=bulk):
                site = active_site(rooms=2, code=f'B{bulk:d}')
                stays = [create_stay(create_person(n,
                            sequence=f'{bulk:d}{i}1'), site, room)
                    for i, (n, room) in enumerate(zip("AB", site.rooms))]
                size = 1 if bulk else 100
                with patch.object(Stay, '_bulk_transition_records', size), \
                        patch.object(Room, '_bulk_transition_records', size):
                    Stay.admit(stays)
                    Stay.cancel(stays[:1])
                    Stay.transfer_out(stays)
                    Stay.draft(stays)
                first, second = [s.id for s in stays]
                self.assertEqual(sorted(transitions(stays)), sorted([
                            (first, 'state:admitted'),
                            (second, 'state:admitted'),
                            (first, 'state:cancelled'),
                            (second, 'state:transferred'),
                            (first, 'state:draft'),
                            ]))
                self.assertEqual(sorted(t for _, t in transitions(
                                site.rooms)),
                    ['state:cleaning'] * 2 + ['state:occupied'] * 2)
                self.assertTrue(all(s.admitted_at
                        for s in Stay.browse(stays[1:])))

    @with_transaction()
    def test_bulk_transition_keeps_single_occupancy(self):
        "A batch's state written in a few statements is still validated"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=1)
        room, = site.rooms
        first = create_stay(create_person("A", sequence='111'), site, room)
        second = create_stay(create_person("B", sequence='222'), site, room)
        Stay.admit([first])
        with patch.object(Stay, '_bulk_transition_records', 1):
            with self.assertRaisesRegex(
                    SQLConstraintError, 'already occupied'):
                Stay._write_transition([second], 'admitted')

    @with_transaction()
    def test_room_change(self):
        "A room change keeps its reason; the old room goes to cleaning"
        Stay = Pool().get('quarantine.stay')
        Room = Pool().get('quarantine.room')
        site = active_site(rooms=2)
        old, new = site.rooms
        stay = create_stay(create_person("A"), site, old)
        Stay.admit([stay])
        Stay.move_to_room(stay, new, "Broken heating")
        self.assertEqual(stay.room, new)
        self.assertEqual(
            (Room(old.id).state, Room(new.id).state),
            ('cleaning', 'occupied'))
        change, = stay.room_changes
        self.assertEqual((change.old_room, change.reason),
            (old, "Broken heating"))
        # The room left is being cleaned: nobody can move into it
        with self.assertRaisesRegex(UserError, 'not a free room'):
            Stay.move_to_room(stay, old, "Back")
        with self.assertRaisesRegex(UserError, 'reason'):
            Stay.move_to_room(stay, old, " ")
        self.assertEqual(Stay(stay.id).room, new)

    @with_transaction()
    def test_monitoring_flags_fever(self):
        "37.3 °C or a symptom puts the resident on the medical list"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Monitoring = pool.get('quarantine.monitoring')
        site = active_site(rooms=2)
        stays = [create_stay(create_person(n, sequence=s), site, r)
            for n, s, r in [("A", '111', site.rooms[0]),
                ("B", '222', site.rooms[1])]]
        Stay.admit(stays)
        Monitoring.create([
                {'stay': stays[0].id, 'date': TODAY, 'period': 'morning',
                    'temperature': Decimal('36.6')},
                {'stay': stays[1].id, 'date': TODAY, 'period': 'morning',
                    'temperature': Decimal('37.3')},
                ])
        self.assertEqual([s.health_flag for s in Stay.browse(stays)],
            [False, True])
        Monitoring.create([{'stay': stays[0].id, 'date': TODAY,
                    'period': 'afternoon', 'temperature': Decimal('36.5'),
                    'symptoms': ['cough']}])
        self.assertTrue(Stay(stays[0].id).health_flag)
        with self.assertRaisesRegex(ValidationError, '30 and 45'):
            with savepoint():
                Monitoring.create([{'stay': stays[0].id, 'date': TODAY,
                            'period': 'morning',
                            'temperature': Decimal('3.7')}])

    @with_transaction()
    def test_verification_overdue(self):
        "Admitted more than 24 h ago and not verified"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        late, verified = [create_stay(create_person(n, sequence=q), site, r)
            for n, q, r in zip("AB", ['111', '222'], site.rooms)]
        Stay.admit([late, verified])
        Stay.verify([verified])
        Stay.write([late, verified], {'admitted_at':
                    dt.datetime.now() - dt.timedelta(hours=25)})
        self.assertEqual(
            Stay.search([('verification_overdue', '=', True)]), [late])
        self.assertEqual(
            Stay.search([('verification_overdue', '=', False)]), [verified])
        self.assertTrue(Stay(late.id).verification_overdue)

    @with_transaction()
    def test_readings_missing_today(self):
        "Who has not had both of today's temperature readings"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Monitoring = pool.get('quarantine.monitoring')
        Date = pool.get('ir.date')
        site = active_site(rooms=3)
        stays = [create_stay(create_person(n, sequence=q), site, r)
            for n, q, r in zip("ABC", ['111', '222', '333'], site.rooms)]
        Stay.admit(stays)
        both, one, none = stays
        today = Date.today()
        Monitoring.create([
                {'stay': both.id, 'date': today, 'period': 'morning',
                    'temperature': Decimal('36.5')},
                {'stay': both.id, 'date': today, 'period': 'afternoon',
                    'temperature': Decimal('36.6')},
                {'stay': one.id, 'date': today, 'period': 'morning',
                    'temperature': Decimal('36.4')},
                {'stay': none.id, 'date': today - dt.timedelta(days=1),
                    'period': 'morning', 'temperature': Decimal('36.4')},
                ])
        self.assertEqual(
            Stay.search([('readings_missing', '=', True)],
                order=[('id', 'ASC')]),
            [one, none])
        self.assertEqual(
            Stay.search([('readings_missing', '=', False)]), [both])
        self.assertEqual([s.readings_missing for s in Stay.browse(stays)],
            [False, True, True])

    @with_transaction()
    def test_allocate_batch(self):
        "A bus: pairs together, groups adjacent, accessible rooms, floors"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=12, floors=3)
        Room.write([site.rooms[0]], {'accessible': True})
        stays = []
        child = create_stay(create_person(
                "Child", birth='20130601', sequence='101'))
        guardian = create_stay(create_person("Guardian", sequence='102'),
            companion_of=child.id, **signed_consent("Guardian"))
        elderly = create_stay(create_person(
                "Elder", birth='19400101', sequence='103'),
            special_needs=['elderly'])
        family = [create_stay(create_person(f"Fam{i}", sequence=f'2{i}1'),
                group_name="Wang family") for i in range(3)]
        secondary = [create_stay(create_person(f"Sec{i}", sequence=f'3{i}1'),
                category='secondary_contact') for i in range(2)]
        stays = [child, guardian, elderly] + family + secondary
        Stay.allocate(stays, site)
        stays = Stay.browse(stays)
        self.assertTrue(all(s.state == 'admitted' for s in stays))
        child, guardian, elderly = stays[:3]
        self.assertEqual(child.room, guardian.room)
        self.assertTrue(elderly.room.accessible)
        family_rooms = [s.room for s in stays[3:6]]
        self.assertEqual(len({r.floor for r in family_rooms}), 1)
        sequences = sorted(r.sequence for r in family_rooms)
        self.assertEqual(sequences, list(range(sequences[0],
                    sequences[0] + 3)))
        # Close contacts high, secondary contacts low, not mixed
        close_floors = {s.room.floor for s in stays[:6]
            if not s.room.accessible}
        secondary_floors = {s.room.floor for s in stays[6:]}
        self.assertFalse(close_floors & secondary_floors)
        self.assertLess(max(secondary_floors), min(close_floors))
        self.assertEqual(Stay.search_count(
                [('room', '!=', None), ('state', '=', 'admitted')]), 8)

    @with_transaction()
    def test_allocate_elderly_low(self):
        """A 71-year-old close contact gets the accessible room of floor 3,
        not a close contacts' high floor; once no accessible room is left,
        the elderly and the disabled take the lowest floors"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=12, floors=12)
        Room.write([r for r in site.rooms if r.floor == '3'],
            {'accessible': True})
        # on arrival (2022-05-10): 71, 40 in a wheelchair, 66, and 42
        elder = create_stay(create_person(
                "Elder", birth='19510301', sequence='101'))
        wheelchair = create_stay(create_person("Wheel", sequence='102'),
            special_needs=['disabled'])
        old = create_stay(create_person(
                "Old", birth='19560101', sequence='103'))
        young = [create_stay(create_person(
                    f"Young{i}", birth='19800101', sequence=f'2{i}1'))
            for i in range(2)]
        stays = [elder, wheelchair, old] + young
        needs = [True, True, True, False, False]
        self.assertEqual([s.needs_accessible for s in Stay.browse(stays)],
            needs)
        # the bulk path reads the same
        self.assertEqual([r.needs_accessible
                for r in Stay._planning_rows(stays)], needs)
        Stay.allocate(stays, site)
        elder, wheelchair, old, *young = Stay.browse(stays)
        self.assertEqual(elder.room.floor, '3')
        self.assertTrue(elder.room.accessible)
        self.assertEqual({wheelchair.room.floor, old.room.floor}, {'1', '2'})
        self.assertEqual({s.room.floor for s in young}, {'11', '12'})

    @with_transaction()
    def test_elderly_age_configured(self):
        "The age that counts as elderly is the configuration's"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Configuration = pool.get('quarantine.configuration')
        elder = create_stay(create_person(
                "Elder", birth='19510301', sequence='101'))
        self.assertTrue(Stay(elder.id).needs_accessible)
        Configuration.write([Configuration(1)], {'elderly_age': 75})
        self.assertFalse(Stay(elder.id).needs_accessible)
        self.assertEqual([r.needs_accessible
                for r in Stay._planning_rows([elder])], [False])

    @with_transaction()
    def test_allocate_wizard_summary(self):
        """The wizard ends on who went to which room and who was not, and
        why; closing it reloads the list and its tabs' counters"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        Allocate = pool.get('quarantine.stay.allocate', type='wizard')
        site = active_site(rooms=4, floors=2)
        Room.write([site.rooms[0]], {'accessible': True})
        elder = create_stay(create_person(
                "老人", birth='19510301', sequence='101'))
        young = create_stay(create_person("青年", sequence='102'))
        admitted = create_stay(create_person("已入住者", sequence='103'),
            site, site.rooms[3])
        Stay.admit([admitted])
        ids = [elder.id, young.id, admitted.id]
        with Transaction().set_context(active_model='quarantine.stay',
                active_ids=ids, active_id=ids[0]):
            session_id, _, _ = Allocate.create()
            start = Allocate.execute(session_id, {}, 'start')
            self.assertEqual(start['view']['defaults']['stay_count'], 2)
            result = Allocate.execute(session_id,
                {'start': {'site': site.id}}, 'allocate')
            self.assertEqual(result['view']['state'], 'summary')
            summary = result['view']['defaults']
            self.assertEqual(summary['site'], site.id)
            self.assertEqual(summary['allocated_count'], 2)
            self.assertEqual(summary['rooms'].splitlines(), [
                    "Floor 1: 老人 101 (accessible)",
                    "Floor 2: 青年 201",
                    ])
            self.assertEqual(summary['not_allocated_count'], 1)
            self.assertEqual(summary['not_allocated'],
                "已入住者: Admitted, not waiting for a room.")
            self.assertEqual(Allocate.delete(session_id), 'reload')
        self.assertEqual([s.state for s in Stay.browse(ids)],
            ['admitted'] * 3)

    @with_transaction()
    def test_allocate_too_few_rooms(self):
        "Too few free rooms: say how many are missing, allocate nobody"
        Stay = Pool().get('quarantine.stay')
        site = active_site(rooms=2)
        stays = [create_stay(create_person(f"P{i}", sequence=f'1{i}1'))
            for i in range(5)]
        with self.assertRaisesRegex(UserError, '3 rooms are missing'):
            Stay.allocate(stays, site)
        self.assertEqual(Stay.search_count([('state', '=', 'admitted')]), 0)
        self.assertEqual(site.available_count, 2)

    @with_transaction()
    def test_room_board_pdf(self):
        "The room board prints each floor's rooms with their state"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        RoomBoard = pool.get('quarantine.site.room_board', type='report')
        site = active_site(rooms=6, floors=2, name="东城区隔离酒店")
        stays = [create_stay(create_person(n, sequence=q), site, r)
            for n, q, r in zip("AB", ['111', '222'], site.rooms)]
        Stay.admit(stays)
        extension, content, _, name = RoomBoard.execute([site.id], {})
        self.assertEqual(extension, 'pdf')
        text = ''.join(page.extract_text()
            for page in PdfReader(io.BytesIO(content)).pages)
        self.assertIn("东城区隔离酒店", text)
        for room in site.rooms:
            self.assertIn(room.name, text)
        self.assertIn("Close Contact", text)


    @with_transaction()
    def test_change_log(self):
        "The stay's change log says who changed what and when"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        site = active_site(rooms=2)
        stay = create_stay(create_person("王红"), site, site.rooms[0])
        Stay.admit([stay])
        Stay.write([stay], {'category': 'secondary_contact'})
        lines = Stay(stay.id).change_log.splitlines()
        self.assertIn("created", lines[0])
        self.assertEqual(len([l for l in lines
                    if "State: Draft → Admitted" in l]), 1)
        self.assertIn("Category: Close Contact → Secondary Contact",
            lines[-1])
        self.assertIn("Administrator", lines[-1])

    @with_transaction()
    def test_group_changes_kept(self):
        "Adding and removing a user's group leaves its history"
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        UserGroup = pool.get('res.user-res.group')
        history = UserGroup.__table_history__()
        cursor = Transaction().connection.cursor()
        user, = User.create([{'name': "李", 'login': 'li'}])
        group, = Group.search([('name', '=', "Quarantine Clerk")])
        User.write([user], {'groups': [('add', [group.id])]})
        User.write([user], {'groups': [('remove', [group.id])]})
        cursor.execute(*history.select(history.id,
                where=history.user == user.id))
        link_ids = [i for i, in cursor]
        cursor.execute(*history.select(history.id, history.group,
                where=history.id.in_(link_ids),
                order_by=[Column(history, '__id')]))
        rows = cursor.fetchall()
        # the addition, then the deletion (a version without values)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0][1], group.id)
        self.assertIsNone(rows[1][1])

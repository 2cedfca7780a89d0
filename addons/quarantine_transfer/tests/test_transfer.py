# This file is part of the quarantine_transfer module.  See README.md.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_party, create_person,
    create_stay, load_translations, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def vehicle(plate='豫A12345', seats=30, negative_pressure=False,
        kind='bus'):
    Vehicle = Pool().get('quarantine.vehicle')
    vehicle, = Vehicle.create([{'plate': plate, 'seats': seats,
                'kind': kind, 'negative_pressure': negative_pressure}])
    return vehicle


def transfer(persons, to_site=None, destination=None, vehicle=None,
        positive=()):
    Transfer = Pool().get('quarantine.transfer')
    transfer, = Transfer.create([{
                'origin': "和平社区",
                'to_site': to_site.id if to_site else None,
                'destination': destination,
                'vehicle': vehicle.id if vehicle else None,
                'lines': [('create', [{
                                'person': p.id,
                                'positive': p in positive,
                                } for p in persons])],
                }])
    return transfer


def arrive(move):
    "The persons received counted as listed, then the arrival"
    Transfer = Pool().get('quarantine.transfer')
    Transfer.write([move], {'received_count': len(move.lines)})
    Transfer.arrive([move])


class TransferTestCase(ActivatedTestCase):
    "Closed-loop transfers"
    module = 'quarantine_transfer'

    @with_transaction()
    def test_contacts_to_site(self):
        """15 close contacts from a community to a site within 8 hours, in
        a 30-seat bus: every other seat (Henan L167, L527)"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        site = active_site(rooms=40)
        persons = [create_person(f"P{i}", sequence=f'{i:03d}')
            for i in range(15)]
        bus = vehicle()
        move = transfer(persons, to_site=site, vehicle=bus)
        Transfer.request([move])
        self.assertTrue(move.number)
        # contacts are isolated within 8 hours (Henan L163)
        self.assertEqual(move.deadline - move.requested_at,
            dt.timedelta(hours=8))
        self.assertFalse(move.positive_rules)
        Transfer.dispatch([move])
        self.assertEqual(move.state, 'dispatched')
        arrive(move)
        self.assertEqual(move.state, 'arrived')
        self.assertEqual(move.received_count, 15)
        stays = Stay.search([('site', '=', site.id),
                ('state', '=', 'draft')])
        self.assertEqual(len(stays), 15)
        Stay.allocate(stays, site)
        self.assertEqual(
            Stay.search_count([('state', '=', 'admitted')]), 15)
        # the bus must be disinfected before its next run
        self.assertTrue(bus.needs_disinfection)

    @with_transaction()
    def test_copy_starts_afresh(self):
        "A copy of a transfer has no number, times or returned copies"
        Transfer = Pool().get('quarantine.transfer')
        move = transfer([], to_site=active_site(rooms=2), vehicle=vehicle())
        now = dt.datetime.now()
        Transfer.write([move], {'number': "ZY-1", 'requested_at': now,
                'deadline': now, 'overdue': True,
                'copies_returned': ['site'], 'copies_signed_by': "李",
                'copies_returned_at': now})
        copy, = Transfer.copy([move])
        for name in ['number', 'requested_at', 'deadline', 'dispatched_at',
                'arrived_at', 'copies_returned', 'copies_signed_by',
                'copies_returned_at']:
            self.assertFalse(getattr(copy, name), name)
        self.assertFalse(copy.overdue)
        self.assertEqual(copy.origin, move.origin)

    @with_transaction()
    def test_positive_to_hospital(self):
        "A positive alone in a negative-pressure ambulance, within 2 hours"
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        Room = pool.get('quarantine.room')
        site = active_site(rooms=2)
        stay = create_stay(create_person("阳性"), site, site.rooms[0])
        Stay.admit([stay])
        Stay.flag_positive([stay])
        ambulance = vehicle('豫A120', seats=1, negative_pressure=True,
            kind='ambulance')
        # the positive result requested the transfer
        move, = Transfer.search([('lines.stay', '=', stay.id)])
        self.assertEqual(move.deadline - move.requested_at,
            dt.timedelta(hours=2))
        Transfer.write([move], {'vehicle': ambulance.id})
        Transfer.dispatch([move])
        arrive(move)
        self.assertEqual(Stay(stay.id).state, 'transferred')
        self.assertEqual(Room(site.rooms[0].id).state, 'cleaning')

    @with_transaction()
    def test_dispatch_refusals(self):
        """No vehicle, too many (a truck has no seat), positive mixed or in
        a normal vehicle, dirty"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        site = active_site(rooms=10)
        a, b, c = [create_person(n, sequence=s)
            for n, s in [("A", '111'), ("B", '222'), ("C", '333')]]
        car = vehicle('豫A1', seats=2, kind='car')
        ambulance = vehicle('豫A2', seats=2, negative_pressure=True,
            kind='ambulance')
        truck = vehicle('豫A3', seats=0, kind='truck')
        cases = [
            (transfer([a], to_site=site), 'without a vehicle'),
            (transfer([a, b, c], to_site=site, vehicle=car),
                '2 seats for 3 persons'),
            (transfer([a], to_site=site, vehicle=truck),
                '0 seats for 1 persons'),
            (transfer([a, b], destination="医院", vehicle=ambulance,
                    positive=[a]), 'never travels with anyone'),
            (transfer([a], destination="医院", vehicle=car,
                    positive=[a]), 'negative-pressure'),
            ]
        for move, message in cases:
            with self.subTest(message=message):
                Transfer.write([move], {'state': 'requested'})
                with self.assertRaisesRegex(UserError, message):
                    Transfer.dispatch([move])
                self.assertEqual(move.state, 'requested')
                Transfer.write([move], {'state': 'cancelled'})

        done = transfer([a], to_site=site, vehicle=car)
        Transfer.request([done])
        Transfer.dispatch([done])
        arrive(done)
        again = transfer([b], to_site=site, vehicle=car)
        Transfer.request([again])
        with self.assertRaisesRegex(UserError, 'not disinfected'):
            Transfer.dispatch([again])
        Disinfection.create([{'vehicle': car.id,
                    'disinfected_by': create_party("消毒员").id}])
        Transfer.dispatch([again])
        self.assertEqual(again.state, 'dispatched')

    @with_transaction()
    def test_arrival_before_dispatch_refused(self):
        "Arriving before the dispatch is refused"
        Transfer = Pool().get('quarantine.transfer')
        move = transfer([create_person("A")], destination="医院",
            vehicle=vehicle())
        Transfer.request([move])
        with self.assertRaisesRegex(UserError, 'before it is dispatched'):
            Transfer.arrive([move])
        self.assertEqual(move.state, 'requested')

    @with_transaction()
    def test_person_on_two_open_transfers(self):
        "A person cannot be on two open transfers"
        Transfer = Pool().get('quarantine.transfer')
        person = create_person("A")
        first = transfer([person], destination="医院")
        Transfer.request([first])
        second = transfer([person], destination="另一医院")
        with self.assertRaisesRegex(UserError, 'already on the open'):
            Transfer.request([second])
        self.assertEqual(second.state, 'draft')

    @with_transaction()
    def test_overdue(self):
        "The scheduled job flags transfers past their deadline"
        Transfer = Pool().get('quarantine.transfer')
        move = transfer([create_person("A")], destination="医院")
        Transfer.request([move])
        self.assertEqual(Transfer.update_overdue(), [])
        Transfer.write([move], {
                'deadline': dt.datetime.now() - dt.timedelta(minutes=1)})
        self.assertEqual(Transfer.update_overdue(), [move])
        self.assertTrue(Transfer(move.id).overdue)

    @with_transaction()
    def test_plate_unique(self):
        "Two vehicles cannot share a plate"
        vehicle('豫A9')
        with self.assertRaises(SQLConstraintError):
            with savepoint():
                vehicle('豫A9')

    @with_transaction()
    def test_handover_form(self):
        "Three parts with the same number; a blank form for downtime"
        import io
        from pypdf import PdfReader
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Handover = pool.get('quarantine.transfer.handover', type='report')
        Blank = pool.get('quarantine.transfer.handover_blank', type='report')
        site = active_site(rooms=40)
        persons = [create_person(f"转运{i}", sequence=f'{i:03d}')
            for i in range(30)]
        move = transfer(persons, to_site=site, vehicle=vehicle())
        Transfer.request([move])
        extension, content, _, _ = Handover.execute([move.id], {})
        self.assertEqual(extension, 'pdf')
        pages = [p.extract_text() for p in PdfReader(
                io.BytesIO(content)).pages]
        self.assertGreater(len(pages), 1)
        for text in pages:
            self.assertEqual(text.count(move.number), 3)
            for part in ["社区留存联", "隔离点留存联", "转运组留存联"]:
                self.assertIn(part, text)
        text = ''.join(pages)
        for person in persons:
            self.assertIn(person.name, text)
            self.assertNotIn(person.quarantine_identity_number, text)
        self.assertIn("豫A12345", text)
        _, blank, _, _ = Blank.execute([move.id], {})
        blank_text = PdfReader(io.BytesIO(blank)).pages[0].extract_text()
        self.assertIn("社区留存联", blank_text)
        self.assertNotIn(move.number, blank_text)
        for label in ["登车体温/症状", "接收人数", "人数差异原因"]:
            self.assertIn(label, blank_text)

    @with_transaction()
    def test_handover_form_boarding_check_and_count(self):
        """The handover form prints each person's boarding check
        (temperature, symptoms: Henan L525) and the persons received with
        the reason of a difference; a temperature out of range is refused
        in Chinese and the form keeps the one recorded"""
        import io
        from pypdf import PdfReader
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Line = pool.get('quarantine.transfer.line')
        Handover = pool.get('quarantine.transfer.handover', type='report')
        load_translations('quarantine')
        load_translations('quarantine_transfer')
        site = active_site(rooms=4)
        persons = [create_person(f"登车{i}", sequence=f'{i:03d}')
            for i in range(3)]
        move = transfer(persons, to_site=site, vehicle=vehicle())
        Transfer.request([move])
        normal, coughing, unchecked = move.lines
        Line.write([normal], {'boarding_temperature': Decimal('36.6')})
        Line.write([coughing], {'boarding_temperature': Decimal('36.9'),
                'boarding_symptoms': ['cough', 'fatigue']})
        Transfer.write([move], {'received_count': 2,
                'count_mismatch_reason': "登车2号留观"})

        def form_text():
            with Transaction().set_context(language='zh_CN'):
                _, content, _, _ = Handover.execute([move.id], {})
            return ''.join(p.extract_text() for p in PdfReader(
                    io.BytesIO(content)).pages)
        text = form_text()
        for value in ["登车体温/症状", "36.6℃", "36.9℃ 咳嗽、乏力",
                "接收人数", "人数差异原因", "登车2号留观"]:
            self.assertEqual(text.count(value), 3, value)
        with Transaction().set_context(language='zh_CN'), \
                self.assertRaises(UserError) as cm, savepoint():
            Line.write([normal], {'boarding_temperature': Decimal('63.6')})
        self.assertIn("的上车体温须在30至45°C之间", cm.exception.message)
        self.assertEqual(Line(normal.id).boarding_temperature,
            Decimal('36.6'))
        self.assertEqual(form_text(), text)

    @with_transaction()
    def test_positive_requests_transfer(self):
        "A positive result requests the transfer to hospital within 2 h"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Transfer = pool.get('quarantine.transfer')
        Sample = pool.get('quarantine.sample')
        site = active_site(rooms=2)
        stay = create_stay(create_person("阳性"), site, site.rooms[0])
        Stay.admit([stay])
        day1 = sorted(Stay(stay.id).samples, key=lambda s: s.day)[0]
        Sample.record_results([day1], 'positive',
            institution=create_party("疾控"), reagent="华大")
        move, = Transfer.search([('lines.stay', '=', stay.id)])
        self.assertEqual(move.state, 'requested')
        self.assertEqual(move.deadline - move.requested_at,
            dt.timedelta(hours=2))
        self.assertTrue(move.has_positive)
        # a second positive result does not request it again
        day4 = sorted(Stay(stay.id).samples, key=lambda s: s.day)[1]
        Sample.record_results([day4], 'positive')
        self.assertEqual(Transfer.search_count([]), 1)

    @with_transaction()
    def test_copies_returned_in_the_future_refused(self):
        "The handover copies cannot be returned tomorrow"
        Transfer = Pool().get('quarantine.transfer')
        move = transfer([create_person("张三")])
        tomorrow = dt.datetime.now() + dt.timedelta(days=1)
        with self.assertRaisesRegex(UserError, 'in the future'), \
                savepoint():
            Transfer.write([move], {'copies_signed_by': "李四",
                    'copies_returned_at': tomorrow})
        self.assertIsNone(Transfer(move.id).copies_returned_at)

    @with_transaction()
    def test_long_driver_refused(self):
        "A driver's name of 101 characters is refused with its size"
        Transfer = Pool().get('quarantine.transfer')
        move = transfer([create_person("张三")])
        with self.assertRaisesRegex(UserError, r'101 > 100'), savepoint():
            Transfer.write([move], {'driver': '司' * 101})
        self.assertIsNone(Transfer(move.id).driver)

    @with_transaction()
    def test_quick_entry(self):
        """The persons of a transfer are typed by name, document, phone and
        category: a known number is its person, a new one a new party; the
        arrival's stays carry the phone and category typed"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        Party = pool.get('party.party')
        site = active_site(rooms=5)
        known = create_person("张三", '19800101', '301')
        move, = Transfer.create([{
                    'origin': "和平社区",
                    'to_site': site.id,
                    'vehicle': vehicle().id,
                    'lines': [('create', [{
                                    'person_name': "张三",
                                    'id_number': known.identifiers[0].code,
                                    'phone': '13900000001',
                                    'category': 'secondary_contact',
                                    }, {
                                    'person_name': "Anna Berg",
                                    'id_type': 'passport',
                                    'id_number': 'p 7654321',
                                    'phone': '13900000002',
                                    'category': 'inbound',
                                    }])],
                    }])
        first, second = move.lines
        self.assertEqual(first.person, known)
        self.assertEqual((second.person.name, second.id_type,
                second.id_number), ("Anna Berg", 'passport', 'P7654321'))
        Transfer.request([move])
        Transfer.dispatch([move])
        arrive(move)
        stays = Stay.search([('site', '=', site.id)],
            order=[('id', 'ASC')])
        self.assertEqual([(s.person_name, s.phone, s.category)
                for s in stays], [
                ("张三", '13900000001', 'secondary_contact'),
                ("Anna Berg", '13900000002', 'inbound')])
        # each on its category's regime (Henan L125: secondary contacts)
        self.assertEqual([s.regime.code for s in stays],
            ['secondary_contact', 'centralized_14'])
        count = Party.search_count([])
        with self.assertRaisesRegex(UserError, "张三.*李四"), savepoint():
            Transfer.create([{'origin': "x", 'destination': "y",
                        'lines': [('create', [{
                                        'person_name': "李四",
                                        'id_number':
                                        known.identifiers[0].code,
                                        }])]}])
        with self.assertRaisesRegex(UserError, "P7654321"), savepoint():
            Transfer.create([{'origin': "x", 'destination': "y",
                        'lines': [('create', [{
                                        'person_name': "Anna Berg",
                                        'id_type': 'passport',
                                        'id_number': 'P7654321',
                                        }] * 2)]}])
        self.assertEqual(Party.search_count([]), count)

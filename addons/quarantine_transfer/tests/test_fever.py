# This file is part of the quarantine_transfer module.  See README.md.
"""Fever under the positive rules (Henan L525, Ruijin L135/139, Zhejiang
L106), contacts every other seat (Henan L167, L527), the boarding check
(Henan L525) and the persons counted at arrival (Ruijin L1680)"""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, admit_residents, create_person,
    load_translations, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

from .test_transfer import transfer, vehicle


def reading(stay, temperature, symptoms=None):
    "A health reading of the stay this morning"
    Monitoring = Pool().get('quarantine.monitoring')
    Monitoring.create([{'stay': stay.id, 'period': 'morning',
                'temperature': Decimal(temperature),
                'symptoms': symptoms}])


def bus_of_stays(stays, bus, site):
    "A requested transfer of the stays to the site in the bus"
    Transfer = Pool().get('quarantine.transfer')
    move, = Transfer.create([{
                'origin': stays[0].site.rec_name,
                'to_site': site.id,
                'vehicle': bus.id,
                'lines': [('create', [{
                                'person': s.person.id,
                                'stay': s.id,
                                'category': s.category,
                                } for s in stays])],
                }])
    Transfer.request([move])
    return move


def hours(move):
    return (move.deadline - move.requested_at) / dt.timedelta(hours=1)


class FeverTestCase(ActivatedTestCase):
    "Fever, spacing, boarding check and arrival count of the transfers"
    module = 'quarantine_transfer'

    @with_transaction()
    def test_febrile_resident_under_positive_rules(self):
        """A resident at 37.5 °C and 29 others in a 30-seat bus: the
        transfer gets the positive (2 h) deadline and its dispatch is
        refused; alone in a negative-pressure ambulance she leaves"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        here, there = active_site(rooms=30), active_site(
            code='S2', rooms=30)
        stays = admit_residents(here, here.rooms)
        reading(stays[0], '37.5')
        self.assertTrue(stays[0].health_flag)
        bus = vehicle(seats=30)
        move = bus_of_stays(stays, bus, there)
        self.assertTrue(move.positive_rules)
        self.assertFalse(move.has_positive)
        self.assertEqual(hours(move), 2)
        self.assertEqual([l.fever for l in move.lines],
            [True] + [False] * 29)
        with self.assertRaisesRegex(UserError,
                r'fever or symptoms travels alone.*Resident 0'):
            Transfer.dispatch([move])
        self.assertEqual(Transfer(move.id).state, 'requested')

        # she alone: not in the bus, in the ambulance
        Transfer.cancel([move])
        alone = bus_of_stays(stays[:1], bus, there)
        with self.assertRaisesRegex(UserError,
                r'Resident 0, with fever or symptoms, can only travel in '
                r'a negative-pressure vehicle, not in "豫A12345"'):
            Transfer.dispatch([alone])
        ambulance = vehicle('豫A120', seats=1, negative_pressure=True,
            kind='ambulance')
        Transfer.write([alone], {'vehicle': ambulance.id})
        Transfer.dispatch([alone])
        self.assertEqual(alone.state, 'dispatched')

        # the others, her flag not theirs, under the contacts' rules
        others = bus_of_stays(stays[1:16], vehicle('豫A2', seats=30), there)
        self.assertFalse(others.positive_rules)
        self.assertEqual(hours(others), 8)  # a contact's 8 h

    @with_transaction()
    def test_health_flag_after_request(self):
        "A flag raised after the request brings the deadline from 8 h to 2 h"
        here, there = active_site(rooms=3), active_site(code='S2', rooms=3)
        stays = admit_residents(here, here.rooms)
        move = bus_of_stays(stays, vehicle(), there)
        self.assertEqual(hours(move), 8)  # a contact's 8 h
        reading(stays[2], '36.6', ['cough'])
        move = type(move)(move.id)
        self.assertTrue(move.positive_rules)
        self.assertEqual(hours(move), 2)

    @with_transaction()
    def test_boarding_check(self):
        """37.2 °C at boarding is no fever, 37.3 °C is, and so is a symptom:
        the transfer switches to the positive rules"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Line = pool.get('quarantine.transfer.line')
        site = active_site(rooms=20)
        persons = [create_person(f"P{i}", sequence=f'{i:03d}')
            for i in range(10)]
        move = transfer(persons, to_site=site, vehicle=vehicle())
        Transfer.request([move])
        self.assertEqual(hours(move), 8)  # a contact's 8 h
        first, second = move.lines[:2]
        Line.write(list(move.lines), {'boarding_checked': True,
                'boarding_temperature': Decimal('36.5')})
        Line.write([first], {'boarding_temperature': Decimal('37.2')})
        move = Transfer(move.id)
        self.assertFalse(move.positive_rules)
        self.assertEqual(hours(move), 8)  # a contact's 8 h
        Transfer.dispatch([move])
        Transfer.write([move], {'state': 'requested'})

        Line.write([first], {'boarding_temperature': Decimal('37.3')})
        move = Transfer(move.id)
        self.assertTrue(Line(first.id).fever)
        self.assertTrue(move.positive_rules)
        self.assertEqual(hours(move), 2)
        with self.assertRaisesRegex(UserError,
                r'fever or symptoms travels alone.*P0'):
            Transfer.dispatch([move])

        Line.write([first], {'boarding_temperature': Decimal('36.5')})
        Line.write([second], {'boarding_symptoms': ['sore_throat']})
        with self.assertRaisesRegex(UserError,
                r'fever or symptoms travels alone, as a positive one: P1\.'):
            Transfer.dispatch([Transfer(move.id)])
        self.assertEqual(Transfer(move.id).state, 'requested')
        # the symptoms are those of the health readings
        self.assertEqual(Line.get_symptoms(),
            pool.get('quarantine.monitoring').fields_get(['symptoms'])[
                'symptoms']['selection'])

        with self.assertRaisesRegex(UserError,
                r'temperature at boarding of "P2" must be between 30 and '
                r'45'), savepoint():
            Line.write([move.lines[2]],
                {'boarding_temperature': Decimal('47.3')})
        self.assertEqual(
            Line(move.lines[2].id).boarding_temperature, Decimal('36.5'))

    @with_transaction()
    def test_contacts_every_other_seat(self):
        """A 30-seat bus takes 15 contacts, not 16; the factor is
        configurable; travellers of other categories fill the seats"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Configuration = pool.get('quarantine.configuration')
        Line = pool.get('quarantine.transfer.line')
        site = active_site(rooms=40)
        persons = [create_person(f"P{i}", sequence=f'{i:03d}')
            for i in range(30)]
        self.assertEqual(Configuration(1).contact_seat_factor,
            Decimal('0.5'))
        move = transfer(persons[:16], to_site=site, vehicle=vehicle())
        Line.write([move.lines[0]], {'category': 'secondary_contact'})
        Line.write(list(move.lines[1:]), {'category': 'close_contact'})
        Transfer.request([move])
        with self.assertRaisesRegex(UserError,
                r'every other seat: vehicle "豫A12345" with 30 seats takes '
                r'at most 15 of them, not 16\.'):
            Transfer.dispatch([move])
        self.assertEqual(Transfer(move.id).state, 'requested')

        Line.delete([move.lines[-1]])
        Transfer.dispatch([Transfer(move.id)])
        self.assertEqual(Transfer(move.id).state, 'dispatched')

        inbound = transfer(persons[16:], to_site=site,
            vehicle=vehicle('豫A2'))
        Line.write(list(inbound.lines), {'category': 'inbound'})
        Transfer.request([inbound])
        Transfer.dispatch([inbound])
        self.assertEqual(len(inbound.lines), 14)
        self.assertEqual(inbound.state, 'dispatched')

        Configuration.write([Configuration(1)],
            {'contact_seat_factor': Decimal('0.4')})
        few = transfer([create_person(f"Q{i}", sequence=f'{i + 100:03d}')
                for i in range(13)], to_site=site, vehicle=vehicle('豫A3'))
        Transfer.request([few])
        with self.assertRaisesRegex(UserError, 'at most 12 of them, not 13'):
            Transfer.dispatch([few])
        for factor in ['0', '1.5']:
            with self.subTest(factor=factor):
                with self.assertRaisesRegex(UserError,
                        r'seat factor must be more than 0 and at most 1'), \
                        savepoint():
                    Configuration.write([Configuration(1)],
                        {'contact_seat_factor': Decimal(factor)})
                self.assertEqual(Configuration(1).contact_seat_factor,
                    Decimal('0.4'))

    @with_transaction()
    def test_persons_counted_at_arrival(self):
        """The arrival counts the persons received: uncounted refused, 14
        of 15 refused without a reason, accepted with it"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        site = active_site(rooms=20)
        persons = [create_person(f"P{i}", sequence=f'{i:03d}')
            for i in range(15)]
        move = transfer(persons, to_site=site, vehicle=vehicle())
        Transfer.request([move])
        Transfer.dispatch([move])
        with self.assertRaisesRegex(UserError,
                r'Count the persons received .* \(15 persons\)'):
            Transfer.arrive([move])
        Transfer.write([move], {'received_count': 14})
        with self.assertRaisesRegex(UserError,
                r'lists 15 persons but 14 were received: give the reason'):
            Transfer.arrive([move])
        Transfer.write([move], {'count_mismatch_reason': "  "})
        with self.assertRaisesRegex(UserError, 'give the reason'):
            Transfer.arrive([move])
        move = Transfer(move.id)
        self.assertEqual((move.state, move.arrived_at), ('dispatched', None))
        self.assertEqual(Stay.search_count([('site', '=', site.id)]), 0)
        self.assertFalse(move.vehicle.needs_disinfection)

        Transfer.write([move], {'count_mismatch_reason':
                "P14 taken to the fever clinic from the bus"})
        Transfer.arrive([move])
        self.assertEqual(move.state, 'arrived')
        copy, = Transfer.copy([move])
        self.assertEqual(
            (copy.received_count, copy.count_mismatch_reason), (None, None))

    @with_transaction()
    def test_send_to_fever_clinic(self):
        """The medical staff send a resident with an open health flag to the
        fever clinic: one person, requested, 2 h"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Transfer = pool.get('quarantine.transfer')
        Configuration = pool.get('quarantine.configuration')
        site = active_site(rooms=2)
        Configuration.write([Configuration(1)], {'hospital': "市第一人民医院"})
        stay, other = admit_residents(site, site.rooms)
        with self.assertRaisesRegex(UserError,
                r'"Resident 0.*" has no open health flag and is not '
                r'positive'):
            Stay.send_to_fever_clinic([stay])
        self.assertEqual(Transfer.search_count([]), 0)

        reading(stay, '38.1')
        Stay.send_to_fever_clinic([stay])
        move, = Transfer.search([])
        line, = move.lines
        self.assertEqual((move.state, move.destination, move.to_site,
                line.stay, line.positive, line.fever),
            ('requested', "市第一人民医院", None, stay, False, True))
        self.assertEqual(hours(move), 2)
        self.assertTrue(move.positive_rules)

        with self.assertRaisesRegex(UserError,
                r'"Resident 0" is already on the open transfer '
                f'"{move.rec_name}"'):
            Stay.send_to_fever_clinic([stay])
        self.assertEqual(Transfer.search_count([]), 1)

        Stay.write([other], {'health_flag': True})
        Stay.transfer_out([other])
        with self.assertRaisesRegex(UserError, r'is not admitted'):
            Stay.send_to_fever_clinic([Stay(other.id)])
        self.assertEqual(Transfer.search_count([]), 1)

    @with_transaction()
    def test_fever_clinic_refusal_names_readable_transfer(self):
        """A resident already on an open transfer is not sent again: the
        refusal, in Chinese, names that transfer to medical staff who may
        read it, and never one of another site; nothing is requested"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Transfer = pool.get('quarantine.transfer')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        load_translations('quarantine')
        load_translations('quarantine_transfer')
        here, there = active_site(rooms=2), active_site(code='S2', rooms=1)
        mine, other = admit_residents(here, here.rooms)
        doctor, = User.create([{'login': 'doctor', 'name': "医生",
                    'groups': [('add', [ModelData.get_id(
                                    'quarantine', 'group_medical')])],
                    'quarantine_sites': [('add', [here.id])]}])
        for stay in [mine, other]:
            reading(stay, '38.2')
        # mine: on a transfer from this site, which the doctor reads
        from_here, = Transfer.create([{'origin': here.rec_name,
                    'to_site': there.id, 'lines': [('create', [{
                                    'person': mine.person.id,
                                    'stay': mine.id}])]}])
        # other: on a community's transfer to another site, not the
        # doctor's to read
        elsewhere, = Transfer.create([{'origin': "和平社区",
                    'to_site': there.id, 'lines': [('create', [{
                                    'person': other.person.id}])]}])
        count = Transfer.search_count([])
        for stay, expected, hidden in [
                (mine, f'已在未完成的转运"{from_here.rec_name}"中', None),
                (other, '已在未完成的转运单上', elsewhere.rec_name)]:
            with self.subTest(stay=stay.rec_name):
                with Transaction().set_user(doctor.id), check_access(), \
                        Transaction().set_context(language='zh_CN'), \
                        self.assertRaises(UserError) as cm, savepoint():
                    Stay.send_to_fever_clinic([Stay(stay.id)])
                message = cm.exception.message
                self.assertIn(stay.person.rec_name, message)
                self.assertIn(expected, message)
                if hidden:
                    self.assertNotIn(hidden, message)
                self.assertEqual(Transfer.search_count([]), count)
                self.assertEqual(Stay(stay.id).state, 'admitted')

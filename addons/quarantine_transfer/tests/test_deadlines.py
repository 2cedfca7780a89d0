# This file is part of the quarantine_transfer module.  See README.md.
"""Deadlines by category: contacts isolated within 8 hours of their
identification (Henan L163/L583, Chongqing L159, Ruijin L139), positives
within 2 hours, a bulk bus transfer within 6 hours (Ruijin L117), a
cross-region transfer requested 24 hours ahead without the elderly,
infants and psychiatric patients (Henan L531)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_person, create_stay,
    load_translations)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_transfer import arrive, transfer, vehicle

HOUR = dt.timedelta(hours=1)


def line_values(person, **values):
    return dict({'person': person.id}, **values)


def new_transfer(lines, to_site=None, **values):
    Transfer = Pool().get('quarantine.transfer')
    move, = Transfer.create([dict({
                    'origin': "和平社区",
                    'to_site': to_site.id if to_site else None,
                    'destination': None if to_site else "外市隔离点",
                    'lines': [('create', lines)],
                    }, **values)])
    return move


class DeadlineTestCase(ActivatedTestCase):
    "Deadlines by category"
    module = 'quarantine_transfer'

    @with_transaction()
    def test_shipped_table(self):
        "The table holds the plans' figures, one row a kind"
        Deadline = Pool().get('quarantine.deadline')
        self.assertEqual(
            {d.kind: d.hours for d in Deadline.search([])}, {
                'positive': 2, 'close_contact': 8, 'secondary_contact': 8,
                'inbound': 12, 'risk_area': 12, 'other': 12, 'bulk': 6,
                'cross_region': 24})

    @with_transaction()
    def test_former_configuration_figures(self):
        """The two figures of the configuration of the first releases read
        and write the table: positives' hours, and every category's"""
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Deadline = pool.get('quarantine.deadline')
        Transfer = pool.get('quarantine.transfer')
        config = Configuration(1)
        self.assertEqual(
            (config.positive_deadline_hours, config.transfer_deadline_hours),
            (2, 8))
        Configuration.write([config], {'positive_deadline_hours': 3,
                'transfer_deadline_hours': 10})
        hours = Deadline.hours_by_kind()
        self.assertEqual(hours['positive'], 3)
        self.assertEqual({hours[k] for k in ['close_contact',
                    'secondary_contact', 'inbound', 'risk_area', 'other']},
            {10})
        self.assertEqual((hours['bulk'], hours['cross_region']), (6, 24))
        site = active_site(rooms=2)
        move = new_transfer([line_values(create_person("甲", sequence='201'))],
            to_site=site)
        Transfer.request([move])
        self.assertEqual(move.deadline - move.requested_at, 10 * HOUR)

    @with_transaction()
    def test_contact_identified_earlier(self):
        """A close contact identified 5 hours ago is due 3 hours after the
        request: the transfer takes the earliest of its persons'
        deadlines"""
        Transfer = Pool().get('quarantine.transfer')
        site = active_site(rooms=5)
        early, late, inbound = [create_person(n, sequence=s)
            for n, s in [("早判定", '101'), ("未填判定", '102'),
                ("入境", '103')]]
        now = dt.datetime.now().replace(microsecond=0)
        move = new_transfer([
                line_values(early, category='close_contact',
                    identified_at=now - 5 * HOUR),
                line_values(late, category='close_contact'),
                line_values(inbound, category='inbound'),
                ], to_site=site)
        Transfer.request([move])
        self.assertEqual(move.deadline, now - 5 * HOUR + 8 * HOUR)
        self.assertLess(move.deadline - move.requested_at, 8 * HOUR)

        # without the early one: 8 hours from the request for a contact
        other = new_transfer([line_values(
                    create_person("密接", sequence='104'),
                    category='secondary_contact')], to_site=site)
        Transfer.request([other])
        self.assertEqual(other.deadline - other.requested_at, 8 * HOUR)
        # an inbound traveller alone: 12 hours
        alone = new_transfer([line_values(
                    create_person("入境2", sequence='105'),
                    category='inbound')], to_site=site)
        Transfer.request([alone])
        self.assertEqual(alone.deadline - alone.requested_at, 12 * HOUR)

    @with_transaction()
    def test_identified_nine_hours_ago_is_overdue(self):
        """A contact identified 9 hours ago is past the 8 hours at the
        request: the scheduled job flags the transfer, and, on arrival, the
        stay waiting for a room is on the isolation-overdue list"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        site = active_site(rooms=5)
        person = create_person("超时", sequence='111')
        identified = dt.datetime.now().replace(microsecond=0) - 9 * HOUR
        move = new_transfer([line_values(person, category='close_contact',
                    identified_at=identified)], to_site=site,
            vehicle=vehicle().id)
        Transfer.request([move])
        self.assertEqual(move.deadline, identified + 8 * HOUR)
        self.assertEqual(Transfer.update_overdue(), [move])
        self.assertTrue(move.overdue)
        Transfer.dispatch([move])
        arrive(move)
        stay, = Stay.search([('person', '=', person.id)])
        self.assertEqual(stay.identified_at, identified)
        self.assertEqual(stay.admission_deadline, identified + 8 * HOUR)
        self.assertTrue(stay.admission_overdue)
        self.assertEqual(Stay.search([('admission_overdue', '=', True)]),
            [stay])

    @with_transaction()
    def test_positive_and_bulk(self):
        """A positive on board: 2 hours; a bulk bus transfer of 30
        secondary contacts: 6 hours"""
        Transfer = Pool().get('quarantine.transfer')
        site = active_site(rooms=40)
        person = create_person("阳性", sequence='121')
        positive = transfer([person], destination="定点医院",
            positive=[person])
        Transfer.request([positive])
        self.assertEqual(positive.deadline - positive.requested_at,
            2 * HOUR)
        bus = new_transfer([line_values(
                    create_person(f"次密接{i}", sequence=f'{200 + i}'),
                    category='secondary_contact') for i in range(30)],
            to_site=site, bulk=True, vehicle=vehicle(seats=35).id)
        Transfer.request([bus])
        self.assertEqual(bus.deadline - bus.requested_at, 6 * HOUR)

    @with_transaction()
    def test_table_edited(self):
        """The administrator's figures apply: contacts within 6 hours; of
        two rows of a kind, the shortest"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Deadline = pool.get('quarantine.deadline')
        site = active_site(rooms=5)
        row, = Deadline.search([('kind', '=', 'close_contact')])
        Deadline.write([row], {'hours': 6})
        Deadline.create([{'kind': 'close_contact', 'hours': 7}])
        move = new_transfer([line_values(create_person("密接", sequence='131'),
                    category='close_contact')], to_site=site)
        Transfer.request([move])
        self.assertEqual(move.deadline - move.requested_at, 6 * HOUR)
        with self.assertRaises(UserError):
            Deadline.write([row], {'hours': 0})

    @with_transaction()
    def test_cross_region_notice(self):
        """A cross-region transfer is requested 24 hours before its
        departure: at 23 hours it is refused and nothing changes; at 25
        hours its deadline counts from the departure"""
        Transfer = Pool().get('quarantine.transfer')
        load_translations('quarantine_transfer')
        now = dt.datetime.now().replace(microsecond=0)
        person = create_person("外调", sequence='141')
        move = new_transfer([line_values(person, category='close_contact')],
            cross_region=True, planned_departure=now + 23 * HOUR)
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaisesRegex(UserError, "须在出发前 24 小时提请"):
                Transfer.request([move])
        move = Transfer(move.id)
        self.assertEqual(move.state, 'draft')
        self.assertIsNone(move.number)
        self.assertIsNone(move.deadline)

        # a cross-region transfer has a planned departure
        with self.assertRaisesRegex(UserError, "Planned Departure"):
            Transfer.write([move], {'planned_departure': None})

        departure = now + 25 * HOUR
        Transfer.write([move], {'planned_departure': departure})
        Transfer.request([move])
        self.assertEqual(move.state, 'requested')
        self.assertEqual(move.deadline, departure + 8 * HOUR)

    @with_transaction()
    def test_cross_region_kept_local(self):
        """The elderly (65 and over), infants (under 3) and psychiatric
        patients stay local: each is named; an adult of 30 goes"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Stay = pool.get('quarantine.stay')
        load_translations('quarantine_transfer')
        today = dt.date.today()
        departure = dt.datetime.now() + 30 * HOUR

        def born(years):
            return f'{today.year - years}0101'
        adult = create_person("成年人", birth=born(30), sequence='151')
        elderly = create_person("老人", birth=born(70), sequence='152')
        infant = create_person("幼儿", birth=born(2), sequence='153')
        patient = create_person("患者", birth=born(40), sequence='154')
        stay = create_stay(patient, special_needs=['psychiatric'])
        self.assertEqual(Stay(stay.id).special_needs, ('psychiatric',))
        move = new_transfer([
                line_values(adult),
                line_values(elderly),
                line_values(infant),
                line_values(patient, stay=stay.id),
                ], cross_region=True, planned_departure=departure)
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(UserError) as refused:
                Transfer.request([move])
        message = refused.exception.message
        self.assertIn("就地隔离", message)
        self.assertIn("老人", message)
        self.assertIn("高龄老人，70岁", message)
        self.assertIn("婴幼儿，2岁", message)
        self.assertIn("精神疾患者", message)
        self.assertNotIn("成年人", message)
        self.assertEqual(Transfer(move.id).state, 'draft')

        Transfer.write([move], {'lines': [('delete', [
                            l.id for l in move.lines
                            if l.person != adult])]})
        Transfer.request([move])
        self.assertEqual(move.state, 'requested')
        # a person added after the request is refused at the departure
        Transfer.write([move], {'lines': [('create', [
                            line_values(elderly)])],
                'vehicle': vehicle().id})
        with self.assertRaisesRegex(UserError, "isolated locally"):
            Transfer.dispatch([move])
        self.assertEqual(Transfer(move.id).state, 'requested')

        # the same persons go on a transfer within the region
        local = new_transfer([line_values(create_person(
                        "本地老人", birth=born(80), sequence='155'))],
            destination="本市隔离点")
        Transfer.request([local])
        self.assertEqual(local.state, 'requested')

# This file is part of the quarantine module.  See README.md for licensing.
"""The command centre's view: occupancy and the 75 % expansion alert of
each district and city (Henan L251, Chongqing L167) with the rooms to add,
the reserve shortfall and the standby site to activate; the health
commission's lists at their hours (Zhejiang L34)."""
import datetime as dt
import io

from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.quarantine.commission import KINDS
from trytond.modules.quarantine.site import rooms_to_add
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, admit_residents, create_person,
    create_site, create_stay, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def occupy(site, count):
    "Put `count` of the site's rooms in the occupied state"
    Room = Pool().get('quarantine.room')
    Room.write(list(site.rooms[:count]), {'state': 'occupied'})


def fresh(Model, records):
    """The records read anew: the figures the transaction read before the
    rooms changed (a site's validation reads its area) are forgotten, as
    at the next call of a client"""
    for cache in Transaction().cache.values():
        cache.clear()
    return Model.browse([r.id for r in records])


def standby_site(code, rooms, area):
    """A standby site of the area, its rooms out of service until it is
    activated (as the demo's)"""
    pool = Pool()
    Site = pool.get('quarantine.site')
    Room = pool.get('quarantine.room')
    site = create_site(code=code, rooms=rooms, area=area.id)
    Room.write(list(site.rooms), {'state': 'out_of_service'})
    Site.write([site], {'state': 'standby'})
    return site


class CommandViewTestCase(ActivatedTestCase):
    "Occupancy and expansion by district and city"

    def city(self):
        """A city of 400,000 people (Henan: 40 rooms per 10,000, so 1,600
        rooms in reserve) and two districts of 200,000 each"""
        Area = Pool().get('quarantine.area')
        city, = Area.create([{'name': "Demo City", 'code': 'C',
                    'population': 400_000, 'reserve_rooms_per_10k': 40}])
        east, west = Area.create([
                {'name': "East", 'code': 'CE', 'parent': city.id,
                    'population': 200_000, 'reserve_rooms_per_10k': 40},
                {'name': "West", 'code': 'CW', 'parent': city.id,
                    'population': 200_000, 'reserve_rooms_per_10k': 40},
                ])
        return city, east, west

    def test_rooms_to_add(self):
        "The least rooms that bring the occupancy under the alert rate"
        # 80 of 100 at 75 %: 107 rooms make 74.8 %, 106 make 75.5 %
        self.assertEqual(rooms_to_add(80, 100, 0.75), 7)
        self.assertLess(80 / 107, 0.75)
        self.assertGreaterEqual(80 / 106, 0.75)
        # exactly at the rate: one room more
        self.assertEqual(rooms_to_add(75, 100, 0.75), 1)
        self.assertEqual(rooms_to_add(74, 100, 0.75), 0)
        self.assertEqual(rooms_to_add(0, 0, 0.75), 0)

    @with_transaction()
    def test_district_in_alert(self):
        """A district at 80 % of its active rooms is in alert with 7 rooms
        to add; its own standby site that covers them is suggested; the
        city at 50 % is not in alert"""
        Area = Pool().get('quarantine.area')
        city, east, west = self.city()
        busy = active_site(code='E1', rooms=100, area=east.id)
        occupy(busy, 80)
        quiet = active_site(code='W1', rooms=60, area=west.id)
        occupy(quiet, 0)
        small = standby_site('E2', 5, east)
        big = standby_site('E3', 40, east)
        standby_site('W2', 120, west)

        east, west, city = fresh(Area, [east, west, city])
        self.assertEqual(east.rooms_in_service, 100)
        self.assertEqual(east.occupied_rooms, 80)
        self.assertAlmostEqual(east.occupancy, 0.8)
        self.assertTrue(east.expansion_alert)
        self.assertEqual(east.rooms_to_add, 7)
        self.assertEqual(east.standby_rooms, 45)
        # the biggest standby site of the district covers the 7 rooms
        self.assertEqual(east.suggested_site, big)
        self.assertEqual(east.suggested_site_rooms, 40)
        self.assertNotEqual(east.suggested_site, small)

        self.assertFalse(west.expansion_alert)
        self.assertEqual(west.rooms_to_add, 0)
        self.assertIsNone(west.suggested_site)

        # the city: 80 of 160 rooms
        self.assertEqual(city.rooms_in_service, 160)
        self.assertEqual(city.occupied_rooms, 80)
        self.assertAlmostEqual(city.occupancy, 0.5)
        self.assertFalse(city.expansion_alert)
        self.assertEqual(city.standby_rooms, 165)
        # the reserve next to it: 1,600 rooms required, 325 held
        self.assertEqual(city.reserve_required, 1600)
        self.assertEqual(city.reserve_rooms, 325)
        self.assertEqual(city.reserve_shortfall, 1275)
        self.assertEqual(east.reserve_required, 800)
        self.assertEqual(east.reserve_shortfall, 800 - 145)

        # the searches (the dashboard's panel)
        self.assertEqual(Area.search([('expansion_alert', '=', True)]),
            [east])
        self.assertEqual(set(Area.search([('expansion_alert', '=', False)])),
            {west, city})

    @with_transaction()
    def test_standby_of_nearest_parent(self):
        """A district without a standby site that covers its rooms to add
        is given the city's biggest one (Chongqing L167: the city dispatches
        across districts, nearest first)"""
        Area = Pool().get('quarantine.area')
        Configuration = Pool().get('quarantine.configuration')
        city, east, west = self.city()
        busy = active_site(code='E1', rooms=20, area=east.id)
        occupy(busy, 19)
        standby_site('E2', 3, east)
        other = standby_site('W2', 30, west)
        standby_site('W3', 10, west)
        east, = fresh(Area, [east])
        # 19 of 20 = 95 %: 26 rooms in all, 6 to add; East's 3 do not do
        self.assertEqual(east.rooms_to_add, 6)
        self.assertEqual(east.suggested_site, other)
        self.assertEqual(east.suggested_site_rooms, 30)

        # with the alert rate at 96 %, nothing is in alert
        Configuration.write([Configuration(1)], {'expansion_alert': 0.96})
        east, = fresh(Area, [east])
        self.assertFalse(east.expansion_alert)
        self.assertEqual(east.rooms_to_add, 0)
        self.assertIsNone(east.suggested_site)

    @with_transaction()
    def test_only_active_sites_count(self):
        """The rooms of draft, standby and closed sites and the rooms out
        of service are not in the occupancy; a site without area is in no
        area"""
        pool = Pool()
        Area = pool.get('quarantine.area')
        Room = pool.get('quarantine.room')
        city, east, west = self.city()
        site = active_site(code='E1', rooms=10, area=east.id)
        occupy(site, 6)
        Room.write(list(site.rooms[6:8]), {'state': 'out_of_service'})
        create_site(code='E9', rooms=50, area=east.id)
        unplaced = active_site(code='X1', rooms=4)
        occupy(unplaced, 4)
        east, city = fresh(Area, [east, city])
        # 6 of 8 rooms in service: 75 %, in alert, 1 room to add (6 / 9)
        self.assertEqual(east.rooms_in_service, 8)
        self.assertEqual(east.occupied_rooms, 6)
        self.assertTrue(east.expansion_alert)
        self.assertEqual(east.rooms_to_add, 1)
        # no standby site anywhere
        self.assertIsNone(east.suggested_site)
        self.assertEqual(city.occupied_rooms, 6)


class CommissionListTestCase(ActivatedTestCase):
    "The health commission's lists at their hours (Zhejiang L34)"

    def generate(self, kind, date, area=None):
        Generate = Pool().get('quarantine.commission.export.generate',
            type='wizard')
        session_id, _, _ = Generate.create()
        wizard = Generate(session_id)
        wizard.start.kind = kind
        wizard.start.date = date
        wizard.start.area = area
        wizard.transition_export()
        return wizard.result

    @staticmethod
    def rows(content):
        rows = list(load_workbook(io.BytesIO(content)).active.values)
        return rows[1], rows[2:]

    @with_transaction()
    def test_deadlines(self):
        """New positives of day D are due at 08:00 of D + 1, close contacts
        at 22:00 of D, the feedback at 18:00 of D + 1 (configurable)"""
        pool = Pool()
        Export = pool.get('quarantine.commission.export')
        Configuration = pool.get('quarantine.configuration')
        day = dt.date(2022, 5, 10)
        self.assertEqual(Export.deadline_of('new_positives', day),
            dt.datetime(2022, 5, 11, 8))
        self.assertEqual(Export.deadline_of('close_contacts', day),
            dt.datetime(2022, 5, 10, 22))
        self.assertEqual(Export.deadline_of('feedback', day),
            dt.datetime(2022, 5, 11, 18))
        Configuration.write([Configuration(1)], {
                'commission_positives_hour': 7,
                'commission_positives_days': 0})
        self.assertEqual(Export.deadline_of('new_positives', day),
            dt.datetime(2022, 5, 10, 7))
        # out of range: refused, nothing changed
        for values in [{'commission_contacts_hour': 24},
                {'commission_feedback_days': -1},
                {'commission_lead_minutes': 2000}]:
            with self.assertRaises(UserError) as context, savepoint():
                Configuration.write([Configuration(1)], values)
            self.assertIn("health commission", str(context.exception))
        config = Configuration(1)
        self.assertEqual(config.commission_contacts_hour, 22)
        self.assertEqual(config.commission_feedback_days, 1)
        self.assertEqual(config.commission_lead_minutes, 60)

    @with_transaction()
    def test_close_contacts_and_feedback(self):
        """The close contacts entered today, cancelled ones left out; the
        feedback tells each landed (site, room) or not"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Export = pool.get('quarantine.commission.export')
        site = active_site(code='A1', rooms=3)
        landed, = admit_residents(site, site.rooms[:1])
        waiting = create_stay(create_person("Waiting", sequence='201'))
        gone = create_stay(create_person("Gone", sequence='202'),
            notes="Left the province")
        Stay.cancel([gone])
        inbound = create_stay(create_person("Inbound", sequence='203'),
            category='inbound')
        today = dt.date.today()

        result = self.generate('close_contacts', today)
        header, rows = self.rows(result.file)
        names = {r[1] for r in rows}
        self.assertEqual(names, {landed.person.rec_name, "Waiting"})
        self.assertEqual(result.count, 2)
        self.assertEqual(header[2], "Identity Number")
        self.assertIn(landed.identity_number, {r[2] for r in rows})
        self.assertNotIn(inbound.person.rec_name, names)

        result = self.generate('feedback', today)
        header, rows = self.rows(result.file)
        landing = header.index("Landing Check")
        by_name = {r[1]: r for r in rows}
        self.assertEqual(set(by_name),
            {landed.person.rec_name, "Waiting", "Gone"})
        self.assertEqual(by_name[landed.person.rec_name][landing], "Landed")
        self.assertEqual(by_name[landed.person.rec_name][landing + 1],
            site.rec_name)
        self.assertEqual(by_name["Waiting"][landing],
            "Not landed yet (awaiting transfer)")
        # a date cell reads back as a datetime at midnight
        self.assertEqual(by_name["Waiting"][header.index("Arrival")].date(),
            waiting.arrival_date)
        self.assertEqual(by_name["Gone"][landing], "Cannot be landed")
        self.assertEqual(by_name["Gone"][-1], "Left the province")

        # yesterday's lists are empty: the stays were entered today
        result = self.generate('close_contacts',
            today - dt.timedelta(days=1))
        self.assertEqual(result.count, 0)
        exports = Export.search([])
        self.assertEqual(len(exports), 3)
        self.assertEqual({e.kind for e in exports},
            {'close_contacts', 'feedback'})
        # generated by the user (root here), each with its deadline
        for export in exports:
            self.assertEqual(export.deadline,
                Export.deadline_of(export.kind, export.date))

    @with_transaction()
    def test_new_positives_late(self):
        """The residents whose first positive result was recorded today;
        the list of a day generated at 08:30 the next day is late, at 07:30
        it is on time"""
        pool = Pool()
        Sample = pool.get('quarantine.sample')
        Export = pool.get('quarantine.commission.export')
        site = active_site(code='A1', rooms=3)
        positive, negative, before = admit_residents(site, site.rooms)
        for stay, result in [(positive, 'positive'),
                (negative, 'negative'), (before, 'positive')]:
            Sample.record_results(stay.samples[:1], result)
        # `before` was positive yesterday already: not new today
        sample = Sample.__table__()
        yesterday = dt.datetime.now() - dt.timedelta(days=1)
        Transaction().connection.cursor().execute(*sample.update(
                [sample.write_date], [yesterday],
                where=sample.id == before.samples[0].id))
        today = dt.date.today()
        next_day = today + dt.timedelta(days=1)

        export = Export.generate('new_positives', today,
            now=dt.datetime.combine(next_day, dt.time(8, 30)))
        header, rows = self.rows(export.file)
        self.assertEqual([r[1] for r in rows], [positive.person.rec_name])
        self.assertIsNotNone(rows[0][header.index(
                    "Positive Result Recorded at")])
        self.assertEqual(export.deadline,
            dt.datetime.combine(next_day, dt.time(8)))
        self.assertTrue(export.late)
        on_time = Export.generate('new_positives', today,
            now=dt.datetime.combine(next_day, dt.time(7, 30)))
        self.assertFalse(on_time.late)
        self.assertEqual(Export.search([('late', '=', True)]), [export])

    @with_transaction()
    def test_scheduled_job(self):
        """The job generates each list of the city the configured minutes
        (60) before its deadline, once; one it missed is generated late"""
        Export = Pool().get('quarantine.commission.export')
        day = dt.date.today()
        at = lambda h, m, d=0: dt.datetime.combine(  # noqa: E731
            day + dt.timedelta(days=d), dt.time(h, m))

        # 20:30: today's lists are not due within the hour; yesterday's
        # three lists, due less than a day ago, were missed (the job is
        # new): generated late
        yesterday = day - dt.timedelta(days=1)
        exports = Export.generate_due(at(20, 30))
        self.assertEqual([(e.kind, e.date, e.late) for e in exports], [
                ('new_positives', yesterday, True),
                ('close_contacts', yesterday, True),
                ('feedback', yesterday, True)])
        # 21:05: today's close contacts, on time
        exports = Export.generate_due(at(21, 5))
        self.assertEqual([(e.kind, e.date, e.late) for e in exports],
            [('close_contacts', day, False)])
        self.assertEqual(exports[0].generated_at, at(21, 5))
        self.assertIsNone(exports[0].generated_by)
        # again: nothing new
        self.assertEqual(Export.generate_due(at(21, 20)), [])
        # 07:10 tomorrow: today's new positives
        exports = Export.generate_due(at(7, 10, 1))
        self.assertEqual([(e.kind, e.date, e.late) for e in exports],
            [('new_positives', day, False)])
        # 17:00 tomorrow: today's feedback
        exports = Export.generate_due(at(17, 0, 1))
        self.assertEqual([(e.kind, e.date, e.late) for e in exports],
            [('feedback', day, False)])
        self.assertEqual(Export.search_count([]), 6)
        self.assertEqual({k for k, _ in KINDS},
            {e.kind for e in Export.search([])})

    @with_transaction()
    def test_area_of_an_area_administrator(self):
        """An administrator of a district lists one of their areas: another
        area is refused with a message and nothing is recorded"""
        pool = Pool()
        Area = pool.get('quarantine.area')
        User = pool.get('res.user')
        Export = pool.get('quarantine.commission.export')
        ModelData = pool.get('ir.model.data')
        east, west = Area.create([
                {'name': "East", 'code': 'E', 'population': 1000},
                {'name': "West", 'code': 'W', 'population': 1000}])
        user, = User.create([{'login': 'district', 'name': "District",
                    'groups': [('add', [ModelData.get_id(
                                        'quarantine', 'group_admin')])],
                    'quarantine_areas': [('add', [east.id])]}])
        # a wizard runs as the user, the access checked where it reads
        with Transaction().set_user(user.id):
            with self.assertRaises(UserError) as context:
                self.generate('close_contacts', dt.date.today(), west)
            self.assertIn("East", str(context.exception))
            self.assertEqual(Export.search_count([]), 0)
            with self.assertRaises(UserError):
                self.generate('close_contacts', dt.date.today(), None)
            result = self.generate('close_contacts', dt.date.today(), east)
            self.assertEqual(result.count, 0)
        export, = Export.search([])
        self.assertEqual(export.area, east)
        self.assertEqual(export.generated_by, user)

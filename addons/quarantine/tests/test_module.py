# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt

from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import SQLConstraintError
from trytond import backend
from trytond.modules.quarantine.tests.tools import (
    ListHeaderChecks, ModuleChecks, admit_residents, create_party,
    create_site, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

# On SQLite trytond reports a unique violation from a nested transaction on
# the same connection, which ends the test's transaction: what the database
# holds afterwards is checked there by the scenarios, where each call is a
# transaction of its own.
UNIQUE_ERROR_KEEPS_TRANSACTION = backend.name != 'sqlite'

class QuarantineTestCase(
        ModuleChecks, ListHeaderChecks, ModuleTestCase):
    "Test Quarantine module"
    module = 'quarantine'

    @with_transaction()
    def test_configuration_defaults(self):
        "The configuration ships the figures of the plans"
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        self.assertEqual(config.residents_per_medical_staff, 50)
        self.assertEqual(config.minimum_site_rooms, 100)
        self.assertEqual(config.expansion_alert, 0.75)
        self.assertEqual(config.reserve_rooms_per_10k, 40)
        self.assertEqual(config.staff_per_100_rooms, 15)
        self.assertEqual(config.elderly_age, 65)

    @with_transaction()
    def test_configuration_refuses_bad_ratio(self):
        "A zero ratio or an alert rate above 1 is refused"
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        # Create the singleton outside the sub-tests (it locks the table).
        Configuration.write([config], {'residents_per_medical_staff': 50})
        for field, value, message in [
                ('residents_per_medical_staff', 0, 'greater than zero'),
                ('residents_per_medical_staff', -50, 'greater than zero'),
                ('expansion_alert', 1.5, 'at most 1'),
                ('minimum_site_rooms', -1, 'cannot be negative'),
                ('elderly_age', 0, 'greater than zero'),
                ('daily_report_day_offset', -1, '0 or more'),
                ]:
            with self.subTest(field=field, value=value):
                with self.assertRaisesRegex(SQLConstraintError, message):
                    with savepoint():
                        Configuration.write([config], {field: value})
        self.assertEqual(Configuration(1).residents_per_medical_staff, 50)

    @with_transaction()
    def test_site_code_unique(self):
        "Two sites cannot share a code"
        Site = Pool().get('quarantine.site')
        create_site('DUP')
        with self.assertRaisesRegex(SQLConstraintError, 'already has this'):
            with savepoint():
                create_site('DUP')
        if UNIQUE_ERROR_KEEPS_TRANSACTION:
            self.assertEqual(Site.search_count([('code', '=', 'DUP')]), 1)

    @with_transaction()
    def test_activate_small_site_warns(self):
        "Activating a site under 100 rooms is a warning that can be skipped"
        Site = Pool().get('quarantine.site')
        site = create_site(rooms=20)
        with self.assertRaises(UserWarning) as cm:
            Site.activate([site])
        self.assertIn('100', cm.exception.message)
        self.assertEqual(site.state, 'draft')
        with Transaction().set_context(_skip_warnings=True):
            Site.activate([site])
        self.assertEqual(site.state, 'active')
        self.assertIsNotNone(site.activated_at)
        self.assertIsNone(site.activation_started_at)

    @with_transaction()
    def test_activation_gates(self):
        """A site opens once evaluated by the experts and laid out in three
        zones and two passages (Henan L245/L579, Chongqing L161): without
        them activating is a warning; who confirmed it and when are kept"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        Warning = pool.get('res.user.warning')
        site = create_site('GATE', rooms=100, floors=4,
            expert_evaluated_on=None, layout_compliant=False)
        with self.assertRaises(UserWarning) as cm:
            with savepoint():
                Site.activate([site])
        self.assertEqual(cm.exception.message,
            "A site opens once evaluated and accepted by the experts and "
            "laid out in three zones and two passages; these sites lack: "
            "Site GATE (expert evaluation、three zones and two passages). "
            "Activate anyway?")
        self.assertEqual((site.state, site.activated_at,
                site.gate_confirmed_by, site.gate_confirmed_at),
            ('draft', None, None, None))
        # the layout checked, the evaluation still missing
        Site.write([site], {'layout_compliant': True})
        with self.assertRaisesRegex(UserWarning,
                r'lack: Site GATE \(expert evaluation\)\.'):
            with savepoint():
                Site.activate([site])
        # the user confirms, as the client does
        Warning.create([{'user': Transaction().user,
                    'name': cm.exception.name}])
        Site.activate([site])
        self.assertEqual(site.state, 'active')
        self.assertEqual(site.gate_confirmed_by.id, Transaction().user)
        self.assertIsNotNone(site.gate_confirmed_at)
        self.assertEqual(site.gate_confirmed_at, site.activated_at)

        # evaluated on 2022-05-09 and compliant: no question, nothing kept
        ready = create_site('READY', rooms=100, floors=4,
            expert_evaluated_on=dt.date(2022, 5, 9))
        Site.activate([ready])
        self.assertEqual((ready.state, ready.gate_confirmed_by,
                ready.gate_confirmed_at), ('active', None, None))
        # an evaluation to come is a typo
        with self.assertRaisesRegex(UserError, 'in the future'):
            with savepoint():
                Site.write([ready], {'expert_evaluated_on':
                        dt.date.today() + dt.timedelta(days=1)})
        self.assertEqual(ready.expert_evaluated_on, dt.date(2022, 5, 9))

    @with_transaction()
    def test_activate_site_of_100_rooms(self):
        "A site of 100 rooms activates without a warning"
        Site = Pool().get('quarantine.site')
        site = create_site(rooms=100, floors=5)
        Site.activate([site])
        self.assertEqual(site.state, 'active')
        self.assertEqual(site.room_count, 100)

    @with_transaction()
    def test_activation_drill(self):
        "A standby site must ready 1/3 of its rooms in 24 h, 2/3 in 48 h"
        pool = Pool()
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        site = create_site(rooms=120, floors=6)
        Room.out_of_service(site.rooms)
        Site.standby([site])
        Site.activate([site])
        self.assertIsNotNone(site.activation_started_at)
        self.assertEqual(
            (site.drill_target_24h, site.drill_target_48h,
                site.drill_target_72h), (40, 80, 120))
        self.assertEqual(site.drill_due_count, 0)
        self.assertFalse(site.drill_lagging)

        Site.write([site], {'activation_started_at':
                    dt.datetime.now() - dt.timedelta(hours=25)})
        site = Site(site.id)
        self.assertEqual(site.drill_due_count, 40)
        self.assertTrue(site.drill_lagging)
        self.assertEqual(Site.search([('drill_lagging', '=', True)]), [site])

        Room.put_in_service(site.rooms[:40])
        site = Site(site.id)
        self.assertEqual(site.ready_count, 40)
        self.assertFalse(site.drill_lagging)

        Site.write([site], {'activation_started_at':
                    dt.datetime.now() - dt.timedelta(hours=49)})
        site = Site(site.id)
        self.assertEqual(site.drill_due_count, 80)
        self.assertTrue(site.drill_lagging)

    @with_transaction()
    def test_room_name_unique_per_site(self):
        "A room name is unique within its site, not across sites"
        pool = Pool()
        Room = pool.get('quarantine.room')
        first, second = create_site('A'), create_site('B')
        Room.create([{'site': first.id, 'name': '101'}])
        Room.create([{'site': second.id, 'name': '101'}])
        with self.assertRaisesRegex(SQLConstraintError, 'already exists'):
            with savepoint():
                Room.create([{'site': first.id, 'name': '101'}])
        if UNIQUE_ERROR_KEEPS_TRANSACTION:
            self.assertEqual(Room.search_count([('name', '=', '101')]), 2)

    @with_transaction()
    def test_room_capacity_at_least_one(self):
        "A room holds at least one bed"
        Room = Pool().get('quarantine.room')
        site = create_site()
        for capacity in [0, -1]:
            with self.subTest(capacity=capacity):
                with self.assertRaisesRegex(
                        SQLConstraintError, 'at least 1'):
                    with savepoint():
                        Room.create([{'site': site.id, 'name': '1',
                                    'capacity': capacity}])
        self.assertEqual(Room.search_count([('site', '=', site.id)]), 0)

    @with_transaction()
    def test_room_turnover(self):
        "A vacated room is cleared only after disinfection and a negative sample"
        pool = Pool()
        Room = pool.get('quarantine.room')
        Turnover = pool.get('quarantine.room.turnover')
        site = create_site(rooms=1)
        room, = site.rooms
        cleaner = create_party("Cleaner")
        Room.occupy([room])
        self.assertEqual(room.state, 'occupied')
        Room.to_cleaning([room])
        self.assertEqual(room.state, 'cleaning')
        turnover, = room.turnovers

        with self.assertRaisesRegex(UserError, 'terminal disinfection'):
            Room.clear([room])
        self.assertEqual(room.state, 'cleaning')

        now = dt.datetime.now()
        turnover.vacated_at = now - dt.timedelta(hours=2)
        turnover.disinfected_at = now - dt.timedelta(hours=1)
        turnover.disinfected_by = cleaner
        turnover.save()
        with self.assertRaisesRegex(UserError, 'environment sample'):
            Room.clear([room])

        turnover.sampled_at = now
        turnover.sample_result = 'positive'
        turnover.save()
        with self.assertRaisesRegex(UserError, 'environment sample'):
            Room.clear([room])
        self.assertEqual(Room(room.id).state, 'cleaning')

        turnover.sample_result = 'negative'
        turnover.save()
        Room.clear([room])
        self.assertEqual(room.state, 'available')
        turnover = Turnover(turnover.id)
        self.assertIsNotNone(turnover.cleared_at)
        self.assertEqual(turnover.cleared_by.id, Transaction().user)

        # The next occupation opens a new turnover
        Room.occupy([room])
        Room.to_cleaning([room])
        self.assertEqual(len(Room(room.id).turnovers), 2)
        with self.assertRaises(UserError):
            Room.clear([room])

    @with_transaction()
    def test_turnover_dates_in_order(self):
        "A disinfection cannot be recorded before the room was vacated"
        pool = Pool()
        Room = pool.get('quarantine.room')
        site = create_site(rooms=1)
        room, = site.rooms
        Room.to_cleaning([room])
        turnover, = room.turnovers
        turnover.disinfected_at = turnover.vacated_at - dt.timedelta(hours=2)
        with self.assertRaisesRegex(UserError, 'after the room was vacated'):
            turnover.save()

    @with_transaction()
    def test_out_of_service_room_keeps_open_turnover(self):
        "A room taken out of service while dirty comes back to cleaning"
        Room = Pool().get('quarantine.room')
        site = create_site(rooms=2)
        dirty, clean = site.rooms
        Room.to_cleaning([dirty])
        Room.out_of_service([dirty, clean])
        Room.put_in_service([dirty, clean])
        self.assertEqual(
            (Room(dirty.id).state, Room(clean.id).state),
            ('cleaning', 'available'))

    @with_transaction()
    def test_close_site_with_residents(self):
        "A site with residents cannot be closed"
        pool = Pool()
        Site = pool.get('quarantine.site')
        Stay = pool.get('quarantine.stay')
        site = create_site(rooms=100, floors=4)
        Site.activate([site])
        stays = admit_residents(site, site.rooms[:3])
        with self.assertRaisesRegex(UserError, '3 residents'):
            Site.close([site])
        self.assertEqual(Site(site.id).state, 'active')
        Stay.cancel(stays)
        Site.close([site])
        self.assertEqual(site.state, 'closed')

    @with_transaction()
    def test_occupancy_figures(self):
        "Counts by state, occupancy rate and expansion alert for a list"
        pool = Pool()
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        busy = create_site('BUSY', rooms=8)
        quiet = create_site('QUIET', rooms=4)
        with Transaction().set_context(_skip_warnings=True):
            Site.activate([busy, quiet])
        Room.occupy(busy.rooms[:6])
        Room.to_cleaning(busy.rooms[6:7])
        Room.out_of_service(quiet.rooms[:1])

        busy, quiet = Site.browse([busy.id, quiet.id])
        self.assertEqual(
            (busy.room_count, busy.available_count, busy.occupied_count,
                busy.cleaning_count, busy.out_of_service_count),
            (8, 1, 6, 1, 0))
        self.assertEqual(busy.occupancy, 0.75)
        self.assertTrue(busy.expansion_alert)
        self.assertEqual(quiet.occupancy, 0)
        self.assertEqual(quiet.out_of_service_count, 1)
        self.assertFalse(quiet.expansion_alert)
        self.assertEqual(
            Site.search([('expansion_alert', '=', True)]), [busy])
        self.assertEqual(
            Site.search([('expansion_alert', '=', False)]), [quiet])

    @with_transaction()
    def test_staffing(self):
        "Medical staff by the configured ratio, 15 staff per 100 rooms"
        pool = Pool()
        Site = pool.get('quarantine.site')
        Staff = pool.get('quarantine.staff')
        Configuration = pool.get('quarantine.configuration')
        site = create_site(rooms=100, floors=4)
        Site.activate([site])
        admit_residents(site, site.rooms[:51])
        self.assertEqual(site.resident_count, 51)
        self.assertEqual(site.medical_staff_required, 2)
        self.assertEqual(site.medical_staff_required_full, 2)
        self.assertEqual(site.other_staff_required, 6)
        self.assertEqual(site.staff_required_by_rooms, 15)
        self.assertTrue(site.staff_short)

        roles = (['medical', 'infection_control']
            + ['security'] * 6 + ['logistics'] * 7)
        staff = Staff.create([{'site': site.id, 'role': role,
                    'party': create_party(f"Staff {i}").id,
                    'certified': i != 0}
                for i, role in enumerate(roles)])
        # only certified staff count (持证上岗, Henan L281/L579, Chongqing
        # L163): the doctor still in training does not
        site = Site(site.id)
        self.assertEqual(
            (site.staff_count, site.medical_staff_count,
                site.infection_control_count, site.other_staff_count,
                site.uncertified_staff_count),
            (14, 1, 1, 13, 1))
        self.assertTrue(site.staff_short)
        self.assertEqual(Site.search([('staff_short', '=', True)]), [site])
        Staff.write(staff[:1], {'certified': True})
        site = Site(site.id)
        self.assertEqual(
            (site.staff_count, site.medical_staff_count,
                site.infection_control_count, site.other_staff_count,
                site.uncertified_staff_count),
            (15, 2, 1, 13, 0))
        self.assertFalse(site.staff_short)

        # The Henan reading of the ratio, 2:50, needs twice the doctors.
        config = Configuration(1)
        config.residents_per_medical_staff = 25
        config.save()
        site = Site(site.id)
        self.assertEqual(site.medical_staff_required, 3)
        self.assertEqual(site.medical_staff_required_full, 4)
        self.assertTrue(site.staff_short)
        self.assertEqual(Site.search([('staff_short', '=', True)]), [site])

    @with_transaction()
    def test_list_flags_equal_searches(self):
        """The flags of the site list are the ones the searches find: short
        of staff, over the alert (at it exactly, with nobody in service),
        both, a draft and a standby site that are neither"""
        pool = Pool()
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        Staff = pool.get('quarantine.staff')
        Configuration = pool.get('quarantine.configuration')
        config = Configuration(1)
        config.expansion_alert = 0.7
        config.save()
        sites = {code: create_site(code, rooms=rooms)
            for code, rooms in [('SHORT', 10), ('ALERT', 10), ('BOTH', 4),
                ('CLOSED_ROOMS', 2), ('DRAFT', 4), ('STANDBY', 4)]}
        with Transaction().set_context(_skip_warnings=True):
            Site.activate([s for c, s in sites.items()
                    if c not in {'DRAFT', 'STANDBY'}])
        Site.standby([sites['STANDBY']])
        admit_residents(sites['SHORT'], sites['SHORT'].rooms[:1])
        # 7 of 10 rooms: 0.7, at the alert in floating point too
        Room.occupy(sites['ALERT'].rooms[:7])
        for code in ['BOTH', 'DRAFT', 'STANDBY']:
            Room.occupy(sites[code].rooms)
        Room.out_of_service(sites['CLOSED_ROOMS'].rooms)
        staffed = ['medical', 'infection_control'] + ['security'] * 3
        Staff.create([{'site': sites[code].id, 'role': role,
                    'party': create_party(f"{code} {i}").id,
                    'certified': True}
                for code in ['ALERT', 'CLOSED_ROOMS']
                for i, role in enumerate(staffed)])

        ids = [s.id for s in sites.values()]
        listed = {r['id']: r for r in Site.read(ids,
                ['code', 'expansion_alert', 'staff_short', 'occupancy'])}
        self.assertEqual(
            {r['code']: (r['expansion_alert'], r['staff_short'])
                for r in listed.values()}, {
                'SHORT': (False, True),
                'ALERT': (True, False),
                'BOTH': (True, True),
                'CLOSED_ROOMS': (False, False),
                'DRAFT': (False, False),
                'STANDBY': (False, False),
                })
        self.assertEqual(listed[sites['ALERT'].id]['occupancy'], 0.7)
        for flag in ['expansion_alert', 'staff_short']:
            for value in [True, False]:
                with self.subTest(flag=flag, value=value):
                    self.assertEqual(
                        {s.id for s in Site.search([(flag, '=', value)])},
                        {i for i in ids if listed[i][flag] == value})

    @with_transaction()
    def test_staff_closed_loop_dates(self):
        "A closed-loop period cannot end before it starts"
        Staff = Pool().get('quarantine.staff')
        site = create_site()
        with self.assertRaisesRegex(SQLConstraintError, 'closed-loop'):
            with savepoint():
                Staff.create([{'site': site.id, 'role': 'medical',
                            'party': create_party("Doctor").id,
                            'closed_loop_start': dt.date(2022, 5, 10),
                            'closed_loop_end': dt.date(2022, 5, 1)}])
        self.assertEqual(Staff.search_count([]), 0)

    @with_transaction()
    def test_area_reserve(self):
        "Reserve rooms per 10,000 people and the shortfall of each area"
        pool = Pool()
        Area = pool.get('quarantine.area')
        Site = pool.get('quarantine.site')
        city, = Area.create([{'name': "City", 'population': 100000,
                    'reserve_rooms_per_10k': 40}])
        district, = Area.create([{'name': "District", 'parent': city.id,
                    'population': 30000, 'reserve_rooms_per_10k': 60}])
        self.assertEqual(district.reserve_required, 180)
        create_site('D1', rooms=150, area=district.id)
        closed = create_site('D2', rooms=100, area=district.id)
        Site.write([closed], {'state': 'closed'})
        district, city = Area.browse([district.id, city.id])
        self.assertEqual(district.reserve_rooms, 150)
        self.assertEqual(district.reserve_shortfall, 30)
        self.assertEqual(city.reserve_required, 400)
        self.assertEqual(city.reserve_rooms, 150)
        self.assertEqual(city.reserve_shortfall, 250)

    @with_transaction()
    def test_area_refuses_negative_population(self):
        "Negative population or reserve norm is refused"
        Area = Pool().get('quarantine.area')
        for values, message in [
                ({'population': -1}, 'population'),
                ({'reserve_rooms_per_10k': -40}, 'reserve norm'),
                ]:
            with self.subTest(values=values):
                with self.assertRaisesRegex(SQLConstraintError, message):
                    with savepoint():
                        Area.create([dict(name="Bad", **values)])
        self.assertEqual(Area.search_count([]), 0)

    def run_create_rooms(self, site, **values):
        pool = Pool()
        CreateRooms = pool.get('quarantine.room.create', type='wizard')
        session_id, _, _ = CreateRooms.create()
        wizard = CreateRooms(session_id)
        start = wizard.start
        for name, value in wizard.default_start(None).items():
            setattr(start, name, value)
        defaults = {
            'site': site, 'buildings': None, 'floor_from': 1,
            'floor_to': 1, 'number_from': 1, 'number_to': 10,
            'pattern': start.default_pattern(), 'capacity': 1,
            'accessible': False, 'initial_state': 'available',
            }
        defaults.update(values)
        for name, value in defaults.items():
            setattr(start, name, value)
        return wizard.transition_create_()

    @with_transaction()
    def test_create_rooms_wizard(self):
        "Two buildings of six floors with ten rooms each make 120 rooms"
        Room = Pool().get('quarantine.room')
        site = create_site()
        self.run_create_rooms(site, buildings="A, B", floor_from=2,
            floor_to=7, number_from=1, number_to=10)
        rooms = Room.search([('site', '=', site.id)])
        self.assertEqual(len(rooms), 120)
        names = {r.name for r in rooms}
        self.assertIn('A-201', names)
        self.assertIn('B-710', names)
        room, = Room.search([('name', '=', 'B-710')])
        self.assertEqual((room.building, room.floor, room.sequence),
            ('B', '7', 10))

    @with_transaction()
    def test_create_rooms_refuses_duplicates(self):
        "A range that repeats existing rooms creates nothing"
        Room = Pool().get('quarantine.room')
        site = create_site()
        self.run_create_rooms(site, floor_from=3, floor_to=3)
        with self.assertRaisesRegex(
                UserError, r'No room was created: 10 .*301'):
            self.run_create_rooms(site, floor_from=2, floor_to=3)
        self.assertEqual(Room.search_count([('site', '=', site.id)]), 10)
        # A pattern without the floor repeats names inside the batch itself
        with self.assertRaisesRegex(UserError, 'No room was created'):
            self.run_create_rooms(
                site, floor_from=4, floor_to=5, pattern='R{number}')
        self.assertEqual(Room.search_count([('site', '=', site.id)]), 10)

    @with_transaction()
    def test_create_rooms_refuses_bad_ranges(self):
        "Reversed ranges, empty ranges and bad patterns are refused"
        Room = Pool().get('quarantine.room')
        site = create_site()
        for values, message in [
                ({'floor_from': 5, 'floor_to': 2}, 'cannot be lower'),
                ({'number_from': 9, 'number_to': 1}, 'cannot be lower'),
                ({'capacity': 0}, 'at least 1'),
                ({'floor_to': 500, 'number_to': 100}, 'between 1 and'),
                ({'pattern': '{wing}-{number}'}, 'not valid'),
                ]:
            with self.subTest(values=values):
                with self.assertRaisesRegex(UserError, message):
                    self.run_create_rooms(site, **values)
        self.assertEqual(Room.search_count([('site', '=', site.id)]), 0)


del ModuleTestCase

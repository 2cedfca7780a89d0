# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
from contextlib import contextmanager

from trytond.model.exceptions import (
    AccessError, RequiredValidationError, SQLConstraintError)
from trytond.modules.quarantine.exceptions import DispatchError
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, create_party, load_translations, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

NOW = dt.datetime(2022, 5, 10, 8, 0)


def vehicle(plate, kind='bus', seats=30, last_run_at=None):
    Vehicle = Pool().get('quarantine.vehicle')
    vehicle, = Vehicle.create([{'plate': plate, 'kind': kind,
                'seats': seats, 'last_run_at': last_run_at}])
    return vehicle


def disinfect(vehicle, when):
    Disinfection = Pool().get('quarantine.vehicle.disinfection')
    Disinfection.create([{'vehicle': vehicle.id, 'disinfected_at': when,
                'disinfected_by': create_party("洗消站").id}])


@contextmanager
def statements():
    "The SQL statements sent on the transaction's connection in the block"
    connection = Transaction().connection
    cursor = connection.cursor
    sent = []

    class Recording:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def __iter__(self):
            return iter(self.real)

        def execute(self, query, *args):
            sent.append(str(query))
            return self.real.execute(query, *args)

    connection.cursor = lambda *a, **k: Recording(cursor(*a, **k))
    try:
        yield sent
    finally:
        del connection.cursor


class VehicleTestCase(ActivatedTestCase):
    "The one vehicle registry and its disinfection log"

    @with_transaction()
    def test_disinfection_names_who(self):
        """A disinfection without who did it is refused, by a message that
        names the field (also from the vehicle's log), and nothing is kept"""
        pool = Pool()
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        Vehicle = pool.get('quarantine.vehicle')
        bus = vehicle('豫A00001', last_run_at=NOW)
        with self.assertRaises(RequiredValidationError) as refused:
            with savepoint():
                Disinfection.create([{'vehicle': bus.id,
                            'disinfected_at': NOW + dt.timedelta(hours=1)}])
        self.assertEqual(refused.exception.message,
            'Fill in "Disinfected by" of the disinfection of vehicle '
            '"豫A00001": who disinfected it.')
        load_translations('quarantine')
        with Transaction().set_context(language='zh_CN'):
            # the row of the vehicle form's log, as the web client sends it
            with self.assertRaises(RequiredValidationError) as refused:
                with savepoint():
                    Vehicle.write([bus], {'disinfections': [('create', [{
                                        'disinfected_at': NOW
                                        + dt.timedelta(hours=1)}])]})
        self.assertEqual(refused.exception.message,
            '请填写车辆"豫A00001"消毒记录的"消毒人员"：由谁完成消毒。')
        self.assertEqual(Disinfection.search_count(
                [('vehicle', '=', bus.id)]), 0)
        self.assertTrue(bus.needs_disinfection)

    @with_transaction()
    def test_disinfected_at_of_many_vehicles(self):
        "The latest disinfection of a list of vehicles, in one query"
        Vehicle = Pool().get('quarantine.vehicle')
        hours = dt.timedelta(hours=1)
        bus = vehicle('豫A1', last_run_at=NOW)
        disinfect(bus, NOW - 3 * hours)
        disinfect(bus, NOW + 2 * hours)
        disinfect(bus, NOW + hours)
        truck = vehicle('豫A2', kind='truck', seats=0, last_run_at=NOW)
        disinfect(truck, NOW - hours)
        new = vehicle('豫A3')
        idle = vehicle('豫A4', kind='car', seats=4, last_run_at=NOW)

        vehicles = Vehicle.browse([bus, truck, new, idle])
        with statements() as sent:
            Vehicle.get_disinfection(vehicles,
                ['disinfected_at', 'needs_disinfection'])
        log_queries = [q for q in sent
            if 'quarantine_vehicle_disinfection' in q]
        self.assertEqual(len(log_queries), 1)
        self.assertIn('GROUP BY', log_queries[0].upper())

        self.assertEqual([v.disinfected_at for v in vehicles],
            [NOW + 2 * hours, NOW - hours, None, None])
        self.assertEqual([v.needs_disinfection for v in vehicles],
            [False, True, False, True])
        self.assertEqual(
            set(Vehicle.search([('needs_disinfection', '=', True)])),
            {truck, idle})
        self.assertEqual(
            set(Vehicle.search([('needs_disinfection', '=', False)])),
            {bus, new})

    @with_transaction()
    def test_run_then_disinfection(self):
        "A vehicle that ran is refused until disinfected after the run"
        Vehicle = Pool().get('quarantine.vehicle')
        bus = vehicle('豫A5')
        Vehicle.check_disinfected([bus])
        Vehicle.record_run([bus, bus], NOW)
        self.assertEqual(bus.last_run_at, NOW)
        with self.assertRaisesRegex(DispatchError, 'not disinfected'):
            Vehicle.check_disinfected([bus])
        disinfect(bus, NOW + dt.timedelta(minutes=30))
        Vehicle.check_disinfected([Vehicle(bus.id)])

    @with_transaction()
    def test_truck_has_no_seat_but_none_is_negative(self):
        "A truck carries no person; a negative number of seats is refused"
        Vehicle = Pool().get('quarantine.vehicle')
        vehicle('豫A6', kind='truck', seats=0)
        with self.assertRaises(SQLConstraintError), savepoint():
            vehicle('豫A7', seats=-1)
        self.assertEqual(Vehicle.search_count([('plate', '=', '豫A7')]), 0)

    @with_transaction()
    def test_logistics_manage_trucks_only(self):
        "A logistics officer keeps the trucks, reads the other vehicles"
        pool = Pool()
        Vehicle = pool.get('quarantine.vehicle')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        bus = vehicle('豫A8')
        officer, = User.create([{'login': 'logistics', 'groups': [('add', [
                            ModelData.get_id('quarantine', 'group_logistics'),
                            ])]}])
        with Transaction().set_user(officer.id), check_access():
            truck = vehicle('豫A9', kind='truck', seats=0)
            disinfect(truck, NOW)
            Vehicle.write([truck], {'driver': "王师傅"})
            self.assertEqual(len(Vehicle.search([])), 2)
            for values in [{'driver': "李师傅"}, {'kind': 'truck'}]:
                with self.subTest(values=values):
                    with self.assertRaises(AccessError):
                        Vehicle.write([Vehicle(bus.id)], values)
            with self.assertRaises(AccessError):
                vehicle('豫A10')

# This file is part of the quarantine_supply module.  See README.md.
"""Trucks in the one vehicle registry, shared with the transfers, and the
upgrade of the former truck registry (quarantine.supply.truck)"""
import datetime as dt
import importlib.util
import unittest

from sql import Table

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_party, create_person,
    load_translations, savepoint)
from trytond.modules.quarantine_supply.tests.test_supply import (
    driver_with_test, truck, warehouse_dispatch)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

HAS_TRANSFER = importlib.util.find_spec(
    'trytond.modules.quarantine_transfer') is not None


def site_dispatch():
    "A draft dispatch of grain from the city's warehouse to a new site"
    site = active_site(rooms=2)
    dispatch, _, _ = warehouse_dispatch([site], quantity=10)
    return dispatch


@unittest.skipUnless(HAS_TRANSFER, "quarantine_transfer is not installed")
class VehicleTestCase(ActivatedTestCase):
    "Trucks with the transfer module activated too"
    module = 'quarantine_supply'
    extras = ['quarantine_transfer']

    @with_transaction()
    def test_transfer_run_then_supply_departure(self):
        "A vehicle back from a transfer leaves with supplies once disinfected"
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Dispatch = pool.get('quarantine.supply.dispatch')
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        with set_company(create_company()):
            dispatch = site_dispatch()
            vehicle = truck(dispatch.supplier, seats=2)
            transfer, = Transfer.create([{
                        'origin': "和平社区", 'to_site': dispatch.site.id,
                        'vehicle': vehicle.id,
                        'lines': [('create', [
                                    {'person': create_person("甲").id}])],
                        }])
            Transfer.request([transfer])
            Transfer.dispatch([transfer])
            Transfer.write([transfer], {'received_count': 1})
            Transfer.arrive([transfer])

            Dispatch.write([dispatch], {'vehicle': vehicle.id,
                    'driver': driver_with_test().id})
            Dispatch.load([dispatch])
            with self.assertRaisesRegex(UserError, 'not disinfected'):
                Dispatch.depart([dispatch])
            self.assertEqual(dispatch.state, 'loaded')
            Disinfection.create([{'vehicle': vehicle.id,
                        'disinfected_by': create_party("洗消站").id}])
            Dispatch.depart([dispatch])
            self.assertEqual(dispatch.state, 'in_transit')
            # its run with the supplies starts the next disinfection wait
            self.assertEqual(vehicle.last_run_at, dispatch.departed_at)

    @with_transaction()
    def test_truck_picker_of_the_supplier(self):
        "A dispatch offers the trucks of its supplier and contract only"
        pool = Pool()
        Dispatch = pool.get('quarantine.supply.dispatch')
        Vehicle = pool.get('quarantine.vehicle')
        with set_company(create_company()):
            dispatch = site_dispatch()
            own = truck(dispatch.supplier, 1)
            of_contract = truck(dispatch.supplier, 2,
                contract=dispatch.contract.id)
            truck(create_party("别家"), 3)
            truck(None, 4)
            truck(dispatch.supplier, 5, kind='bus', seats=30)
            domain = PYSONDecoder({
                    'supplier': dispatch.supplier.id,
                    'contract': dispatch.contract.id,
                    }).decode(PYSONEncoder().encode(Dispatch.vehicle.domain))
            self.assertEqual(set(Vehicle.search(domain)), {own, of_contract})
            with self.assertRaises(UserError):
                Dispatch.write([dispatch], {'vehicle': truck(
                            create_party("另一家"), 6).id})

    @with_transaction()
    def test_fleet_number_unique(self):
        "A second truck numbered 7 is refused in Chinese, nothing changed"
        Vehicle = Pool().get('quarantine.vehicle')
        load_translations('quarantine_supply')
        # trytond names the violated constraint from another transaction
        Transaction().commit()
        truck(None, 7)
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(SQLConstraintError) as cm, savepoint():
                truck(None, 7, plate='其它')
        self.assertIn("已有货车使用该车队编号", str(cm.exception))
        if backend.name != 'sqlite':
            # SQLite ends the test's transaction on a unique violation
            self.assertEqual(
                Vehicle.search_count([('number', '=', 7)]), 1)
            self.assertEqual(
                Vehicle.search_count([('plate', '=', '其它')]), 0)


class TruckMigrationTestCase(ActivatedTestCase):
    "The trucks of a database from before the one vehicle registry"
    module = 'quarantine_supply'

    @with_transaction()
    def test_trucks_become_vehicles(self):
        "Trucks, their log and their dispatches move to the vehicles"
        pool = Pool()
        Vehicle = pool.get('quarantine.vehicle')
        Dispatch = pool.get('quarantine.supply.dispatch')
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        with set_company(create_company()):
            dispatch = site_dispatch()
        supplier = dispatch.supplier
        bus, = Vehicle.create([{'plate': '赣B·00002', 'kind': 'bus',
                    'seats': 30}])
        ran = dt.datetime(2022, 5, 10, 8, 0)
        cursor = Transaction().connection.cursor()
        for statement in [
                'CREATE TABLE quarantine_supply_truck (id INTEGER PRIMARY KEY, '
                'number INTEGER, plate VARCHAR, supplier INTEGER, '
                'contract INTEGER, capacity FLOAT, active BOOLEAN, '
                'last_run_at TIMESTAMP)',
                'CREATE TABLE quarantine_supply_truck_disinfection ('
                'id INTEGER PRIMARY KEY, truck INTEGER, '
                'disinfected_at TIMESTAMP, disinfected_by VARCHAR, '
                'notes VARCHAR)']:
            cursor.execute(statement)
        truck_table = Table('quarantine_supply_truck')
        cursor.execute(*truck_table.insert(
                [truck_table.id, truck_table.number, truck_table.plate,
                    truck_table.supplier, truck_table.capacity,
                    truck_table.active, truck_table.last_run_at],
                [[bus.id + 100, 1, '赣B·00001', supplier.id, 3000, True, ran],
                    [bus.id, 2, '赣B·00002', supplier.id, 2000, True, None]]))
        log = Table('quarantine_supply_truck_disinfection')
        cursor.execute(*log.insert(
                [log.id, log.truck, log.disinfected_at, log.disinfected_by,
                    log.notes],
                [[1, bus.id + 100, ran + dt.timedelta(hours=1), "清洁消毒组",
                        "车厢"]]))
        # the dispatch went with truck 1, its key referenced the truck table
        Dispatch.__table_handler__().drop_fk('vehicle')
        table = Dispatch.__table__()
        cursor.execute(*table.update([table.vehicle], [bus.id + 100],
                where=table.id == dispatch.id))

        Vehicle._migrate_trucks('quarantine_supply')

        first, = Vehicle.search([('plate', '=', '赣B·00001')])
        self.assertEqual((first.kind, first.seats, first.number,
                first.supplier, first.capacity, first.last_run_at),
            ('truck', 0, 1, supplier, 3000, ran))
        disinfection, = Disinfection.search([('vehicle', '=', first.id)])
        self.assertEqual(disinfection.notes, "清洁消毒组 / 车厢")
        self.assertIsNone(disinfection.disinfected_by)
        self.assertFalse(first.needs_disinfection)
        # the bus of the same plate is the second truck's vehicle now
        second, = Vehicle.search([('plate', '=', '赣B·00002')])
        self.assertEqual((second, second.number, second.capacity),
            (bus, 2, 2000))
        self.assertEqual(Dispatch(dispatch.id).vehicle, first)
        self.assertFalse(backend.TableHandler.table_exist(
                'quarantine_supply_truck'))


del ActivatedTestCase

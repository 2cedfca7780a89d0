# This file is part of the quarantine_supply module.  See README.md.
"""Box trucks of the supply fleet (Ruijin: 40, numbered 1-40, five a
supermarket): vehicles of kind truck with a fleet number, the supplier
they are assigned to and what they carry."""
from sql import Null, Table
from sql.conditionals import Case

from trytond import backend
from trytond.model import Check, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Vehicle(metaclass=PoolMeta):
    __name__ = 'quarantine.vehicle'

    _truck_states = {'invisible': Eval('kind') != 'truck'}

    number = fields.Integer("Fleet Number", states=_truck_states,
        help="The number painted on the truck.")
    supplier = fields.Many2One('party.party', "Supplier",
        states=_truck_states,
        help="The supplier the truck is assigned to.")
    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        domain=[('supplier', '=', Eval('supplier', -1))],
        states=_truck_states)
    capacity = fields.Float("Capacity (kg)", digits=(16, 0),
        states=_truck_states)

    del _truck_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'quarantine_supply.msg_vehicle_number_unique'),
            ('capacity_positive', Check(t, t.capacity >= 0),
                'quarantine_supply.msg_vehicle_capacity_positive'),
            ]
        cls._order.insert(0, ('number', 'ASC NULLS LAST'))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls._migrate_trucks(module)

    def get_rec_name(self, name):
        if self.number is not None:
            return f'{self.number} {self.plate}'
        return super().get_rec_name(name)

    @classmethod
    def search_rec_name(cls, name, clause):
        "A truck is also found by its fleet number"
        _, operator, value = clause[:3]
        domain = super().search_rec_name(name, clause)
        if (not operator.startswith('!') and isinstance(value, str)
                and value.strip('%').isdigit()):
            domain = ['OR', domain, ('number', '=', int(value.strip('%')))]
        return domain

    @classmethod
    def _migrate_trucks(cls, module):
        """The trucks of the former quarantine.supply.truck registry become
        vehicles of kind truck (the one with the same plate if any), with
        their disinfection log; the dispatches point at them"""
        pool = Pool()
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        Dispatch = pool.get('quarantine.supply.dispatch')
        ModelData = pool.get('ir.model.data')
        TableHandler = backend.TableHandler
        if not TableHandler.table_exist('quarantine_supply_truck'):
            return
        cursor = Transaction().connection.cursor()
        truck = Table('quarantine_supply_truck')
        truck_disinfection = Table('quarantine_supply_truck_disinfection')
        vehicle = cls.__table__()
        disinfection = Disinfection.__table__()
        dispatch = Dispatch.__table__()

        cursor.execute(*truck.select(truck.id, truck.number, truck.plate,
                truck.supplier, truck.contract, truck.capacity, truck.active,
                truck.last_run_at))
        vehicle_of = {}
        for (truck_id, number, plate, supplier, contract, capacity, active,
                last_run_at) in cursor.fetchall():
            supply = [number, supplier, contract, capacity]
            cursor.execute(*vehicle.select(vehicle.id, vehicle.last_run_at,
                    where=vehicle.plate == plate))
            row = cursor.fetchone()
            if row:
                vehicle_id, vehicle_run = row
                last_run_at = max(filter(None, [last_run_at, vehicle_run]),
                    default=None)
                cursor.execute(*vehicle.update(
                        [vehicle.number, vehicle.supplier, vehicle.contract,
                            vehicle.capacity, vehicle.last_run_at],
                        supply + [last_run_at],
                        where=vehicle.id == vehicle_id))
            else:
                cursor.execute(*vehicle.insert(
                        [vehicle.plate, vehicle.kind, vehicle.seats,
                            vehicle.negative_pressure, vehicle.active,
                            vehicle.last_run_at, vehicle.number,
                            vehicle.supplier, vehicle.contract,
                            vehicle.capacity],
                        [[plate, 'truck', 0, False, active, last_run_at]
                            + supply]))
                cursor.execute(*vehicle.select(vehicle.id,
                        where=vehicle.plate == plate))
                vehicle_id, = cursor.fetchone()
            vehicle_of[truck_id] = vehicle_id

        cursor.execute(*truck_disinfection.select(
                truck_disinfection.truck, truck_disinfection.disinfected_at,
                truck_disinfection.disinfected_by, truck_disinfection.notes))
        rows = [[vehicle_of[truck_id], disinfected_at,
                ' / '.join(filter(None, [by, notes])) or None]
            for truck_id, disinfected_at, by, notes in cursor.fetchall()]
        if rows:
            cursor.execute(*disinfection.insert(
                    [disinfection.vehicle, disinfection.disinfected_at,
                        disinfection.notes], rows))

        # the dispatch's foreign key still references the truck table
        Dispatch.__table_handler__(module).drop_fk('vehicle')
        if vehicle_of:
            cursor.execute(*dispatch.update([dispatch.vehicle],
                    [Case(*((dispatch.vehicle == t, v)
                                for t, v in vehicle_of.items()),
                            else_=Null)],
                    where=dispatch.vehicle.in_(list(vehicle_of))))
        TableHandler.drop_table(
            'quarantine.supply.truck.disinfection', truck_disinfection._name)
        TableHandler.drop_table('quarantine.supply.truck', truck._name)
        # The Trucks action is made anew for the vehicles: the old one
        # cannot change its model under its old views, it goes with its model
        model_data = ModelData.__table__()
        cursor.execute(*model_data.delete(
                where=(model_data.module == module)
                & model_data.fs_id.like('act_truck_form%')))

# This file is part of the quarantine_supply module.  See README.md.
"""Box trucks of the supply fleet (Ruijin: 40, numbered 1-40, five a
supermarket) and their drivers' tests."""
import datetime as dt

from trytond.model import (
    Check, DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class Truck(DeactivableMixin, ModelSQL, ModelView):
    "Supply Truck"
    __name__ = 'quarantine.supply.truck'
    __string__ = "Supply Truck"

    number = fields.Integer("Number", required=True,
        help="The fleet number painted on the truck.")
    plate = fields.Char("Plate", required=True)
    supplier = fields.Many2One('party.party', "Supplier",
        help="The supplier the truck is assigned to.")
    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        domain=[('supplier', '=', Eval('supplier', -1))])
    capacity = fields.Float("Capacity (kg)", digits=(16, 0))
    disinfections = fields.One2Many('quarantine.supply.truck.disinfection',
        'truck', "Disinfections")
    last_run_at = fields.DateTime("Last Run", readonly=True,
        help="When the truck last delivered.")
    disinfected_at = fields.Function(fields.DateTime("Last Disinfection"),
        'get_disinfected_at')
    needs_disinfection = fields.Function(fields.Boolean(
            "Needs Disinfection"), 'get_needs_disinfection')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'quarantine_supply.msg_truck_number_unique'),
            ('plate_unique', Unique(t, t.plate),
                'quarantine_supply.msg_truck_plate_unique'),
            ('capacity_positive', Check(t, t.capacity >= 0),
                'quarantine_supply.msg_truck_capacity_positive'),
            ]
        cls._order = [('number', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.number} {self.plate}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        domain = [bool_op, ('plate', operator, value)]
        if isinstance(value, str) and value.strip('%').isdigit():
            domain.append(('number', '=', int(value.strip('%'))))
        return domain

    @classmethod
    def get_disinfected_at(cls, trucks, name):
        Disinfection = Pool().get('quarantine.supply.truck.disinfection')
        result = {t.id: None for t in trucks}
        for disinfection in Disinfection.search([
                    ('truck', 'in', [t.id for t in trucks]),
                    ], order=[('disinfected_at', 'ASC')]):
            result[disinfection.truck.id] = disinfection.disinfected_at
        return result

    def get_needs_disinfection(self, name):
        return bool(self.last_run_at and (not self.disinfected_at
                or self.disinfected_at < self.last_run_at))


class TruckDisinfection(ModelSQL, ModelView):
    "Truck Disinfection"
    __name__ = 'quarantine.supply.truck.disinfection'
    __string__ = "Truck Disinfection"

    truck = fields.Many2One('quarantine.supply.truck', "Truck",
        required=True, ondelete='CASCADE')
    disinfected_at = fields.DateTime("Disinfected at", required=True)
    disinfected_by = fields.Char("Disinfected by")
    notes = fields.Char("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('disinfected_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_disinfected_at():
        return dt.datetime.now()


class TruckVehicle(metaclass=PoolMeta):
    "A truck registered as a vehicle of the transfer module shares its log"
    __name__ = 'quarantine.supply.truck'

    vehicle = fields.Many2One('quarantine.vehicle', "Vehicle",
        help="The same truck in the vehicle registry: its disinfections "
        "count too.")

    @classmethod
    def get_disinfected_at(cls, trucks, name):
        result = super().get_disinfected_at(trucks, name)
        for truck in trucks:
            if truck.vehicle and truck.vehicle.disinfected_at:
                result[truck.id] = max(filter(None, [result[truck.id],
                            truck.vehicle.disinfected_at]))
        return result


class DriverTest(ModelSQL, ModelView):
    "Driver Test"
    __name__ = 'quarantine.supply.driver_test'
    __string__ = "Driver Test"

    driver = fields.Many2One('party.party', "Driver", required=True,
        ondelete='CASCADE')
    tested_at = fields.DateTime("Sampled at", required=True)
    result = fields.Selection([
            ('negative', "Negative"),
            ('positive', "Positive"),
            ], "Result", required=True)
    institution = fields.Char("Institution")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('tested_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_result():
        return 'negative'

    @classmethod
    def latest(cls, drivers):
        "Return {driver id: latest test}"
        result = {}
        for test in cls.search([
                    ('driver', 'in', [d.id for d in drivers]),
                    ], order=[('tested_at', 'ASC')]):
            result[test.driver.id] = test
        return result

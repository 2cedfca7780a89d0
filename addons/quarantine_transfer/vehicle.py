# This file is part of the quarantine_transfer module.  See README.md.
import datetime as dt

from trytond.model import (
    Check, DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool


class Vehicle(DeactivableMixin, ModelSQL, ModelView):
    "Transfer Vehicle"
    __name__ = 'quarantine.vehicle'
    __string__ = "Transfer Vehicle"
    _rec_name = 'plate'

    plate = fields.Char("Plate", required=True)
    kind = fields.Selection([
            ('bus', "Bus"),
            ('ambulance', "Ambulance"),
            ('truck', "Truck"),
            ('car', "Car"),
            ], "Kind", required=True)
    negative_pressure = fields.Boolean("Negative Pressure",
        help="A negative-pressure ambulance: the only vehicle a positive "
        "person may travel in, alone.")
    seats = fields.Integer("Seats", required=True,
        help="Seats for transferred persons, escorts apart.")
    driver = fields.Char("Driver")
    driver_phone = fields.Char("Driver Phone")
    disinfections = fields.One2Many(
        'quarantine.vehicle.disinfection', 'vehicle', "Disinfections")
    last_run_at = fields.DateTime("Last Run", readonly=True,
        help="End of the vehicle's last transfer.")
    disinfected_at = fields.Function(fields.DateTime("Last Disinfection"),
        'get_disinfected_at')
    needs_disinfection = fields.Function(fields.Boolean(
            "Needs Disinfection",
            help="Not disinfected since its last run: it cannot be "
            "dispatched."), 'get_needs_disinfection')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plate_unique', Unique(t, t.plate),
                'quarantine_transfer.msg_vehicle_plate_unique'),
            ('seats_positive', Check(t, t.seats >= 1),
                'quarantine_transfer.msg_vehicle_seats_positive'),
            ]

    @staticmethod
    def default_kind():
        return 'bus'

    @classmethod
    def get_disinfected_at(cls, vehicles, name):
        Disinfection = Pool().get('quarantine.vehicle.disinfection')
        result = {v.id: None for v in vehicles}
        for disinfection in Disinfection.search([
                    ('vehicle', 'in', [v.id for v in vehicles]),
                    ], order=[('disinfected_at', 'ASC')]):
            result[disinfection.vehicle.id] = disinfection.disinfected_at
        return result

    def get_needs_disinfection(self, name):
        return bool(self.last_run_at and (not self.disinfected_at
                or self.disinfected_at < self.last_run_at))


class Disinfection(ModelSQL, ModelView):
    "Vehicle Disinfection"
    __name__ = 'quarantine.vehicle.disinfection'
    __string__ = "Vehicle Disinfection"

    vehicle = fields.Many2One('quarantine.vehicle', "Vehicle",
        required=True, ondelete='CASCADE')
    disinfected_at = fields.DateTime("Disinfected at", required=True)
    disinfected_by = fields.Many2One('party.party', "Disinfected by",
        required=True)
    notes = fields.Char("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('disinfected_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_disinfected_at():
        return dt.datetime.now()

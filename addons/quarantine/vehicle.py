# This file is part of the quarantine module.  See README.md for licensing.
"""The one registry of vehicles: buses and ambulances of the transfers,
box trucks of the supplies, each with its disinfection log.  A vehicle
that ran is disinfected before its next run, whatever the run was."""
import datetime as dt

from sql import Null
from sql.aggregate import Max
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Check, DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .bounds import check_not_future, field_label
from .common import flag_domain
from .exceptions import (
    DisinfectorRequiredError, DispatchError, FutureDateError)


class Vehicle(DeactivableMixin, ModelSQL, ModelView):
    "Vehicle"
    __name__ = 'quarantine.vehicle'
    __string__ = "Vehicle"
    _rec_name = 'plate'

    plate = fields.Char("Plate", size=20, required=True)
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
        help="Seats for transferred persons, escorts apart (none for a "
        "truck).")
    driver = fields.Char("Driver", size=100)
    driver_phone = fields.Char("Driver Phone", size=30)
    disinfections = fields.One2Many(
        'quarantine.vehicle.disinfection', 'vehicle', "Disinfections")
    last_run_at = fields.DateTime("Last Run", readonly=True,
        help="When the vehicle last ran: the end of a transfer, the "
        "departure of a supply dispatch.")
    disinfected_at = fields.Function(fields.DateTime("Last Disinfection"),
        'get_disinfection')
    needs_disinfection = fields.Function(fields.Boolean(
            "Needs Disinfection",
            help="Not disinfected since its last run: it cannot be "
            "dispatched."), 'get_disinfection',
        searcher='search_needs_disinfection')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plate_unique', Unique(t, t.plate),
                'quarantine.msg_vehicle_plate_unique'),
            ('seats_non_negative', Check(t, t.seats >= 0),
                'quarantine.msg_vehicle_seats_positive'),
            ]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # a truck has no seat: at least one seat was the rule of the
        # transfer module's vehicles
        cls.__table_handler__(module).drop_constraint('seats_positive')

    @staticmethod
    def default_kind():
        return 'bus'

    @classmethod
    def get_disinfection(cls, vehicles, names):
        "The latest disinfection of many vehicles in one grouped query"
        Disinfection = Pool().get('quarantine.vehicle.disinfection')
        disinfection = Disinfection.__table__()
        cursor = Transaction().connection.cursor()
        latest = dict.fromkeys(v.id for v in vehicles)
        for sub_ids in grouped_slice(latest, backend.MAX_QUERY_PARAMS):
            cursor.execute(*disinfection.select(
                    disinfection.vehicle, Max(disinfection.disinfected_at),
                    where=disinfection.vehicle.in_(list(sub_ids)),
                    group_by=[disinfection.vehicle]))
            for vehicle_id, disinfected_at in cursor:
                if isinstance(disinfected_at, str):  # SQLite
                    disinfected_at = dt.datetime.fromisoformat(
                        disinfected_at)
                latest[vehicle_id] = disinfected_at
        result = {'disinfected_at': latest, 'needs_disinfection': {}}
        for vehicle in vehicles:
            disinfected_at = latest.get(vehicle.id)
            result['needs_disinfection'][vehicle.id] = bool(
                vehicle.last_run_at and (not disinfected_at
                    or disinfected_at < vehicle.last_run_at))
        return {n: result[n] for n in names}

    @classmethod
    def search_needs_disinfection(cls, name, clause):
        Disinfection = Pool().get('quarantine.vehicle.disinfection')
        vehicle = cls.__table__()
        disinfection = Disinfection.__table__()
        since_run = disinfection.select(disinfection.id,
            where=(disinfection.vehicle == vehicle.id)
            & (disinfection.disinfected_at >= vehicle.last_run_at))
        query = vehicle.select(vehicle.id,
            where=(vehicle.last_run_at != Null) & ~Exists(since_run))
        return flag_domain(clause, query)

    @classmethod
    def check_disinfected(cls, vehicles):
        "Refuse a vehicle not disinfected since its last run"
        for vehicle in vehicles:
            if vehicle.needs_disinfection:
                raise DispatchError(gettext(
                        'quarantine.msg_vehicle_not_disinfected',
                        vehicle=vehicle.rec_name))

    @classmethod
    def record_run(cls, vehicles, when):
        "Record a run: the vehicles need disinfection before the next one"
        cls.write(list(set(vehicles)), {'last_run_at': when})


class Disinfection(ModelSQL, ModelView):
    "Vehicle Disinfection"
    __name__ = 'quarantine.vehicle.disinfection'
    __string__ = "Vehicle Disinfection"

    vehicle = fields.Many2One('quarantine.vehicle', "Vehicle",
        required=True, ondelete='CASCADE')
    disinfected_at = fields.DateTime("Disinfected at", required=True)
    # required of every entry made or changed, but not by the database:
    # the entries of the former truck log named their disinfector in a
    # text, kept in the notes.  Checked by the server (validate_fields),
    # whose message names the field: the web client, told it is required,
    # only said a row of the vehicle's log was not valid.
    disinfected_by = fields.Many2One('party.party', "Disinfected by",
        help="Who disinfected the vehicle: required.")
    notes = fields.Char("Notes", size=1000)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('disinfected_at', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        # the latest disinfection of each vehicle, read from the index
        cls._sql_indexes.add(Index(t,
                (t.vehicle, Index.Range()),
                (t.disinfected_at, Index.Range())))

    @staticmethod
    def default_disinfected_at():
        return dt.datetime.now()

    @classmethod
    def validate_fields(cls, disinfections, field_names):
        super().validate_fields(disinfections, field_names)
        check_not_future(disinfections, field_names & {'disinfected_at'},
            FutureDateError)
        if 'disinfected_by' in field_names:
            for disinfection in disinfections:
                if not disinfection.disinfected_by:
                    raise DisinfectorRequiredError(gettext(
                            'quarantine.msg_disinfection_by_required',
                            vehicle=disinfection.vehicle.rec_name,
                            field=field_label(
                                cls.__name__, 'disinfected_by')))

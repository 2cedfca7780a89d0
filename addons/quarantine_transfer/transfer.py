# This file is part of the quarantine_transfer module.  See README.md.
"""Closed-loop transfers (闭环转运): from communities, ports and sites to
isolation sites, and positives to hospital, within deadlines."""
import datetime as dt
import math
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.quarantine.bounds import check_not_future
from trytond.modules.quarantine.common import (
    FreshCopy, readable, refuse_first, start_view)
from trytond.modules.quarantine.entry import PersonEntry, document_of
from trytond.modules.quarantine.exceptions import FutureDateError
from trytond.modules.quarantine.monitoring import FEVER
from trytond.modules.quarantine.stay import (
    CATEGORIES, age_on, identity_error, identity_facts)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import StateTransition, Wizard

from .exceptions import DispatchError, TransferError

OPEN_STATES = ('draft', 'requested', 'dispatched')
# The categories seated every other seat (Henan L167, L527); a line without
# a category is handed over as a close contact
CONTACTS = (None, 'close_contact', 'secondary_contact')


# The deadline kinds the former configuration figures stand for, and their
# former defaults
DEADLINE_KINDS = {
    'positive_deadline_hours': ['positive'],
    'transfer_deadline_hours': [k for k, _ in CATEGORIES],
    }
DEFAULT_DEADLINES = {
    'positive_deadline_hours': 2,
    'transfer_deadline_hours': 12,
    }


class Configuration(metaclass=PoolMeta):
    __name__ = 'quarantine.configuration'

    transfer_sequence = fields.Many2One('ir.sequence', "Transfer Sequence",
        help="Numbers the transfers and their handover forms.")
    # the deadlines are a table by category (quarantine.deadline); the two
    # figures of the first releases read and write its rows
    positive_deadline_hours = fields.Function(fields.Integer(
            "Positive Deadline (hours)",
            help="Positive persons reach hospital within this time (2 h): "
            "the Positive row of Deadlines by Category."),
        'get_deadline_hours', setter='set_deadline_hours')
    transfer_deadline_hours = fields.Function(fields.Integer(
            "Transfer Deadline (hours)",
            help="The persons of every category reach a site within this "
            "time: the category rows of Deadlines by Category (contacts 8 h, "
            "the others 12 h); setting it sets them all."),
        'get_deadline_hours', setter='set_deadline_hours')
    infant_age = fields.Integer("Infant Age", required=True,
        help="Children younger than this (婴幼儿: under 3) are isolated "
        "locally: a cross-region transfer refuses them, as it refuses the "
        "elderly (Elderly Age) and psychiatric patients (Henan).")

    hospital = fields.Char("Designated Hospital", size=200,
        help="Where the transfer requests made for positive results go.")
    contact_seat_factor = fields.Numeric("Contacts' Seat Factor",
        digits=(1, 2), required=True,
        help="Contacts sit every other seat: a vehicle takes at most its "
        "seats times this factor of them (0.5).")

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Deadline = pool.get('quarantine.deadline')
        table_h = cls.__table_handler__(module)
        # Migration: the two figures became rows of the deadline table
        former = [name for name in ['positive_deadline_hours',
                'transfer_deadline_hours'] if table_h.column_exist(name)]
        values = {}
        if former:
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.select(
                    *[getattr(table, n) for n in former], limit=1))
            row = cursor.fetchone()
            if row:
                values = dict(zip(former, row))
        super().__register__(module)
        for name, value in values.items():
            if value and value != DEFAULT_DEADLINES[name]:
                Deadline.set_hours(DEADLINE_KINDS[name], value)
        for name in former:
            table_h.drop_column(name)

    @classmethod
    def get_deadline_hours(cls, configurations, name):
        hours = Pool().get('quarantine.deadline').hours_by_kind()
        kinds = DEADLINE_KINDS[name]
        return {c.id: min(hours[k] for k in kinds) for c in configurations}

    @classmethod
    def default_positive_deadline_hours(cls):
        # the singleton read before it is saved
        return cls.get_deadline_hours([cls(-1)],
            'positive_deadline_hours')[-1]

    @classmethod
    def default_transfer_deadline_hours(cls):
        return cls.get_deadline_hours([cls(-1)],
            'transfer_deadline_hours')[-1]

    @classmethod
    def set_deadline_hours(cls, configurations, name, value):
        if value is None:
            return
        Pool().get('quarantine.deadline').set_hours(
            DEADLINE_KINDS[name], value)

    @classmethod
    def default_contact_seat_factor(cls):
        return Decimal('0.5')

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if 'contact_seat_factor' in field_names:
            for configuration in configurations:
                # Checked here: SQLite compares numeric columns as text.
                if not (0 < configuration.contact_seat_factor <= 1):
                    raise TransferError(gettext(
                            'quarantine_transfer.msg_seat_factor',
                            factor=configuration.contact_seat_factor))

    @classmethod
    def default_infant_age(cls):
        return 3

    @classmethod
    def default_transfer_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id(
                'quarantine_transfer', 'sequence_transfer')
        except KeyError:
            return None


class Transfer(FreshCopy, Workflow, ModelSQL, ModelView):
    "Transfer"
    __name__ = 'quarantine.transfer'
    _history = True
    __string__ = "Transfer"
    fresh_copy = ('number', 'requested_at', 'deadline', 'dispatched_at',
        'arrived_at', 'overdue', 'copies_returned', 'copies_signed_by',
        'copies_returned_at', 'received_count', 'count_mismatch_reason')
    _rec_name = 'number'

    _states = {'readonly': ~Eval('state').in_(['draft', 'requested'])}

    number = fields.Char("Number", readonly=True)
    origin = fields.Char("Origin", required=True, size=200, states=_states,
        help="Community, port, site or address the persons leave from.")
    to_site = fields.Many2One('quarantine.site', "Destination Site",
        states=_states, domain=[('state', '=', 'active')],
        help="Empty for a hospital.")
    destination = fields.Char("Destination", size=200, states=_states,
        help="Hospital or address when the destination is not a site.")
    vehicle = fields.Many2One('quarantine.vehicle', "Vehicle",
        states=_states)
    driver = fields.Char("Driver", size=100, states=_states)
    driver_phone = fields.Char("Driver Phone", size=30, states=_states)
    escorts = fields.Char("Escort Staff", size=200, states=_states)
    lines = fields.One2Many('quarantine.transfer.line', 'transfer',
        "Persons", states=_states)
    person_count = fields.Function(fields.Integer("Persons"),
        'get_person_count')
    has_positive = fields.Function(fields.Boolean("Positive on Board"),
        'get_has_positive')
    positive_rules = fields.Function(fields.Boolean("Under Positive Rules",
            help="A positive person, or one with fever or symptoms, on "
            "board: alone, in a negative-pressure vehicle, within the "
            "positive deadline."),
        'get_positive_rules')
    bulk = fields.Boolean("Bulk Transfer", states=_states,
        help="A large-scale transfer by coach or bus (大规模转运): every "
        "person within the bulk deadline (6 hours).")
    cross_region = fields.Boolean("Cross-Region", states=_states,
        help="To isolation rooms of another region (异地转运): requested "
        "24 hours before the departure; the elderly, infants and "
        "psychiatric patients are isolated locally.")
    planned_departure = fields.DateTime("Planned Departure",
        states={
            'readonly': _states['readonly'],
            'required': Bool(Eval('cross_region')),
            })
    requested_at = fields.DateTime("Requested at", readonly=True)
    deadline = fields.DateTime("Deadline", readonly=True,
        help="The earliest of the deadlines of its persons (Deadlines by "
        "Category): 2 hours from the request with a positive, or a person "
        "with fever or symptoms, on board, 8 "
        "hours from their identification for contacts, 6 hours for a bulk "
        "transfer, 12 hours for the others; counted from the planned "
        "departure for a cross-region transfer.")
    dispatched_at = fields.DateTime("Dispatched at", readonly=True)
    arrived_at = fields.DateTime("Arrived at", readonly=True)
    overdue = fields.Boolean("Overdue", readonly=True,
        help="Not arrived by its deadline (refreshed every few minutes).")
    copies_returned = fields.MultiSelection([
            ('community', "Community Copy"),
            ('site', "Site Copy"),
            ('team', "Transfer-Team Copy"),
            ], "Signed Copies Returned")
    copies_signed_by = fields.Char("Copies Signed by", size=100)
    copies_returned_at = fields.DateTime("Copies Returned at")
    received_count = fields.Integer("Persons Received",
        domain=[If(Bool(Eval('received_count', 0)),
                ('received_count', '>=', 0), ())],
        states={'readonly': Eval('state') != 'dispatched'},
        help="The persons received at the destination, counted against "
        "the list before the arrival.")
    count_mismatch_reason = fields.Char("Count Mismatch Reason", size=1000,
        states={'readonly': Eval('state') != 'dispatched'},
        help="Why the persons received differ from the list.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('dispatched', "Dispatched"),
            ('arrived', "Arrived"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('requested_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'dispatched'),
            ('dispatched', 'arrived'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'dispatch': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-launch', 'depends': ['state']},
                # Shown on a requested transfer too: arriving before the
                # departure is refused with its reason, not hidden.
                'arrive': {
                    'invisible': ~Eval('state').in_(
                        ['requested', 'dispatched']),
                    'icon': 'tryton-ok', 'depends': ['state']},
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'requested']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-clear', 'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def validate_fields(cls, transfers, field_names):
        super().validate_fields(transfers, field_names)
        check_not_future(transfers, field_names & {'copies_returned_at'},
            FutureDateError)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Bool(Eval('overdue')), 'danger', '')),
            ]

    def get_person_count(self, name):
        return len(self.lines)

    def get_has_positive(self, name):
        return any(l.is_positive for l in self.lines)

    def get_positive_rules(self, name):
        return any(l.positive_rules for l in self.lines)

    @classmethod
    def check_open_persons(cls, transfers):
        """A person is on one open transfer only (the other transfer is
        named only to a user who may read it)"""
        Line = Pool().get('quarantine.transfer.line')
        persons = {l.person for t in transfers for l in t.lines}
        ids = {t.id for t in transfers}
        seen = {}
        for line in Line.search([
                    ('person', 'in', [p.id for p in persons]),
                    ('transfer.state', 'in', OPEN_STATES),
                    ]):
            other = seen.get(line.person)
            if (other and other != line.transfer) or (
                    line.transfer.id not in ids):
                other = other or line.transfer
                if readable(cls, [other.id]):
                    message = gettext(
                        'quarantine_transfer.msg_person_two_transfers',
                        person=line.person.rec_name,
                        transfer=other.rec_name)
                else:
                    message = gettext(
                        'quarantine_transfer.msg_person_other_transfer',
                        person=line.person.rec_name)
                raise TransferError(message)
            seen[line.person] = line.transfer

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, transfers):
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        config = Configuration(1)
        refuse_first(transfers, TransferError, 'transfer',
            (lambda t: not t.lines,
                'quarantine_transfer.msg_transfer_no_person'),
            (lambda t: not t.to_site and not t.destination,
                'quarantine_transfer.msg_transfer_no_destination'))
        cls.check_open_persons(transfers)
        now = dt.datetime.now()
        for transfer in transfers:
            transfer.check_cross_region(now)
        sequence = config.transfer_sequence
        for transfer in transfers:
            if not transfer.number:
                transfer.number = sequence.get()
            transfer.requested_at = now
            transfer.deadline = transfer.compute_deadline(now)
        cls.save(transfers)

    def compute_deadline(self, requested_at):
        """The earliest deadline of the transfer's persons (Deadlines by
        Category): a positive's from the request, a contact's from their
        identification, the category's of the others and the bulk one from
        the request; a cross-region transfer counts from its planned
        departure"""
        Deadline = Pool().get('quarantine.deadline')
        hours = Deadline.hours_by_kind()
        start = requested_at
        if self.cross_region and self.planned_departure:
            start = max(start, self.planned_departure)
        deadlines = []
        if self.bulk:
            deadlines.append(start + dt.timedelta(hours=hours['bulk']))
        for line in self.lines:
            # a positive, or fever or symptoms (Henan L525)
            if line.positive_rules:
                deadlines.append(
                    start + dt.timedelta(hours=hours['positive']))
                continue
            since = start
            identified = line.identified
            if identified and not self.cross_region:
                since = min(since, identified)
            deadlines.append(since + dt.timedelta(
                    hours=hours[line.deadline_category]))
        return min(deadlines, default=start + dt.timedelta(
                hours=hours['other']))

    def check_cross_region(self, now):
        """A cross-region transfer is requested the notice hours before
        its planned departure, without the persons isolated locally"""
        Deadline = Pool().get('quarantine.deadline')
        if not self.cross_region:
            return
        if not self.planned_departure:
            raise TransferError(gettext(
                    'quarantine_transfer.msg_transfer_cross_region_departure',
                    transfer=self.rec_name))
        notice = Deadline.hours_by_kind()['cross_region']
        if self.planned_departure - now < dt.timedelta(hours=notice):
            raise TransferError(gettext(
                    'quarantine_transfer.msg_transfer_cross_region_notice',
                    transfer=self.rec_name, hours=notice,
                    departure=self.planned_departure))
        self.check_kept_local()

    def check_kept_local(self):
        """Refuse, on a cross-region transfer, the elderly, the infants and
        the psychiatric patients, isolated locally (Henan)"""
        if not self.cross_region:
            return
        refused = [f'{l.person.rec_name} ({reason})'
            for l in self.lines for reason in [l.kept_local_reason(
                    (self.planned_departure or dt.datetime.now()).date())]
            if reason]
        if refused:
            raise TransferError(gettext(
                    'quarantine_transfer.msg_transfer_cross_region_local',
                    transfer=self.rec_name, persons=', '.join(refused)))

    @classmethod
    @ModelView.button
    @Workflow.transition('dispatched')
    def dispatch(cls, transfers):
        for transfer in transfers:
            transfer.check_dispatch()
        cls.write(transfers, {'dispatched_at': dt.datetime.now()})

    @classmethod
    def apply_positive_rules(cls, transfers):
        """Bring the deadline of the requested transfers now under the
        positive rules (a fever found after the request) to the positive
        one"""
        Deadline = Pool().get('quarantine.deadline')
        hours = Deadline.hours_by_kind()['positive']
        to_save = []
        for transfer in transfers:
            if (transfer.state != 'requested' or not transfer.requested_at
                    or not transfer.positive_rules):
                continue
            deadline = transfer.requested_at + dt.timedelta(hours=hours)
            if not transfer.deadline or deadline < transfer.deadline:
                transfer.deadline = deadline
                to_save.append(transfer)
        if to_save:
            cls.save(to_save)

    def check_dispatch(self):
        "Refuse a dispatch that breaks a rule, naming the rule and persons"
        pool = Pool()
        Vehicle = pool.get('quarantine.vehicle')
        Configuration = pool.get('quarantine.configuration')
        vehicle = self.vehicle
        if not vehicle:
            raise DispatchError(gettext(
                    'quarantine_transfer.msg_dispatch_no_vehicle',
                    transfer=self.rec_name))
        Vehicle.check_disinfected([vehicle])
        self.check_kept_local()
        if len(self.lines) > vehicle.seats:
            raise DispatchError(gettext(
                    'quarantine_transfer.msg_dispatch_seats',
                    vehicle=vehicle.rec_name, seats=vehicle.seats,
                    count=len(self.lines)))
        # a person with fever or symptoms travels as a positive one
        # (Henan L525, Ruijin L135/139, Zhejiang L106)
        positives = [l.person.rec_name for l in self.lines if l.is_positive]
        febrile = [l.person.rec_name for l in self.lines
            if l.is_febrile and not l.is_positive]
        for persons, mixed, negative_pressure in [
                (positives, 'msg_dispatch_positive_mixed',
                    'msg_dispatch_negative_pressure'),
                (febrile, 'msg_dispatch_fever_mixed',
                    'msg_dispatch_fever_negative_pressure'),
                ]:
            if persons and len(self.lines) > 1:
                raise DispatchError(gettext(
                        'quarantine_transfer.' + mixed,
                        persons=', '.join(persons)))
            if persons and not vehicle.negative_pressure:
                raise DispatchError(gettext(
                        'quarantine_transfer.' + negative_pressure,
                        persons=', '.join(persons),
                        vehicle=vehicle.rec_name))
        # contacts sit every other seat (Henan L167, L527)
        if (not self.positive_rules
                and any(l.category in CONTACTS for l in self.lines)):
            factor = Configuration(1).contact_seat_factor
            limit = math.floor(vehicle.seats * factor)
            if len(self.lines) > limit:
                raise DispatchError(gettext(
                        'quarantine_transfer.msg_dispatch_spacing',
                        vehicle=vehicle.rec_name, seats=vehicle.seats,
                        limit=limit, count=len(self.lines)))

    @classmethod
    @ModelView.button
    def arrive(cls, transfers):
        """Arrival: the persons are handed over to the destination site as
        draft stays (moved from their former site), or leave for hospital;
        the vehicle needs disinfection before its next run"""
        pool = Pool()
        Vehicle = pool.get('quarantine.vehicle')
        for transfer in transfers:
            if transfer.state != 'dispatched':
                raise TransferError(gettext(
                        'quarantine_transfer.msg_arrive_not_dispatched',
                        transfer=transfer.rec_name))
            transfer.check_received()
        now = dt.datetime.now()
        cls._hand_over(transfers)
        cls._arrive(transfers, now)
        Vehicle.record_run([t.vehicle for t in transfers], now)

    def check_received(self):
        """Refuse the arrival until the persons received are counted
        against the list, a difference with its reason (Ruijin L1680)"""
        if self.received_count is None:
            raise TransferError(gettext(
                    'quarantine_transfer.msg_arrive_not_counted',
                    transfer=self.rec_name, count=len(self.lines)))
        if (self.received_count != len(self.lines)
                and not (self.count_mismatch_reason or '').strip()):
            raise TransferError(gettext(
                    'quarantine_transfer.msg_arrive_count_mismatch',
                    transfer=self.rec_name, received=self.received_count,
                    count=len(self.lines)))

    @classmethod
    @Workflow.transition('arrived')
    def _arrive(cls, transfers, now):
        cls.write(transfers, {'arrived_at': now, 'overdue': False})

    @classmethod
    def _hand_over(cls, transfers):
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Date = pool.get('ir.date')
        Stay.transfer_out([l.stay for t in transfers for l in t.lines
                if l.stay and l.stay.state == 'admitted'])
        to_create = []
        for transfer in transfers:
            if not transfer.to_site:
                continue
            for line in transfer.lines:
                previous = line.stay
                to_create.append({
                        'person': line.person.id,
                        'site': transfer.to_site.id,
                        'arrival_date': Date.today(),
                        'origin': transfer.origin,
                        'category': (previous.category if previous
                            else line.category or 'close_contact'),
                        # else the default of the category
                        'regime': (previous.regime.id if previous
                            else None),
                        'exposure_date': (previous.exposure_date
                            if previous else None),
                        'identified_at': (previous.identified_at
                            if previous else line.identified_at),
                        'phone': (previous.phone if previous
                            else line.phone),
                        'community': (previous.community if previous
                            else None),
                        })
        if to_create:
            Stay.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, transfers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, transfers):
        pass

    @classmethod
    def update_overdue(cls):
        "Scheduled: flag the open transfers past their deadline"
        now = dt.datetime.now()
        late = cls.search([
                ('state', 'in', ['requested', 'dispatched']),
                ('deadline', '<', now),
                ('overdue', '=', False),
                ])
        if late:
            cls.write(late, {'overdue': True})
        return late


class TransferLine(PersonEntry, ModelSQL, ModelView):
    "Transfer Person"
    __name__ = 'quarantine.transfer.line'
    __string__ = "Transfer Person"

    transfer = fields.Many2One('quarantine.transfer', "Transfer",
        required=True, ondelete='CASCADE')
    # entered by its name and document (PersonEntry), or from the stay
    person = fields.Many2One('party.party', "Person", required=True,
        states={'readonly': Bool(Eval('id_number'))})
    stay = fields.Many2One('quarantine.stay', "Stay",
        domain=[('person', '=', Eval('person', -1))],
        help="The stay the person leaves, if any.")
    category = fields.Selection('get_categories', "Category")
    category_string = category.translated('category')
    positive = fields.Boolean("Positive",
        help="From the stay's results, or ticked on the spot.")
    phone = fields.Char("Phone", size=30)
    # the boarding check (Henan L525)
    boarding_checked = fields.Boolean("Checked against the List",
        help="The person's identity checked against the transfer list at "
        "boarding.")
    boarding_temperature = fields.Numeric("Temperature at Boarding (°C)",
        digits=(2, 1))
    boarding_symptoms = fields.MultiSelection('get_symptoms',
        "Symptoms at Boarding")
    fever = fields.Function(fields.Boolean("Fever or Symptoms",
            help="A health flag open on the stay, or 37.3 °C or more or a "
            "symptom at boarding: the person travels under the positive "
            "rules."),
        'get_fever')
    identified_at = fields.DateTime("Identified at",
        help="When the person was identified as a contact: a contact is "
        "isolated within 8 hours of it, and the transfer's deadline is the "
        "earliest of its persons'.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # a person on a transfer is read and changed with the transfer
        cls.__access__.add('transfer')

    @classmethod
    def create(cls, vlist):
        lines = super().create(cls.resolve_entries(vlist))
        cls.apply_positive_rules(lines)
        return lines

    @classmethod
    def write(cls, *args):
        super().write(*cls.resolve_entry_writes(args))
        cls.apply_positive_rules(sum(args[::2], []))

    @classmethod
    def apply_positive_rules(cls, lines):
        "A person with fever brings the requested transfer under the rules"
        Transfer = Pool().get('quarantine.transfer')
        transfers = {l.transfer for l in lines if l.positive_rules}
        if transfers:
            Transfer.apply_positive_rules(
                Transfer.browse([t.id for t in transfers]))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        check_not_future(lines, field_names & {'identified_at'},
            FutureDateError)
        if 'boarding_temperature' in field_names:
            for line in lines:
                # Checked here: SQLite compares numeric columns as text.
                if (line.boarding_temperature is not None
                        and not (30 <= line.boarding_temperature <= 45)):
                    raise TransferError(gettext(
                            'quarantine_transfer.msg_boarding_temperature',
                            person=line.person.rec_name))

    @classmethod
    def get_symptoms(cls):
        "The symptoms of the health readings"
        Monitoring = Pool().get('quarantine.monitoring')
        return Monitoring.fields_get(['symptoms'])['symptoms']['selection']

    @classmethod
    def get_categories(cls):
        Stay = Pool().get('quarantine.stay')
        return [(None, '')] + Stay.fields_get(
            ['category'])['category']['selection']

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external and mode == 'create':
            cls.check_stays({l.stay.id for l in records if l.stay})
        elif external and mode == 'write' and values.get('stay'):
            cls.check_stays({values['stay']})

    @classmethod
    def check_stays(cls, stay_ids):
        """Refuse the stays the user may not read: a user transfers the
        residents of their own sites only"""
        Stay = Pool().get('quarantine.stay')
        if stay_ids - readable(Stay, stay_ids):
            raise AccessError(gettext(
                    'quarantine_transfer.msg_transfer_stay_not_yours'))

    @fields.depends('stay', 'person', 'person_name', 'id_type', 'id_number')
    def on_change_stay(self):
        if self.stay:
            self.person = self.stay.person
            self.person_name = self.person.name
            self.id_type, self.id_number = document_of(self.person)
            self.positive = self.stay.positive
            self.category = self.stay.category
            self.phone = self.stay.phone
            self.identified_at = self.stay.identified_at

    def get_rec_name(self, name):
        return self.person.rec_name

    @property
    def is_positive(self):
        return bool(self.positive or (self.stay and self.stay.positive))

    @property
    def boarding_fever(self):
        "37.3 °C or more, or a symptom, at boarding"
        return bool((self.boarding_temperature is not None
                and self.boarding_temperature >= FEVER)
            or self.boarding_symptoms)

    @property
    def is_febrile(self):
        "A health flag open on the stay, or a fever at boarding"
        return bool((self.stay and self.stay.health_flag)
            or self.boarding_fever)

    @property
    def positive_rules(self):
        "Travels under the positive rules (Henan L525)"
        return self.is_positive or self.is_febrile

    def get_fever(self, name):
        return self.is_febrile

    @property
    def identified(self):
        "When the person was identified, on the line or the stay"
        return self.identified_at or (
            self.stay.identified_at if self.stay else None)

    @property
    def deadline_category(self):
        "The category whose deadline applies (a contact's, as on arrival)"
        return (self.category or (self.stay.category if self.stay else None)
            or 'close_contact')

    def birth_date(self):
        "The birth date of the stay, or of the person's identity card"
        if self.stay and self.stay.birth_date:
            return self.stay.birth_date
        number = self.person.quarantine_identity_number
        if number and not identity_error(number):
            return identity_facts(number)[0]

    def kept_local_reason(self, date):
        """The translated reason why the person is isolated locally, not
        in another region: elderly, infant or psychiatric patient; or
        None"""
        Configuration = Pool().get('quarantine.configuration')
        config = Configuration(1)
        age = age_on(self.birth_date(), date)
        if age is not None and age >= config.elderly_age:
            return gettext('quarantine_transfer.msg_local_elderly', age=age)
        if age is not None and age < config.infant_age:
            return gettext('quarantine_transfer.msg_local_infant', age=age)
        if self.stay and 'psychiatric' in (self.stay.special_needs or ()):
            return gettext('quarantine_transfer.msg_local_psychiatric')


class ReconcileStart(ModelView):
    "Reconcile Handover Copies"
    __name__ = 'quarantine.transfer.reconcile.start'
    __string__ = "Reconcile Handover Copies"

    copies_returned = fields.MultiSelection([
            ('community', "Community Copy"),
            ('site', "Site Copy"),
            ('team', "Transfer-Team Copy"),
            ], "Signed Copies Returned")
    copies_signed_by = fields.Char("Signed by", size=100, required=True)
    copies_returned_at = fields.DateTime("Returned at", required=True)


class Reconcile(Wizard):
    """Reconcile Handover Copies

    Record which signed copies of the handover form came back, who signed
    and when."""
    __name__ = 'quarantine.transfer.reconcile'
    start = start_view('quarantine.transfer.reconcile.start',
        'quarantine_transfer.transfer_reconcile_start_view_form', "Save",
        'save')
    save = StateTransition()

    def default_start(self, fields):
        return {
            'copies_returned': list(self.record.copies_returned or []),
            'copies_signed_by': self.record.copies_signed_by,
            'copies_returned_at': (self.record.copies_returned_at
                or dt.datetime.now()),
            }

    def transition_save(self):
        Transfer = Pool().get('quarantine.transfer')
        # the wizard runs without the access checks: write as the user
        with check_access():
            Transfer.write([self.record], {
                    'copies_returned': list(
                        self.start.copies_returned or []),
                    'copies_signed_by': self.start.copies_signed_by,
                    'copies_returned_at': self.start.copies_returned_at,
                    })
        return 'end'


class Stay(metaclass=PoolMeta):
    __name__ = 'quarantine.stay'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'send_to_fever_clinic': {
                    'invisible': ((Eval('state') != 'admitted')
                        | ~(Eval('health_flag') | Eval('positive'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'health_flag', 'positive'],
                    },
                })

    @classmethod
    def write(cls, *args):
        super().write(*args)
        flagged = sum((r for r, v in zip(args[::2], args[1::2])
                if v.get('health_flag')), [])
        if flagged:
            cls.apply_positive_rules(flagged)

    @classmethod
    def apply_positive_rules(cls, stays):
        """A health flag raised on a stay on a requested transfer brings it
        under the positive rules (its deadline)"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        with without_check_access():
            transfers = Transfer.search([
                    ('lines.stay', 'in', [s.id for s in stays]),
                    ('state', '=', 'requested'),
                    ])
            Transfer.apply_positive_rules(transfers)

    @classmethod
    @ModelView.button
    def send_to_fever_clinic(cls, stays):
        """The medical staff send a resident with fever or symptoms (or
        positive) to the fever clinic or designated hospital: the transfer
        is requested, alone, under the positive rules (Henan L525, Zhejiang
        L106)"""
        pool = Pool()
        Line = pool.get('quarantine.transfer.line')
        refuse_first(stays, TransferError, 'stay',
            (lambda s: s.state != 'admitted',
                'quarantine_transfer.msg_fever_clinic_not_admitted'),
            (lambda s: not s.health_flag and not s.positive,
                'quarantine_transfer.msg_fever_clinic_no_flag'))
        with without_check_access():
            lines = Line.search([
                    ('person', 'in', [s.person.id for s in stays]),
                    ('transfer.state', 'in', OPEN_STATES),
                    ], limit=1)
        if lines:
            # the transfer is named only to a user who may read it
            line, = lines
            Transfer = pool.get('quarantine.transfer')
            if readable(Transfer, [line.transfer.id]):
                message = gettext(
                    'quarantine_transfer.msg_person_two_transfers',
                    person=line.person.rec_name,
                    transfer=line.transfer.rec_name)
            else:
                message = gettext(
                    'quarantine_transfer.msg_fever_clinic_on_transfer',
                    person=line.person.rec_name)
            raise TransferError(message)
        cls.request_to_hospital(stays, positive=False)

    @classmethod
    def flag_positive(cls, stays):
        """A positive result also requests the transfer to hospital, with
        the 2-hour deadline, one person a vehicle"""
        new = [s for s in stays if not s.positive]
        super().flag_positive(stays)
        cls.request_to_hospital(new)

    @classmethod
    @without_check_access
    def request_to_hospital(cls, stays, positive=True):
        """Request the transfer to hospital of the positive stays (or with
        fever: `positive` False) not on an open transfer yet: the system
        requests it, whoever recorded the result"""
        pool = Pool()
        Transfer = pool.get('quarantine.transfer')
        Line = pool.get('quarantine.transfer.line')
        Configuration = pool.get('quarantine.configuration')
        on_transfer = {l.person for l in Line.search([
                    ('person', 'in', [s.person.id for s in stays]),
                    ('transfer.state', 'in', OPEN_STATES),
                    ])}
        stays = [s for s in stays if s.person not in on_transfer]
        if not stays:
            return
        hospital = Configuration(1).hospital or gettext(
            'quarantine_transfer.msg_default_hospital')
        transfers = Transfer.create([{
                    'origin': s.site.rec_name if s.site else '',
                    'destination': hospital,
                    'lines': [('create', [{
                                    'person': s.person.id,
                                    'stay': s.id,
                                    'category': s.category,
                                    'phone': s.phone,
                                    'positive': positive or s.positive,
                                    }])],
                    } for s in stays])
        Transfer.request(transfers)

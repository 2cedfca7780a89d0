# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Check, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction
from trytond.wizard import StateTransition, Wizard

from .bounds import check_not_future
from .exceptions import (
    FutureDateError, RoomClearError, RoomCreationError, RoomStateError,
    RoomValidationError)
from .registry import BulkWorkflow
from .common import (
    check_access_first, check_sites, rec_name_domain, start_view)

ROOM_STATES = ['available', 'occupied', 'cleaning', 'out_of_service']


class Room(BulkWorkflow, ModelSQL, ModelView):
    "Isolation Room"
    __string__ = "Isolation Room"
    __name__ = 'quarantine.room'
    _history = True

    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    name = fields.Char("Name", size=50, required=True,
        help="Room number, unique within the site.")
    building = fields.Char("Building", size=50)
    floor = fields.Char("Floor", size=30)
    sequence = fields.Integer("Sequence",
        help="Position of the room along its floor, used to keep groups "
        "in adjacent rooms.")
    capacity = fields.Integer("Capacity", required=True,
        help="Beds in the room. Single occupancy is the rule: a second "
        "person is only a guardian with a child of 14 or younger.")
    accessible = fields.Boolean("Accessible",
        help="Suitable for wheelchairs and for residents who need care.")
    state = fields.Selection([
            ('available', "Available"),
            ('occupied', "Occupied"),
            ('cleaning', "Cleaning"),
            ('out_of_service', "Out of Service"),
            ], "State", readonly=True, required=True, sort=False)
    turnovers = fields.One2Many(
        'quarantine.room.turnover', 'room', "Turnovers",
        help="Terminal disinfection and environment sample after each "
        "occupation.")
    notes = fields.Text("Notes", size=10000)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('site_name_unique', Unique(t, t.site, t.name),
                'quarantine.msg_room_name_unique'),
            ('capacity_positive', Check(t, t.capacity >= 1),
                'quarantine.msg_room_capacity_positive'),
            ]
        # The site list counts rooms by site and state in one query.
        cls._sql_indexes.add(Index(t,
                (t.site, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))
        cls._order = [
            ('site', 'ASC'),
            ('building', 'ASC'),
            ('floor', 'ASC'),
            ('sequence', 'ASC NULLS LAST'),
            ('name', 'ASC'),
            ('id', 'ASC'),
            ]
        cls._transitions |= {
            ('available', 'occupied'),
            ('occupied', 'cleaning'),
            ('available', 'cleaning'),
            ('cleaning', 'available'),
            ('available', 'out_of_service'),
            ('cleaning', 'out_of_service'),
            ('out_of_service', 'available'),
            ('out_of_service', 'cleaning'),
            }
        cls._buttons.update({
                'to_cleaning': {
                    'invisible': ~Eval('state').in_(['available', 'occupied']),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'clear': {
                    'invisible': Eval('state') != 'cleaning',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'out_of_service': {
                    'invisible': ~Eval('state').in_(['available', 'cleaning']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'put_in_service': {
                    'invisible': Eval('state') != 'out_of_service',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def search(cls, domain, *args, **kwargs):
        # Set by the room field of a draft stay: offer the free rooms only.
        if Transaction().context.get('quarantine_available_rooms'):
            domain = [domain, ('state', '=', 'available')]
        return super().search(domain, *args, **kwargs)

    @staticmethod
    def default_capacity():
        return 1

    @staticmethod
    def default_state():
        return 'available'

    def get_rec_name(self, name):
        return f'{self.site.code} {self.name}' if self.site else self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, 'name', 'site.code')

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cleaning', 'warning',
                    If(Eval('state') == 'out_of_service', 'muted', ''))),
            ]

    @classmethod
    def copy(cls, rooms, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('turnovers')
        default.setdefault('state')
        return super().copy(rooms, default=default)

    @classmethod
    def delete(cls, rooms):
        check_access_first(cls, rooms, 'delete')
        for room in rooms:
            if room.state == 'occupied':
                raise RoomStateError(gettext(
                        'quarantine.msg_room_delete_occupied',
                        room=room.rec_name))
        super().delete(rooms)

    @classmethod
    def _open_turnovers(cls, rooms):
        "Return {room: its turnover not yet cleared}"
        Turnover = Pool().get('quarantine.room.turnover')
        return {t.room: t for t in Turnover.search([
                    ('room', 'in', [r.id for r in rooms]),
                    ('cleared_at', '=', None),
                    ])}

    @classmethod
    @BulkWorkflow.transition('occupied')
    def occupy(cls, rooms):
        "Called when residents are admitted into the rooms"

    @classmethod
    @ModelView.button
    def to_cleaning(cls, rooms):
        """Send rooms to terminal disinfection by hand, refused while
        someone is admitted in one"""
        Stay = Pool().get('quarantine.stay')
        held = Stay.search([
                ('room', 'in', [r.id for r in rooms]),
                ('state', '=', 'admitted'),
                ], limit=1)
        if held:
            stay, = held
            raise RoomStateError(gettext(
                    'quarantine.msg_room_cleaning_occupied',
                    room=stay.room.rec_name, stay=stay.rec_name))
        cls.start_cleaning(
            [r for r in rooms if r.state in {'available', 'occupied'}])

    @classmethod
    @BulkWorkflow.transition('cleaning')
    def start_cleaning(cls, rooms):
        """The rooms go to terminal disinfection (their residents left, or
        they come back into service with a disinfection unfinished): a
        turnover record opens for each, unless one is open"""
        Turnover = Pool().get('quarantine.room.turnover')
        now = dt.datetime.now()
        open_rooms = cls._open_turnovers(rooms)
        Turnover.create([{'room': r.id, 'vacated_at': now}
                for r in rooms if r not in open_rooms])

    @classmethod
    @ModelView.button
    def clear(cls, rooms):
        "Return rooms to service once disinfected and tested negative"
        Turnover = Pool().get('quarantine.room.turnover')
        turnovers = cls._open_turnovers(rooms)
        for room in rooms:
            if room.state != 'cleaning':
                raise RoomStateError(gettext(
                        'quarantine.msg_room_clear_not_cleaning',
                        room=room.rec_name))
            turnover = turnovers.get(room)
            if not turnover or not turnover.disinfected_at \
                    or not turnover.disinfected_by:
                raise RoomClearError(gettext(
                        'quarantine.msg_room_clear_disinfection',
                        room=room.rec_name))
            if turnover.sample_result != 'negative' \
                    or not turnover.sampled_at:
                raise RoomClearError(gettext(
                        'quarantine.msg_room_clear_sample',
                        room=room.rec_name))
        Turnover.write(list(turnovers.values()), {
                'cleared_at': dt.datetime.now(),
                'cleared_by': Transaction().user,
                })
        cls._make_available(rooms)

    @classmethod
    @BulkWorkflow.transition('available')
    def _make_available(cls, rooms):
        pass

    @classmethod
    @ModelView.button
    @BulkWorkflow.transition('out_of_service')
    def out_of_service(cls, rooms):
        pass

    @classmethod
    @ModelView.button
    def put_in_service(cls, rooms):
        """Bring rooms back: straight to available unless a turnover is still
        open, in which case the disinfection must be finished first"""
        dirty = cls._open_turnovers(rooms)
        rooms = [r for r in rooms if r.state == 'out_of_service']
        clean = [r for r in rooms if r not in dirty]
        if clean:
            cls._make_available(clean)
        if dirty:
            cls.start_cleaning([r for r in rooms if r in dirty])


class RoomTurnover(ModelSQL, ModelView):
    "Room Turnover"
    __string__ = "Room Turnover"
    __name__ = 'quarantine.room.turnover'

    _states = {'readonly': Bool(Eval('cleared_at'))}

    room = fields.Many2One('quarantine.room', "Room", required=True,
        ondelete='CASCADE', states=_states)
    vacated_at = fields.DateTime("Vacated at", required=True, states=_states)
    disinfected_at = fields.DateTime("Disinfected at", states=_states,
        help="End of the terminal disinfection.")
    disinfected_by = fields.Many2One('party.party', "Disinfected by",
        states=_states)
    sampled_at = fields.DateTime("Environment Sampled at", states=_states,
        help="Taken after the disinfection.")
    sampled_by = fields.Many2One('party.party', "Sampled by",
        states=_states)
    sample_result = fields.Selection([
            ('pending', "Pending"),
            ('negative', "Negative"),
            ('positive', "Positive"),
            ], "Environment Sample", required=True, states=_states,
        help="A positive environment sample means disinfecting again and "
        "taking a new sample.")
    cleared_at = fields.DateTime("Cleared at", readonly=True)
    cleared_by = fields.Many2One('res.user', "Cleared by", readonly=True)
    notes = fields.Text("Notes", size=10000, states=_states)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('vacated_at', 'DESC'))

    @classmethod
    def validate_fields(cls, turnovers, field_names):
        super().validate_fields(turnovers, field_names)
        check_not_future(turnovers, field_names
            & {'vacated_at', 'disinfected_at', 'sampled_at'},
            FutureDateError)
        if field_names & {'vacated_at', 'disinfected_at', 'sampled_at'}:
            for turnover in turnovers:
                turnover.check_dates()

    def check_dates(self):
        times = [t for t in (
                self.vacated_at, self.disinfected_at, self.sampled_at)
            if t]
        if times != sorted(times):
            raise RoomValidationError(gettext(
                    'quarantine.msg_turnover_dates',
                    room=self.room.rec_name))

    @staticmethod
    def default_vacated_at():
        return dt.datetime.now()

    @staticmethod
    def default_sample_result():
        return 'pending'

    def get_rec_name(self, name):
        return f'{self.room.rec_name} @ {self.vacated_at:%Y-%m-%d %H:%M}'


class CreateRoomsStart(ModelView):
    "Create Rooms"
    __string__ = "Create Rooms"
    __name__ = 'quarantine.room.create.start'

    site = fields.Many2One('quarantine.site', "Site", required=True,
        domain=[('state', '!=', 'closed')])
    buildings = fields.Char("Buildings", size=200,
        help="Comma separated building codes, e.g. \"A,B\". Leave empty "
        "for a single building.")
    floor_from = fields.Integer("From Floor", required=True)
    floor_to = fields.Integer("To Floor", required=True)
    number_from = fields.Integer("From Room Number", required=True)
    number_to = fields.Integer("To Room Number", required=True,
        help="Room numbers on each floor.")
    pattern = fields.Char("Name Pattern", size=100, required=True,
        help="Python format with {building}, {floor} and {number}; "
        "the default gives A-1203 for building A, floor 12, room 3.")
    capacity = fields.Integer("Capacity", required=True)
    accessible = fields.Boolean("Accessible")
    initial_state = fields.Selection([
            ('available', "Available"),
            ('out_of_service', "Out of Service"),
            ], "Initial State", required=True,
        help="Rooms of a standby site are usually out of service until "
        "they are prepared.")
    total = fields.Function(fields.Integer("Rooms to Create"),
        'on_change_with_total')

    @staticmethod
    def default_floor_from():
        return 1

    @staticmethod
    def default_floor_to():
        return 1

    @staticmethod
    def default_number_from():
        return 1

    @staticmethod
    def default_number_to():
        return 10

    @staticmethod
    def default_pattern():
        return '{building}-{floor}{number:02d}'

    @staticmethod
    def default_capacity():
        return 1

    @staticmethod
    def default_initial_state():
        return 'available'

    def building_codes(self):
        return [b.strip() for b in (self.buildings or '').split(',')
            if b.strip()] or ['']

    @fields.depends(
        'buildings', 'floor_from', 'floor_to', 'number_from', 'number_to')
    def on_change_with_total(self, name=None):
        if None in (self.floor_from, self.floor_to,
                self.number_from, self.number_to):
            return 0
        return (len(self.building_codes())
            * max(self.floor_to - self.floor_from + 1, 0)
            * max(self.number_to - self.number_from + 1, 0))

    def room_values(self):
        "Yield the values of each room to create, in order"
        pattern = self.pattern
        if not self.buildings:
            # No building: drop the separator the default pattern puts
            # after it.
            pattern = pattern.replace('{building}-', '{building}')
        for building in self.building_codes():
            for floor in range(self.floor_from, self.floor_to + 1):
                for number in range(self.number_from, self.number_to + 1):
                    try:
                        name = pattern.format(
                            building=building, floor=floor, number=number)
                    except (KeyError, IndexError, ValueError) as exception:
                        raise RoomCreationError(gettext(
                                'quarantine.msg_room_pattern_invalid',
                                pattern=self.pattern,
                                error=exception)) from exception
                    yield {
                        'site': self.site.id,
                        'name': name,
                        'building': building or None,
                        'floor': str(floor),
                        'sequence': number,
                        'capacity': self.capacity,
                        'accessible': self.accessible,
                        'state': self.initial_state,
                        }


class CreateRooms(Wizard):
    "Create Rooms"
    __name__ = 'quarantine.room.create'

    # Above this a typo in a range (floor 1 to 1000) is more likely than a
    # real site.
    MAXIMUM = 20000

    start = start_view('quarantine.room.create.start',
        'quarantine.room_create_start_view_form', "Create", 'create_')
    create_ = StateTransition()

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'quarantine.site' \
                and context.get('active_id'):
            return {'site': context['active_id']}
        return {}

    def transition_create_(self):
        pool = Pool()
        Room = pool.get('quarantine.room')
        start = self.start
        if (start.floor_to < start.floor_from
                or start.number_to < start.number_from
                or start.number_from < 0):
            raise RoomCreationError(gettext(
                    'quarantine.msg_room_create_range'))
        if start.capacity < 1:
            raise RoomCreationError(gettext(
                    'quarantine.msg_room_capacity_positive'))
        check_sites([start.site])
        total = start.on_change_with_total()
        if not total or total > self.MAXIMUM:
            raise RoomCreationError(gettext(
                    'quarantine.msg_room_create_count',
                    count=total, maximum=self.MAXIMUM))
        values = list(start.room_values())
        names = [v['name'] for v in values]
        seen, repeated = set(), []
        for name in names:
            if name in seen:
                repeated.append(name)
            seen.add(name)
        existing = {r.name for r in Room.search([
                    ('site', '=', start.site.id),
                    ('name', 'in', names),
                    ])}
        duplicates = sorted(set(repeated) | existing)
        if duplicates:
            raise RoomCreationError(gettext(
                    'quarantine.msg_room_create_duplicates',
                    site=start.site.rec_name,
                    count=len(duplicates),
                    rooms=', '.join(duplicates[:20])))
        Room.create(values)
        return 'end'

    def end(self):
        return 'reload'

# This file is part of the quarantine module.  See README.md for licensing.
import datetime as dt
import math
from collections import defaultdict
from fractions import Fraction
from functools import cache

from sql import Cast, Column, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce

from trytond import backend, tools
from trytond.i18n import gettext
from trytond.model import (
    Check, DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .common import check_access_first, flag_domain
from .bounds import field_label, future_error
from .exceptions import (
    SiteGateWarning, SiteRoomsWarning, SiteStateError, SiteValidationError)
from .room import ROOM_STATES

# Henan L251: 1/3 of the rooms usable within 24 h, 2/3 within 48 h, all
# within 72 h of activating a standby site.
ACTIVATION_MILESTONES = [(24, 1, 3), (48, 2, 3), (72, 3, 3)]

MEDICAL_ROLES = {'medical', 'infection_control'}
# the flags the figures' query computes (drill_lagging depends on the time)
SQL_FLAGS = ['expansion_alert', 'staff_short']
in_ = fields.SQL_OPERATORS['in']
IN_MAX = backend.MAX_QUERY_PARAMS


def figure(field):
    "A figure of a site: get_figures reads it for many sites at once"
    return fields.Function(field, 'get_figures')


def figure_flag(string, help):
    "A flag among the figures of a site, searchable"
    return fields.Function(fields.Boolean(string, help=help), 'get_figures',
        searcher='search_flag')


def area_figure(field):
    "A figure of an area: get_command_figures reads it for all at once"
    return fields.Function(field, 'get_command_figures')


def rooms_to_add(occupied, in_service, alert_rate):
    """The rooms to put in service so that `occupied` over the rooms in
    service falls under `alert_rate` (0 when it is under already)"""
    rate = Fraction(str(alert_rate))
    if not occupied or Fraction(occupied, in_service or 1) < rate:
        return 0
    # the least total n with occupied / n < rate: floor(occupied / rate) + 1
    return math.floor(occupied / rate) + 1 - in_service


class Area(tree(), ModelSQL, ModelView):
    "Administrative Area"
    __string__ = "Administrative Area"
    __name__ = 'quarantine.area'

    name = fields.Char("Name", size=100, required=True, translate=True)
    code = fields.Char("Code", size=30)
    parent = fields.Many2One(
        'quarantine.area', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('quarantine.area', 'parent', "Children")
    population = fields.Integer(
        "Population", required=True,
        help="Resident population of the area, children included.")
    reserve_rooms_per_10k = fields.Integer(
        "Reserve Rooms per 10,000 People", required=True,
        help="Isolation rooms to keep in reserve per 10,000 people "
        "(Henan: 40, Chongqing: 60).")
    sites = fields.One2Many('quarantine.site', 'area', "Sites")
    reserve_required = fields.Function(
        fields.Integer("Reserve Required",
            help="Rooms the area must hold in reserve, from its population "
            "and its norm; for a parent area the children's sum."),
        'get_reserve')
    reserve_rooms = fields.Function(
        fields.Integer("Reserve Rooms",
            help="Rooms of the sites of this area and its sub-areas "
            "that are not closed."),
        'get_reserve')
    reserve_shortfall = fields.Function(
        fields.Integer("Reserve Shortfall"), 'get_reserve')
    # The command centre's view (Henan L251, Chongqing L167): the figures
    # of the active sites of the area and its sub-areas
    rooms_in_service = area_figure(fields.Integer("Rooms in Service",
        help="Rooms not out of service of the active sites of the area "
        "and its sub-areas."))
    occupied_rooms = area_figure(fields.Integer("Occupied Rooms"))
    occupancy = area_figure(fields.Float("Occupancy", digits=(1, 4),
        help="Occupied rooms over the rooms in service of the active "
        "sites of the area and its sub-areas."))
    expansion_alert = fields.Function(fields.Boolean("Expansion Alert",
            help="The occupancy of the area reached the configured alert "
            "rate: it must expand (Henan: 75 % of a city, Chongqing: of a "
            "district)."),
        'get_command_figures', searcher='search_expansion_alert')
    rooms_to_add = area_figure(fields.Integer("Rooms to Add",
        help="Rooms to put in service to bring the occupancy back under "
        "the alert rate."))
    standby_rooms = area_figure(fields.Integer("Standby Rooms",
        help="Rooms of the standby sites of the area and its sub-areas, "
        "ready to be put in service when a site is activated."))
    suggested_site = area_figure(fields.Many2One('quarantine.site',
        "Standby Site to Activate",
        help="For an area in alert: the standby site with the most rooms, "
        "of the area or else of the nearest parent area, that covers the "
        "rooms to add (the biggest of the nearest one when none does)."))
    suggested_site_rooms = area_figure(fields.Integer("Rooms of the Site"))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'quarantine.msg_area_code_unique'),
            ('population_positive', Check(t, t.population >= 0),
                'quarantine.msg_area_population_positive'),
            ('reserve_norm_positive', Check(t, t.reserve_rooms_per_10k >= 0),
                'quarantine.msg_area_reserve_norm_positive'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_population():
        return 0

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('expansion_alert', False), 'danger', '')),
            ]

    @classmethod
    def default_reserve_rooms_per_10k(cls):
        Configuration = Pool().get('quarantine.configuration')
        return Configuration(1).reserve_rooms_per_10k

    @classmethod
    def get_reserve(cls, areas, names):
        pool = Pool()
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        site = Site.__table__()
        room = Room.__table__()
        cursor = Transaction().connection.cursor()

        descendants = cls.search(
            [('parent', 'child_of', [a.id for a in areas])])
        rooms_by_area = defaultdict(int)
        for sub_areas in grouped_slice(descendants, IN_MAX):
            cursor.execute(*room.join(site, condition=room.site == site.id
                    ).select(site.area, Count(room.id),
                    where=in_(site.area, [a.id for a in sub_areas])
                    & (site.state != 'closed'),
                    group_by=[site.area]))
            rooms_by_area.update(cursor)

        children = defaultdict(list)
        for area in descendants:
            if area.parent:
                children[area.parent.id].append(area)

        def own_required(area):
            return math.ceil(
                area.population * area.reserve_rooms_per_10k / 10000)

        @cache
        def totals(area):
            required, rooms = own_required(area), rooms_by_area[area.id]
            child_required = 0
            for child in children[area.id]:
                c_required, c_rooms = totals(child)
                child_required += c_required
                rooms += c_rooms
            # A city's population includes its districts': do not count
            # the same people twice but keep the stricter figure.
            return max(required, child_required), rooms

        result = {n: {} for n in names}
        for area in areas:
            required, rooms = totals(area)
            values = {
                'reserve_required': required,
                'reserve_rooms': rooms,
                'reserve_shortfall': max(required - rooms, 0),
                }
            for name in names:
                result[name][area.id] = values[name]
        return result


    @classmethod
    def get_command_figures(cls, areas, names):
        figures = cls.command_figures()
        result = {n: {} for n in names}
        for area in areas:
            values = figures.get(area.id, {})
            for name in names:
                result[name][area.id] = values.get(name)
        return result

    @classmethod
    def command_figures(cls):
        """{area id: figures} of every area: occupancy of the active sites
        of the area and its sub-areas, the expansion alert, the rooms to
        add and the standby site to activate.  Three queries whatever the
        number of areas and sites (a province: 177 areas, 4,000 sites)."""
        pool = Pool()
        Site = pool.get('quarantine.site')
        Room = pool.get('quarantine.room')
        Configuration = pool.get('quarantine.configuration')
        alert_rate = Configuration(1).expansion_alert
        area, site, room = (
            cls.__table__(), Site.__table__(), Room.__table__())
        cursor = Transaction().connection.cursor()

        cursor.execute(*area.select(area.id, area.parent))
        parents = dict(cursor)
        children = defaultdict(list)
        for area_id, parent in parents.items():
            if parent:
                children[parent].append(area_id)

        in_service = room.state != 'out_of_service'
        counts = room.join(site, condition=room.site == site.id)
        cursor.execute(*counts.select(site.area,
                Sum(Case((in_service, 1), else_=0)),
                Sum(Case((room.state == 'occupied', 1), else_=0)),
                where=(site.state == 'active') & (site.area != Null),
                group_by=[site.area]))
        own = {a: (int(s or 0), int(o or 0)) for a, s, o in cursor}
        # a standby site's rooms are out of service until it is activated
        cursor.execute(*counts.select(site.id, site.area, site.code,
                Count(room.id),
                where=(site.state == 'standby') & (site.area != Null),
                group_by=[site.id, site.area, site.code]))
        standby = defaultdict(list)
        for site_id, area_id, code, rooms in cursor:
            # the biggest first, then by code
            standby[area_id].append((-int(rooms or 0), code or '', site_id))

        @cache
        def totals(area_id):
            service, occupied = own.get(area_id, (0, 0))
            for child in children[area_id]:
                c_service, c_occupied = totals(child)
                service += c_service
                occupied += c_occupied
            return service, occupied

        @cache
        def standby_of(area_id):
            "The standby sites of the area and its sub-areas, biggest first"
            sites = list(standby[area_id])
            for child in children[area_id]:
                sites.extend(standby_of(child))
            return sorted(sites)

        def suggestion(area_id, needed):
            nearest, seen = None, set()
            while area_id and area_id not in seen:
                seen.add(area_id)
                sites = standby_of(area_id)
                if sites:
                    nearest = nearest or sites[0]
                    if -sites[0][0] >= needed:
                        return sites[0]
                area_id = parents.get(area_id)
            return nearest

        result = {}
        for area_id in parents:
            service, occupied = totals(area_id)
            to_add = rooms_to_add(occupied, service, alert_rate)
            alert = to_add > 0
            suggested = suggestion(area_id, to_add) if alert else None
            result[area_id] = {
                'rooms_in_service': service,
                'occupied_rooms': occupied,
                'occupancy': (round(occupied / service, 4) if service
                    else 0.0),
                'expansion_alert': alert,
                'rooms_to_add': to_add,
                'standby_rooms': -sum(r for r, _, _ in standby_of(area_id)),
                'suggested_site': suggested[2] if suggested else None,
                'suggested_site_rooms': (
                    -suggested[0] if suggested else None),
                }
        return result

    @classmethod
    def search_expansion_alert(cls, name, clause):
        flagged = [i for i, f in cls.command_figures().items()
            if f['expansion_alert']]
        return flag_domain(clause, flagged)


class Site(Workflow, ModelSQL, ModelView):
    "Isolation Site"
    __string__ = "Isolation Site"
    __name__ = 'quarantine.site'
    _rec_name = 'name'

    _states = {'readonly': Eval('state') == 'closed'}

    name = fields.Char("Name", size=100, required=True, states=_states)
    code = fields.Char("Code", size=30, required=True, states=_states,
        help="Short unique code, printed on forms and certificates.")
    area = fields.Many2One('quarantine.area', "Area", states=_states,
        help="District or administrative area the site belongs to.")
    address = fields.Text("Address", size=1000, states=_states)
    manager = fields.Many2One('party.party', "Site Head", states=_states,
        help="Leading cadre in charge of the site (点长).")
    contact_name = fields.Char("Contact", size=100, states=_states)
    contact_phone = fields.Char("Contact Phone", size=30, states=_states)
    layout_notes = fields.Text("Layout Notes", size=10000, states=_states,
        help="Three zones and two passages: clean, buffer and "
        "contaminated zones; staff and resident passages.")
    laboratory = fields.Many2One('party.party', "Laboratory",
        ondelete='RESTRICT',
        help="The laboratory that tests the site's samples: its daily "
        "capacity is checked on the sampling roster.")
    layout_compliant = fields.Boolean("Three Zones, Two Passages",
        states=_states,
        help="Ticked once the layout was checked by infection control.")
    # Henan L245/L579, Chongqing L161: a site opens once evaluated by the
    # experts and laid out in three zones and two passages; activating one
    # that is not is a warning the user confirms, kept with who and when
    expert_evaluated_on = fields.Date("Expert Evaluation", states=_states,
        help="When the experts organised by the city evaluated and accepted "
        "the site (评估验收合格): activating a site without it asks for a "
        "confirmation.")
    gate_confirmed_by = fields.Many2One('res.user', "Gates Confirmed by",
        readonly=True,
        help="Who activated the site without the expert evaluation or the "
        "three zones and two passages, confirming the warning.")
    gate_confirmed_at = fields.DateTime("Gates Confirmed at", readonly=True)
    rooms = fields.One2Many('quarantine.room', 'site', "Rooms",
        states=_states)
    staff = fields.One2Many('quarantine.staff', 'site', "Staff",
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('standby', "Standby"),
            ('active', "Active"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    activated_at = fields.DateTime("Activated at", readonly=True)
    activation_started_at = fields.DateTime("Activation Drill Start",
        readonly=True,
        help="When the site was activated from standby: rooms must be "
        "ready 1/3 within 24 h, 2/3 within 48 h and all within 72 h.")
    closed_at = fields.DateTime("Closed at", readonly=True)

    room_count = figure(fields.Integer("Rooms"))
    available_count = figure(fields.Integer("Available"))
    occupied_count = figure(fields.Integer("Occupied"))
    cleaning_count = figure(fields.Integer("Cleaning"))
    out_of_service_count = figure(fields.Integer("Out of Service"))
    ready_count = figure(fields.Integer("Ready Rooms",
        help="Rooms available or occupied."))
    occupancy = figure(fields.Float("Occupancy", digits=(1, 4),
        help="Occupied rooms over the rooms in service."))
    expansion_alert = figure_flag("Expansion Alert",
        "The occupancy reached the configured alert rate.")
    resident_count = figure(fields.Integer("Residents"))

    drill_target_24h = figure(fields.Integer("Target at 24 h"))
    drill_target_48h = figure(fields.Integer("Target at 48 h"))
    drill_target_72h = figure(fields.Integer("Target at 72 h"))
    drill_due_count = figure(fields.Integer("Rooms Due Ready",
        help="Rooms that must be ready by now."))
    drill_lagging = figure_flag("Activation Lagging",
        "Fewer rooms ready than the activation targets ask.")

    staff_count = figure(fields.Integer("Staff",
        help="Active certified staff (持证上岗): only they count in the "
        "staffing rules."))
    medical_staff_count = figure(fields.Integer("Medical Staff",
        help="Active certified medical and infection-control staff."))
    uncertified_staff_count = figure(fields.Integer("Uncertified Staff",
        help="Active staff without the training certificate: not counted "
        "in the staffing rules until certified."))
    infection_control_count = figure(
        fields.Integer("Infection Control Staff"))
    other_staff_count = figure(fields.Integer("Other Staff"))
    medical_staff_required = figure(fields.Integer("Medical Staff Required",
        help="Residents divided by the configured residents per "
        "medical staff member, rounded up."))
    medical_staff_required_full = figure(
        fields.Integer("Medical Staff at Full Capacity"))
    other_staff_required = figure(fields.Integer("Other Staff Required",
        help="The configured factor (3 to 4) times the medical staff "
        "required."))
    staff_required_by_rooms = figure(fields.Integer("Staff Required by Rooms",
        help="At least 15 staff per 100 rooms (configurable)."))
    staff_short = figure_flag("Short of Staff",
        "An active site below any of the staffing minimums.")

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'quarantine.msg_site_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))
        cls._transitions |= {
            ('draft', 'standby'),
            ('draft', 'active'),
            ('standby', 'active'),
            ('active', 'standby'),
            ('standby', 'closed'),
            ('active', 'closed'),
            ('closed', 'draft'),
            }
        cls._buttons.update({
                'standby': {
                    'invisible': ~Eval('state').in_(['draft', 'active']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'activate': {
                    'invisible': ~Eval('state').in_(['draft', 'standby']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['standby', 'active']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-clear',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def create(cls, vlist):
        sites = super().create(vlist)
        cls.link_to_creator(sites)
        return sites

    @classmethod
    def link_to_creator(cls, sites):
        "A site manager who opens a site works for it"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if not transaction.user or not transaction.check_access:
            return
        manager = ModelData.get_id('quarantine', 'group_site_manager')
        if manager not in User.get_groups():
            return
        user = User(transaction.user)
        with transaction.set_user(0):
            User.write([user], {
                    'quarantine_sites': [('add', [s.id for s in sites])]})

    @classmethod
    def on_modification(cls, mode, sites, field_names=None):
        super().on_modification(mode, sites, field_names=field_names)
        if mode != 'write' or 'area' in field_names:
            # the sites a district administrator sees follow the areas
            Pool().get('res.user')._quarantine_scope_cache.clear()

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('staff_short', False)
                    | Eval('drill_lagging', False), 'danger',
                    If(Eval('expansion_alert', False), 'warning', ''))),
            ('//page[@id="drill"]', 'states', {
                    'invisible': ~Eval('activation_started_at'),
                    }),
            ]

    @classmethod
    def get_figures(cls, sites, names):
        "The figures of the sites, for a list in one query a slice"
        cursor = Transaction().connection.cursor()
        now = dt.datetime.now()
        result = {n: {} for n in names}
        # the query filters each of its four tables by the sites
        for sub_ids in grouped_slice([s.id for s in sites], IN_MAX // 4):
            cursor.execute(*cls._figures_query(list(sub_ids)))
            # trytond's, or the module's faster one (cursor.py)
            for row in tools.cursor_dict(cursor):
                values = dict(row, **cls._drill_figures(row, now))
                for flag in SQL_FLAGS:
                    # SQLite has no boolean: 0 or 1
                    values[flag] = bool(values[flag])
                for name in names:
                    result[name][row['id']] = values[name]
        return result

    @classmethod
    def _figures_query(cls, site_ids=None):
        """The query of the figures of the sites `site_ids` (all without
        them), one row a site: rooms by state, occupancy, residents, staff,
        what the staffing rules require and the flags (SQL_FLAGS) — the
        list reads its figures from it and the flags' searches use it as
        their sub-query, so both apply the same rules"""
        pool = Pool()
        Room = pool.get('quarantine.room')
        Stay = pool.get('quarantine.stay')
        Staff = pool.get('quarantine.staff')
        Configuration = pool.get('quarantine.configuration')
        config = Configuration(1)
        site = cls.__table__()
        room, stay, staff = (
            Room.__table__(), Stay.__table__(), Staff.__table__())

        def of_sites(column, condition=None):
            if site_ids is None:
                return condition
            in_sites = in_(column, site_ids)
            return in_sites if condition is None else condition & in_sites

        def count_of(condition):
            return Sum(Case((condition, 1), else_=0))

        def ceil_divided(dividend, divisor):
            # of integers, on both backends (integer division)
            return (dividend + divisor - 1) / divisor

        rooms = room.select(room.site.as_('site'),
            Count(room.id).as_('total'),
            *(count_of(room.state == state).as_(state)
                for state in ROOM_STATES),
            where=of_sites(room.site), group_by=[room.site])
        residents = stay.select(stay.site.as_('site'),
            Count(stay.id).as_('count'),
            where=of_sites(stay.site, stay.state == 'admitted'),
            group_by=[stay.site])
        # only certified staff count (持证上岗, Henan L281/L579, Chongqing
        # L163)
        certified = staff.certified == Literal(True)
        people = staff.select(staff.site.as_('site'),
            count_of(certified).as_('total'),
            count_of(certified & staff.role.in_(list(MEDICAL_ROLES))).as_(
                'medical'),
            count_of(certified & (staff.role == 'infection_control')).as_(
                'infection_control'),
            (Count(staff.id) - count_of(certified)).as_('uncertified'),
            where=of_sites(staff.site, staff.active == Literal(True)),
            group_by=[staff.site])
        query = (site
            .join(rooms, 'LEFT', condition=rooms.site == site.id)
            .join(residents, 'LEFT', condition=residents.site == site.id)
            .join(people, 'LEFT', condition=people.site == site.id))

        room_count = Coalesce(rooms.total, 0)
        by_state = {s: Coalesce(Column(rooms, s), 0) for s in ROOM_STATES}
        in_service = room_count - by_state['out_of_service']
        occupancy = Case((in_service > 0,
                Cast(by_state['occupied'], 'FLOAT') / in_service),
            else_=0.0)
        resident_count = Coalesce(residents.count, 0)
        staff_count = Coalesce(people.total, 0)
        medical = Coalesce(people.medical, 0)
        infection_control = Coalesce(people.infection_control, 0)
        ratio = config.residents_per_medical_staff
        medical_required = ceil_divided(resident_count, ratio)
        other_required = medical_required * config.other_staff_factor
        by_rooms = ceil_divided(
            room_count * config.staff_per_100_rooms, 100)
        active = site.state == 'active'
        expansion_alert = (active & (in_service > 0)
            & (occupancy >= config.expansion_alert))
        staff_short = active & (
            (medical < medical_required)
            | ((staff_count - medical) < other_required)
            | (staff_count < by_rooms)
            | (infection_control < config.infection_control_minimum))
        return query.select(
            site.id.as_('id'),
            site.state.as_('state'),
            site.activation_started_at.as_('activation_started_at'),
            room_count.as_('room_count'),
            *(by_state[s].as_(f'{s}_count') for s in ROOM_STATES),
            (by_state['available'] + by_state['occupied']).as_(
                'ready_count'),
            occupancy.as_('occupancy'),
            resident_count.as_('resident_count'),
            staff_count.as_('staff_count'),
            Coalesce(people.uncertified, 0).as_('uncertified_staff_count'),
            medical.as_('medical_staff_count'),
            infection_control.as_('infection_control_count'),
            (staff_count - medical).as_('other_staff_count'),
            medical_required.as_('medical_staff_required'),
            ceil_divided(in_service, ratio).as_(
                'medical_staff_required_full'),
            other_required.as_('other_staff_required'),
            by_rooms.as_('staff_required_by_rooms'),
            expansion_alert.as_('expansion_alert'),
            staff_short.as_('staff_short'),
            where=of_sites(site.id))

    @staticmethod
    def _drill_figures(figures, now):
        """The activation drill's targets, the rooms due ready by `now` and
        whether the site lags behind them: they depend on the time, so they
        are computed here from the query's figures"""
        targets = [math.ceil(figures['room_count'] * num / den)
            for _, num, den in ACTIVATION_MILESTONES]
        due = 0
        started = figures['activation_started_at']
        if started:
            elapsed = (now - started).total_seconds()
            for (hours, _, _), target in zip(ACTIVATION_MILESTONES, targets):
                if elapsed >= hours * 3600:
                    due = target
        return {
            'drill_target_24h': targets[0],
            'drill_target_48h': targets[1],
            'drill_target_72h': targets[2],
            'drill_due_count': due,
            'drill_lagging': (figures['state'] == 'active'
                and figures['ready_count'] < due),
            }

    @classmethod
    def search_flag(cls, name, clause):
        if name == 'drill_lagging':
            # it depends on the time: only a site in an activation drill
            # can lag, the few of them are computed here
            sites = cls.search([('state', '=', 'active'),
                    ('activation_started_at', '!=', None)])
            flags = cls.get_figures(sites, [name])[name]
            flagged = [i for i, flag in flags.items() if flag]
        else:
            # a sub-query the database evaluates with the rest of the
            # search: a province's 4,000 sites flagged site by site took
            # 10 s (bench_province.py)
            figures = cls._figures_query()
            flagged = figures.select(figures.id,
                where=Column(figures, name))
        return flag_domain(clause, flagged)

    @classmethod
    def copy(cls, sites, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('code')
        default.setdefault('staff')
        default.setdefault('activated_at')
        default.setdefault('gate_confirmed_by')
        default.setdefault('gate_confirmed_at')
        default.setdefault('activation_started_at')
        default.setdefault('closed_at')
        return super().copy(sites, default=default)

    @classmethod
    def check_no_residents(cls, sites, msg_id):
        for site in sites:
            if site.resident_count:
                raise SiteStateError(gettext(msg_id,
                        site=site.rec_name, residents=site.resident_count))

    @classmethod
    @ModelView.button
    @Workflow.transition('standby')
    def standby(cls, sites):
        cls.check_no_residents(
            [s for s in sites if s.state == 'active'],
            'quarantine.msg_site_standby_residents')
        cls.write(sites, {'activation_started_at': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, sites):
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        Warning = pool.get('res.user.warning')
        minimum = Configuration(1).minimum_site_rooms
        small = [s for s in sites if s.room_count < minimum]
        if small:
            key = Warning.format('site_minimum_rooms', small)
            if Warning.check(key):
                raise SiteRoomsWarning(key, gettext(
                        'quarantine.msg_site_minimum_rooms',
                        sites=', '.join(
                            f'{s.rec_name} ({s.room_count})'
                            for s in small[:5]),
                        minimum=minimum))
        gated = cls.check_gates(sites)
        now = dt.datetime.now()
        from_standby = [s for s in sites if s.state == 'standby']
        if from_standby:
            cls.write(from_standby, {'activation_started_at': now})
        cls.write(sites, {'activated_at': now, 'closed_at': None,
                'gate_confirmed_by': None, 'gate_confirmed_at': None})
        if gated:
            cls.write(gated, {
                    'gate_confirmed_by': Transaction().user,
                    'gate_confirmed_at': now,
                    })

    @classmethod
    def check_gates(cls, sites):
        """Warn before activating sites without the expert evaluation or
        the three zones and two passages (Henan L245/L579, Chongqing L161);
        return the sites whose activation the user confirmed"""
        Warning = Pool().get('res.user.warning')
        gated = {}
        for site in sites:
            missing = []
            if not site.expert_evaluated_on:
                missing.append(gettext('quarantine.msg_site_gate_expert'))
            if not site.layout_compliant:
                missing.append(gettext('quarantine.msg_site_gate_layout'))
            if missing:
                gated[site] = missing
        if gated:
            key = Warning.format('site_activation_gates', list(gated))
            if Warning.check(key):
                raise SiteGateWarning(key, gettext(
                        'quarantine.msg_site_activation_gates',
                        sites='; '.join(f'{s.rec_name} ({"、".join(m)})'
                            for s, m in list(gated.items())[:5])))
        return list(gated)

    @classmethod
    def validate_fields(cls, sites, field_names):
        super().validate_fields(sites, field_names)
        if 'expert_evaluated_on' in field_names:
            for site in sites:
                message = future_error(site.expert_evaluated_on,
                    field_label(cls.__name__, 'expert_evaluated_on'))
                if message:
                    raise SiteValidationError(message)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, sites):
        cls.check_no_residents(sites, 'quarantine.msg_site_close_residents')
        cls.write(sites, {'closed_at': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sites):
        cls.write(sites, {'activation_started_at': None})

    @classmethod
    def delete(cls, sites):
        check_access_first(cls, sites, 'delete')
        for site in sites:
            if site.state != 'draft':
                raise SiteStateError(gettext(
                        'quarantine.msg_site_delete_draft',
                        site=site.rec_name))
        super().delete(sites)


class Staff(DeactivableMixin, ModelSQL, ModelView):
    "Site Staff"
    __string__ = "Site Staff"
    __name__ = 'quarantine.staff'

    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Person", required=True,
        ondelete='RESTRICT')
    role = fields.Selection([
            ('site_head', "Site Head"),
            ('medical', "Medical (Health Observation)"),
            ('infection_control', "Infection Control"),
            ('disinfection', "Environmental Disinfection"),
            ('information', "Information"),
            ('security', "Security"),
            ('logistics', "Logistics"),
            ('care', "Humanistic Care"),
            ('cleaning', "Cleaning"),
            ('driver', "Driver"),
            ('other', "Other"),
            ], "Role", required=True,
        help="The site head and the seven work groups of the Henan plan.")
    role_string = role.translated('role')
    phone = fields.Char("Phone", size=30)
    certified = fields.Boolean("Certified",
        help="Passed the infection-control training (持证上岗).")
    closed_loop_start = fields.Date("Closed Loop Start")
    closed_loop_end = fields.Date("Closed Loop End")
    is_medical = fields.Function(
        fields.Boolean("Medical"), 'on_change_with_is_medical')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('site', 'ASC'))
        cls._order.insert(1, ('role', 'ASC'))
        t = cls.__table__()
        cls._sql_constraints += [
            ('closed_loop_dates', Check(t,
                    (t.closed_loop_end == Null)
                    | (t.closed_loop_start == Null)
                    | (t.closed_loop_end >= t.closed_loop_start)),
                'quarantine.msg_staff_closed_loop_dates'),
            ]

    def get_rec_name(self, name):
        return self.party.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name',) + tuple(clause[1:])]

    @fields.depends('role')
    def on_change_with_is_medical(self, name=None):
        return self.role in MEDICAL_ROLES

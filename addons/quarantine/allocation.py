# This file is part of the quarantine module.  See README.md for licensing.
"""Batch intake: allocate a bus or a flight of arrivals to free rooms.

The rules, in order of priority:
- a child and the guardian who accompanies it take one room;
- residents who need it (a disability, or the configured elderly age: 65
  by default) get accessible rooms first, then the lowest floors;
- close contacts go to high floors and secondary contacts to low ones
  (Henan L583), and categories are not mixed on a floor while the site has
  whole free floors to give each its own;
- a household or travel group stays on one floor in adjacent rooms.
If the free rooms are too few, nothing is allocated.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import StateTransition, Wizard

from .board import floor_sort_key
from .common import check_sites, close_view, start_view

# Floors are taken from the top for these categories, from the bottom for
# the others.
HIGH_FLOOR_CATEGORIES = {'close_contact', 'inbound', 'risk_area'}
CATEGORY_ORDER = ['close_contact', 'inbound', 'risk_area', 'other',
    'secondary_contact']


def floor_key(room):
    try:
        level = int(room.floor)
    except (TypeError, ValueError):
        level = 0
    return (room.building or '', level, room.floor or '')


def units_of(residents):
    """Group the residents into units that need one room each: a resident
    with those who accompany it (`companion_of` holds the id of the stay
    accompanied)"""
    by_id = {r.id: r for r in residents}
    companions = defaultdict(list)
    heads = []
    for resident in residents:
        if resident.companion_of in by_id:
            companions[resident.companion_of].append(resident)
        else:
            heads.append(resident)
    return [[h] + companions[h.id] for h in heads]


def plan_allocation(units, rooms):
    """Return {room: unit} for `units` (lists of residents) over free
    `rooms` (ordered by building, floor and position); both are plain rows
    with the attributes of stay.Resident and stay.FreeRoom"""
    floors = defaultdict(list)
    for room in rooms:
        floors[floor_key(room)].append(room)
    floor_order = sorted(floors)
    free = {k: list(v) for k, v in floors.items()}
    plan = {}

    def take(room):
        free[floor_key(room)].remove(room)

    # 1. accessible rooms for those who need them, and when there are no
    # more, the lowest floors (of any building) whatever their category
    accessible = [r for r in rooms if r.accessible]
    accessible.reverse()  # pop() from the end takes them in order
    rest, low = [], []
    for unit in units:
        if not any(s.needs_accessible for s in unit):
            rest.append(unit)
        elif accessible:
            room = accessible.pop()
            take(room)
            plan[room] = unit
        else:
            low.append(unit)
    claimed = set()
    lowest_first = sorted(floor_order, key=lambda k: (k[1], k[0], k[2]))
    for unit in low:
        key = next(k for k in lowest_first if free[k])
        room = free[key][0]
        take(room)
        claimed.add(key)
        plan[room] = unit

    # 2. by category, whole floors first, groups kept together
    by_category = defaultdict(list)
    for unit in rest:
        by_category[unit[0].category].append(unit)
    for category in sorted(by_category,
            key=lambda c: CATEGORY_ORDER.index(c)
            if c in CATEGORY_ORDER else len(CATEGORY_ORDER)):
        cat_units = sorted(by_category[category],
            key=lambda u: (u[0].group_name or '', u[0].id))
        order = list(reversed(floor_order)) if (
            category in HIGH_FLOOR_CATEGORIES) else list(floor_order)
        own = [k for k in order if k not in claimed and free[k]]
        shared = [k for k in order if k in claimed and free[k]]
        for group, group_units in _groups(cat_units):
            for unit_rooms in _place(group_units, own, shared, free, claimed):
                room, unit = unit_rooms
                take(room)
                plan[room] = unit
    return plan


def _groups(units):
    current, members = object(), []
    for unit in units:
        key = unit[0].group_name or ('', unit[0].id)
        if key != current and members:
            yield current, members
            members = []
        current = key
        members.append(unit)
    if members:
        yield current, members


def _place(units, own, shared, free, claimed):
    """Yield (room, unit) for a group: on one floor in adjacent rooms when a
    floor has room for the whole group, else spread in floor order"""
    for floors in (own, shared):
        for key in floors:
            if len(free[key]) >= len(units):
                claimed.add(key)
                return list(zip(free[key][:len(units)], units))
    placed, remaining = [], list(units)
    for key in own + shared:
        if not remaining:
            break
        count = min(len(free[key]), len(remaining))
        if count:
            claimed.add(key)
            placed.extend(zip(free[key][:count], remaining[:count]))
            remaining = remaining[count:]
    return placed


class AllocateStart(ModelView):
    "Allocate Rooms"
    __name__ = 'quarantine.stay.allocate.start'
    __string__ = "Allocate Rooms"

    site = fields.Many2One('quarantine.site', "Site", required=True,
        domain=[('state', '=', 'active')])
    stay_count = fields.Integer("Arrivals", readonly=True)
    room_count = fields.Integer("Rooms Needed", readonly=True)


class AllocateSummary(ModelView):
    "Allocation Summary"
    __name__ = 'quarantine.stay.allocate.summary'
    __string__ = "Allocation Summary"

    site = fields.Many2One('quarantine.site', "Site", readonly=True)
    allocated_count = fields.Integer("Allocated", readonly=True)
    rooms = fields.Text("Rooms Given", readonly=True,
        help="Who went to which room, floor by floor.")
    not_allocated_count = fields.Integer("Not Allocated", readonly=True)
    not_allocated = fields.Text("Not Allocated, and Why", readonly=True)


class Allocate(Wizard):
    """Allocate Rooms

    Ends on what it did: who went to which room, who was not allocated and
    why; closing it reloads the list, and its tabs' counters."""
    __name__ = 'quarantine.stay.allocate'
    start = start_view('quarantine.stay.allocate.start',
        'quarantine.stay_allocate_start_view_form', "Allocate", 'allocate')
    allocate = StateTransition()
    summary = close_view('quarantine.stay.allocate.summary',
        'quarantine.stay_allocate_summary_view_form')

    def stays(self):
        return [s for s in self.records if s.state == 'draft']

    def default_start(self, fields):
        Stay = Pool().get('quarantine.stay')
        stays = self.stays()
        sites = {s.site for s in stays if s.site}
        return {
            'site': sites.pop().id if len(sites) == 1 else None,
            'stay_count': len(stays),
            'room_count': len(units_of(Stay._planning_rows(stays))),
            }

    def transition_allocate(self):
        Stay = Pool().get('quarantine.stay')
        check_sites([self.start.site])
        stays = self.stays()
        Stay.allocate(stays, self.start.site)
        skipped = [s for s in self.records if s not in stays]
        summary = self.summary
        summary.site = self.start.site
        summary.allocated_count = len(stays)
        summary.rooms = self.rooms_given(Stay.browse(stays))
        summary.not_allocated_count = len(skipped)
        summary.not_allocated = '\n'.join(
            gettext('quarantine.msg_allocate_not_draft',
                stay=s.rec_name, state=s.state_string) for s in skipped)
        return 'summary'

    @staticmethod
    def rooms_given(stays):
        "A line a floor: its label and who went to which room"
        RoomBoard = Pool().get('quarantine.site.room_board', type='report')
        floors = defaultdict(list)
        for stay in stays:
            room = stay.room
            floors[floor_sort_key(room)].append((room.sequence or 0,
                    room.name, stay.id, gettext(
                        'quarantine.msg_allocate_room_accessible'
                        if room.accessible else
                        'quarantine.msg_allocate_room',
                        stay=stay.rec_name, room=room.name)))
        return '\n'.join(
            gettext('quarantine.msg_allocate_floor',
                floor=RoomBoard.floor_label(*key),
                rooms='、'.join(line for *_, line in sorted(lines)))
            for key, lines in sorted(floors.items()))

    def default_summary(self, fields):
        summary = self.summary
        return {
            'site': summary.site.id if summary.site else None,
            'allocated_count': summary.allocated_count,
            'rooms': summary.rooms,
            'not_allocated_count': summary.not_allocated_count,
            'not_allocated': summary.not_allocated,
            }

    def end(self):
        # the web client searches the list again: its rows, and the
        # counters of its tabs (待分配, 已入住...)
        return 'reload'

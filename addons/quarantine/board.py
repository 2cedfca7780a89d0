# This file is part of the quarantine module.  See README.md for licensing.
"The room board of a site: each floor's rooms as cells coloured by state"
from collections import defaultdict

from reports.room_board import render_room_board

from trytond.i18n import gettext
from trytond.pool import Pool

from .report import PDFReport, printed_at, selection_labels


def floor_sort_key(room):
    try:
        level = int(room.floor)
    except (TypeError, ValueError):
        level = 0
    return (room.building or '', level, room.floor or '')


class RoomBoard(PDFReport):
    __name__ = 'quarantine.site.room_board'

    @classmethod
    def render(cls, report, report_context):
        site, = report_context['records']
        return render_room_board(cls.board(site))

    @classmethod
    def board(cls, site):
        "Return the plain data the layout of reports/ draws"
        pool = Pool()
        Room = pool.get('quarantine.room')
        Stay = pool.get('quarantine.stay')
        rooms = Room.search([('site', '=', site.id)])
        residents = defaultdict(list)
        for stay in Stay.search([
                    ('site', '=', site.id),
                    ('state', '=', 'admitted'),
                    ]):
            residents[stay.room].append(stay)
        floors = defaultdict(list)
        for room in sorted(rooms, key=lambda r: (
                    floor_sort_key(r), r.sequence or 0, r.name)):
            floors[floor_sort_key(room)].append(room)
        states = selection_labels(Room, 'state')
        return {
            'title': gettext('quarantine.msg_room_board_title'),
            'site': site.rec_name,
            'printed_at': printed_at(),
            'legend': list(states.items()),
            'floors': [{
                    'label': cls.floor_label(*key),
                    'rooms': [cls.cell(r, residents[r]) for r in floor],
                    } for key, floor in floors.items()],
            'totals': [
                (states['available'], site.available_count),
                (states['occupied'], site.occupied_count),
                (states['cleaning'], site.cleaning_count),
                (states['out_of_service'], site.out_of_service_count),
                (gettext('quarantine.msg_room_board_residents'),
                    site.resident_count),
                ],
            'page_format': gettext('quarantine.msg_room_board_page'),
            }

    @classmethod
    def floor_label(cls, building, level, floor):
        if building:
            return gettext('quarantine.msg_room_board_building_floor',
                building=building, floor=floor)
        return gettext('quarantine.msg_room_board_floor', floor=floor)

    @classmethod
    def cell(cls, room, stays):
        note = ''
        if stays:
            note = stays[0].category_string
            if len(stays) > 1:
                note += f' ×{len(stays)}'
        return {'name': room.name, 'state': room.state, 'note': note}

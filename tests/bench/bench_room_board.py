"""Time the room board of a 1,000-room site against an empty page.

Run from the repository root: .venv/bin/python tests/bench/bench_room_board.py
It prints times and their ratio and asserts nothing about the clock.
"""
import io
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from reports.fonts import register_cjk_font  # noqa: E402
from reports.room_board import render_room_board  # noqa: E402

FLOORS, ROOMS_PER_FLOOR = 25, 40
REPEAT = 5
STATES = ['available', 'occupied', 'occupied', 'cleaning', 'out_of_service']
LEGEND = [
    ('available', '空闲'),
    ('occupied', '入住'),
    ('cleaning', '待消毒'),
    ('out_of_service', '停用'),
    ]


def thousand_room_board():
    floors = [{
            'label': 'A栋 %d层' % floor,
            'rooms': [{
                    'name': 'A%d%02d' % (floor, number),
                    'state': STATES[(floor + number) % len(STATES)],
                    'note': '1人',
                    } for number in range(1, ROOMS_PER_FLOOR + 1)],
            } for floor in range(1, FLOORS + 1)]
    return {
        'title': '房态看板',
        'site': '基准测试隔离点',
        'printed_at': '2024-05-12 08:30',
        'legend': LEGEND,
        'floors': floors,
        'totals': [('房间', FLOORS * ROOMS_PER_FLOOR)],
        }


def empty_page(font):
    "One page with a line of Chinese: the fixed cost of a PDF with the font"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), initialFontName=font)
    canvas.drawString(50, 500, '房态看板')
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def best_time(function, *args):
    "Return the best of REPEAT runs: the least disturbed by the machine"
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    start = time.perf_counter()
    font = register_cjk_font()
    registration = time.perf_counter() - start
    empty, _ = best_time(empty_page, font)
    board = thousand_room_board()
    full, pdf = best_time(render_room_board, board)
    print('font registration (once per process): %.3f s' % registration)
    print('empty page:          %.4f s' % empty)
    print('1,000-room board:    %.4f s  (%d bytes)' % (full, len(pdf)))
    print('ratio board / empty: %.1f' % (full / empty))


if __name__ == '__main__':
    main()

"""Time the transfer handover form of 50 persons against an empty page.

Run from the repository root:
.venv/bin/python -O tests/bench/bench_handover.py
It prints times and their ratio to an empty page drawn with the same font in
the same run, and asserts nothing about the clock.
"""
import io
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from reports.fonts import register_cjk_font  # noqa: E402
from reports.handover import (  # noqa: E402
    PERSONS_PER_PART, render_blank_handover, render_handover)
from reports.identity import mask_identity  # noqa: E402

PERSONS = 50
BATCH = 100
REPEAT = 10
SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
GIVEN_NAMES = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '晓明']
CATEGORIES = ['密切接触者', '次密接', '入境人员', '高风险地区来返人员']


def handover(index, persons):
    return {
        'number': 'ZY-20240512-%04d' % index,
        'persons': [{
                'name': SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[
                    number // len(SURNAMES) % len(GIVEN_NAMES)],
                'identity_number': mask_identity(
                    '4101051985%04d%04d' % (index, number)),
                'phone': '1380371%04d' % number,
                'category': CATEGORIES[number % len(CATEGORIES)],
                } for number in range(persons)],
        'escorts': '李强（医护）、王芳（公安）',
        'vehicle': '豫A·D%05d' % index,
        'driver': '赵建国',
        'driver_phone': '13903710001',
        'origin': '金水区丰产路街道文化路社区 3号院',
        'destination': '基准测试集中隔离医学观察点',
        'requested_at': '2024-05-12 14:05',
        'dispatched_at': '2024-05-12 14:40',
        'arrived_at': '2024-05-12 15:22',
        'notes': '',
        }


def empty_page(font):
    "One page with a line of Chinese: the fixed cost of a PDF with the font"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=font)
    canvas.drawString(50, 780, '闭环转运交接单')
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def best_time(repeat, function, *args):
    "Return the best of repeat runs: the least disturbed by the machine"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    start = time.perf_counter()
    font = register_cjk_font()
    registration = time.perf_counter() - start
    empty, _ = best_time(REPEAT, empty_page, font)
    form, pdf = best_time(REPEAT, render_handover, [handover(1, PERSONS)])
    sheets = -(-PERSONS // PERSONS_PER_PART)
    blank, blank_pdf = best_time(REPEAT, render_blank_handover)
    # A day of transfers: 100 cars of a few persons each
    batch_forms = [handover(index, 3 + index % 6) for index in range(BATCH)]
    batch, batch_pdf = best_time(2, render_handover, batch_forms)
    print('font registration (once per process): %.3f s' % registration)
    print('empty page:                 %8.2f ms' % (empty * 1000))
    print('%d-person form:             %8.2f ms  (%d sheets of %d persons, '
        '%d bytes)' % (PERSONS, form * 1000, sheets, PERSONS_PER_PART,
            len(pdf)))
    print('ratio form / empty:         %8.1f' % (form / empty))
    print('blank sheet:                %8.2f ms  (%d bytes)'
        % (blank * 1000, len(blank_pdf)))
    print('ratio blank / empty:        %8.1f' % (blank / empty))
    print('%d forms of 3-8 persons:   %8.2f ms  (%d bytes)'
        % (BATCH, batch * 1000, len(batch_pdf)))
    print('ratio batch / empty:        %8.1f' % (batch / empty))


if __name__ == '__main__':
    main()

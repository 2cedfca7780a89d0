"""Time a batch of 1,000 release certificates and a 1,000-row roster.

Run from the repository root:
.venv/bin/python -O tests/bench/bench_certificates.py
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

from reports.certificate import qr_modules, render_certificates  # noqa: E402
from reports.fonts import register_cjk_font  # noqa: E402
from reports.identity import mask_identity  # noqa: E402
from reports.roster import render_roster  # noqa: E402

CERTIFICATES = 1000
BATCH_REPEAT = 2
REPEAT = 5
FLOORS, ROOMS_PER_FLOOR = 20, 50
SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
GIVEN_NAMES = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '晓明']
KINDS = ['第1天', '第4天', '第7天', '第10天', '第14天', '员工']


def certificate(index):
    name = SURNAMES[index % len(SURNAMES)] + GIVEN_NAMES[
        index // len(SURNAMES) % len(GIVEN_NAMES)]
    number = 'JC-20240512-%05d' % index
    return {
        'title': '解除集中医学观察证明',
        'number': number,
        'name': name,
        'identity_number': mask_identity('4101051985%08d' % index),
        'sex': '男' if index % 2 else '女',
        'age': 20 + index % 60,
        'site': '基准测试集中隔离医学观察点',
        'room': 'A%d%02d' % (index // 50 % 20 + 1, index % 50 + 1),
        'start_date': '2024-04-28',
        'end_date': '2024-05-11',
        'release_date': '2024-05-12',
        'body': ('%s于2024年4月28日至2024年5月11日在基准测试集中隔离医学'
            '观察点进行集中医学观察。经集中医学观察期满，核酸检测结果均为'
            '阴性，符合解除集中医学观察条件，准予解除。' % name),
        'tests': [{
                'date': '2024-05-%02d' % day,
                'day': day,
                'kind': '鼻咽拭子',
                'result': '阴性',
                'institution': '基准市疾病预防控制中心',
                'reagent': '荧光 PCR',
                } for day in (1, 4, 7, 10, 14)],
        'issuer': '基准区疫情防控指挥部',
        'issued_at': '2024年5月12日',
        'qr_payload': 'https://verify.example.cn/c/%s?h=%08x' % (
            number, index * 2654435761 % 2 ** 32),
        'verification': '核验码 %08x' % (index * 2654435761 % 2 ** 32),
        'labels': {},
        }


def thousand_row_roster():
    groups = [{
            'label': 'A栋 %d层' % floor,
            'rows': [{
                    'room': 'A%d%02d' % (floor, number),
                    'name': SURNAMES[number % len(SURNAMES)] + '伟',
                    'identity_number': mask_identity(
                        '4101051985%04d%04d' % (floor, number)),
                    'kind': KINDS[(floor + number) % len(KINDS)],
                    'sample_code': 'S20240512%02d%02d' % (floor, number),
                    'note': '上门采样' if number % 9 == 0 else '',
                    } for number in range(1, ROOMS_PER_FLOOR + 1)],
            } for floor in range(1, FLOORS + 1)]
    return {
        'title': '每日核酸采样名单',
        'site': '基准测试集中隔离医学观察点',
        'date': '2024-05-12',
        'printed_at': '2024-05-12 06:30',
        'groups': groups,
        'totals': [('应采', FLOORS * ROOMS_PER_FLOOR)],
        }


def empty_page(font):
    "One page with a line of Chinese: the fixed cost of a PDF with the font"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=font)
    canvas.drawString(50, 780, '解除集中医学观察证明')
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


def encode_all(payloads):
    for payload in payloads:
        qr_modules(payload)


def main():
    start = time.perf_counter()
    font = register_cjk_font()
    registration = time.perf_counter() - start
    empty, _ = best_time(REPEAT, empty_page, font)
    certificates = [certificate(index) for index in range(CERTIFICATES)]
    batch, pdf = best_time(BATCH_REPEAT, render_certificates, certificates)
    qr, _ = best_time(BATCH_REPEAT, encode_all,
        [c['qr_payload'] for c in certificates])
    roster, roster_pdf = best_time(
        REPEAT, render_roster, thousand_row_roster())
    page = batch / CERTIFICATES
    print('font registration (once per process): %.3f s' % registration)
    print('empty page:                %8.2f ms' % (empty * 1000))
    print('1,000 certificates:        %8.2f s   (%d bytes, one PDF)'
        % (batch, len(pdf)))
    print('per certificate page:      %8.2f ms  (of which QR encoding %.2f ms)'
        % (page * 1000, qr / CERTIFICATES * 1000))
    print('ratio certificate / empty: %8.1f' % (page / empty))
    print('1,000-row roster:          %8.3f s   (%d bytes)'
        % (roster, len(roster_pdf)))
    print('ratio roster / empty:      %8.1f' % (roster / empty))


if __name__ == '__main__':
    main()

"""The daily sampling roster, rendered without a database."""
import io

import pytest
from pypdf import PdfReader

from reports.identity import mask_identity
from reports.roster import (
    BODY_BOTTOM, BODY_TOP, DEFAULT_LABELS, GROUP_HEIGHT, ROW_HEIGHT,
    TABLE_HEADER, Band, Header, Row, Signature, paginate, render_roster)
from reports.tests.test_certificate import fonts_of, is_embedded

KINDS = ['密切接触者', '次密切接触者', '入境人员', '来自风险地区', '点长']
TESTS = ['第1天', '第4天', '第7天', '第14天（解除前）', '']


def make_rows(building, floor, count, start=0):
    return [{
            'room': '%s%d%02d' % (building, floor, number),
            'name': '张伟%d' % (start + number),
            'identity_number': mask_identity(
                '4101051985%08d' % (start + number)),
            'kind': KINDS[number % len(KINDS)],
            'test': TESTS[number % len(TESTS)],
            'sample_code': 'S2024%06d' % (start + number),
            'note': '上门采样' if number % 7 == 0 else '',
            } for number in range(1, count + 1)]


def make_roster(floors, rooms_per_floor):
    groups = [{
            'label': 'A栋 %d层' % floor,
            'rows': make_rows('A', floor, rooms_per_floor,
                (floor - 1) * rooms_per_floor),
            } for floor in range(1, floors + 1)]
    count = floors * rooms_per_floor
    return {
        'title': '每日核酸采样名单',
        'site': '金水区第三隔离酒店',
        'date': '2024-05-12',
        'printed_at': '2024-05-12 06:30',
        'groups': groups,
        'totals': [('应采人数', count), ('其中员工', count // 5)],
        'labels': {},
        }


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def text_of(reader):
    return '\n'.join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope='module')
def small_roster_pdf():
    return render_roster(make_roster(2, 7))


def test_small_roster_is_a_one_page_pdf(small_roster_pdf):
    assert small_roster_pdf.startswith(b'%PDF')
    reader = read(small_roster_pdf)
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_small_roster_embeds_only_the_cjk_font(small_roster_pdf):
    fonts = fonts_of(read(small_roster_pdf).pages[0]['/Resources'], {})
    assert fonts
    assert all(is_embedded(font) for font in fonts.values()), list(fonts)
    assert any('WenQuanYi' in name for name in fonts)


def test_small_roster_text(small_roster_pdf):
    "Groups, rows, column titles, totals, signature lines and page number"
    text = text_of(read(small_roster_pdf))
    for expected in [
            '每日核酸采样名单', '金水区第三隔离酒店', '2024-05-12',
            'A栋 1层', 'A栋 2层', 'A101', 'A207', '张伟1', '张伟14',
            '**************0014', '第14天', '次密切接触者', '点长',
            'S2024000007', '上门采样', '类别', '检测',
            '应采人数 14', '其中员工 2', '已采', '序号', '身份证号',
            '采样人签名', '复核人签名', '应采 14 人', '共 7 人',
            '第 1 页 / 共 1 页']:
        assert expected in text, expected
    assert '4101051985' not in text


def test_thousand_rows_paginate_with_repeated_headers():
    "20 floors of 50 rooms: every row is printed, every page has headers"
    roster = make_roster(20, 50)
    reader = read(render_roster(roster))
    page_count = len(reader.pages)
    assert page_count > 20
    texts = [page.extract_text() for page in reader.pages]
    rooms = [row['room'] for group in roster['groups']
        for row in group['rows']]
    assert len(rooms) == 1000
    text = '\n'.join(texts)
    assert [room for room in rooms if room not in text] == []
    for number, page_text in enumerate(texts, 1):
        assert '第 %d 页 / 共 %d 页' % (number, page_count) in page_text
        if number < page_count or '张伟' in page_text:
            assert DEFAULT_LABELS['done'] in page_text
            assert DEFAULT_LABELS['identity_number'] in page_text
    # a floor of 50 rows does not fit a page: it goes on, labelled again
    assert 'A栋 1层（续）' in texts[1]
    assert '采样人签名' in texts[-1]


def test_paginate_repeats_band_and_header_of_a_split_group():
    rows = make_rows('B', 1, 120)
    pages = paginate([{'label': 'B栋 1层', 'rows': rows}])
    assert len(pages) > 2
    for page in pages:
        items = [item for item in page if not isinstance(item, Signature)]
        if not items:
            continue
        assert isinstance(items[0], Band) and isinstance(items[1], Header)
        assert items[0].continued == (page is not pages[0])
        assert all(item.top - ROW_HEIGHT >= BODY_BOTTOM
            for item in items if isinstance(item, Row))
    row_items = [item for page in pages for item in page
        if isinstance(item, Row)]
    assert [item.index for item in row_items] == list(range(1, 121))
    assert [item.row for item in row_items] == rows


def test_group_does_not_start_at_the_foot_of_a_page():
    "A group whose band, header and first rows do not fit starts a page"
    room = (BODY_TOP - BODY_BOTTOM - GROUP_HEIGHT - TABLE_HEADER)
    first = make_rows('C', 1, int(room // ROW_HEIGHT) - 1)
    pages = paginate([
            {'label': 'C栋 1层', 'rows': first},
            {'label': 'C栋 2层', 'rows': make_rows('C', 2, 5)},
            ])
    assert [item.label for item in pages[1] if isinstance(item, Band)] \
        == ['C栋 2层']
    assert not [item for item in pages[0]
        if isinstance(item, Band) and item.label == 'C栋 2层']


def test_signature_moves_to_a_new_page_when_the_last_is_full():
    room = (BODY_TOP - BODY_BOTTOM - GROUP_HEIGHT - TABLE_HEADER)
    rows = make_rows('D', 1, int(room // ROW_HEIGHT))
    pages = paginate([{'label': 'D栋 1层', 'rows': rows}])
    assert len(pages) == 2
    assert [type(item) for item in pages[1]] == [Signature]
    assert pages[1][0].expected == len(rows)


def test_empty_roster_and_labels():
    "No group still gives a page with the signature; labels can be replaced"
    roster = make_roster(0, 0)
    roster['labels'] = {'sampler': 'Sampled by', 'done': 'Done'}
    text = text_of(read(render_roster(roster)))
    assert 'Sampled by' in text
    assert DEFAULT_LABELS['checker'] in text
    roster = make_roster(1, 2)
    roster['labels'] = {'done': 'Done'}
    text = text_of(read(render_roster(roster)))
    assert 'Done' in text and DEFAULT_LABELS['done'] not in text


def test_long_role_and_exit_test_wrap_whole():
    """A staff role or an exit test too long for its column goes on two
    lines, nothing cut"""
    roster = make_roster(1, 2)
    roster['groups'][0]['rows'][0].update(
        kind='医务人员（健康观察组）', test='第14天（解除前）')
    roster['groups'][0]['rows'][1].update(kind='环境消毒组', test='')
    text = text_of(read(render_roster(roster)))
    for expected in ['医务人员', '（健康观察组）', '第14天', '（解除前）',
            '环境消毒组']:
        assert expected in text, expected
    assert '…' not in text

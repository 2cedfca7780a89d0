"""The transfer handover form, rendered without a database."""
import io

import pytest
from pypdf import PdfReader

from reports.handover import (
    DEFAULT_LABELS, DEFAULT_PARTS, PERSONS_PER_PART, paginate,
    render_blank_handover, render_handover)
from reports.identity import mask_identity
from reports.tests.test_certificate import fonts_of, is_embedded

NUMBER = 'ZY-20240512-0007'
CATEGORIES = ['密切接触者', '次密接', '入境人员', '高风险地区来返人员']


def full_identity(index):
    return '4101051985%08d' % index


def make_form(person_count=5, number=NUMBER):
    return {
        'number': number,
        'persons': [{
                'name': '张伟%d' % index,
                'identity_number': mask_identity(full_identity(index)),
                'phone': '1380371%04d' % index,
                'category': CATEGORIES[index % len(CATEGORIES)],
                } for index in range(1, person_count + 1)],
        'escorts': '李强（医护）、王芳（公安）',
        'vehicle': '豫A·D12345',
        'driver': '赵建国',
        'driver_phone': '13903710001',
        'origin': '金水区文化路社区 3号院',
        'destination': '金水区第三集中隔离医学观察点',
        'requested_at': '2024-05-12 14:05',
        'dispatched_at': '2024-05-12 14:40',
        'arrived_at': '2024-05-12 15:22',
        'notes': '2人行动不便',
        }


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf):
    return [page.extract_text() for page in read(pdf).pages]


@pytest.fixture(scope='module')
def handover_pdf():
    return render_handover([make_form()])


@pytest.fixture(scope='module')
def long_handover_pdf():
    return render_handover([make_form(50)])


def test_handover_is_a_one_page_a4_pdf(handover_pdf):
    assert handover_pdf.startswith(b'%PDF')
    reader = read(handover_pdf)
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_handover_embeds_only_the_cjk_font(handover_pdf):
    "Every font, on the page and in its forms, travels inside the file"
    fonts = {}
    for page in read(handover_pdf).pages:
        fonts_of(page['/Resources'], fonts)
    assert fonts
    assert all(is_embedded(font) for font in fonts.values()), list(fonts)
    assert any('WenQuanYi' in name for name in fonts)


def test_handover_text(handover_pdf):
    "Parts, transfer, persons, column titles and signature boxes"
    text, = page_texts(handover_pdf)
    for expected in [
            '闭环转运交接单', *DEFAULT_PARTS, '沿此线剪开',
            '张伟1', '张伟5', '**************0005', '13803710003',
            '高风险地区来返人员', '豫A·D12345', '赵建国', '13903710001',
            '李强（医护）、王芳（公安）', '金水区文化路社区 3号院',
            '金水区第三集中隔离医学观察点', '2024-05-12 14:05',
            '2024-05-12 14:40', '2024-05-12 15:22', '2人行动不便',
            '序号', '姓名', '身份证号', '联系电话', '人员类别', '车牌号',
            '驾驶员', '随车人员', '交接人签字', '接收人签字', '时间',
            '共 5 人', '第 1 页 / 共 1 页']:
        assert expected in text, expected
    assert DEFAULT_LABELS['continued'] not in text


def test_every_part_carries_the_form(handover_pdf):
    "Number, plate, driver, persons and page: once on each of three parts"
    text, = page_texts(handover_pdf)
    for expected in [NUMBER, '编号：' + NUMBER, '豫A·D12345', '赵建国',
            '张伟1', '第 1 页 / 共 1 页', '交接人签字']:
        assert text.count(expected) == 3, expected
    for part in DEFAULT_PARTS:
        assert text.count(part) == 1, part


def test_full_identity_number_never_appears(handover_pdf, long_handover_pdf):
    "The caller masks; the sheet prints what it was given"
    for pdf, count in [(handover_pdf, 5), (long_handover_pdf, 50)]:
        text = '\n'.join(page_texts(pdf))
        for index in range(1, count + 1):
            assert full_identity(index) not in text
            assert mask_identity(full_identity(index)) in text
        assert '4101051985' not in text


def test_fifty_persons_go_on_over_sheets_with_the_same_number(
        long_handover_pdf):
    texts = page_texts(long_handover_pdf)
    pages = len(texts)
    assert pages == -(-50 // PERSONS_PER_PART) > 1
    for page, text in enumerate(texts, 1):
        assert text.count(NUMBER) == 3, page
        assert text.count('第 %d 页 / 共 %d 页' % (page, pages)) == 3, page
        assert text.count('共 50 人') == 3, page
        for part in DEFAULT_PARTS:
            assert part in text, (page, part)
        assert ('续页' in text) == (page > 1), page
        # The transfer and the signature boxes are on every sheet
        assert text.count('豫A·D12345') == 3, page
        assert text.count('交接人签字') == 3, page
    everything = '\n'.join(texts)
    for index in range(1, 51):
        page = (index - 1) // PERSONS_PER_PART
        assert texts[page].count('张伟%d ' % index) == 3, index
    assert '本页第 1–%d 人' % PERSONS_PER_PART in texts[0]
    assert '本页第 %d–50 人' % ((pages - 1) * PERSONS_PER_PART + 1) \
        in texts[-1]
    assert '张伟51' not in everything


def test_paginate_fills_parts_and_keeps_an_empty_sheet():
    persons = [{'name': str(index)} for index in range(2 * PERSONS_PER_PART)]
    assert paginate(persons[:PERSONS_PER_PART]) == [
        (0, persons[:PERSONS_PER_PART])]
    sheets = paginate(persons[:PERSONS_PER_PART + 1])
    assert sheets == [(0, persons[:PERSONS_PER_PART]),
        (PERSONS_PER_PART, persons[PERSONS_PER_PART:PERSONS_PER_PART + 1])]
    assert paginate([]) == [(0, [])]


def test_form_without_persons_is_one_sheet():
    texts = page_texts(render_handover([make_form(0)]))
    assert len(texts) == 1
    assert texts[0].count(NUMBER) == 3
    assert '共 0 人' in texts[0]


def test_time_not_known_yet_is_left_to_write_by_hand():
    "Printed at dispatch: the arrival has the blank of a time"
    form = make_form()
    form['arrived_at'] = ''
    text, = page_texts(render_handover([form]))
    assert '2024-05-12 15:22' not in text
    # the signature boxes have one per part, the arrival one more
    assert text.count(DEFAULT_LABELS['time_hint']) == 6
    form['arrived_at'] = '2024-05-12 15:22'
    text, = page_texts(render_handover([form]))
    assert text.count(DEFAULT_LABELS['time_hint']) == 3


def test_batch_numbers_each_form_on_its_own():
    "Each form has its sheets, its number and its own page count"
    forms = [make_form(3, 'ZY-A'), make_form(PERSONS_PER_PART + 1, 'ZY-B')]
    texts = page_texts(render_handover(forms))
    assert len(texts) == 3
    assert texts[0].count('ZY-A') == 3 and 'ZY-B' not in texts[0]
    assert '第 1 页 / 共 1 页' in texts[0]
    for page, text in enumerate(texts[1:], 1):
        assert text.count('ZY-B') == 3 and 'ZY-A' not in text
        assert text.count('第 %d 页 / 共 2 页' % page) == 3


def test_sheets_share_one_frame_form(long_handover_pdf):
    "What the sheets share is one form; each sheet adds one more"
    reader = read(long_handover_pdf)
    frames = set()
    for page in reader.pages:
        names = sorted(page['/Resources']['/XObject'])
        assert len(names) == 2, names
        frames.add(names[0])
    assert len(frames) == 1
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b' Do') == 4


def test_title_parts_and_labels_can_be_replaced():
    form = make_form()
    form.update(title='Transfer handover',
        parts=['Community', 'Site', 'Team'],
        labels={'vehicle': 'Plate', 'handed_over_by': 'Handed over by'})
    text, = page_texts(render_handover([form]))
    for expected in ['Transfer handover', 'Community', 'Site', 'Team',
            'Plate', 'Handed over by']:
        assert expected in text, expected
    assert DEFAULT_LABELS['vehicle'] not in text
    assert DEFAULT_LABELS['driver'] in text
    assert not any(part in text for part in DEFAULT_PARTS)


def test_long_values_are_shortened_not_spilled():
    form = make_form(1)
    form['destination'] = '金水区第三集中隔离医学观察点' * 6
    text, = page_texts(render_handover([form]))
    assert text.count('…') >= 3
    assert form['destination'] not in text


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        render_handover([])
    form = make_form()
    form['parts'] = ['社区留存联', '隔离点留存联']
    with pytest.raises(ValueError):
        render_handover([form])
    with pytest.raises(ValueError):
        render_blank_handover(0)


def test_blank_form_has_the_parts_and_no_number():
    pdf = render_blank_handover()
    texts = page_texts(pdf)
    assert len(texts) == 1
    text = texts[0]
    for part in DEFAULT_PARTS:
        assert text.count(part) == 1, part
    for expected in ['闭环转运交接单', '沿此线剪开', '序号', '姓名',
            '身份证号', '车牌号', '交接人签字', '接收人签字',
            '第 ____ 页 / 共 ____ 页']:
        assert expected in text, expected
    assert text.count('编号：____') == 3
    assert NUMBER not in text
    assert '张伟' not in text and '续页' not in text
    fonts = fonts_of(read(pdf).pages[0]['/Resources'], {})
    assert fonts and all(is_embedded(font) for font in fonts.values())


def test_blank_forms_are_one_form_stamped_on_each_sheet():
    reader = read(render_blank_handover(count=4))
    assert len(reader.pages) == 4
    assert len({tuple(page['/Resources']['/XObject'])
            for page in reader.pages}) == 1


def test_boarding_check_and_received_count():
    """Each person's boarding check, the persons received and the reason of
    a difference are on the three parts; left empty, they are written by
    hand"""
    form = make_form(3)
    form['persons'][0]['boarding'] = '36.5℃'
    form['persons'][1]['boarding'] = '37.8℃ 咳嗽、乏力'
    form['received_count'] = '2'
    form['count_mismatch_reason'] = '张伟2 登车前发热，送发热门诊'
    text, = page_texts(render_handover([form]))
    for expected in ['登车体温/症状', '36.5℃', '37.8℃ 咳嗽、乏力', '接收人数',
            '人数差异原因', '张伟2 登车前发热，送发热门诊']:
        assert text.count(expected) == 3, expected
    text, = page_texts(render_handover([make_form(3)]))
    assert text.count('接收人数') == 3
    assert '℃' not in text

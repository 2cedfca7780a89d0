"""Stocking plan, dispatch note and allocation request, without a database."""
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts import register_cjk_font
from reports.supply import (
    DEFAULT_LABELS, PRODUCTS_PER_PAGE, chunk_rows, fit_lines,
    render_allocation_request, render_allocation_requests,
    render_dispatch_note, render_dispatch_notes, render_stocking_plan)
from reports.tests.test_certificate import fonts_of, is_embedded

PLAN_NUMBER = 'CB-2026-0012'
NOTE_NUMBER = 'PS-20261127-0031'
REQUEST_NUMBER = 'DY-2026-0045'
COPY_TO = '抄送：防控物资储备专班、防控物资运输专班'


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf):
    return [page.extract_text() for page in read(pdf).pages]


def squeezed(text):
    "Text without the line breaks and spaces of wrapped cells"
    return ''.join(text.split())


def page_size(pdf):
    width, height = read(pdf).pages[0].mediabox.upper_right
    return round(float(width)), round(float(height))


def assert_cjk_font_embedded(pdf):
    "Every font, on the pages and in their forms, travels inside the file"
    fonts = {}
    for page in read(pdf).pages:
        fonts_of(page['/Resources'], fonts)
    assert fonts
    assert all(is_embedded(font) for font in fonts.values()), list(fonts)
    assert any('WenQuanYi' in name for name in fonts)


def supplier(index):
    return '保供企业%03d号' % index


def product(index):
    return '品种%02d号' % index


def make_plan(row_count, product_count):
    return {
        'number': PLAN_NUMBER,
        'scope': '郑州市金水区',
        'date': '2026-11-27',
        'population': 1260000,
        'reserve_days': 7,
        'products': [product(index) for index in range(product_count)],
        'units': '吨',
        'rows': [{
                'supplier': supplier(row),
                'population': 1000 + row,
                'quantities': [row + column / 4
                    for column in range(product_count)],
                } for row in range(row_count)],
        'notes': '各保供企业按日报送库存',
        }


@pytest.fixture(scope='module')
def small_plan_pdf():
    plan = {
        'number': PLAN_NUMBER,
        'scope': '郑州市金水区',
        'date': '2026-11-27',
        'population': 1260000,
        'reserve_days': 7,
        'products': ['大米', '食用油', '鸡蛋'],
        'units': '吨',
        'rows': [
            {'supplier': '河南万邦物流', 'population': 5000,
                'quantities': [1.0, None, 2]},
            {'supplier': '郑州粮食批发市场', 'population': None,
                'quantities': [2.5, 0.125, None]},
            ],
        'notes': '低于储备天数时及时补库',
        }
    return render_stocking_plan(plan)


def test_small_plan_is_one_landscape_page(small_plan_pdf):
    assert small_plan_pdf.startswith(b'%PDF')
    assert len(read(small_plan_pdf).pages) == 1
    assert page_size(small_plan_pdf) == (842, 595)
    assert_cjk_font_embedded(small_plan_pdf)


def test_small_plan_text(small_plan_pdf):
    "Heading, suppliers, quantities with 2 decimals and the column sums"
    text, = page_texts(small_plan_pdf)
    for expected in [
            '生活必需品储存指导计划', '编号：' + PLAN_NUMBER, '郑州市金水区',
            '2026-11-27', '保障人数：1260000 人', '储备天数：7 天',
            '计量单位：吨', '企业名称', '保障社区', '大米', '食用油', '鸡蛋',
            '河南万邦物流', '郑州粮食批发市场', '1.00', '2.50', '0.12',
            '2.00', '合计', '3.50', '5000', '备注：低于储备天数时及时补库',
            '第 1 页 / 共 1 页', '品种 1–3 / 共 3 种']:
        assert expected in text, expected
    # the total row: 1.00 + 2.50, 0.125 alone, 2 alone, 5000 people
    total_line = text[text.index('合计'):].splitlines()[0]
    assert total_line.split() == ['合计', '5000', '3.50', '0.12', '2.00']
    assert 'None' not in text


def test_given_totals_are_printed_as_given():
    plan = make_plan(2, 2)
    plan['totals'] = [9.999, None]
    text, = page_texts(render_stocking_plan(plan))
    total_line = text[text.index('合计'):].splitlines()[0]
    assert total_line.split() == ['合计', '2001', '10.00']


def test_sixty_six_products_go_on_over_column_pages():
    "13 suppliers × 66 products: the supplier column on every band's page"
    plan = make_plan(13, 66)
    texts = page_texts(render_stocking_plan(plan))
    pages = -(-66 // PRODUCTS_PER_PAGE)
    assert len(texts) == pages > 1
    for page, text in enumerate(texts, 1):
        assert PLAN_NUMBER in text, page
        assert '第 %d 页 / 共 %d 页' % (page, pages) in text, page
        assert '合计' in text, page
        for row in range(13):
            assert supplier(row) in text, (page, row)
        first = (page - 1) * PRODUCTS_PER_PAGE
        assert '品种 %d–%d / 共 66 种' % (
            first + 1, min(first + PRODUCTS_PER_PAGE, 66)) in text
        for index in range(66):
            shown = first <= index < first + PRODUCTS_PER_PAGE
            assert (product(index) in text) == shown, (page, index)
    # the quantity of the last supplier for the last product: 12 + 65/4
    assert '28.25' in texts[-1]


def test_two_hundred_rows_go_on_over_pages_with_the_header():
    plan = make_plan(200, 3)
    texts = page_texts(render_stocking_plan(plan))
    assert len(texts) > 1
    for page, text in enumerate(texts, 1):
        assert PLAN_NUMBER in text and '企业名称' in text, page
        assert '第 %d 页 / 共 %d 页' % (page, len(texts)) in text
        assert ('合计' in text) == (page == len(texts)), page
    everything = '\n'.join(texts)
    assert [row for row in range(200)
        if everything.count(supplier(row)) != 1] == []
    # the total does not stand alone: a supplier row keeps it company
    assert supplier(199) in texts[-1]
    assert '%.2f' % sum(row + 0.5 for row in range(200)) in texts[-1]


def test_plan_without_rows_or_notes():
    plan = make_plan(0, 4)
    plan['notes'] = ''
    text, = page_texts(render_stocking_plan(plan))
    assert '合计' in text and product(3) in text
    assert '备注' not in text


def test_plan_title_labels_and_long_supplier():
    plan = make_plan(1, 2)
    plan['title'] = '春节期间储备计划'
    plan['labels'] = {'supplier': '企业', 'total': '总计'}
    plan['rows'][0]['supplier'] = '郑州市金水区生活必需品应急保供重点企业' * 3
    text, = page_texts(render_stocking_plan(plan))
    assert '春节期间储备计划' in text
    assert '企业' in text and '总计' in text
    assert DEFAULT_LABELS['plan_title'] not in text
    assert '…' in text and plan['rows'][0]['supplier'] not in text


def test_plan_refuses_quantities_that_do_not_match_the_products():
    plan = make_plan(2, 3)
    plan['rows'][1]['quantities'] = [1, 2]
    with pytest.raises(ValueError):
        render_stocking_plan(plan)
    plan = make_plan(2, 3)
    plan['totals'] = [1]
    with pytest.raises(ValueError):
        render_stocking_plan(plan)


def make_note(line_count=3, number=NOTE_NUMBER):
    return {
        'number': number,
        'supplier': '河南万邦农产品物流有限公司',
        'vehicle': '豫A·88D21',
        'driver': '王建国',
        'driver_phone': '13903711234',
        'driver_test': '2026-11-27 08:00 阴性',
        'disinfected_at': '2026-11-27 09:10',
        'handover_point': '文化路与农业路交叉口东北角',
        'source': '万邦国际农产品物流城 B区',
        'departed_at': '2026-11-27 09:30',
        'delivered_at': '',
        'state': '已发车',
        'lines': [{
                'site': '第%02d隔离点' % index,
                'product': '蔬菜包',
                'quantity': '%d.5' % index,
                'unit': '箱',
                'received': '',
                'shortage': '',
                } for index in range(1, line_count + 1)],
        'notes': '冷链货物需先消杀',
        }


def test_dispatch_note_is_one_portrait_page():
    pdf = render_dispatch_note(make_note())
    assert len(read(pdf).pages) == 1
    assert page_size(pdf) == (595, 842)
    assert_cjk_font_embedded(pdf)
    text, = page_texts(pdf)
    for expected in [
            '物资配送单', '编号：' + NOTE_NUMBER, '状态：已发车',
            '河南万邦农产品物流有限公司', '豫A·88D21', '王建国',
            '13903711234', '2026-11-27 08:00 阴性', '2026-11-27 09:10',
            '非接触交接点', '文化路与农业路交叉口东北角',
            '万邦国际农产品物流城 B区', '2026-11-27 09:30', '冷链货物需先消杀',
            '收货点', '品名', '实收', '短缺', '第01隔离点', '第03隔离点',
            '3.5', '蔬菜包', '发货人签字', '驾驶员签字', '收货人签字', '时间',
            '第 1 页 / 共 1 页']:
        assert expected in text, expected


def test_fifty_lines_go_on_over_pages():
    texts = page_texts(render_dispatch_note(make_note(50)))
    assert len(texts) == 2
    for page, text in enumerate(texts, 1):
        assert text.count(NOTE_NUMBER) == 2, page   # heading and footer
        assert '第 %d 页 / 共 2 页' % page in text
        assert '收货点' in text and '豫A·88D21' in text
        assert ('收货人签字' in text) == (page == 2)
    everything = '\n'.join(texts)
    assert [index for index in range(1, 51)
        if everything.count('第%02d隔离点' % index) != 1] == []


def test_dispatch_note_without_lines():
    text, = page_texts(render_dispatch_note(make_note(0)))
    assert NOTE_NUMBER in text and '收货点' in text and '收货人签字' in text
    assert '隔离点' not in text


def test_dispatch_notes_in_one_pdf_share_their_forms():
    pdf = render_dispatch_notes(
        [make_note(2, 'PS-A'), make_note(50, 'PS-B'), make_note(1, 'PS-C')])
    texts = page_texts(pdf)
    assert len(texts) == 4
    assert 'PS-A' in texts[0] and '第 1 页 / 共 1 页' in texts[0]
    for page, text in enumerate(texts[1:3], 1):
        assert 'PS-B' in text and '第 %d 页 / 共 2 页' % page in text
        assert 'PS-A' not in text and 'PS-C' not in text
    assert 'PS-C' in texts[3] and '第 1 页 / 共 1 页' in texts[3]
    # the frame of the page and the signature boxes are written once
    names = set()
    for page in read(pdf).pages:
        names.update(page['/Resources']['/XObject'])
    assert len(names) == 2, names
    with pytest.raises(ValueError):
        render_dispatch_notes([])


def test_dispatch_note_long_values_stay_in_their_cells():
    note = make_note(1)
    note['handover_point'] = '金水区文化路与农业路交叉口东北角' * 8
    note['notes'] = '冷链货物需先消杀，交接全程不下车。' * 20
    note['labels'] = {'driver_test': '核酸结果'}
    text, = page_texts(render_dispatch_note(note))
    assert text.count('…') >= 2
    assert '核酸结果' in text and DEFAULT_LABELS['driver_test'] not in text
    assert '冷链货物需先消杀' in text
    assert note['handover_point'] not in text


REASON = ('因第三集中隔离医学观察点新增隔离人员较多，现有医用防护物资'
    '不足以保障一周使用，申请从市级储备库调用。')


def make_request(line_count=3, emergency=True, number=REQUEST_NUMBER):
    return {
        'number': number,
        'applicant': '金水区疫情防控指挥部医疗救治组',
        'reason': REASON,
        'requested_at': '2026-11-27 10:00',
        'needed_by': '2026-11-27 18:00',
        'destination': '金水区第三集中隔离医学观察点',
        'receiving_unit': '金水区卫健委',
        'contact': '李芳',
        'contact_phone': '13800000000',
        'lines': [{
                'item': '物资%02d' % index,
                'specification': 'GB 19082-2009 L号',
                'quantity': str(100 * index),
                'unit': '套',
                } for index in range(1, line_count + 1)],
        'emergency': emergency,
        'reviewed_by': '张伟',
        'reviewed_at': '2026-11-27 11:00',
        'approved_by': '',
        'approved_at': '',
        'state': '待审批',
        }


def test_allocation_request_is_one_portrait_page():
    pdf = render_allocation_request(make_request())
    assert len(read(pdf).pages) == 1
    assert page_size(pdf) == (595, 842)
    assert_cjk_font_embedded(pdf)
    text, = page_texts(pdf)
    # labels and the reason are wrapped in their cells
    flat = squeezed(text)
    for expected in [
            '物资调用申请/审批件', '编号：' + REQUEST_NUMBER, '状态：待审批',
            '紧急调用：先发后补，一周内补办手续',
            '金水区疫情防控指挥部医疗救治组', '2026-11-27 10:00',
            '2026-11-27 18:00', '金水区第三集中隔离医学观察点',
            '金水区卫健委', '李芳', '13800000000', '申请事由', REASON[:10],
            '物资名称', '规格型号', '物资01', '物资03', 'GB 19082-2009 L号',
            '300', '协调组审核意见', '领导小组审批意见', '审核人', '张伟',
            '2026-11-27 11:00', '审批人', COPY_TO, '第 1 页 / 共 1 页',
            REASON]:
        assert squeezed(expected) in flat, expected


def test_allocation_request_without_emergency_or_lines():
    text, = page_texts(render_allocation_request(make_request(0, False)))
    assert DEFAULT_LABELS['emergency'] not in text
    assert '物资名称' in text
    assert '领导小组审批意见' in squeezed(text)
    assert '物资01' not in text


def test_long_request_goes_on_over_pages():
    texts = page_texts(render_allocation_request(make_request(60)))
    assert len(texts) > 1
    for page, text in enumerate(texts, 1):
        assert REQUEST_NUMBER in text, page
        assert '第 %d 页 / 共 %d 页' % (page, len(texts)) in text
        assert '物资名称' in text and '紧急调用' in text
        assert (COPY_TO in text) == (page == len(texts))
    everything = '\n'.join(texts)
    assert [index for index in range(1, 61)
        if everything.count('物资%02d' % index) != 1] == []


def test_very_long_reason_is_cut_not_spilled():
    request = make_request(2)
    request['reason'] = REASON * 30
    text, = page_texts(render_allocation_request(request))
    flat = squeezed(text)
    assert REASON in flat and request['reason'] not in flat
    assert '…' in text
    assert '物资02' in text and COPY_TO in text


def test_allocation_requests_in_one_pdf():
    texts = page_texts(render_allocation_requests(
        [make_request(2, number='DY-A'), make_request(2, False, 'DY-B')]))
    assert len(texts) == 2
    assert 'DY-A' in texts[0] and '紧急调用' in texts[0]
    assert 'DY-B' in texts[1] and '紧急调用' not in texts[1]
    with pytest.raises(ValueError):
        render_allocation_requests([])


def test_chunk_rows_leaves_a_row_to_the_closing_page():
    rows = list(range(10))
    assert chunk_rows(rows, 5, 3) == [rows[:5], rows[5:9], rows[9:]]
    assert chunk_rows(rows[:3], 5, 3) == [rows[:3]]
    assert chunk_rows(rows[:4], 5, 3) == [rows[:3], rows[3:4]]
    assert chunk_rows([], 5, 3) == [[]]


def test_fit_lines_wraps_shrinks_then_cuts():
    font = register_cjk_font()
    lines, size = fit_lines(REASON, font, 10, 6, 120, 80)
    assert size == 10 and len(lines) > 1 and ''.join(lines) == REASON
    assert all(stringWidth(line, font, size) <= 120 for line in lines)
    lines, size = fit_lines(REASON * 10, font, 10, 6, 120, 40)
    assert size == 6 and lines[-1].endswith('…')
    assert len(lines) * size * 1.3 <= 40
    assert all(stringWidth(line, font, size) <= 120 for line in lines)

"""The residents' papers (admission notice, commitment letter) and the
certificate's instructions after release, rendered without a database."""
import pytest

from reports.certificate import render_certificates
from reports.papers import DEFAULT_LABELS, render_papers

from .test_certificate import (
    MASKED_IDENTITY, make_certificate, read, text_of)


def make_paper(index=1, items=6):
    return {
        'title': '集中隔离医学观察入住告知书',
        'name': '欧阳晓明%d' % index,
        'identity_number': MASKED_IDENTITY,
        'sex': '男',
        'age': 38,
        'site': '郑州市金水区第三集中隔离医学观察点',
        'room': 'A栋 1203',
        'arrival_date': '2024-04-30',
        'end_date': '2024-05-11',
        'duration': '14天',
        'sections': [
            {'text': '欧阳晓明%d：根据《中华人民共和国传染病防治法》，'
                '您自2024-04-30起接受集中隔离医学观察。' % index},
            {'heading': '注意事项',
                'items': ['第%d条：单人单间居住，不得外出。' % n
                    for n in range(1, items + 1)]},
            {'heading': '联系人和联系方式',
                'text': '联系人：王医生；联系电话：0371-66886688。'},
            ],
        'signatures': [('告知单位', '金水区第三隔离点'),
            ('告知日期', '2024-04-30'), ('被告知人签收', ''), ('日期', '')],
        'labels': {'footer': '本告知书一式两份'},
        }


def flat(pdf):
    return ''.join(text_of(read(pdf)).split())


def test_paper_text():
    "The person table, the sections in order, the signatures, the footer"
    text = flat(render_papers([make_paper()]))
    for expected in ['集中隔离医学观察入住告知书', '欧阳晓明1', MASKED_IDENTITY,
            'A栋1203', '2024-04-30', '2024-05-11', '14天',
            DEFAULT_LABELS['arrival_date'], DEFAULT_LABELS['duration'],
            '1.第1条：单人单间居住，不得外出。', '6.第6条',
            '联系电话：0371-66886688', '告知单位：金水区第三隔离点',
            '被告知人签收：', '本告知书一式两份']:
        assert expected in text, expected
    assert text.index('注意事项') < text.index('联系人和联系方式')


def test_batch_has_a_page_per_paper_and_one_form():
    reader = read(render_papers([make_paper(i) for i in range(1, 21)]))
    assert len(reader.pages) == 20
    for index, page in enumerate(reader.pages, 1):
        assert '欧阳晓明%d' % index in page.extract_text()
    forms = {tuple(sorted(page['/Resources']['/XObject']))
        for page in reader.pages}
    assert len(forms) == 1


def test_long_sections_shrink_onto_one_page():
    "Forty rules still fit the page: the text shrinks, nothing is cut"
    reader = read(render_papers([make_paper(items=40)]))
    assert len(reader.pages) == 1
    text = ''.join(reader.pages[0].extract_text().split())
    assert '40.第40条' in text and '被告知人签收' in text


def test_text_is_not_markup():
    paper = make_paper()
    paper['sections'] = [{'text': '承诺 <b>遵守</b> & 配合'}]
    assert '<b>遵守</b>&配合' in flat(render_papers([paper]))


def test_empty_batch_is_refused():
    with pytest.raises(ValueError):
        render_papers([])


def test_certificate_instructions():
    "The instructions after release print under the tests, numbered"
    certificate = make_certificate(test_count=14)
    certificate['instructions'] = {'heading': '解除隔离后注意事项', 'items': [
            '返家后居家健康监测7天。',
            '解除隔离后第2天、第7天各进行1次核酸检测。',
            '如出现发热、咳嗽等症状，及时报告所在社区。']}
    reader = read(render_certificates([certificate]))
    assert len(reader.pages) == 1
    text = ''.join(reader.pages[0].extract_text().split())
    for expected in ['解除隔离后注意事项', '1.返家后居家健康监测7天。',
            '2.解除隔离后第2天、第7天各进行1次核酸检测。',
            '3.如出现发热、咳嗽等症状，及时报告所在社区。',
            # the latest tests still print, and the issuer
            '第14天', '郑州市金水区疫情防控指挥部']:
        assert expected in text, expected
    assert text.index('第14天') < text.index('解除隔离后注意事项')
    # without instructions the certificate is as before
    assert '注意事项' not in flat(render_certificates([make_certificate()]))

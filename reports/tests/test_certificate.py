"""Release certificates, rendered without a database."""
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from reports.certificate import (
    DEFAULT_LABELS, qr_modules, render_certificates)
from reports.identity import mask_identity

FULL_IDENTITY = '41010519850312002X'
MASKED_IDENTITY = '**************002X'


def make_certificate(index=1, test_count=5, identity=FULL_IDENTITY):
    number = 'JC-20240512-%05d' % index
    return {
        'title': '解除集中医学观察证明',
        'number': number,
        'name': '欧阳晓明%d' % index,
        'identity_number': mask_identity(identity),
        'sex': '男',
        'age': 38,
        'site': '郑州市金水区第三集中隔离医学观察点',
        'room': 'A栋 1203',
        'start_date': '2024-04-28',
        'end_date': '2024-05-11',
        'release_date': '2024-05-12',
        'body': ('经集中医学观察期满，核酸检测结果均为阴性，'
            '符合解除集中医学观察条件，准予解除。'),
        'tests': [{
                'date': '2024-05-%02d' % (day + 1),
                'day': day + 1,
                'kind': '鼻咽拭子',
                'result': '阴性',
                'institution': '郑州市疾病预防控制中心',
                'reagent': '圣湘 PCR',
                } for day in range(test_count)],
        'issuer': '郑州市金水区疫情防控指挥部',
        'issued_at': '2024年5月12日',
        'qr_payload': 'https://verify.example.cn/c/%s?h=9f86d081' % number,
        'verification': '核验码 9f86d081884c7d65',
        'labels': {},
        }


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def text_of(reader):
    return '\n'.join(page.extract_text() for page in reader.pages)


def fonts_of(resources, fonts):
    "Collect the fonts of resources and of the forms they use"
    resources = resources.get_object()
    for font in resources.get('/Font', {}).values():
        font = font.get_object()
        fonts[font['/BaseFont']] = font
    for xobject in resources.get('/XObject', {}).values():
        xobject = xobject.get_object()
        if '/Resources' in xobject:
            fonts_of(xobject['/Resources'], fonts)
    return fonts


def is_embedded(font):
    descriptor = font.get('/FontDescriptor')
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor
        for key in ['/FontFile', '/FontFile2', '/FontFile3'])


@pytest.fixture(scope='module')
def certificate_pdf():
    return render_certificates([make_certificate()])


def test_certificate_is_a_one_page_pdf(certificate_pdf):
    assert certificate_pdf.startswith(b'%PDF')
    reader = read(certificate_pdf)
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_certificate_embeds_only_the_cjk_font(certificate_pdf):
    "Every font, on the page and in its forms, travels inside the file"
    reader = read(certificate_pdf)
    fonts = {}
    for page in reader.pages:
        fonts_of(page['/Resources'], fonts)
    assert fonts
    assert all(is_embedded(font) for font in fonts.values()), list(fonts)
    assert any('WenQuanYi' in name for name in fonts)


def test_certificate_text(certificate_pdf):
    "The person, the period, the tests and the issuer can be read"
    text = text_of(read(certificate_pdf))
    for expected in [
            '解除集中医学观察证明', 'JC-20240512-00001', '欧阳晓明1',
            MASKED_IDENTITY, '2024-04-28', '2024-05-11', '2024-05-12',
            '郑州市金水区第三集中隔离医学观察点', 'A栋 1203', '38',
            '2024-05-05', '第5天', '郑州市疾病预防控制中心',
            '圣湘 PCR', '郑州市金水区疫情防控指挥部', '2024年5月12日',
            '9f86d081884c7d65', '姓名', '身份证号', '核酸检测记录']:
        assert expected in text, expected
    # the paragraph wraps anywhere, as Chinese does
    assert '符合解除集中医学观察条件，准予解除。' in text.replace('\n', '')
    assert FULL_IDENTITY not in text
    assert '19850312' not in text


def test_identity_number_is_printed_as_given():
    "The caller masks; a masked number is not masked a second time"
    certificate = make_certificate()
    certificate['identity_number'] = 'E1234****'
    assert 'E1234****' in text_of(read(render_certificates([certificate])))


def test_batch_has_a_page_per_certificate():
    certificates = [make_certificate(index) for index in range(1, 31)]
    reader = read(render_certificates(certificates))
    assert len(reader.pages) == 30
    for index, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert 'JC-20240512-%05d' % index in text
        assert '欧阳晓明%d\n' % index in text + '\n'


def test_batch_shares_one_frame_form():
    "What the pages share is written once, whatever the batch size"
    certificates = [make_certificate(index) for index in range(3)]
    certificates[2]['labels'] = {'name': 'Name'}
    reader = read(render_certificates(certificates))
    forms = [sorted(page['/Resources']['/XObject']) for page in reader.pages]
    assert forms[0] == forms[1]
    assert len(forms[0]) == 1
    assert forms[2] != forms[0]


def test_missing_labels_fall_back_to_chinese():
    certificate = make_certificate()
    certificate['labels'] = {'name': 'Full name', 'tests': 'PCR tests'}
    text = text_of(read(render_certificates([certificate])))
    assert 'Full name' in text and 'PCR tests' in text
    assert DEFAULT_LABELS['identity_number'] in text
    assert DEFAULT_LABELS['name'] not in text.replace('欧阳晓明', '')


def test_many_tests_keep_the_latest_and_say_how_many_are_left_out():
    certificate = make_certificate(test_count=28)
    for position, test in enumerate(certificate['tests']):
        test['date'] = 'D%02d' % position
    text = text_of(read(render_certificates([certificate])))
    shown = [test['date'] for test in certificate['tests']
        if test['date'] in text]
    assert 'D27' in shown and 'D00' not in shown
    assert '另有 %d 次较早的检测未列出' % (28 - len(shown)) in text


def test_no_tests_and_long_body_stay_on_one_page():
    certificate = make_certificate(test_count=0)
    certificate['body'] = '经集中医学观察期满，' * 60 + '准予解除。'
    reader = read(render_certificates([certificate]))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert DEFAULT_LABELS['no_tests'] in text
    assert '准予解除' in text.replace('\n', '')


def test_body_is_text_not_markup():
    certificate = make_certificate()
    certificate['body'] = '检测结果 <b>阴性</b> & 准予解除'
    text = text_of(read(render_certificates([certificate])))
    assert '<b>阴性</b> & 准予解除' in text


def test_empty_batch_is_refused():
    with pytest.raises(ValueError):
        render_certificates([])


def test_qr_matrix_has_the_three_finder_patterns():
    modules = qr_modules('https://verify.example.cn/c/JC-20240512-00001')
    size = len(modules)
    assert (size - 17) % 4 == 0
    assert all(len(row) == size for row in modules)
    finder = [[row in (0, 6) or column in (0, 6)
            or (2 <= row <= 4 and 2 <= column <= 4)
            for column in range(7)] for row in range(7)]
    for top, left in [(0, 0), (0, size - 7), (size - 7, 0)]:
        assert [modules[top + row][left:left + 7]
            for row in range(7)] == finder


def test_qr_code_is_drawn(certificate_pdf):
    "The page holds the QR code: a path of dark runs in module units"
    content = read(certificate_pdf).pages[0].get_contents().get_data()
    modules = qr_modules(make_certificate()['qr_payload'])
    runs = sum(len(re.findall(r'1+', ''.join('1' if dark else '0'
                    for dark in row))) for row in modules)
    assert content.count(b' re') >= runs


def test_qr_code_decodes(certificate_pdf, tmp_path):
    "Scan the printed page: the QR code gives back the payload"
    zxingcpp = pytest.importorskip('zxingcpp')
    image_module = pytest.importorskip('PIL.Image')
    if shutil.which('pdftoppm') is None:
        pytest.skip('pdftoppm (poppler-utils) is not installed')
    path = tmp_path / 'certificate.pdf'
    path.write_bytes(certificate_pdf)
    subprocess.run(['pdftoppm', '-r', '100', '-png', '-singlefile',
            str(path), str(tmp_path / 'page')], check=True)
    image = image_module.open(tmp_path / 'page.png')
    texts = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert texts == [make_certificate()['qr_payload']]

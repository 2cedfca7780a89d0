"""Release certificates (解除集中医学观察证明), one A4 portrait page each.

Each certificate is a plain dict::

    {'title': str, 'number': str,
     'name': str, 'identity_number': str,   # masked by the caller
     'sex': str, 'age': str or int, 'site': str, 'room': str,
     'start_date': str, 'end_date': str, 'release_date': str,
     'body': str,                           # plain text, no markup
     'tests': [{'date': str, 'day': str or int, 'kind': str,
                'result': str, 'institution': str, 'reagent': str}],
     'issuer': str, 'issued_at': str,
     'qr_payload': str,                     # what the QR code carries
     'verification': str,                   # printed under the QR code
     'instructions': {'heading': str, 'items': [str]},  # optional: what
                                            # the resident does after release
     'labels': {key: label}}                # optional, see DEFAULT_LABELS

A batch is one PDF. What every certificate of a batch has in common (frame,
title, field labels, seal placeholder, footer) is drawn once as a form and
stamped on each page; the QR code is drawn as one path in module units.
The QR code is encoded by the qrcode package (already a dependency): it
encodes in about three quarters of the time of reportlab's own encoder.
"""
import io
from collections import namedtuple
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from .drawing import (
    draw_outlined_title, draw_paragraphs, fit_sections, fit_text, new_canvas)
from .fonts import FONT_NAME, register_cjk_font

DEFAULT_LABELS = {
    'number': '编号',
    'name': '姓名',
    'sex': '性别',
    'age': '年龄',
    'identity_number': '身份证号',
    'site': '隔离点',
    'room': '房间号',
    'start_date': '观察开始',
    'end_date': '观察期满',
    'release_date': '解除日期',
    'tests': '核酸检测记录',
    'test_date': '采样日期',
    'test_day': '观察天数',
    'test_kind': '检测类型',
    'test_result': '检测结果',
    'test_institution': '检测机构',
    'test_reagent': '检测试剂',
    'no_tests': '无检测记录',
    'more_tests': '另有 {count} 次较早的检测未列出',
    'day_format': '第{day}天',
    'issuer': '签发单位',
    'issued_at': '签发日期',
    'seal': '（盖章）',
    'verify': '扫码核验',
    'footer': '本证明经签发单位盖章后有效，涂改无效；真伪请扫描二维码核验。',
    }

PAGE_WIDTH, PAGE_HEIGHT = A4
FRAME_INSET = 12 * mm
MARGIN = 22 * mm
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT
CENTER = PAGE_WIDTH / 2
TOP = PAGE_HEIGHT - MARGIN

NUMBER_Y = TOP - 2
TITLE_Y = TOP - 58
TITLE_SIZE = 24
TITLE_CHAR_SPACE = 3

# Person table: three label/value pairs a row
PERSON_TOP = TOP - 92
PERSON_ROW = 28
LABEL_WIDTH = 64
VALUE_WIDTHS = (100, 84, WIDTH - 3 * LABEL_WIDTH - 184)
# (key, first column, columns spanned by the value); a row is 6 columns
PERSON_ROWS = (
    (('name', 0, 1), ('sex', 2, 1), ('age', 4, 1)),
    (('identity_number', 0, 3), ('room', 4, 1)),
    (('site', 0, 5),),
    (('start_date', 0, 1), ('end_date', 2, 1), ('release_date', 4, 1)),
    )
PERSON_BOTTOM = PERSON_TOP - len(PERSON_ROWS) * PERSON_ROW

BODY_TOP = PERSON_BOTTOM - 22
BODY_SIZE = 12.5
BODY_MIN_SIZE = 8
BODY_MAX_HEIGHT = 6 * 23

# Tests table
TESTS_HEADING_GAP = 24
TESTS_HEADER = 22
TEST_ROW = 20
TEST_ROW_MIN = 14
TEST_COLUMNS = (    # (key of the test, label key, width; None: the rest)
    ('date', 'test_date', 74),
    ('day', 'test_day', 58),
    ('kind', 'test_kind', 74),
    ('result', 'test_result', 58),
    ('institution', 'test_institution', None),
    ('reagent', 'test_reagent', 88),
    )

# Bottom block: issuer and seal on the left, QR code on the right
FOOTER_Y = FRAME_INSET + 6 * mm
FOOTER_RULE_Y = FOOTER_Y + 12
QR_SIZE = 31 * mm
QR_BOTTOM = FOOTER_RULE_Y + 44
QR_LEFT = RIGHT - QR_SIZE
QR_CAPTION_Y = QR_BOTTOM + QR_SIZE + 6
VERIFICATION_SIZE = 7
VERIFICATION_WIDTH = QR_SIZE + 18
VERIFICATION_LINES = 3
# The labels end at ISSUER_X, the values start there
ISSUER_X = LEFT + 110
ISSUER_WIDTH = QR_LEFT - 24 - ISSUER_X
ISSUER_Y = QR_BOTTOM + QR_SIZE / 2 + 10
ISSUED_AT_Y = ISSUER_Y - 26
SEAL_RADIUS = 20 * mm
BLOCK_TOP = QR_CAPTION_Y + 22
# The instructions after release, over the bottom block
INSTRUCTIONS_SIZE = 9.5
INSTRUCTIONS_MIN_SIZE = 7
INSTRUCTIONS_MAX_HEIGHT = 96
INSTRUCTIONS_GAP = 10
INSTRUCTIONS_PADDING = 6

INK = HexColor('#1A1A1A')
MUTED_INK = HexColor('#5F5F5F')
RULE = HexColor('#8A8A8A')
LABEL_FILL = HexColor('#F1F1F1')
FRAME = HexColor('#3A3A3A')
# A light red: a form cannot carry the transparency of an ExtGState
SEAL = HexColor('#E57373')

BODY_STYLE = ParagraphStyle(
    'CertificateBody', fontName=FONT_NAME, fontSize=BODY_SIZE,
    leading=BODY_SIZE * 1.8, firstLineIndent=2 * BODY_SIZE,
    alignment=TA_JUSTIFY, wordWrap='CJK', textColor=INK)

Cell = namedtuple('Cell', ['x', 'width'])


def person_cells():
    "Return the label and value cells of a person row, by first column"
    x = LEFT
    cells = {}
    for pair in range(3):
        cells[2 * pair] = Cell(x, LABEL_WIDTH)
        x += LABEL_WIDTH
        cells[2 * pair + 1] = Cell(x, VALUE_WIDTHS[pair])
        x += VALUE_WIDTHS[pair]
    return cells


PERSON_CELLS = person_cells()


def value_cell(column, span):
    "Return the cell of a value that starts at column and spans columns"
    first = PERSON_CELLS[column + 1]
    last = PERSON_CELLS[column + span]
    return Cell(first.x, last.x + last.width - first.x)


def test_cells():
    fixed = sum(width for _, _, width in TEST_COLUMNS if width)
    x = LEFT
    cells = []
    for _, _, width in TEST_COLUMNS:
        width = width or WIDTH - fixed
        cells.append(Cell(x, width))
        x += width
    return cells


TEST_CELLS = test_cells()


def render_certificates(certificates):
    "Return the certificates as one PDF, a page each, A4 portrait"
    certificates = list(certificates)
    if not certificates:
        raise ValueError('No certificate to render')
    font = register_cjk_font()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4, certificates[0]['title']
        if len(certificates) == 1
        else '%s (%d)' % (certificates[0]['title'], len(certificates)), font)
    forms = {}
    paragraphs = {}   # the instructions' paragraphs, wrapped once a batch
    for certificate in certificates:
        labels = dict(DEFAULT_LABELS, **(certificate.get('labels') or {}))
        canvas.doForm(static_form(
            canvas, font, forms, certificate['title'], labels))
        draw_certificate(canvas, font, certificate, labels, paragraphs)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def text(value):
    return '' if value is None else str(value)


def static_form(canvas, font, forms, title, labels, draw=None):
    """Return the name of the form of what pages with title and labels
    share, drawn by draw(canvas, font, title, labels) (the certificate's
    by default)"""
    key = (title, tuple(sorted(labels.items())))
    name = forms.get(key)
    if name is None:
        name = forms[key] = 'CertificateFrame%d' % len(forms)
        canvas.beginForm(name, 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
        (draw or draw_static)(canvas, font, title, labels)
        canvas.endForm()
    return name


def draw_static(canvas, font, title, labels):
    draw_frame(canvas)
    draw_title(canvas, font, title)
    draw_person_grid(canvas, font, labels)
    draw_seal(canvas, font, labels)
    canvas.setFillColor(INK)
    canvas.setFont(font, 11)
    for key, y in (('issuer', ISSUER_Y), ('issued_at', ISSUED_AT_Y)):
        canvas.drawRightString(ISSUER_X, y, labels[key] + '：')
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, FOOTER_RULE_Y, RIGHT, FOOTER_RULE_Y)
    footer, size = fit_text(labels['footer'], font, 8, 6, WIDTH)
    canvas.setFont(font, size)
    canvas.drawCentredString(CENTER, FOOTER_Y, footer)


def draw_frame(canvas):
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(1.4)
    canvas.rect(FRAME_INSET, FRAME_INSET,
        PAGE_WIDTH - 2 * FRAME_INSET, PAGE_HEIGHT - 2 * FRAME_INSET)
    inset = FRAME_INSET + 1.6 * mm
    canvas.setLineWidth(0.5)
    canvas.rect(inset, inset,
        PAGE_WIDTH - 2 * inset, PAGE_HEIGHT - 2 * inset)


def draw_title(canvas, font, title):
    draw_outlined_title(canvas, font, title, CENTER, TITLE_Y,
        size=TITLE_SIZE, min_size=14, width=WIDTH,
        char_space=TITLE_CHAR_SPACE, ink=INK, line_width=0.6)


def draw_person_grid(canvas, font, labels, rows=PERSON_ROWS, top=PERSON_TOP):
    "The person table's cells and labels, rows from top (its static part)"
    bottom = top - len(rows) * PERSON_ROW
    canvas.setFillColor(LABEL_FILL)
    for row_index, row in enumerate(rows):
        y = top - (row_index + 1) * PERSON_ROW
        for _, column, _ in row:
            cell = PERSON_CELLS[column]
            canvas.rect(cell.x, y, cell.width, PERSON_ROW, stroke=0, fill=1)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    lines = []
    for row_index, row in enumerate(rows):
        row_top = top - row_index * PERSON_ROW
        lines.append((LEFT, row_top, RIGHT, row_top))
        for key, column, span in row:
            for edge in (PERSON_CELLS[column].x, value_cell(column, span).x):
                if edge > LEFT:
                    lines.append((edge, row_top, edge, row_top - PERSON_ROW))
    canvas.lines(lines)
    canvas.setLineWidth(1)
    canvas.rect(LEFT, bottom, WIDTH, top - bottom)
    canvas.setFillColor(INK)
    for row_index, row in enumerate(rows):
        baseline = top - (row_index + 0.5) * PERSON_ROW - 3.6
        for key, column, _ in row:
            cell = PERSON_CELLS[column]
            label, size = fit_text(labels[key], font, 10.5, 7, cell.width - 6)
            canvas.setFont(font, size)
            canvas.drawCentredString(cell.x + cell.width / 2, baseline, label)


def draw_seal(canvas, font, labels):
    "A dashed circle where the seal of the issuer goes, over its name"
    center_y = (ISSUER_Y + ISSUED_AT_Y) / 2 + 4
    canvas.saveState()
    canvas.setStrokeColor(SEAL)
    canvas.setLineWidth(0.8)
    canvas.setDash(3, 2.5)
    canvas.circle(ISSUER_X + 70, center_y, SEAL_RADIUS)
    canvas.setFillColor(SEAL)
    canvas.setFont(font, 8)
    canvas.drawCentredString(
        ISSUER_X + 70, center_y - SEAL_RADIUS + 8, labels['seal'])
    canvas.restoreState()


def draw_certificate(canvas, font, certificate, labels, cache=None):
    canvas.setFillColor(INK)
    canvas.setFont(font, 10)
    canvas.drawRightString(RIGHT, NUMBER_Y, '%s：%s' % (
            labels['number'], text(certificate.get('number'))))
    draw_person_values(canvas, font, certificate)
    body_bottom = draw_body(canvas, certificate.get('body'))
    instructions = instruction_paragraphs(
        font, certificate.get('instructions'), cache)
    tests_bottom = BLOCK_TOP
    if instructions:
        tests_bottom += instructions_height(instructions) + INSTRUCTIONS_GAP
    draw_tests(canvas, font, certificate.get('tests') or [], labels,
        body_bottom - TESTS_HEADING_GAP, tests_bottom)
    if instructions:
        draw_instructions(canvas, instructions, BLOCK_TOP)
    draw_issuer(canvas, font, certificate)
    draw_qr(canvas, font, text(certificate.get('qr_payload')), labels)
    draw_verification(canvas, font, text(certificate.get('verification')))


def draw_person_values(canvas, font, certificate, rows=PERSON_ROWS,
        top=PERSON_TOP):
    canvas.setFillColor(INK)
    for row_index, row in enumerate(rows):
        baseline = top - (row_index + 0.5) * PERSON_ROW - 4
        for key, column, span in row:
            value = text(certificate.get(key))
            if not value:
                continue
            cell = value_cell(column, span)
            value, size = fit_text(value, font, 11.5, 7, cell.width - 10)
            canvas.setFont(font, size)
            canvas.drawString(cell.x + 7, baseline, value)


def draw_body(canvas, body):
    "Draw the paragraph under the person table; return its bottom"
    body = escape(text(body)).replace('\n', '<br/>')
    if not body:
        return BODY_TOP
    style = BODY_STYLE
    while True:
        paragraph = Paragraph(body, style)
        _, height = paragraph.wrap(WIDTH, PAGE_HEIGHT)
        if height <= BODY_MAX_HEIGHT or style.fontSize <= BODY_MIN_SIZE:
            break
        size = style.fontSize - 1
        style = ParagraphStyle('CertificateBodySmall', parent=BODY_STYLE,
            fontSize=size, leading=size * 1.7, firstLineIndent=2 * size)
    paragraph.drawOn(canvas, LEFT, BODY_TOP - height)
    return BODY_TOP - height


def draw_tests(canvas, font, tests, labels, top, bottom_limit=BLOCK_TOP):
    canvas.setFillColor(INK)
    canvas.setFont(font, 11.5)
    canvas.drawString(LEFT, top - 12, labels['tests'])
    top -= 20
    available = top - bottom_limit - TESTS_HEADER
    rows = [[test_value(test, key, labels) for key, _, _ in TEST_COLUMNS]
        for test in tests]
    note = ''
    if not rows:
        note = labels['no_tests']
    elif len(rows) * TEST_ROW_MIN > available:
        shown = max(0, int(available // TEST_ROW_MIN) - 1)
        note = labels['more_tests'].format(count=len(rows) - shown)
        # The most recent tests are the ones the release rests on
        rows = rows[len(rows) - shown:] if shown else []
    lines = len(rows) + (1 if note else 0)
    row_height = min(TEST_ROW, available / lines) if lines else TEST_ROW
    size = min(9.5, row_height * 0.6)
    bottom = top - TESTS_HEADER - lines * row_height

    canvas.setFillColor(LABEL_FILL)
    canvas.rect(LEFT, top - TESTS_HEADER, WIDTH, TESTS_HEADER,
        stroke=0, fill=1)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    grid = [(cell.x, top, cell.x, bottom) for cell in TEST_CELLS[1:]]
    if note:
        # the note row spans the table
        grid = [(x0, top, x1, bottom + row_height) for x0, _, x1, _ in grid]
    grid += [(LEFT, y, RIGHT, y) for y in (
            top - TESTS_HEADER - i * row_height for i in range(lines))]
    canvas.lines(grid)
    canvas.setLineWidth(1)
    canvas.rect(LEFT, bottom, WIDTH, top - bottom)

    canvas.setFillColor(INK)
    baseline = top - TESTS_HEADER / 2 - 3.3
    for cell, (_, label_key, _) in zip(TEST_CELLS, TEST_COLUMNS):
        label, label_size = fit_text(
            labels[label_key], font, 9.5, 6, cell.width - 6)
        canvas.setFont(font, label_size)
        canvas.drawCentredString(cell.x + cell.width / 2, baseline, label)
    for index, row in enumerate(rows):
        baseline = (top - TESTS_HEADER - (index + 0.5) * row_height
            - size * 0.36)
        for cell, value in zip(TEST_CELLS, row):
            value, value_size = fit_text(value, font, size, 5, cell.width - 6)
            canvas.setFont(font, value_size)
            canvas.drawCentredString(cell.x + cell.width / 2, baseline, value)
    if note:
        canvas.setFillColor(MUTED_INK)
        canvas.setFont(font, size)
        canvas.drawCentredString(
            CENTER, bottom + row_height / 2 - size * 0.36, note)


def instruction_paragraphs(font, instructions, cache=None):
    """The paragraphs of the instructions after release (a section: a
    heading and numbered items), fitted into their box; [] for none"""
    if not instructions:
        return []
    return fit_sections([instructions], font, INSTRUCTIONS_SIZE,
        INSTRUCTIONS_MIN_SIZE, INK, WIDTH - 2 * INSTRUCTIONS_PADDING,
        INSTRUCTIONS_MAX_HEIGHT - 2 * INSTRUCTIONS_PADDING, cache)


def instructions_height(paragraphs):
    return (sum(space + height for _, space, height in paragraphs)
        + 2 * INSTRUCTIONS_PADDING)


def draw_instructions(canvas, paragraphs, bottom):
    "Draw the instructions' paragraphs in a box that stands on bottom"
    height = instructions_height(paragraphs)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(LEFT, bottom, WIDTH, height)
    draw_paragraphs(canvas, paragraphs, LEFT + INSTRUCTIONS_PADDING,
        bottom + height - INSTRUCTIONS_PADDING)


def test_value(test, key, labels):
    value = test.get(key)
    if key == 'day' and isinstance(value, int):
        return labels['day_format'].format(day=value)
    return text(value)


def draw_issuer(canvas, font, certificate):
    canvas.setFillColor(INK)
    for key, y in (('issuer', ISSUER_Y), ('issued_at', ISSUED_AT_Y)):
        value, size = fit_text(text(certificate.get(key)), font, 11, 7, ISSUER_WIDTH)
        canvas.setFont(font, size)
        canvas.drawString(ISSUER_X, y, value)


def qr_modules(payload):
    "Return the QR code of payload as rows of booleans, without quiet zone"
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    # Byte mode only: mixed modes give a larger code for URLs
    code.add_data(payload, optimize=0)
    code.make(fit=True)
    return code.modules


def draw_qr(canvas, font, payload, labels):
    "Draw the QR code as one path of dark runs, in module units"
    if not payload:
        return
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, 8)
    canvas.drawCentredString(
        QR_LEFT + QR_SIZE / 2, QR_CAPTION_Y, labels['verify'])
    modules = qr_modules(payload)
    count = len(modules)
    canvas.saveState()
    canvas.translate(QR_LEFT, QR_BOTTOM + QR_SIZE)
    canvas.scale(QR_SIZE / count, -QR_SIZE / count)
    path = canvas.beginPath()
    for row_index, row in enumerate(modules):
        start = None
        for column, dark in enumerate(row):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(start, row_index, column - start, 1)
                start = None
        if start is not None:
            path.rect(start, row_index, count - start, 1)
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_verification(canvas, font, verification):
    "Print the verification line under the QR code, cut to a few lines"
    if not verification:
        return
    lines = wrap_characters(
        verification, font, VERIFICATION_SIZE, VERIFICATION_WIDTH)
    if len(lines) > VERIFICATION_LINES:
        lines = lines[:VERIFICATION_LINES]
        lines[-1] = lines[-1][:-1] + '…'
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, VERIFICATION_SIZE)
    center = QR_LEFT + QR_SIZE / 2
    y = QR_BOTTOM - 10
    for line in lines:
        canvas.drawCentredString(center, y, line)
        y -= VERIFICATION_SIZE + 2


def wrap_characters(value, font, size, width):
    "Cut value into lines of width, anywhere: a hash has no word to keep"
    lines = []
    line = ''
    for character in value:
        if line and stringWidth(line + character, font, size) > width:
            lines.append(line)
            line = ''
        line += character
    lines.append(line)
    return lines

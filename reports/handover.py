"""Closed-loop transfer handover form (闭环转运交接单), A4 portrait.

A sheet holds three parts cut apart along dashed lines: the community keeps
the first, the site the second, the transfer team the third. Each form is a
plain dict::

    {'number': str,                         # on every part of every sheet
     'title': str,                          # optional, DEFAULT_TITLE
     'parts': [str, str, str],              # optional, DEFAULT_PARTS
     'persons': [{'name': str,
                  'identity_number': str,   # masked by the caller
                  'phone': str, 'category': str,
                  'boarding': str}],        # temperature, symptoms
     'escorts': str, 'vehicle': str, 'driver': str, 'driver_phone': str,
     'origin': str, 'destination': str,
     'requested_at': str, 'dispatched_at': str, 'arrived_at': str,
     'notes': str,
     'received_count': str,                 # persons received at arrival
     'count_mismatch_reason': str,          # why not the list's count
     'labels': {key: label}}                # optional, see DEFAULT_LABELS

A part has room for PERSONS_PER_PART persons: a longer list goes on over
further sheets (续页), each again three parts with the same number, the
transfer and the signature boxes, and "第 N 页 / 共 M 页".

What the sheets of a form share (grids, labels, part names, cut lines) is
drawn once as a page form; what a sheet adds (number, transfer, persons) is
drawn once as a second form and stamped on the three parts.
render_blank_handover gives the same sheet with nothing filled in, to be
written on by hand when the system is down.
"""
import io
from collections import namedtuple

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .drawing import (
    CellTexts, draw_outlined_title, fit_text, new_canvas)
from .fonts import register_cjk_font

DEFAULT_TITLE = '闭环转运交接单'
DEFAULT_PARTS = ('社区留存联', '隔离点留存联', '转运组留存联')

DEFAULT_LABELS = {
    'number': '编号',
    'page': '第 {page} 页 / 共 {pages} 页',
    'blank_page': '第 ____ 页 / 共 ____ 页',
    'count': '共 {count} 人',
    'range': '本页第 {first}–{last} 人',
    'blank_count': '共 ____ 人',
    'continued': '续页',
    'vehicle': '车牌号',
    'driver': '驾驶员',
    'driver_phone': '驾驶员电话',
    'origin': '出发地',
    'destination': '目的地',
    'requested_at': '申请时间',
    'dispatched_at': '发车时间',
    'arrived_at': '到达时间',
    'escorts': '随车人员',
    'notes': '备注',
    'received_count': '接收人数',
    'count_mismatch_reason': '人数差异原因',
    'boarding': '登车体温/症状',
    'index': '序号',
    'name': '姓名',
    'identity_number': '身份证号',
    'phone': '联系电话',
    'category': '人员类别',
    'handed_over_by': '交接人签字',
    'received_by': '接收人签字',
    'signed_at': '时间',
    'time_hint': '月　　日　　时　　分',
    'cut': '沿此线剪开',
    }

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 12 * mm
MARGIN_Y = 8 * mm
LEFT = MARGIN_X
RIGHT = PAGE_WIDTH - MARGIN_X
WIDTH = RIGHT - LEFT
CENTER = PAGE_WIDTH / 2

# The three parts from the top of the sheet, the cut lines between them
PART_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN_Y) / 3
PART_BOTTOMS = tuple(MARGIN_Y + (2 - index) * PART_HEIGHT
    for index in range(3))
CUT_YS = (MARGIN_Y + PART_HEIGHT, MARGIN_Y + 2 * PART_HEIGHT)
CUT_INSET = 5 * mm
# Nothing is printed nearer a cut line than this: scissors wander
PART_PADDING = 10

# Inside a part, y goes up from its bottom edge
PART_TOP = PART_HEIGHT - PART_PADDING
BADGE_HEIGHT = 19
BADGE_PADDING = 7
BADGE_MAX_WIDTH = 120
TITLE_BASELINE = PART_TOP - 14.5
TITLE_SIZE = 15
TITLE_CHAR_SPACE = 2
TITLE_MAX_WIDTH = WIDTH - 2 * 150
NUMBER_SIZE = 10.5
NUMBER_MAX_WIDTH = 150
SUBTITLE_BASELINE = PART_TOP - 28
SUBTITLE_SIZE = 8

INFO_TOP = PART_TOP - 33
INFO_ROW = 15
INFO_LABEL_WIDTH = 58
INFO_SIZE = 9.5
INFO_LABEL_SIZE = 8.5
# Each row is cut into as many equal cells as it has fields
INFO_ROWS = (
    ('vehicle', 'driver', 'driver_phone'),
    ('origin', 'destination'),
    ('requested_at', 'dispatched_at', 'arrived_at'),
    ('escorts', 'notes'),
    ('received_count', 'count_mismatch_reason'),
    )
TIME_KEYS = ('requested_at', 'dispatched_at', 'arrived_at')
INFO_BOTTOM = INFO_TOP - len(INFO_ROWS) * INFO_ROW

# Persons on the left, signature boxes on the right, side by side
TABLE_TOP = INFO_BOTTOM - 6
TABLE_HEADER = 15
# 14.5: eight persons a part with the five rows of the transfer above
MIN_ROW_HEIGHT = 14.5
PERSONS_PER_PART = int(
    (TABLE_TOP - PART_PADDING - TABLE_HEADER) // MIN_ROW_HEIGHT)
# The rows stretch down to the padding: more room to write by hand
ROW_HEIGHT = (TABLE_TOP - PART_PADDING - TABLE_HEADER) / PERSONS_PER_PART
TABLE_BOTTOM = TABLE_TOP - TABLE_HEADER - PERSONS_PER_PART * ROW_HEIGHT
SIGNATURE_WIDTH = 138
SIGNATURE_GAP = 8
TABLE_RIGHT = RIGHT - SIGNATURE_WIDTH - SIGNATURE_GAP
SIGNATURE_LEFT = RIGHT - SIGNATURE_WIDTH
SIGNATURE_KEYS = ('handed_over_by', 'received_by', 'signed_at')
SIGNATURE_HEIGHT = (TABLE_TOP - TABLE_BOTTOM) / len(SIGNATURE_KEYS)
CELL_PADDING = 4
TEXT_SIZE = 9
HEADER_SIZE = 8.5

# (key of the person, width; None: the rest)
COLUMNS = (
    ('index', 24),
    ('name', 56),
    ('identity_number', 104),
    ('phone', 70),
    ('category', 60),
    ('boarding', None),
    )

INK = HexColor('#1A1A1A')
MUTED_INK = HexColor('#616161')
HINT_INK = HexColor('#9E9E9E')
RULE = HexColor('#8A8A8A')
FRAME = HexColor('#3A3A3A')
LABEL_FILL = HexColor('#F1F1F1')
BADGE_FILL = HexColor('#37474F')
BADGE_INK = HexColor('#FFFFFF')
CUT_INK = HexColor('#555555')
WHITE = HexColor('#FFFFFF')

Column = namedtuple('Column', ['key', 'x', 'width'])
# A field of the transfer: where its label and its value go
Field = namedtuple('Field', ['key', 'x', 'value_x', 'right', 'top'])


def table_columns():
    fixed = sum(width for _, width in COLUMNS if width)
    x = LEFT
    columns = []
    for key, width in COLUMNS:
        width = width or TABLE_RIGHT - LEFT - fixed
        columns.append(Column(key, x, width))
        x += width
    return tuple(columns)


def info_fields():
    fields = []
    for row_index, keys in enumerate(INFO_ROWS):
        top = INFO_TOP - row_index * INFO_ROW
        width = WIDTH / len(keys)
        for index, key in enumerate(keys):
            x = LEFT + index * width
            fields.append(
                Field(key, x, x + INFO_LABEL_WIDTH, x + width, top))
    return tuple(fields)


TABLE_COLUMNS = table_columns()
INFO_FIELDS = info_fields()


def render_handover(forms):
    "Return the forms as one PDF: the sheets of each form, A4 portrait"
    forms = list(forms)
    if not forms:
        raise ValueError('No handover form to render')
    font = register_cjk_font()
    buffer = io.BytesIO()
    title = forms[0].get('title') or DEFAULT_TITLE
    canvas = new_canvas(buffer, A4,
        '%s %s' % (title, text(forms[0].get('number')))
        if len(forms) == 1 else '%s (%d)' % (title, len(forms)), font)
    statics = {}
    sheet_count = 0
    for form in forms:
        title = form.get('title') or DEFAULT_TITLE
        parts = part_labels(form.get('parts'))
        labels = dict(DEFAULT_LABELS, **(form.get('labels') or {}))
        static = static_form(
            canvas, font, statics, title, parts, labels, blank=False)
        persons = list(form.get('persons') or [])
        sheets = paginate(persons)
        for page, (first, chunk) in enumerate(sheets, 1):
            canvas.doForm(static)
            sheet_count += 1
            name = 'HandoverSheet%d' % sheet_count
            canvas.beginForm(name, 0, 0, PAGE_WIDTH, PART_HEIGHT)
            draw_sheet(canvas, font, form, title, labels, page, len(sheets),
                first, chunk, len(persons))
            canvas.endForm()
            stamp_parts(canvas, name)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_blank_handover(count=1, title=None, parts=None, labels=None):
    "Return count blank sheets to fill in by hand, as one PDF"
    if count < 1:
        raise ValueError('No blank handover form to render')
    font = register_cjk_font()
    title = title or DEFAULT_TITLE
    labels = dict(DEFAULT_LABELS, **(labels or {}))
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4, title, font)
    static = static_form(canvas, font, {}, title, part_labels(parts), labels,
        blank=True)
    for _ in range(count):
        canvas.doForm(static)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def text(value):
    return '' if value is None else str(value)


def part_labels(parts):
    if not parts:
        return DEFAULT_PARTS
    parts = tuple(text(part) for part in parts)
    if len(parts) != 3:
        raise ValueError('A handover sheet has 3 parts, not %d' % len(parts))
    return parts


def paginate(persons):
    """Return the sheets as (index of the first person, persons on it).

    No person still gives a sheet, its rows left empty.
    """
    return [(start, persons[start:start + PERSONS_PER_PART])
        for start in range(0, len(persons), PERSONS_PER_PART)] or [(0, [])]


def stamp_parts(canvas, name):
    "Draw the form name on each of the three parts"
    for bottom in PART_BOTTOMS:
        canvas.saveState()
        canvas.translate(0, bottom)
        canvas.doForm(name)
        canvas.restoreState()


def static_form(canvas, font, statics, title, parts, labels, blank):
    "Return the name of the form of what the sheets of a form share"
    key = (title, parts, tuple(sorted(labels.items())), blank)
    name = statics.get(key)
    if name is None:
        name = statics[key] = 'HandoverFrame%d' % len(statics)
        canvas.beginForm(name, 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
        for part, bottom in zip(parts, PART_BOTTOMS):
            canvas.saveState()
            canvas.translate(0, bottom)
            draw_part(canvas, font, title, part, labels, blank)
            canvas.restoreState()
        for y in CUT_YS:
            draw_cut_line(canvas, font, y, labels)
        canvas.endForm()
    return name


def draw_part(canvas, font, title, part, labels, blank):
    "Draw what a part of every sheet shows, at the origin"
    draw_badge(canvas, font, part)
    draw_title(canvas, font, title)
    draw_info_grid(canvas, font, labels, blank)
    draw_table(canvas, font, labels)
    draw_signatures(canvas, font, labels)
    if blank:
        canvas.setFillColor(INK)
        canvas.setFont(font, NUMBER_SIZE)
        canvas.drawRightString(
            RIGHT, TITLE_BASELINE, '%s：____________' % labels['number'])
        canvas.setFillColor(MUTED_INK)
        canvas.setFont(font, SUBTITLE_SIZE)
        canvas.drawString(LEFT, SUBTITLE_BASELINE, labels['blank_count'])
        canvas.drawRightString(RIGHT, SUBTITLE_BASELINE, labels['blank_page'])


def draw_badge(canvas, font, part):
    "The name of the part, white on dark: the first thing read once cut"
    label, size = fit_text(
        part, font, 11, 7, BADGE_MAX_WIDTH - 2 * BADGE_PADDING)
    width = stringWidth(label, font, size) + 2 * BADGE_PADDING
    canvas.setFillColor(BADGE_FILL)
    canvas.roundRect(LEFT, PART_TOP - BADGE_HEIGHT, width, BADGE_HEIGHT, 2,
        stroke=0, fill=1)
    canvas.setFillColor(BADGE_INK)
    canvas.setFont(font, size)
    canvas.drawString(LEFT + BADGE_PADDING,
        PART_TOP - BADGE_HEIGHT / 2 - size * 0.36, label)


def title_fit(title, font):
    return fit_text(title, font, TITLE_SIZE, 10, TITLE_MAX_WIDTH)


def draw_title(canvas, font, title):
    draw_outlined_title(canvas, font, title, CENTER, TITLE_BASELINE,
        size=TITLE_SIZE, min_size=10, width=TITLE_MAX_WIDTH,
        char_space=TITLE_CHAR_SPACE, ink=INK)


def draw_info_grid(canvas, font, labels, blank):
    canvas.setFillColor(LABEL_FILL)
    for field in INFO_FIELDS:
        canvas.rect(field.x, field.top - INFO_ROW, INFO_LABEL_WIDTH, INFO_ROW,
            stroke=0, fill=1)
    lines = [(LEFT, y, RIGHT, y) for y in (
            INFO_TOP - index * INFO_ROW for index in range(1, len(INFO_ROWS)))]
    for field in INFO_FIELDS:
        if field.x > LEFT:
            lines.append((field.x, field.top, field.x, field.top - INFO_ROW))
        lines.append(
            (field.value_x, field.top, field.value_x, field.top - INFO_ROW))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines(lines)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(LEFT, INFO_BOTTOM, WIDTH, INFO_TOP - INFO_BOTTOM)
    canvas.setFillColor(INK)
    for field in INFO_FIELDS:
        label, size = fit_text(labels[field.key], font, INFO_LABEL_SIZE, 6,
            INFO_LABEL_WIDTH - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawCentredString(field.x + INFO_LABEL_WIDTH / 2,
            field.top - INFO_ROW / 2 - size * 0.36, label)
    if blank:
        for field in INFO_FIELDS:
            if field.key in TIME_KEYS:
                draw_time_hint(canvas, font, field, labels)


def draw_time_hint(canvas, font, field, labels):
    "'月　日　时　分' in grey, for a time to write by hand"
    canvas.setFillColor(HINT_INK)
    canvas.setFont(font, 8)
    canvas.drawRightString(field.right - CELL_PADDING - 2,
        field.top - INFO_ROW / 2 - 8 * 0.36, labels['time_hint'])


def draw_table(canvas, font, labels):
    "The persons' table: header, empty rows and grid"
    canvas.setFillColor(LABEL_FILL)
    canvas.rect(LEFT, TABLE_TOP - TABLE_HEADER, TABLE_RIGHT - LEFT,
        TABLE_HEADER, stroke=0, fill=1)
    lines = [(LEFT, y, TABLE_RIGHT, y) for y in (
            TABLE_TOP - TABLE_HEADER - index * ROW_HEIGHT
            for index in range(PERSONS_PER_PART))]
    lines.extend((column.x, TABLE_TOP, column.x, TABLE_BOTTOM)
        for column in TABLE_COLUMNS[1:])
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines(lines)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(LEFT, TABLE_BOTTOM, TABLE_RIGHT - LEFT,
        TABLE_TOP - TABLE_BOTTOM)
    canvas.setFillColor(INK)
    baseline = TABLE_TOP - TABLE_HEADER / 2 - HEADER_SIZE * 0.36
    for column in TABLE_COLUMNS:
        label, size = fit_text(labels[column.key], font, HEADER_SIZE, 5,
            column.width - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawCentredString(column.x + column.width / 2, baseline, label)


def draw_signatures(canvas, font, labels):
    "Three boxes stacked beside the table, the label in the corner"
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines([(SIGNATURE_LEFT, y, RIGHT, y) for y in (
                TABLE_TOP - index * SIGNATURE_HEIGHT
                for index in range(1, len(SIGNATURE_KEYS)))])
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(SIGNATURE_LEFT, TABLE_BOTTOM, SIGNATURE_WIDTH,
        TABLE_TOP - TABLE_BOTTOM)
    canvas.setFillColor(INK)
    for index, key in enumerate(SIGNATURE_KEYS):
        top = TABLE_TOP - index * SIGNATURE_HEIGHT
        label, size = fit_text(labels[key] + '：', font, HEADER_SIZE, 6,
            SIGNATURE_WIDTH - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawString(SIGNATURE_LEFT + CELL_PADDING + 1, top - 11, label)
    canvas.setFillColor(HINT_INK)
    canvas.setFont(font, 8)
    canvas.drawRightString(RIGHT - CELL_PADDING - 2,
        TABLE_BOTTOM + SIGNATURE_HEIGHT / 2 - 8 * 0.36 - 6,
        labels['time_hint'])


def draw_cut_line(canvas, font, y, labels):
    "A dashed line across the sheet, scissors and '沿此线剪开' on it"
    label = labels['cut']
    size = 7.5
    label_width = stringWidth(label, font, size)
    scissors = 16
    # The scissors and the label sit in a gap of the line, left of centre
    gap_left = LEFT + 36
    gap_right = gap_left + scissors + 6 + label_width + 8
    canvas.saveState()
    canvas.setStrokeColor(CUT_INK)
    canvas.setLineWidth(0.7)
    canvas.setDash(5, 3)
    canvas.lines([(CUT_INSET, y, gap_left, y),
            (gap_right, y, PAGE_WIDTH - CUT_INSET, y)])
    canvas.setDash()
    draw_scissors(canvas, gap_left + 4, y, scissors)
    canvas.setFillColor(CUT_INK)
    canvas.setFont(font, size)
    canvas.drawString(gap_left + 4 + scissors + 6, y - size * 0.36, label)
    canvas.restoreState()


def draw_scissors(canvas, x, y, length):
    """Open scissors lying on the line at y, blades pointing right.

    The font has no ✂: two rings for the handles, two blades crossing.
    """
    ring = length * 0.16
    pivot = x + length * 0.45
    spread = length * 0.26
    canvas.saveState()
    canvas.setStrokeColor(CUT_INK)
    canvas.setFillColor(CUT_INK)
    canvas.setLineWidth(0.9)
    canvas.setLineCap(1)
    for side in (1, -1):
        ring_x, ring_y = x + ring, y + side * spread
        canvas.circle(ring_x, ring_y, ring, stroke=1, fill=0)
        # from the ring through the pivot to the tip on the other side
        path = canvas.beginPath()
        path.moveTo(ring_x + ring * 0.8, ring_y - side * ring * 0.5)
        path.lineTo(pivot, y)
        path.lineTo(x + length, y - side * spread * 0.7)
        path.lineTo(pivot + length * 0.12, y - side * 0.4)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    canvas.circle(pivot, y, 0.9, stroke=0, fill=1)
    canvas.restoreState()


def draw_sheet(canvas, font, form, title, labels, page, pages, first,
        persons, count):
    "Draw what a sheet adds to its parts, at the origin of a part"
    canvas.setFillColor(INK)
    number, size = fit_text('%s：%s' % (labels['number'],
            text(form.get('number'))), font, NUMBER_SIZE, 7, NUMBER_MAX_WIDTH)
    canvas.setFont(font, size)
    canvas.drawRightString(RIGHT, TITLE_BASELINE, number)
    if page > 1:
        draw_continued(canvas, font, title, labels)
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, SUBTITLE_SIZE)
    summary = labels['count'].format(count=count)
    if count:
        summary += '　' + labels['range'].format(
            first=first + 1, last=first + len(persons))
    canvas.drawString(LEFT, SUBTITLE_BASELINE, summary)
    canvas.drawRightString(RIGHT, SUBTITLE_BASELINE,
        labels['page'].format(page=page, pages=pages))
    draw_info_values(canvas, font, form, labels)
    draw_rows(canvas, font, first, persons)


def draw_continued(canvas, font, title, labels):
    "'续页' in a box after the title"
    title, size = title_fit(title, font)
    title_width = (stringWidth(title, font, size)
        + TITLE_CHAR_SPACE * len(title))
    x = CENTER + title_width / 2 + 4
    label_size = 8.5
    width = stringWidth(labels['continued'], font, label_size) + 6
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.rect(x, TITLE_BASELINE - 3, width, label_size + 5, stroke=1,
        fill=0)
    canvas.setFillColor(INK)
    canvas.setFont(font, label_size)
    canvas.drawString(x + 3, TITLE_BASELINE, labels['continued'])


def draw_info_values(canvas, font, form, labels):
    canvas.setFillColor(INK)
    for field in INFO_FIELDS:
        value = text(form.get(field.key))
        if not value:
            if field.key in TIME_KEYS:
                # printed at dispatch: the arrival is written by hand
                draw_time_hint(canvas, font, field, labels)
                canvas.setFillColor(INK)
            continue
        value, size = fit_text(value, font, INFO_SIZE, 6,
            field.right - field.value_x - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawString(field.value_x + CELL_PADDING,
            field.top - INFO_ROW / 2 - size * 0.36, value)


def draw_rows(canvas, font, first, persons):
    "Draw the persons of the sheet as one text object"
    if not persons:
        return
    canvas.setFillColor(INK)
    cells = CellTexts(canvas, font, TEXT_SIZE, CELL_PADDING)
    for position, person in enumerate(persons):
        top = TABLE_TOP - TABLE_HEADER - position * ROW_HEIGHT
        baseline = top - ROW_HEIGHT / 2 - TEXT_SIZE * 0.36
        for column in TABLE_COLUMNS:
            if column.key == 'index':
                value = str(first + position + 1)
            else:
                value = text(person.get(column.key))
            if value:
                cells.write(value, column.x, column.width, baseline,
                    'centre' if column.key == 'index' else 'left')
    cells.draw()

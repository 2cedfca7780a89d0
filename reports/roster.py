"""Daily sampling roster of a site, for the sampling team, A4 portrait.

The roster is a plain dict::

    {'title': str, 'site': str, 'date': str, 'printed_at': str,
     'groups': [{'label': str,          # e.g. 'A栋 3层'
                 'rows': [{'room': str, 'name': str,
                           'identity_number': str,    # masked by the caller
                           'kind': str,   # the category, or a role
                           'test': str,   # e.g. '第14天（解除）'
                           'sample_code': str, 'note': str}]}],
     'totals': [(label, value)],
     'labels': {key: label},            # optional, see DEFAULT_LABELS
     'page_format': str}                # optional, '{page}' and '{pages}'

Each group is a table with a box to tick per person; a group that goes on
over a page break is labelled again, with its header row. The roster ends
with the count to sample and the lines the team signs on.
"""
from collections import namedtuple

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .drawing import CellTexts, fit_text, render_pages
from .fonts import register_cjk_font

PAGE_FORMAT = '第 {page} 页 / 共 {pages} 页'

DEFAULT_LABELS = {
    'index': '序号',
    'room': '房间',
    'name': '姓名',
    'identity_number': '身份证号',
    'kind': '类别',
    'test': '检测',
    'sample_code': '采样编号',
    'note': '备注',
    'done': '已采',
    'date': '采样日期',
    'printed_at': '打印时间',
    'continued': '（续）',
    'group_count': '共 {count} 人',
    'expected': '应采',
    'sampled': '实采',
    'people': '人',
    'sampler': '采样人签名',
    'checker': '复核人签名',
    'finished_at': '完成时间',
    }

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT
HEADER_HEIGHT = 62
FOOTER_HEIGHT = 18
BODY_TOP = PAGE_HEIGHT - MARGIN - HEADER_HEIGHT
BODY_BOTTOM = MARGIN + FOOTER_HEIGHT

GROUP_HEIGHT = 22
GROUP_GAP = 10
TABLE_HEADER = 18
ROW_HEIGHT = 19
# A group does not start at the foot of a page with fewer rows than this
MIN_GROUP_ROWS = 2
SIGNATURE_HEIGHT = 74
CELL_PADDING = 4
TEXT_SIZE = 9
HEADER_SIZE = 8.5
BOX_SIZE = 9

# (key of the row, width; None: the rest)
COLUMNS = (
    ('index', 26),
    ('room', 50),
    ('name', 60),
    ('identity_number', 108),
    ('kind', 66),
    ('test', 52),
    ('sample_code', 76),
    ('note', None),
    ('done', 30),
    )
# Columns whose long texts (a staff role, an exit test) go on two lines
WRAPPED = {'kind', 'test'}
WRAPPED_SIZE = 8

INK = HexColor('#212121')
MUTED_INK = HexColor('#616161')
RULE = HexColor('#9E9E9E')
HEADER_FILL = HexColor('#E8E8E8')
GROUP_FILL = HexColor('#37474F')
GROUP_INK = HexColor('#FFFFFF')
STRIPE = HexColor('#F5F5F5')

Column = namedtuple('Column', ['key', 'x', 'width'])
# What a page holds, from the top: a group band, a header row, a row of a
# person or the signature block.
Band = namedtuple('Band', ['label', 'continued', 'count', 'top'])
Header = namedtuple('Header', ['top'])
Row = namedtuple('Row', ['row', 'index', 'stripe', 'top'])
Signature = namedtuple('Signature', ['expected', 'top'])


def table_columns():
    fixed = sum(width for _, width in COLUMNS if width)
    x = LEFT
    columns = []
    for key, width in COLUMNS:
        width = width or WIDTH - fixed
        columns.append(Column(key, x, width))
        x += width
    return tuple(columns)


TABLE_COLUMNS = table_columns()
DONE_COLUMN = TABLE_COLUMNS[-1]


def render_roster(roster):
    "Return the roster as PDF bytes, A4 portrait"
    font = register_cjk_font()
    labels = dict(DEFAULT_LABELS, **(roster.get('labels') or {}))
    pages = paginate(roster['groups'])
    page_format = roster.get('page_format', PAGE_FORMAT)

    def draw_page(canvas, items, page_label):
        draw_header(canvas, font, roster, labels)
        draw_items(canvas, font, items, labels)
        draw_footer(canvas, font, roster, page_label)
    return render_pages(pages, draw_page, ' '.join(filter(None,
                [roster['title'], roster['site'], roster['date']])),
        font, page_format)


def paginate(groups):
    """Return the pages as lists of Band, Header, Row and Signature.

    A group starts on a new page when its band, header and first rows do not
    fit on the current one; a group split by a page break gets its band,
    marked continued, and its header again at the top of the next page.
    """
    pages = [[]]
    top = BODY_TOP
    index = 0

    def new_page():
        nonlocal top
        pages.append([])
        top = BODY_TOP

    def begin_group(group, continued):
        nonlocal top
        pages[-1].append(
            Band(group['label'], continued, len(group['rows']), top))
        top -= GROUP_HEIGHT
        pages[-1].append(Header(top))
        top -= TABLE_HEADER

    for group in groups:
        rows = group['rows']
        if pages[-1]:
            top -= GROUP_GAP
            needed = (GROUP_HEIGHT + TABLE_HEADER
                + min(len(rows), MIN_GROUP_ROWS) * ROW_HEIGHT)
            if top - needed < BODY_BOTTOM:
                new_page()
        begin_group(group, False)
        for position, row in enumerate(rows):
            if top - ROW_HEIGHT < BODY_BOTTOM:
                new_page()
                begin_group(group, True)
            index += 1
            pages[-1].append(Row(row, index, position % 2 == 1, top))
            top -= ROW_HEIGHT
    top -= GROUP_GAP
    if pages[-1] and top - SIGNATURE_HEIGHT < BODY_BOTTOM:
        new_page()
    pages[-1].append(Signature(index, top))
    return pages


def draw_header(canvas, font, roster, labels):
    top = PAGE_HEIGHT - MARGIN
    canvas.setFillColor(INK)
    canvas.setFont(font, 16)
    canvas.drawString(LEFT, top - 16, roster['title'])
    site, size = fit_text(roster['site'], font, 11, 7, WIDTH / 2)
    canvas.setFont(font, size)
    canvas.drawRightString(RIGHT, top - 15, site)
    canvas.setFont(font, 10)
    canvas.drawString(LEFT, top - 36,
        '%s：%s' % (labels['date'], roster['date']))
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, 8)
    canvas.drawRightString(RIGHT, top - 35,
        '%s：%s' % (labels['printed_at'], roster['printed_at']))
    canvas.setFillColor(INK)
    totals = '    '.join(
        '%s %s' % (label, value) for label, value in roster['totals'])
    totals, size = fit_text(totals, font, 10, 6, WIDTH)
    canvas.setFont(font, size)
    canvas.drawString(LEFT, top - 52, totals)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(LEFT, top - HEADER_HEIGHT + 4, RIGHT, top - HEADER_HEIGHT + 4)


def draw_items(canvas, font, items, labels):
    # Backgrounds first, then the grid over them, then the text
    for item in items:
        if isinstance(item, Band):
            canvas.setFillColor(GROUP_FILL)
            canvas.rect(LEFT, item.top - GROUP_HEIGHT + 2, WIDTH,
                GROUP_HEIGHT - 2, stroke=0, fill=1)
        elif isinstance(item, Header):
            canvas.setFillColor(HEADER_FILL)
            canvas.rect(LEFT, item.top - TABLE_HEADER, WIDTH, TABLE_HEADER,
                stroke=0, fill=1)
    stripes = [item for item in items
        if isinstance(item, Row) and item.stripe]
    if stripes:
        canvas.setFillColor(STRIPE)
        path = canvas.beginPath()
        for item in stripes:
            path.rect(LEFT, item.top - ROW_HEIGHT, WIDTH, ROW_HEIGHT)
        canvas.drawPath(path, stroke=0, fill=1)
    draw_grid(canvas, items)
    for item in items:
        if isinstance(item, Band):
            draw_band(canvas, font, item, labels)
        elif isinstance(item, Header):
            draw_table_header(canvas, font, item, labels)
        elif isinstance(item, Signature):
            draw_signature(canvas, font, item, labels)
    draw_rows(canvas, font, [item for item in items if isinstance(item, Row)])


def draw_grid(canvas, items):
    "Draw the lines of every table of the page in one go"
    lines = []
    boxes = canvas.beginPath()
    table_top = None
    bottom = None

    def close_table():
        if table_top is not None:
            lines.extend((column.x, table_top, column.x, bottom)
                for column in TABLE_COLUMNS[1:])
            lines.extend([(LEFT, table_top, LEFT, bottom),
                    (RIGHT, table_top, RIGHT, bottom),
                    (LEFT, bottom, RIGHT, bottom)])

    for item in items:
        if isinstance(item, Header):
            close_table()
            table_top = bottom = item.top
            lines.append((LEFT, item.top, RIGHT, item.top))
            bottom = item.top - TABLE_HEADER
        elif isinstance(item, Row):
            lines.append((LEFT, item.top, RIGHT, item.top))
            bottom = item.top - ROW_HEIGHT
            boxes.rect(DONE_COLUMN.x + (DONE_COLUMN.width - BOX_SIZE) / 2,
                item.top - (ROW_HEIGHT + BOX_SIZE) / 2, BOX_SIZE, BOX_SIZE)
    close_table()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines(lines)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.drawPath(boxes, stroke=1, fill=0)


def draw_band(canvas, font, band, labels):
    baseline = band.top - GROUP_HEIGHT / 2 - 2.5
    label = band.label + (labels['continued'] if band.continued else '')
    count = labels['group_count'].format(count=band.count)
    canvas.setFillColor(GROUP_INK)
    canvas.setFont(font, 9)
    canvas.drawRightString(RIGHT - 6, baseline, count)
    label, size = fit_text(label, font, 11, 7,
        WIDTH - 24 - stringWidth(count, font, 9))
    canvas.setFont(font, size)
    canvas.drawString(LEFT + 6, baseline, label)


def draw_table_header(canvas, font, header, labels):
    canvas.setFillColor(INK)
    baseline = header.top - TABLE_HEADER / 2 - 3
    for column in TABLE_COLUMNS:
        label, size = fit_text(labels[column.key], font, HEADER_SIZE, 5,
            column.width - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawCentredString(column.x + column.width / 2, baseline, label)


def draw_rows(canvas, font, rows):
    "Draw the text of the rows as one text object (see CellTexts)"
    if not rows:
        return
    canvas.setFillColor(INK)
    cells = CellTexts(canvas, font, TEXT_SIZE, CELL_PADDING)
    for item in rows:
        baseline = item.top - ROW_HEIGHT / 2 - TEXT_SIZE * 0.36
        for column in TABLE_COLUMNS[:-1]:
            if column.key == 'index':
                value = str(item.index)
            else:
                value = item.row.get(column.key)
                value = '' if value is None else str(value)
            if value and column.key in WRAPPED:
                cells.write_wrapped(value, column.x, column.width,
                    item.top - ROW_HEIGHT / 2, wrapped_size=WRAPPED_SIZE)
            elif value:
                cells.write(value, column.x, column.width, baseline,
                    'centre' if column.key in ('index', 'room') else 'left')
    cells.draw()


def draw_signature(canvas, font, signature, labels):
    "The count to sample and the lines the team signs on"
    top = signature.top
    canvas.setFillColor(INK)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.setFont(font, 10.5)
    baseline = top - 20
    x = LEFT
    expected = '%s %d %s' % (
        labels['expected'], signature.expected, labels['people'])
    canvas.drawString(x, baseline, expected)
    x += stringWidth(expected, font, 10.5) + 24
    x = draw_blank(canvas, font, labels['sampled'], x, baseline, 50)
    canvas.drawString(x + 4, baseline, labels['people'])
    baseline = top - 56
    width = (WIDTH - 2 * 24) / 3
    for index, key in enumerate(['sampler', 'checker', 'finished_at']):
        x = LEFT + index * (width + 24)
        draw_blank(canvas, font, labels[key], x, baseline,
            width - stringWidth(labels[key] + '：', font, 10.5))


def draw_blank(canvas, font, label, x, baseline, width):
    "Draw 'label：' and a line to write on; return where the line ends"
    label += '：'
    canvas.drawString(x, baseline, label)
    x += stringWidth(label, font, 10.5)
    canvas.line(x, baseline - 3, x + width, baseline - 3)
    return x + width


def draw_footer(canvas, font, roster, page_label):
    y = MARGIN
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, 8)
    # The site is in the header; the page number keeps the middle third
    left, size = fit_text(' · '.join(filter(None,
                [roster['title'], roster['date']])), font, 8, 6, WIDTH / 3)
    canvas.setFont(font, size)
    canvas.drawString(LEFT, y, left)
    canvas.setFont(font, 8)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, page_label)
    canvas.drawRightString(RIGHT, y, roster['printed_at'])

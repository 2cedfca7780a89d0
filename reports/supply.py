"""Supply documents: the stocking plan, the dispatch note and the allocation
request.

The stocking plan (生活必需品储存指导计划), A4 landscape, is a plain dict::

    {'number': str, 'title': str,       # title optional: labels plan_title
     'scope': str,                       # the site or area planned for
     'date': str, 'population': int, 'reserve_days': int,
     'products': [str],                  # one column each
     'digits': [int],                    # optional: decimals of each
                                         # product's column, 2 by default
     'units': str,                       # of the weights, e.g. '吨'
     'rows': [{'supplier': str, 'population': int or None,
               'communities': str,        # optional: 保障社区
               'quantities': [float or None]}],    # one per product
     'totals': [float or None],          # optional: the column sums
     'total_population': int,            # optional: the 合计 row's
                                         # population, the rows' sum if absent

A plan gives total_population when its rows do not add up to its people
(two suppliers may feed the same people different products).
     'notes': str,
     'labels': {key: label}}             # optional, see DEFAULT_LABELS

A page holds PRODUCTS_PER_PAGE products beside the supplier and population
columns. The plan is printed band of products by band: each band lists every
supplier, over as many pages as it takes, and ends with the 合计 row and the
notes.

The dispatch note (物资配送单), A4 portrait, one truck load::

    {'number': str, 'supplier': str, 'vehicle': str, 'driver': str,
     'driver_phone': str, 'driver_test': str, 'disinfected_at': str,
     'handover_point': str,              # 非接触交接点
     'source': str, 'departed_at': str, 'delivered_at': str, 'state': str,
     'lines': [{'site': str, 'product': str, 'quantity': str, 'unit': str,
                'received': str, 'shortage': str}],
     'notes': str, 'labels': {key: label}}

The allocation request (物资调用申请/审批件), A4 portrait::

    {'number': str, 'applicant': str, 'reason': str, 'requested_at': str,
     'needed_by': str, 'destination': str, 'receiving_unit': str,
     'contact': str, 'contact_phone': str,
     'lines': [{'item': str, 'specification': str, 'quantity': str,
                'unit': str}],
     'emergency': bool,                  # 先发后补 note under the title
     'reviewed_by': str, 'reviewed_at': str,
     'approved_by': str, 'approved_at': str, 'state': str,
     'labels': {key: label}}

A note or a request whose lines do not fit a page goes on over further
pages, each with the title, the number, the fields and the table header; the
signature or opinion boxes close the last one. What every page of a kind
shares (title, field grid, boxes) is drawn once as a form and stamped.
"""
import io
from collections import namedtuple

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.textsplit import wordSplit
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .drawing import (
    CellTexts, draw_outlined_title, fit_text, new_canvas)
from .fonts import register_cjk_font

DEFAULT_LABELS = {
    'number': '编号',
    'page': '第 {page} 页 / 共 {pages} 页',
    'index': '序号',
    'state': '状态',
    'notes': '备注',
    'supplier': '供应单位',
    'quantity': '数量',
    'unit': '单位',
    # stocking plan
    'plan_title': '生活必需品储存指导计划',
    'scope': '范围',
    'date': '日期',
    'population': '保障人数',
    'communities': '保障社区',
    'enterprise': '企业名称',
    'people': '人',
    'reserve_days': '储备天数',
    'days': '天',
    'units': '计量单位',
    'total': '合计',
    'band': '品种 {first}–{last} / 共 {count} 种',
    # dispatch note
    'dispatch_title': '物资配送单',
    'source': '发货地',
    'vehicle': '车牌号',
    'driver': '驾驶员',
    'driver_phone': '驾驶员电话',
    'driver_test': '司机核酸',
    'disinfected_at': '车辆消杀',
    'handover_point': '非接触交接点',
    'departed_at': '发车时间',
    'delivered_at': '送达时间',
    'site': '收货点',
    'product': '品名',
    'received': '实收',
    'shortage': '短缺',
    'shipper_signature': '发货人签字',
    'driver_signature': '驾驶员签字',
    'receiver_signature': '收货人签字',
    'signed_at': '时间',
    # allocation request
    'allocation_title': '物资调用申请/审批件',
    'applicant': '申请单位',
    'requested_at': '申请时间',
    'reason': '申请事由',
    'destination': '使用地点',
    'needed_by': '需用时间',
    'receiving_unit': '接收单位',
    'contact': '联系人',
    'contact_phone': '联系电话',
    'item': '物资名称',
    'specification': '规格型号',
    'emergency': '紧急调用：先发后补，一周内补办手续',
    'review': '协调组审核意见',
    'reviewed_by': '审核人',
    'approval': '领导小组审批意见',
    'approved_by': '审批人',
    'opinion_date': '日期',
    'copy_to': '抄送：防控物资储备专班、防控物资运输专班',
    }

INK = HexColor('#1A1A1A')
MUTED_INK = HexColor('#616161')
RULE = HexColor('#8A8A8A')
FRAME = HexColor('#3A3A3A')
LABEL_FILL = HexColor('#F1F1F1')
URGENT = HexColor('#C62828')

LEADING = 1.3
CELL_PADDING = 4
TEXT_SIZE = 9
HEADER_SIZE = 8.5
TITLE_SIZE = 17
TITLE_CHAR_SPACE = 2
TABLE_HEADER = 18
ROW_HEIGHT = 18
FOOTER_SIZE = 8

# Portrait documents
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT
TOP = PAGE_HEIGHT - MARGIN
BODY_BOTTOM = MARGIN + 14
TITLE_BASELINE = TOP - 17
SUBTITLE_BASELINE = TOP - 34
GRID_TOP = TOP - 42
GRID_ROW = 18
GRID_LEADING = 13
# Breathing room of a cell of several lines
GRID_PADDING = 4
GRID_LABEL_WIDTH = 66
GRID_SIZE = 10
GRID_GAP = 8
URGENT_HEIGHT = 20
CLOSING_GAP = 10
SIGNATURE_HEIGHT = 64
SIGNATURE_GAP = 8
SIGNATURE_KEYS = ('shipper_signature', 'driver_signature',
    'receiver_signature')
OPINION_HEIGHT = 72
OPINIONS = (('review', 'reviewed_by', 'reviewed_at'),
    ('approval', 'approved_by', 'approved_at'))
COPY_HEIGHT = 26
# Where the signer's name and the date go in an opinion box
SIGNER_X = LEFT + GRID_LABEL_WIDTH + (WIDTH - GRID_LABEL_WIDTH) * 0.38
OPINION_DATE_X = LEFT + GRID_LABEL_WIDTH + (WIDTH - GRID_LABEL_WIDTH) * 0.7
REASON_LINES = (2, 8)

# The field grids: (keys of a row, lines of text it holds)
DISPATCH_GRID = (
    (('supplier', 'source'), 1),
    (('vehicle', 'driver', 'driver_phone'), 1),
    (('driver_test', 'disinfected_at'), 1),
    (('handover_point',), 1),
    (('departed_at', 'delivered_at'), 1),
    (('notes',), 2),
    )
# (key, width, alignment); a width of None takes the rest
DISPATCH_COLUMNS = (
    ('index', 28, 'centre'),
    ('site', None, 'left'),
    ('product', 110, 'left'),
    ('quantity', 56, 'right'),
    ('unit', 36, 'centre'),
    ('received', 56, 'right'),
    ('shortage', 56, 'right'),
    )
ALLOCATION_COLUMNS = (
    ('index', 28, 'centre'),
    ('item', None, 'left'),
    ('specification', 150, 'left'),
    ('quantity', 64, 'right'),
    ('unit', 44, 'centre'),
    )

# The stocking plan
PLAN_WIDTH, PLAN_HEIGHT = landscape(A4)
PLAN_MARGIN = 12 * mm
PLAN_LEFT = PLAN_MARGIN
PLAN_RIGHT = PLAN_WIDTH - PLAN_MARGIN
PLAN_TOP = PLAN_HEIGHT - PLAN_MARGIN
PLAN_TABLE_TOP = PLAN_TOP - 48
PLAN_HEADER = 30
PLAN_ROW = 17
PLAN_NOTES_SIZE = 9
PLAN_NOTES_LINES = 6
PRODUCTS_PER_PAGE = 9
PLAN_FIXED_COLUMNS = (
    ('index', 26, 'centre'),
    ('enterprise', 104, 'left'),
    ('communities', 170, 'left'),
    ('population', 52, 'right'),
    )
PRODUCT_WIDTH = (PLAN_RIGHT - PLAN_LEFT
    - sum(width for _, width, _ in PLAN_FIXED_COLUMNS)) / PRODUCTS_PER_PAGE

Column = namedtuple('Column', ['key', 'x', 'width', 'align'])
Cell = namedtuple('Cell', ['key', 'x', 'value_x', 'right', 'top', 'height'])
# Where the parts of a portrait document go
Layout = namedtuple('Layout', ['kind', 'title', 'cells', 'emergency',
    'columns', 'table_top', 'closing_height', 'draw_closing',
    'draw_closing_values'])


def text(value):
    return '' if value is None else str(value)


def labels_of(document):
    return dict(DEFAULT_LABELS, **(document.get('labels') or {}))


def make_columns(specification, left, right):
    fixed = sum(width for _, width, _ in specification if width)
    columns = []
    x = left
    for key, width, align in specification:
        width = width or right - left - fixed
        columns.append(Column(key, x, width, align))
        x += width
    return tuple(columns)


def stamp(canvas, forms, key, draw, y=0):
    """Draw through a form made once per key, moved up by y.

    What repeats from page to page is then written once in the file.
    """
    name = forms.get(key)
    if name is None:
        name = forms[key] = 'Supply%d' % len(forms)
        canvas.beginForm(name)
        draw()
        canvas.endForm()
    canvas.saveState()
    canvas.translate(0, y)
    canvas.doForm(name)
    canvas.restoreState()


def chunk_rows(rows, per_page, on_last):
    """Return rows cut into pages of per_page; the last holds on_last at
    most, to leave room for what closes the document.

    What closes never stands alone on a page: rows that would fill the page
    before it leave their last one to it. No rows still give one page.
    """
    on_last = max(1, on_last)
    pages = []
    start = 0
    while len(rows) - start > on_last:
        remaining = len(rows) - start
        size = per_page if remaining > per_page else remaining - 1
        pages.append(rows[start:start + size])
        start += size
    pages.append(rows[start:])
    return pages


def wrap(value, font, size, width):
    "Return the lines of value at width; Chinese breaks between characters"
    lines = []
    for paragraph in text(value).splitlines():
        lines.extend(line for _, line in
            wordSplit(paragraph, [width], font, size) or [(0, '')])
    return lines


def fit_lines(value, font, size, min_size, width, height):
    """Return the lines of value and the size at which they fit the box.

    The size shrinks down to min_size, then the lines that do not fit are
    dropped and the last kept ends with an ellipsis.
    """
    while True:
        lines = wrap(value, font, size, width)
        room = max(1, int(height // (size * LEADING)))
        if len(lines) <= room:
            return lines, size
        if size <= min_size:
            last = lines[room - 1]
            while last and stringWidth(last + '…', font, size) > width:
                last = last[:-1]
            return lines[:room - 1] + [last + '…'], size
        size = max(min_size, size - 0.5)


def draw_block(canvas, font, lines, size, x, middle, align='left'):
    """Draw lines centred vertically on middle.

    x is the left edge, or the centre when align is 'centre'.
    """
    leading = size * LEADING
    baseline = middle + (len(lines) - 1) * leading / 2 - size * 0.36
    canvas.setFont(font, size)
    for line in lines:
        if align == 'centre':
            canvas.drawCentredString(x, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        baseline -= leading


def draw_title(canvas, font, title, center, baseline, max_width):
    draw_outlined_title(canvas, font, title, center, baseline,
        size=TITLE_SIZE, min_size=10, width=max_width,
        char_space=TITLE_CHAR_SPACE, ink=INK)


def draw_footer(canvas, font, left, right, labels, number, page, pages,
        note=''):
    "Number left, page in the middle, note right"
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, FOOTER_SIZE)
    width = (right - left) / 3
    number, size = fit_text('%s：%s' % (labels['number'], number), font,
        FOOTER_SIZE, 6, width)
    canvas.setFont(font, size)
    canvas.drawString(left, MARGIN - 4, number)
    canvas.setFont(font, FOOTER_SIZE)
    canvas.drawCentredString((left + right) / 2, MARGIN - 4,
        labels['page'].format(page=page, pages=pages))
    if note:
        canvas.drawRightString(right, MARGIN - 4, note)


def draw_table(canvas, font, columns, headers, rows, top, header_height,
        row_height):
    "Draw the grid, the header and the rows of strings; return the bottom"
    left = columns[0].x
    right = columns[-1].x + columns[-1].width
    bottom = top - header_height - len(rows) * row_height
    canvas.setFillColor(LABEL_FILL)
    canvas.rect(left, top - header_height, right - left, header_height,
        stroke=0, fill=1)
    lines = [(left, y, right, y) for y in (top - header_height
            - index * row_height for index in range(len(rows)))]
    lines.extend((column.x, top, column.x, bottom) for column in columns[1:])
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines(lines)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(left, bottom, right - left, top - bottom)
    canvas.setFillColor(INK)
    for column, header in zip(columns, headers):
        header_lines, size = fit_lines(header, font, HEADER_SIZE, 5,
            column.width - 2 * CELL_PADDING, header_height - 2)
        draw_block(canvas, font, header_lines, size,
            column.x + column.width / 2, top - header_height / 2, 'centre')
    draw_cells(canvas, font, columns, rows, top - header_height, row_height)
    return bottom


def draw_cells(canvas, font, columns, rows, top, row_height):
    "Draw the rows as one text object (see CellTexts)"
    cells = CellTexts(canvas, font, TEXT_SIZE, CELL_PADDING)
    for row in rows:
        baseline = top - row_height / 2 - TEXT_SIZE * 0.36
        top -= row_height
        for column, value in zip(columns, row):
            if value and column.key == 'communities':
                # a supplier's communities may take two lines
                cells.write_wrapped(value, column.x, column.width,
                    top + row_height / 2, column.align)
            elif value:
                cells.write(value, column.x, column.width, baseline,
                    column.align)
    cells.draw()


# The stocking plan

def render_stocking_plan(plan):
    "Return the stocking plan as PDF bytes, A4 landscape"
    font = register_cjk_font()
    labels = labels_of(plan)
    title = plan.get('title') or labels['plan_title']
    products = [text(product) for product in plan.get('products') or []]
    rows, total_row = plan_rows(plan, products, labels)
    notes, notes_size = plan_notes(plan, labels, font)
    notes_height = len(notes) * notes_size * LEADING + 10 if notes else 0
    body = PLAN_TABLE_TOP - PLAN_HEADER - BODY_BOTTOM
    row_pages = chunk_rows(rows, int(body // PLAN_ROW),
        int((body - PLAN_ROW - notes_height) // PLAN_ROW))
    bands = [(start, products[start:start + PRODUCTS_PER_PAGE])
        for start in range(0, len(products), PRODUCTS_PER_PAGE)] or [(0, [])]
    pages = len(bands) * len(row_pages)

    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (PLAN_WIDTH, PLAN_HEIGHT),
        ' '.join(filter(None, [title, text(plan.get('scope')),
                    text(plan.get('number'))])), font)
    forms = {}
    page = 0
    for start, band in bands:
        columns = plan_columns(len(band))
        headers = [labels[key] for key, _, _ in PLAN_FIXED_COLUMNS] + band
        note = labels['band'].format(first=start + 1,
            last=start + len(band), count=len(products)) if band else ''

        def band_cells(row):
            fixed = len(PLAN_FIXED_COLUMNS)
            return row[:fixed] + row[fixed + start:fixed + start + len(band)]

        for chunk_index, chunk in enumerate(row_pages, 1):
            page += 1
            last = chunk_index == len(row_pages)
            stamp(canvas, forms, 'header',
                lambda: draw_plan_header(canvas, font, plan, title, labels))
            cells = [band_cells(row) for row in chunk]
            if last:
                cells.append(band_cells(total_row))
                canvas.setFillColor(LABEL_FILL)
                canvas.rect(PLAN_LEFT,
                    PLAN_TABLE_TOP - PLAN_HEADER - len(cells) * PLAN_ROW,
                    columns[-1].x + columns[-1].width - PLAN_LEFT, PLAN_ROW,
                    stroke=0, fill=1)
            bottom = draw_table(canvas, font, columns, headers, cells,
                PLAN_TABLE_TOP, PLAN_HEADER, PLAN_ROW)
            if last and notes:
                canvas.setFillColor(INK)
                draw_block(canvas, font, notes, notes_size, PLAN_LEFT,
                    bottom - 6 - (notes_height - 10) / 2)
            draw_footer(canvas, font, PLAN_LEFT, PLAN_RIGHT, labels,
                text(plan.get('number')), page, pages, note)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def plan_rows(plan, products, labels):
    "Return the rows of the plan as strings, and its 合计 row"
    rows = plan.get('rows') or []
    quantities = [plan_quantities(row, index, len(products))
        for index, row in enumerate(rows, 1)]
    totals = plan.get('totals')
    if totals is None:
        totals = [column_sum(column) for column in zip(*quantities)] \
            if quantities else [None] * len(products)
    elif len(totals) != len(products):
        raise ValueError('The plan has %d totals for %d products'
            % (len(totals), len(products)))
    digits = plan.get('digits') or [2] * len(products)
    cells = [[str(index), text(row.get('supplier')),
            text(row.get('communities')), text(row.get('population'))]
        + [quantity_text(value, places)
            for value, places in zip(values, digits)]
        for index, (row, values) in enumerate(zip(rows, quantities), 1)]
    population = plan.get('total_population')
    if population is None:
        population = column_sum([row.get('population') for row in rows])
    total_row = ['', labels['total'], '', text(population)]
    total_row += [quantity_text(value, places)
        for value, places in zip(totals, digits)]
    return cells, total_row


def plan_notes(plan, labels, font):
    "Return the lines of the notes under the 合计 row and their size"
    notes = text(plan.get('notes')).strip()
    if not notes:
        return [], 0
    return fit_lines('%s：%s' % (labels['notes'], notes), font,
        PLAN_NOTES_SIZE, 7, PLAN_RIGHT - PLAN_LEFT,
        PLAN_NOTES_LINES * PLAN_NOTES_SIZE * LEADING)


def plan_quantities(row, index, count):
    values = row.get('quantities')
    if values is None:
        return [None] * count
    if len(values) != count:
        raise ValueError('Row %d of the plan has %d quantities for %d '
            'products' % (index, len(values), count))
    return list(values)


def column_sum(values):
    "The sum of the values given; None when none is"
    values = [value for value in values if value is not None]
    return sum(values) if values else None


def quantity_text(value, digits=2):
    return '' if value is None else '%.*f' % (digits, value)


def plan_columns(product_count):
    columns = list(make_columns(PLAN_FIXED_COLUMNS, PLAN_LEFT, PLAN_RIGHT))
    x = columns[-1].x + columns[-1].width
    for index in range(product_count):
        columns.append(Column('product', x, PRODUCT_WIDTH, 'right'))
        x += PRODUCT_WIDTH
    return tuple(columns)


def draw_plan_header(canvas, font, plan, title, labels):
    draw_title(canvas, font, title, PLAN_WIDTH / 2, PLAN_TOP - 17,
        PLAN_RIGHT - PLAN_LEFT)
    canvas.setFillColor(INK)
    half = (PLAN_RIGHT - PLAN_LEFT) / 2 - 10
    left = '    '.join('%s：%s' % (labels[key], text(plan.get(key)))
        for key in ('number', 'scope', 'date'))
    left, size = fit_text(left, font, 9.5, 6, half)
    canvas.setFont(font, size)
    canvas.drawString(PLAN_LEFT, PLAN_TOP - 38, left)
    right = '    '.join([
            '%s：%s %s' % (labels['population'],
                text(plan.get('population')), labels['people']),
            '%s：%s %s' % (labels['reserve_days'],
                text(plan.get('reserve_days')), labels['days']),
            '%s：%s' % (labels['units'], text(plan.get('units')))])
    right, size = fit_text(right, font, 9.5, 6, half)
    canvas.setFont(font, size)
    canvas.drawRightString(PLAN_RIGHT, PLAN_TOP - 38, right)


# Portrait documents: the dispatch note and the allocation request

def render_dispatch_note(note):
    "Return one dispatch note as PDF bytes, A4 portrait"
    return render_dispatch_notes([note])


def render_dispatch_notes(notes):
    "Return the dispatch notes as one PDF, each on its own pages"
    return render_documents(notes, dispatch_layout, 'dispatch_title')


def render_allocation_request(request):
    "Return one allocation request as PDF bytes, A4 portrait"
    return render_allocation_requests([request])


def render_allocation_requests(requests):
    "Return the allocation requests as one PDF, each on its own pages"
    return render_documents(requests, allocation_layout, 'allocation_title')


def render_documents(documents, layout_of, title_key):
    """Return the portrait documents as one PDF.

    Each document has its pages and its own page count; layout_of tells
    where its parts go.
    """
    documents = list(documents)
    if not documents:
        raise ValueError('No document to render')
    font = register_cjk_font()
    buffer = io.BytesIO()
    title = labels_of(documents[0])[title_key]
    canvas = new_canvas(buffer, A4,
        '%s %s' % (title, text(documents[0].get('number')))
        if len(documents) == 1 else '%s (%d)' % (title, len(documents)),
        font)
    forms = {}
    for document in documents:
        labels = labels_of(document)
        layout = layout_of(document, labels, font)
        static_key = tuple(sorted(labels.items()))
        rows = [[str(index)] + [text(line.get(column.key))
                for column in layout.columns[1:]]
            for index, line in enumerate(document.get('lines') or [], 1)]
        body = layout.table_top - TABLE_HEADER - BODY_BOTTOM
        pages = chunk_rows(rows, int(body // ROW_HEIGHT), int(
                (body - CLOSING_GAP - layout.closing_height) // ROW_HEIGHT))
        for page, chunk in enumerate(pages, 1):
            stamp(canvas, forms, (layout.kind, layout.cells,
                    layout.emergency, static_key),
                lambda: draw_frame(canvas, font, layout, labels))
            draw_values(canvas, font, layout, document, labels)
            bottom = draw_table(canvas, font, layout.columns,
                [labels[column.key] for column in layout.columns],
                chunk, layout.table_top, TABLE_HEADER, ROW_HEIGHT)
            if page == len(pages):
                y = bottom - CLOSING_GAP - layout.closing_height
                stamp(canvas, forms, (layout.kind, 'closing', static_key),
                    lambda: layout.draw_closing(canvas, font, labels), y)
                layout.draw_closing_values(canvas, font, document, labels, y)
            draw_footer(canvas, font, LEFT, RIGHT, labels,
                text(document.get('number')), page, len(pages),
                layout.title)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def grid_cells(rows, top):
    cells = []
    for keys, lines in rows:
        height = GRID_ROW + (lines - 1) * GRID_LEADING
        if lines > 1:
            height += GRID_PADDING
        width = WIDTH / len(keys)
        for index, key in enumerate(keys):
            x = LEFT + index * width
            cells.append(
                Cell(key, x, x + GRID_LABEL_WIDTH, x + width, top, height))
        top -= height
    return tuple(cells)


def grid_bottom(cells):
    return cells[-1].top - cells[-1].height


def dispatch_layout(note, labels, font):
    cells = grid_cells(DISPATCH_GRID, GRID_TOP)
    return Layout('dispatch', labels['dispatch_title'], cells, False,
        make_columns(DISPATCH_COLUMNS, LEFT, RIGHT),
        grid_bottom(cells) - GRID_GAP, SIGNATURE_HEIGHT, draw_signatures,
        draw_no_values)


def allocation_layout(request, labels, font):
    emergency = bool(request.get('emergency'))
    # The reason's cell grows with it, up to the last of REASON_LINES
    lines = len(wrap(request.get('reason'), font, GRID_SIZE,
            WIDTH - GRID_LABEL_WIDTH - 2 * CELL_PADDING))
    lines = min(max(lines, REASON_LINES[0]), REASON_LINES[1])
    grid = (
        (('applicant', 'requested_at'), 1),
        (('reason',), lines),
        (('destination', 'needed_by'), 1),
        (('receiving_unit', 'contact', 'contact_phone'), 1),
        )
    cells = grid_cells(grid,
        GRID_TOP - (URGENT_HEIGHT + 4 if emergency else 0))
    return Layout('allocation', labels['allocation_title'], cells, emergency,
        make_columns(ALLOCATION_COLUMNS, LEFT, RIGHT),
        grid_bottom(cells) - GRID_GAP,
        len(OPINIONS) * OPINION_HEIGHT + COPY_HEIGHT, draw_opinions,
        draw_opinion_values)


def draw_frame(canvas, font, layout, labels):
    "What every page of a document shows: title, emergency, field grid"
    draw_title(canvas, font, layout.title, PAGE_WIDTH / 2, TITLE_BASELINE,
        WIDTH - 2 * 150)
    if layout.emergency:
        canvas.setStrokeColor(URGENT)
        canvas.setLineWidth(1.2)
        canvas.rect(LEFT, GRID_TOP - URGENT_HEIGHT, WIDTH, URGENT_HEIGHT)
        canvas.setFillColor(URGENT)
        label, size = fit_text(labels['emergency'], font, 11, 7,
            WIDTH - 2 * CELL_PADDING)
        draw_block(canvas, font, [label], size, PAGE_WIDTH / 2,
            GRID_TOP - URGENT_HEIGHT / 2, 'centre')
    cells = layout.cells
    canvas.setFillColor(LABEL_FILL)
    for cell in cells:
        canvas.rect(cell.x, cell.top - cell.height, GRID_LABEL_WIDTH,
            cell.height, stroke=0, fill=1)
    lines = []
    for cell in cells:
        if cell.top < cells[0].top:
            lines.append((cell.x, cell.top, cell.right, cell.top))
        if cell.x > LEFT:
            lines.append((cell.x, cell.top, cell.x, cell.top - cell.height))
        lines.append((cell.value_x, cell.top, cell.value_x,
                cell.top - cell.height))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines(lines)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(LEFT, grid_bottom(cells), WIDTH,
        cells[0].top - grid_bottom(cells))
    canvas.setFillColor(INK)
    for cell in cells:
        label, size = fit_lines(labels[cell.key], font, HEADER_SIZE, 6,
            GRID_LABEL_WIDTH - 2 * CELL_PADDING, cell.height - 2)
        draw_block(canvas, font, label, size,
            cell.x + GRID_LABEL_WIDTH / 2, cell.top - cell.height / 2,
            'centre')


def draw_values(canvas, font, layout, document, labels):
    "What a document adds to its frame, on each of its pages"
    canvas.setFillColor(INK)
    number, size = fit_text('%s：%s' % (labels['number'],
            text(document.get('number'))), font, 10.5, 7, 150)
    canvas.setFont(font, size)
    canvas.drawRightString(RIGHT, TITLE_BASELINE, number)
    state = text(document.get('state'))
    if state:
        canvas.setFillColor(MUTED_INK)
        canvas.setFont(font, 9)
        canvas.drawRightString(RIGHT, SUBTITLE_BASELINE,
            '%s：%s' % (labels['state'], state))
    canvas.setFillColor(INK)
    for cell in layout.cells:
        value = text(document.get(cell.key))
        if not value:
            continue
        lines, size = fit_lines(value, font, GRID_SIZE, 6,
            cell.right - cell.value_x - 2 * CELL_PADDING, cell.height - 4)
        draw_block(canvas, font, lines, size, cell.value_x + CELL_PADDING,
            cell.top - cell.height / 2)


def draw_signatures(canvas, font, labels):
    "Three boxes to sign in, each with the time; the boxes' bottom at 0"
    width = (WIDTH - 2 * SIGNATURE_GAP) / len(SIGNATURE_KEYS)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    for index, key in enumerate(SIGNATURE_KEYS):
        x = LEFT + index * (width + SIGNATURE_GAP)
        canvas.rect(x, 0, width, SIGNATURE_HEIGHT)
        canvas.setFillColor(INK)
        label, size = fit_text(labels[key] + '：', font, 10, 6,
            width - 2 * CELL_PADDING)
        canvas.setFont(font, size)
        canvas.drawString(x + CELL_PADDING + 1, SIGNATURE_HEIGHT - 15, label)
        time_label = labels['signed_at'] + '：'
        canvas.setFont(font, 9)
        canvas.drawString(x + CELL_PADDING + 1, 10, time_label)
        start = x + CELL_PADDING + 1 + stringWidth(time_label, font, 9)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(start, 8, x + width - CELL_PADDING - 2, 8)
        canvas.setStrokeColor(FRAME)
        canvas.setLineWidth(0.9)


def draw_no_values(canvas, font, document, labels, y):
    "The signature boxes are filled in by hand"


def draw_opinions(canvas, font, labels):
    "The review and approval boxes and the copy line; the bottom at 0"
    top = len(OPINIONS) * OPINION_HEIGHT + COPY_HEIGHT
    canvas.setFillColor(LABEL_FILL)
    canvas.rect(LEFT, COPY_HEIGHT, GRID_LABEL_WIDTH, top - COPY_HEIGHT,
        stroke=0, fill=1)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.lines([(LEFT, COPY_HEIGHT + OPINION_HEIGHT, RIGHT,
                COPY_HEIGHT + OPINION_HEIGHT),
            (LEFT + GRID_LABEL_WIDTH, top, LEFT + GRID_LABEL_WIDTH,
                COPY_HEIGHT)])
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.9)
    canvas.rect(LEFT, COPY_HEIGHT, WIDTH, top - COPY_HEIGHT)
    canvas.setFillColor(INK)
    for label_key, signer_key, _ in OPINIONS:
        label, size = fit_lines(labels[label_key], font, 10, 6,
            GRID_LABEL_WIDTH - 2 * CELL_PADDING, OPINION_HEIGHT - 8)
        draw_block(canvas, font, label, size, LEFT + GRID_LABEL_WIDTH / 2,
            top - OPINION_HEIGHT / 2, 'centre')
        canvas.setFont(font, 9.5)
        canvas.drawString(SIGNER_X, top - OPINION_HEIGHT + 10,
            labels[signer_key] + '：')
        canvas.drawString(OPINION_DATE_X, top - OPINION_HEIGHT + 10,
            labels['opinion_date'] + '：')
        top -= OPINION_HEIGHT
    copy_to, size = fit_text(labels['copy_to'], font, 9.5, 6, WIDTH)
    canvas.setFont(font, size)
    canvas.drawString(LEFT, COPY_HEIGHT - 16, copy_to)
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(0.6)
    canvas.line(LEFT, COPY_HEIGHT - 22, RIGHT, COPY_HEIGHT - 22)


def draw_opinion_values(canvas, font, request, labels, y):
    "The signers' names and dates, when known, into the boxes at y"
    canvas.setFillColor(INK)
    top = y + len(OPINIONS) * OPINION_HEIGHT + COPY_HEIGHT
    for _, signer_key, date_key in OPINIONS:
        baseline = top - OPINION_HEIGHT + 10
        for x, key, label, right in (
                (SIGNER_X, signer_key, labels[signer_key],
                    OPINION_DATE_X - 6),
                (OPINION_DATE_X, date_key, labels['opinion_date'],
                    RIGHT - CELL_PADDING)):
            value = text(request.get(key))
            if value:
                x += stringWidth(label + '：', font, 9.5)
                value, size = fit_text(value, font, 9.5, 6, right - x)
                canvas.setFont(font, size)
                canvas.drawString(x, baseline, value)
        top -= OPINION_HEIGHT

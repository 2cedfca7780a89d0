"""Room board: every room of a site as a coloured cell, floor by floor.

The board is a plain dict::

    {'title': str, 'site': str, 'printed_at': str,
     'legend': [(state, label)],
     'floors': [{'label': str,
                 'rooms': [{'name': str, 'state': str, 'note': str}]}],
     'totals': [(label, value)],
     'page_format': str}    # optional, '{page}' and '{pages}' are replaced

The state is one of available, occupied, cleaning, out_of_service. Besides its
colour each state has a pattern and a marker (the first character of its
legend label) so that the board reads the same on a greyscale printer.
"""
from collections import namedtuple

from reportlab.lib.colors import HexColor, linearlyInterpolatedColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .drawing import fit_text, render_pages
from .fonts import register_cjk_font

PAGE_FORMAT = '第 {page} 页 / 共 {pages} 页'

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 10 * mm
HEADER_HEIGHT = 72
FOOTER_HEIGHT = 16
LABEL_WIDTH = 78
CELL_MIN_WIDTH = 46
CELL_HEIGHT = 32
CELL_GAP = 3
FLOOR_GAP = 6

INK = HexColor('#212121')
MUTED_INK = HexColor('#616161')
RULE = HexColor('#BDBDBD')

StateStyle = namedtuple(
    'StateStyle', ['fill', 'border', 'marker_ink', 'pattern', 'dashed'])
STATE_STYLES = {
    'available': StateStyle(
        HexColor('#C8E6C9'), HexColor('#388E3C'), HexColor('#1B5E20'),
        None, False),
    'occupied': StateStyle(
        HexColor('#FFAB91'), HexColor('#D84315'), HexColor('#8F2A0B'),
        'diagonal', False),
    'cleaning': StateStyle(
        HexColor('#FFF176'), HexColor('#C28E0E'), HexColor('#6D4C00'),
        None, True),
    'out_of_service': StateStyle(
        HexColor('#E0E0E0'), HexColor('#616161'), HexColor('#303030'),
        'cross', False),
    }
UNKNOWN_STYLE = StateStyle(
    HexColor('#FFFFFF'), HexColor('#9E9E9E'), INK, None, True)
PATTERN_SPACING = 5

# One line of cells; label is empty when the line continues the floor above.
Line = namedtuple('Line', ['floor', 'label', 'rooms', 'top'])


class Grid:
    "Where the cells of a page go"
    columns = max(1, int(
        (PAGE_WIDTH - 2 * MARGIN - LABEL_WIDTH + CELL_GAP)
        // (CELL_MIN_WIDTH + CELL_GAP)))
    # The cells stretch so that a full line ends at the right margin.
    cell_width = ((PAGE_WIDTH - 2 * MARGIN - LABEL_WIDTH
            - (columns - 1) * CELL_GAP) / columns)
    line_pitch = CELL_HEIGHT + CELL_GAP
    body_top = PAGE_HEIGHT - MARGIN - HEADER_HEIGHT
    body_bottom = MARGIN + FOOTER_HEIGHT
    lines_per_page = int((body_top - body_bottom + CELL_GAP) // line_pitch)

    @classmethod
    def cell_x(cls, column):
        return MARGIN + LABEL_WIDTH + column * (cls.cell_width + CELL_GAP)


def render_room_board(board):
    "Return the board as PDF bytes, A4 landscape"
    font = register_cjk_font()
    pages = paginate(board['floors'])
    markers = state_markers(board['legend'])
    page_format = board.get('page_format', PAGE_FORMAT)

    def draw_page(canvas, lines, page_label):
        draw_header(canvas, font, board, markers)
        draw_lines(canvas, font, lines, markers)
        draw_footer(canvas, font, board, page_label)
    return render_pages(pages, draw_page,
        ' '.join(filter(None, [board['title'], board['site']])), font,
        page_format, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))


def paginate(floors):
    """Return the pages as lists of Line.

    A floor starts on a new page when it does not fit on the rest of the
    current one but fits on a page of its own; longer floors are split.
    """
    pages = [[]]
    top = Grid.body_top
    for floor_index, floor in enumerate(floors):
        chunks = chunked(floor['rooms'], Grid.columns)
        height = len(chunks) * Grid.line_pitch - CELL_GAP
        if (pages[-1] and top - height < Grid.body_bottom
                and len(chunks) <= Grid.lines_per_page):
            pages.append([])
            top = Grid.body_top
        for rooms in chunks:
            if pages[-1] and top - CELL_HEIGHT < Grid.body_bottom:
                pages.append([])
                top = Grid.body_top
            # The label is repeated at the top of a page a floor continues on
            first_on_page = not pages[-1] or pages[-1][-1].floor != floor_index
            label = floor['label'] if first_on_page else ''
            pages[-1].append(Line(floor_index, label, rooms, top))
            top -= Grid.line_pitch
        top -= FLOOR_GAP
    return pages


def chunked(items, size):
    "Return items in lists of size; an empty floor still takes one line"
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def state_markers(legend):
    return {state: label[:1] for state, label in legend}


def draw_header(canvas, font, board, markers):
    top = PAGE_HEIGHT - MARGIN
    canvas.setFillColor(INK)
    canvas.setFont(font, 16)
    canvas.drawString(MARGIN, top - 16, board['title'])
    canvas.setFont(font, 10)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 16, board['site'])
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, 8)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN, top - 28, board['printed_at'])

    canvas.setFillColor(INK)
    totals = '    '.join(
        '%s %s' % (label, value) for label, value in board['totals'])
    # The right quarter of the header belongs to the site and the time
    totals, size = fit_text(
        totals, font, 10, 6, (PAGE_WIDTH - 2 * MARGIN) * 3 / 4)
    canvas.setFont(font, size)
    canvas.drawString(MARGIN, top - 36, totals)
    draw_legend(canvas, font, board['legend'], markers, top - 58)

    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    rule_y = top - HEADER_HEIGHT + CELL_GAP + 2
    canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)


def draw_legend(canvas, font, legend, markers, bottom):
    x = MARGIN
    swatch_width, swatch_height = 26, 14
    for state, label in legend:
        draw_cell(canvas, font, x, bottom, swatch_width, swatch_height,
            state_style(state), markers.get(state, ''))
        canvas.setFillColor(INK)
        canvas.setFont(font, 10)
        canvas.drawString(x + swatch_width + 4, bottom + 3, label)
        x += swatch_width + 4 + stringWidth(label, font, 10) + 18


def draw_lines(canvas, font, lines, markers):
    previous_floor = None
    for line in lines:
        if line.floor != previous_floor and previous_floor is not None:
            draw_floor_rule(canvas, line.top + (CELL_GAP + FLOOR_GAP) / 2)
        previous_floor = line.floor
        if line.label:
            draw_floor_label(canvas, font, line.label, line.top)
        for column, room in enumerate(line.rooms):
            draw_room(canvas, font, room, Grid.cell_x(column),
                line.top - CELL_HEIGHT, markers)


def draw_floor_rule(canvas, y):
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)


def draw_floor_label(canvas, font, label, top):
    text, size = fit_text(label, font, 10, 6, LABEL_WIDTH - 6)
    canvas.setFillColor(INK)
    canvas.setFont(font, size)
    canvas.drawString(MARGIN, top - CELL_HEIGHT / 2 - size / 3, text)


def draw_room(canvas, font, room, x, y, markers):
    state = room['state']
    draw_cell(canvas, font, x, y, Grid.cell_width, CELL_HEIGHT,
        state_style(state), markers.get(state, '?'))
    center = x + Grid.cell_width / 2
    width = Grid.cell_width - 4
    canvas.setFillColor(INK)
    name, size = fit_text(room['name'], font, 9, 5, width)
    canvas.setFont(font, size)
    canvas.drawCentredString(center, y + 13, name)
    note = str(room.get('note') or '')
    if note:
        note, size = fit_text(note, font, 6, 4, width)
        canvas.setFont(font, size)
        canvas.drawCentredString(center, y + 3.5, note)


def state_style(state):
    return STATE_STYLES.get(state, UNKNOWN_STYLE)


def draw_cell(canvas, font, x, y, width, height, style, marker):
    "Draw the background of a cell: fill, pattern, border and marker"
    canvas.setFillColor(style.fill)
    canvas.setStrokeColor(style.border)
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    if style.pattern:
        draw_pattern(canvas, style, x, y, width, height)
    if style.dashed:
        canvas.setDash(2, 1.5)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.setDash()
    if marker:
        canvas.setFillColor(style.marker_ink)
        canvas.setFont(font, 6)
        canvas.drawString(x + 1.5, y + height - 6.5, marker)


def draw_pattern(canvas, style, x, y, width, height):
    """Stamp the pattern of style on the cell at x, y.

    The pattern is drawn once per document as a form: a thousand cells of
    hatch lines written out one by one would triple the rendering time.
    """
    name = 'Pattern%s%s%dx%d' % (style.pattern.title(),
        style.border.hexval()[2:], round(width * 100), round(height * 100))
    if not canvas.hasForm(name):
        # A form is clipped to its box, so the lines may overflow it.
        canvas.beginForm(name, 0, 0, width, height)
        canvas.setStrokeColor(
            linearlyInterpolatedColor(style.fill, style.border, 0, 1, 0.4))
        canvas.setLineWidth(0.5)
        canvas.lines(hatch(width, height, style.pattern))
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def hatch(width, height, pattern):
    "Return the lines of the pattern over a box at the origin"
    offsets = range(0, int(width + height) + 1, PATTERN_SPACING)
    segments = [(d - height, 0, d, height) for d in offsets]
    if pattern == 'cross':
        segments += [(d - height, height, d, 0) for d in offsets]
    return segments


def draw_footer(canvas, font, board, page_label):
    y = MARGIN
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(font, 8)
    canvas.drawString(MARGIN, y, '%s · %s' % (board['title'], board['site']))
    canvas.drawCentredString(PAGE_WIDTH / 2, y, page_label)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, y, board['printed_at'])

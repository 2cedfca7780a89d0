"""The room board PDF, rendered without a database."""
import io

import pytest
from pypdf import PdfReader

from reports.fonts import (
    DEFAULT_FONT_PATHS, FONT_PACKAGE, FONT_PATH_VARIABLE, find_cjk_font,
    font_paths, register_cjk_font)
from reports.room_board import Grid, fit_text, paginate, render_room_board

LEGEND = [
    ('available', '空闲'),
    ('occupied', '入住'),
    ('cleaning', '待消毒'),
    ('out_of_service', '停用'),
    ]
STATES = ['available', 'occupied', 'cleaning', 'out_of_service', 'occupied']
NOTES = {
    'available': '标准间',
    'occupied': '1人',
    'cleaning': '终末消毒',
    'out_of_service': '维修',
    }


def make_board(floor_count, rooms_per_floor):
    floors = []
    for floor in range(1, floor_count + 1):
        rooms = []
        for number in range(1, rooms_per_floor + 1):
            state = STATES[(floor + number) % len(STATES)]
            rooms.append({
                    'name': 'A%d%02d' % (floor, number),
                    'state': state,
                    'note': NOTES[state],
                    })
        floors.append({'label': 'A栋 %d层' % floor, 'rooms': rooms})
    return {
        'title': '房态看板',
        'site': '金水区第三隔离酒店',
        'printed_at': '2024-05-12 08:30',
        'legend': LEGEND,
        'floors': floors,
        'totals': [('房间', floor_count * rooms_per_floor), ('入住', 12)],
        }


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def text_of(reader):
    return '\n'.join(page.extract_text() for page in reader.pages)


def page_fonts(reader):
    "Return the font dictionaries used by the pages"
    fonts = {}
    for page in reader.pages:
        for font in page['/Resources']['/Font'].values():
            font = font.get_object()
            fonts[font['/BaseFont']] = font
    return fonts


def is_embedded(font):
    descriptor = font.get('/FontDescriptor')
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor
        for key in ['/FontFile', '/FontFile2', '/FontFile3'])


@pytest.fixture(scope='module')
def small_board_pdf():
    return render_room_board(make_board(3, 8))


def test_small_board_is_a_pdf(small_board_pdf):
    "A board of three floors is a one-page PDF"
    assert small_board_pdf.startswith(b'%PDF')
    assert len(read(small_board_pdf).pages) == 1


def test_small_board_embeds_only_the_cjk_font(small_board_pdf):
    "Every font of the board travels inside the file"
    fonts = page_fonts(read(small_board_pdf))
    assert fonts
    assert all(is_embedded(font) for font in fonts.values()), list(fonts)
    assert any('WenQuanYi' in name for name in fonts)


def test_small_board_text(small_board_pdf):
    "The site, the rooms, the legend and the page number can be read"
    text = text_of(read(small_board_pdf))
    for expected in [
            '金水区第三隔离酒店', 'A101', 'A308', 'A栋 2层', '待消毒',
            '停用', '终末消毒', '第 1 页 / 共 1 页']:
        assert expected in text


def test_thousand_rooms_on_several_pages():
    "25 floors of 40 rooms: every room is printed, pages are numbered"
    board = make_board(25, 40)
    reader = read(render_room_board(board))
    page_count = len(reader.pages)
    assert page_count > 1
    text = text_of(reader)
    names = [room['name']
        for floor in board['floors'] for room in floor['rooms']]
    assert len(names) == 1000
    assert [name for name in names if name not in text] == []
    assert '第 %d 页 / 共 %d 页' % (page_count, page_count) in text


def test_floor_longer_than_a_page_is_split():
    "A floor that fills more than a page goes on, labelled again"
    rooms = [{'name': str(n), 'state': 'available'}
        for n in range(Grid.columns * (Grid.lines_per_page + 2))]
    pages = paginate([{'label': 'B栋 1层', 'rooms': rooms}])
    assert len(pages) == 2
    assert [line.label for line in pages[0]][:2] == ['B栋 1层', '']
    assert pages[1][0].label == 'B栋 1层'
    assert sum(len(line.rooms) for page in pages for line in page) \
        == len(rooms)


def test_floor_that_fits_a_page_is_not_split():
    "A floor that would straddle two pages starts on the next one"
    first = [{'name': 'x', 'state': 'available'}] * (
        Grid.columns * (Grid.lines_per_page - 1))
    second = [{'name': 'y', 'state': 'available'}] * (Grid.columns * 2)
    pages = paginate([
            {'label': '1层', 'rooms': first},
            {'label': '2层', 'rooms': second},
            ])
    assert [len(page) for page in pages] == [Grid.lines_per_page - 1, 2]


def test_empty_board_and_unknown_state():
    "No floor still gives a page; an unknown state is drawn, not refused"
    assert len(read(render_room_board(make_board(0, 0))).pages) == 1
    board = make_board(1, 1)
    board['floors'][0]['rooms'][0]['state'] = 'reserved'
    assert 'A101' in text_of(read(render_room_board(board)))


def test_long_room_name_is_shrunk_then_cut():
    font = register_cjk_font()
    text, size = fit_text('A101', font, 9, 5, 40)
    assert (text, size) == ('A101', 9)
    text, size = fit_text('第三隔离酒店A栋1201号房间', font, 9, 5, 40)
    assert size == 5
    assert text.endswith('…')


def test_font_registration_is_idempotent():
    assert register_cjk_font() == register_cjk_font() == 'WenQuanYi'


def test_configured_font_path_is_the_only_candidate():
    "A font named by the administrator is not replaced by another"
    environ = {FONT_PATH_VARIABLE: '/nonexistent/fonts/simsun.ttf'}
    assert font_paths(environ) == ['/nonexistent/fonts/simsun.ttf']
    assert font_paths({}) == list(DEFAULT_FONT_PATHS)


def test_missing_font_raises_a_clear_error():
    "The error names the paths tried and the package to install"
    paths = font_paths({FONT_PATH_VARIABLE: '/nonexistent/fonts/simsun.ttf'})
    with pytest.raises(RuntimeError) as info:
        find_cjk_font(paths)
    message = str(info.value)
    assert '/nonexistent/fonts/simsun.ttf' in message
    assert FONT_PACKAGE in message
    assert FONT_PATH_VARIABLE in message

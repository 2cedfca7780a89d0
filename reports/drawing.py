"""What the layouts draw alike: a canvas that embeds the CJK font, pages
numbered by a format, a text fitted into a width, a title in the outlined
face that stands for bold, sections of text and numbered items fitted
into a height."""
import io
import math
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph


def new_canvas(buffer, pagesize, title, font):
    # initialFontName keeps a non-embedded Helvetica out of the file
    canvas = Canvas(buffer, pagesize=pagesize, initialFontName=font)
    canvas.setTitle(title)
    return canvas


def render_pages(pages, draw_page, title, font, page_format, pagesize=A4):
    """Return the PDF of `pages`, each drawn by draw_page(canvas, page,
    page_label), its label from page_format with {page} and {pages}"""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, pagesize, title, font)
    for number, page in enumerate(pages, 1):
        draw_page(canvas, page,
            page_format.format(page=number, pages=len(pages)))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def fit_text(text, font, size, min_size, width):
    """Return text and the font size at which it fits width.

    The size shrinks down to min_size, then the text is cut with an ellipsis.
    """
    text_width = stringWidth(text, font, size)
    if text_width > width:
        size = max(min_size, size * width / text_width)
    while len(text) > 1 and stringWidth(text, font, size) > width:
        text = text[:-2] + '…'
    return text, size


# A text is wrapped rather than shrunk below this share of its size
READABLE = 0.85


def wrap_text(text, font, size, min_size, width, wrapped_size=None):
    """Return the lines of text, one or two, and the font size at which
    they fit width.

    A text that fits on one line at a readable size stays on one line;
    else it goes on two lines (at most wrapped_size), broken before a
    bracket or after a space or comma where the halves fit, else at the
    middle; then shrunk and cut as fit_text does."""
    if len(text) < 2 or stringWidth(text, font, size * READABLE) <= width:
        line, size = fit_text(text, font, size, min_size, width)
        return [line], size
    size = min(size, wrapped_size or size)

    def halves(i):
        return [text[:i].rstrip(), text[i:].lstrip()]

    def widest(lines):
        return max(stringWidth(line, font, size) for line in lines)
    breaks = [i for i in range(1, len(text))
        if text[i] in '（(' or text[i - 1] in ' /、']
    fitting = [i for i in breaks
        if widest(halves(i)) <= width / READABLE]
    if fitting:
        lines = halves(min(fitting, key=lambda i: widest(halves(i))))
    else:
        lines = halves(min(range(1, len(text)),
                key=lambda i: widest(halves(i))))
    if widest(lines) > width:
        size = max(min_size, size * width / widest(lines))
    lines = [fit_text(line, font, size, size, width)[0] for line in lines]
    return lines, size


def draw_outlined_title(canvas, font, title, center, baseline, *, size,
        min_size, width, char_space, ink, line_width=0.5):
    "Draw title centred on center, fitted into width (see fit_text)"
    title, size = fit_text(title, font, size, min_size, width)
    canvas.saveState()
    # The font has no bold face: fill and stroke the outline instead
    canvas.setFillColor(ink)
    canvas.setStrokeColor(ink)
    canvas.setLineWidth(line_width)
    canvas.setFont(font, size)
    canvas.drawCentredString(center, baseline, title, mode=2,
        charSpace=char_space)
    canvas.restoreState()


class CellTexts:
    """The texts of a table's cells written as one text object, fitted into
    their cells; changing the font only when the size changes keeps a
    thousand cells small and fast"""

    def __init__(self, canvas, font, size, padding):
        self.canvas = canvas
        self.font = font
        self.size = size
        self.padding = padding
        self.text_object = canvas.beginText()
        self.current_size = None

    def write(self, value, x, width, baseline, align='left'):
        "Write value in the cell at x of width, aligned left, right or centre"
        value, size = fit_text(value, self.font, self.size, 5,
            width - 2 * self.padding)
        self.write_line(value, size, x, width, baseline, align)

    def write_wrapped(self, value, x, width, middle, align='left',
            wrapped_size=None):
        """Write value in the cell at x of width on one or two lines (see
        wrap_text) centred on the height `middle`"""
        lines, size = wrap_text(value, self.font, self.size, 5,
            width - 2 * self.padding, wrapped_size)
        leading = size * 1.15
        baseline = middle + (len(lines) - 1) * leading / 2 - size * 0.36
        for line in lines:
            self.write_line(line, size, x, width, baseline, align)
            baseline -= leading

    def write_line(self, value, size, x, width, baseline, align):
        if size != self.current_size:
            self.text_object.setFont(self.font, size)
            self.current_size = size
        if align == 'left':
            x += self.padding
        else:
            text_width = stringWidth(value, self.font, size)
            x = (x + width - self.padding - text_width if align == 'right'
                else x + (width - text_width) / 2)
        self.text_object.setTextOrigin(x, baseline)
        self.text_object.textOut(value)

    def draw(self):
        self.canvas.drawText(self.text_object)


def section_paragraphs(sections, font, size, ink, width, cache=None):
    """Return the paragraphs of sections at size, with the space before each:
    a section is a dict of an optional 'heading', an optional 'text' (a
    paragraph, first line indented) and optional 'items' (numbered).

    A paragraph wrapped once is drawn again as it is: `cache` (a dict kept
    for a batch) holds them, so that the texts every page of a batch shares
    are measured once."""
    if cache is None:
        cache = {}
    styles = cache.get(('styles', font, size, ink))
    if styles is None:
        text_style = ParagraphStyle('SectionText', fontName=font,
            fontSize=size, leading=size * 1.55, firstLineIndent=2 * size,
            alignment=TA_JUSTIFY, wordWrap='CJK', textColor=ink)
        styles = cache[('styles', font, size, ink)] = {
            'text': text_style,
            'item': ParagraphStyle('SectionItem', parent=text_style,
                firstLineIndent=0, leftIndent=2 * size,
                bulletIndent=0.5 * size, bulletFontName=font,
                bulletFontSize=size),
            'heading': ParagraphStyle('SectionHeading', parent=text_style,
                fontSize=size * 1.1, leading=size * 1.6, firstLineIndent=0),
            }
    paragraphs = []

    def add(text, kind, space, bullet=None):
        key = (kind, text, bullet, font, size, ink, width)
        found = cache.get(key)
        if found is None:
            paragraph = Paragraph(escape(text).replace('\n', '<br/>'),
                styles[kind], bulletText=bullet)
            _, height = paragraph.wrap(width, 10000)
            found = cache[key] = (paragraph, height)
        paragraphs.append((found[0], space, found[1]))
    for index, section in enumerate(sections):
        space = size * 0.6 if index else 0
        if section.get('heading'):
            add(section['heading'], 'heading', space)
            space = 0
        if section.get('text'):
            add(section['text'], 'text', space)
            space = 0
        for number, item in enumerate(section.get('items') or [], 1):
            add(item, 'item', space, bullet=f'{number}.')
            space = 0
    return paragraphs


def fit_sections(sections, font, size, min_size, ink, width, height,
        cache=None):
    """Return the paragraphs of sections (see section_paragraphs) at the
    largest size from size down to min_size, in halves of a point, at which
    they fit height (at min_size whatever their height)"""
    while True:
        paragraphs = section_paragraphs(
            sections, font, size, ink, width, cache)
        total = sum(space + h for _, space, h in paragraphs)
        if total <= height or size <= min_size:
            return paragraphs
        # the height goes about as the square of the size: try the size
        # that would fit, rounded down to half a point, or half a point less
        guess = math.floor(2 * size * math.sqrt(height / total)) / 2
        size = max(min_size, min(size - 0.5, guess))


def draw_paragraphs(canvas, paragraphs, x, top):
    "Draw paragraphs (see section_paragraphs) down from top; return the bottom"
    for paragraph, space, height in paragraphs:
        top -= space + height
        paragraph.drawOn(canvas, x, top)
    return top

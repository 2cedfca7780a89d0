"""The papers a resident gets at admission: the admission notice (入住告知书)
and the commitment letter (承诺书), one A4 portrait page each, in the frame,
title and person table of the release certificate.

Each paper is a plain dict::

    {'title': str,
     'name': str, 'identity_number': str,   # masked by the caller
     'sex': str, 'age': str or int, 'site': str, 'room': str,
     'arrival_date': str, 'end_date': str, 'duration': str,
     'sections': [{'heading': str,          # each key optional
                   'text': str,             # a paragraph
                   'items': [str]}],        # numbered
     'signatures': [(label, value)],        # two a row; no value: a line
                                            # to sign or write on
     'labels': {key: label}}                # optional, see DEFAULT_LABELS

A batch is one PDF; the frame, title and table labels of a paper are drawn
once as a form and stamped on each page, as on the certificates.
"""
import io

from reportlab.lib.pagesizes import A4

from .certificate import (
    DEFAULT_LABELS as CERTIFICATE_LABELS, INK, LEFT, PERSON_ROW, PERSON_TOP,
    RULE, WIDTH, CENTER, FOOTER_Y, draw_frame, draw_person_grid,
    draw_person_values, draw_title, static_form, text)
from .drawing import draw_paragraphs, fit_sections, fit_text, new_canvas
from .fonts import register_cjk_font

DEFAULT_LABELS = dict(CERTIFICATE_LABELS,
    arrival_date='入住日期',
    end_date='期满日期',
    duration='观察期限',
    footer='',
    )

# The person table: the certificate's, with the arrival and the duration
PERSON_ROWS = (
    (('name', 0, 1), ('sex', 2, 1), ('age', 4, 1)),
    (('identity_number', 0, 3), ('room', 4, 1)),
    (('site', 0, 5),),
    (('arrival_date', 0, 1), ('end_date', 2, 1), ('duration', 4, 1)),
    )
PERSON_BOTTOM = PERSON_TOP - len(PERSON_ROWS) * PERSON_ROW

SECTIONS_TOP = PERSON_BOTTOM - 16
SECTIONS_SIZE = 11
SECTIONS_MIN_SIZE = 7

# The signatures, two a row, over the footer
SIGNATURE_ROW = 26
SIGNATURE_BOTTOM = FOOTER_Y + 24
SIGNATURE_SIZE = 11
SIGNATURE_LABEL_WIDTH = 96
SIGNATURE_LINE = 0.6


def render_papers(papers):
    "Return the papers as one PDF, a page each, A4 portrait"
    papers = list(papers)
    if not papers:
        raise ValueError('No paper to render')
    font = register_cjk_font()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4, papers[0]['title'] if len(papers) == 1
        else '%s (%d)' % (papers[0]['title'], len(papers)), font)
    forms = {}
    # the paragraphs the papers share (the rules, the promises) are wrapped
    # once a batch
    paragraphs = {}
    for paper in papers:
        labels = dict(DEFAULT_LABELS, **(paper.get('labels') or {}))
        canvas.doForm(static_form(canvas, font, forms, paper['title'],
                labels, draw=draw_static))
        draw_paper(canvas, font, paper, paragraphs)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_static(canvas, font, title, labels):
    draw_frame(canvas)
    draw_title(canvas, font, title)
    draw_person_grid(canvas, font, labels, PERSON_ROWS)
    if labels['footer']:
        canvas.setFillColor(INK)
        footer, size = fit_text(labels['footer'], font, 8, 6, WIDTH)
        canvas.setFont(font, size)
        canvas.drawCentredString(CENTER, FOOTER_Y, footer)


def draw_paper(canvas, font, paper, cache):
    draw_person_values(canvas, font, paper, PERSON_ROWS)
    signatures = list(paper.get('signatures') or [])
    rows = [signatures[i:i + 2] for i in range(0, len(signatures), 2)]
    signatures_top = SIGNATURE_BOTTOM + len(rows) * SIGNATURE_ROW
    paragraphs = fit_sections(paper.get('sections') or [], font,
        SECTIONS_SIZE, SECTIONS_MIN_SIZE, INK, WIDTH,
        SECTIONS_TOP - signatures_top - 8, cache)
    draw_paragraphs(canvas, paragraphs, LEFT, SECTIONS_TOP)
    draw_signatures(canvas, font, rows, signatures_top)


def draw_signatures(canvas, font, rows, top):
    "Each label, then its value or a line to write on"
    half = WIDTH / 2
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(SIGNATURE_LINE)
    for index, row in enumerate(rows):
        baseline = top - (index + 1) * SIGNATURE_ROW + 8
        for column, (label, value) in enumerate(row):
            x = LEFT + column * half
            label, size = fit_text(text(label) + '：', font,
                SIGNATURE_SIZE, 7, SIGNATURE_LABEL_WIDTH)
            canvas.setFillColor(INK)
            canvas.setFont(font, size)
            canvas.drawString(x, baseline, label)
            value_x = x + SIGNATURE_LABEL_WIDTH
            value_width = half - SIGNATURE_LABEL_WIDTH - 12
            if value:
                value, size = fit_text(text(value), font, SIGNATURE_SIZE, 7,
                    value_width)
                canvas.setFont(font, size)
                canvas.drawString(value_x, baseline, value)
            else:
                canvas.line(value_x, baseline - 3,
                    value_x + value_width, baseline - 3)

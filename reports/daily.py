"""Daily report of the isolation sites (隔离点日报), A4 landscape.

One row a site and a total row; a site where nothing moved that day says
"零报告" (zero report: the report is due every day, even when there is
nothing to report).  Input::

    {'title': str, 'date': str, 'scope': str, 'printed_at': str,
     'columns': [str, ...],                # the figures' titles
     'rows': [{'site': str, 'figures': [int, ...], 'zero': bool,
               'late': bool}],
     'totals': [int, ...],
     'labels': {key: label}}               # optional, see DEFAULT_LABELS
"""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)
from reportlab.lib.styles import ParagraphStyle

from .fonts import register_cjk_font

DEFAULT_LABELS = {
    'site': '隔离点',
    'notes': '备注',
    'zero': '零报告',
    'late': '逾期报送',
    'total': '合计',
    'date': '日期',
    'scope': '范围',
    'printed_at': '打印时间',
    'page': '第 {page} 页',
    }


def render_daily_report(report):
    "Return the PDF bytes of the daily report"
    font = register_cjk_font()
    labels = dict(DEFAULT_LABELS, **report.get('labels', {}))
    title_style = ParagraphStyle('title', fontName=font, fontSize=16,
        leading=22, alignment=1)
    text_style = ParagraphStyle('text', fontName=font, fontSize=9,
        leading=12)
    header = [labels['site']] + list(report['columns']) + [labels['notes']]
    data = [header]
    highlight = []
    for index, row in enumerate(report['rows'], 1):
        notes = []
        if row.get('zero'):
            notes.append(labels['zero'])
        if row.get('late'):
            notes.append(labels['late'])
            highlight.append(index)
        data.append([row['site']] + [str(v) for v in row['figures']]
            + ['、'.join(notes)])
    data.append([labels['total']] + [str(v) for v in report['totals']]
        + [''])
    width = landscape(A4)[0] - 20 * mm
    site_width = 50 * mm
    notes_width = 28 * mm
    other = (width - site_width - notes_width) / max(len(header) - 2, 1)
    table = Table(data, repeatRows=1,
        colWidths=[site_width] + [other] * (len(header) - 2) + [notes_width])
    style = [
        ('FONTNAME', (0, 0), (-1, -1), font),
        ('FONTSIZE', (0, 0), (-1, -1), 8),
        ('GRID', (0, 0), (-1, -1), 0.4, colors.grey),
        ('BACKGROUND', (0, 0), (-1, 0), colors.HexColor('#E8EEF7')),
        ('BACKGROUND', (0, -1), (-1, -1), colors.HexColor('#F2F2F2')),
        ('ALIGN', (1, 1), (-2, -1), 'RIGHT'),
        ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
        ]
    for index in highlight:
        style.append(('TEXTCOLOR', (-1, index), (-1, index), colors.red))
    table.setStyle(TableStyle(style))
    stream = io.BytesIO()

    def footer(canvas, document):
        canvas.setFont(font, 8)
        canvas.drawRightString(landscape(A4)[0] - 10 * mm, 8 * mm,
            labels['page'].format(page=document.page))
    document = SimpleDocTemplate(stream, pagesize=landscape(A4),
        leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm,
        bottomMargin=14 * mm, title=report['title'])
    document.build([
            Paragraph(report['title'], title_style),
            Paragraph(f"{labels['date']}：{report['date']}　　"
                f"{labels['scope']}：{report['scope']}　　"
                f"{labels['printed_at']}：{report['printed_at']}",
                text_style),
            Spacer(1, 4 * mm),
            table,
            ], onFirstPage=footer, onLaterPages=footer)
    return stream.getvalue()

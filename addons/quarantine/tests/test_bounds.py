# This file is part of the quarantine module.  See README.md for licensing.
"""Bad input does not get in: dates in the future, texts longer than their
field, workbooks bigger than a list can be (see bounds.py, sheet.py)"""
import datetime as dt
import io
import time
import zipfile
from pathlib import Path
from unittest.mock import patch

from openpyxl import load_workbook

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import SizeValidationError, ValidationError
from trytond.modules.quarantine import sheet as sheet_module
from trytond.modules.quarantine.arrival_import import COLUMNS, read_arrivals
from trytond.modules.quarantine.lab_import import COLUMNS as LAB_COLUMNS
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, admit_residents, create_party,
    create_person, create_stay, load_translations, make_ric, savepoint,
    xlsx)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

HEADER = [title for _, title, _ in COLUMNS]


def rewrite_sheet(data, change):
    "The workbook `data` with its first sheet's XML passed through change"
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == 'xl/worksheets/sheet1.xml':
                content = change(content.decode('utf-8')).encode('utf-8')
            target.writestr(info.filename, content)
    return stream.getvalue()


def declared(data, dimension, far_cell=False):
    """The workbook with the dimension tag of its sheet set to `dimension`
    and, with far_cell, a cell at its far corner (a sparse sheet)"""
    def change(xml):
        start = xml.index('<dimension ref="') + len('<dimension ref="')
        end = xml.index('"', start)
        xml = xml[:start] + dimension + xml[end:]
        if far_cell:
            corner = dimension.split(':')[1]
            row = ''.join(c for c in corner if c.isdigit())
            xml = xml.replace('</sheetData>', f'<row r="{row}"><c r="'
                f'{corner}" t="inlineStr"><is><t>x</t></is></c></row>'
                '</sheetData>')
        return xml
    return rewrite_sheet(data, change)


def with_rows(data, rows, start=2):
    """The workbook with `rows` rows of one cell each appended to its sheet
    as raw XML (its dimension left as it was)"""
    def change(xml):
        cells = ''.join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x'
            f'</t></is></c></row>' for i in range(start, start + rows))
        return xml.replace('</sheetData>', cells + '</sheetData>')
    return rewrite_sheet(data, change)


def arrival(i, name=None, birth='19800101'):
    return [name or f"到达{i}", make_ric(birth, f'{i % 1000:03d}'),
        "13800000000", "密切接触者", None, "", "", "", "", ""]


def refusal_time(data):
    "(seconds, message) of reading `data` as an arrival list"
    start = time.perf_counter()
    try:
        read_arrivals(data, dt.date.today())
    except UserError as error:
        return time.perf_counter() - start, str(error)
    return time.perf_counter() - start, None


class FutureDatesTestCase(ActivatedTestCase):
    "Dates that cannot be in the future are refused on every path"

    @with_transaction()
    def test_arrival_more_than_a_day_ahead(self):
        "A stay may arrive tomorrow, not the day after"
        Stay = Pool().get('quarantine.stay')
        today = dt.date.today()
        stay = create_stay(create_person("明天"),
            arrival_date=today + dt.timedelta(days=1), exposure_date=None)
        self.assertEqual(stay.arrival_date, today + dt.timedelta(days=1))
        later = today + dt.timedelta(days=2)
        with self.assertRaisesRegex(ValidationError,
                f'"Arrival" {later} is too far ahead'), savepoint():
            Stay.write([stay], {'arrival_date': later})
        with self.assertRaisesRegex(ValidationError, '2030-01-01'), \
                savepoint():
            create_stay(create_person("后年", sequence='124'),
                arrival_date=dt.date(2030, 1, 1))
        self.assertEqual(Stay.search_count([]), 1)
        self.assertEqual(Stay(stay.id).arrival_date,
            today + dt.timedelta(days=1))

    @with_transaction()
    def test_exposure_in_the_future(self):
        "A last exposure after today is refused"
        Stay = Pool().get('quarantine.stay')
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, 'in the future'), \
                savepoint():
            create_stay(create_person("暴露"), arrival_date=tomorrow,
                exposure_date=tomorrow)
        self.assertEqual(Stay.search_count([]), 0)

    @with_transaction()
    def test_arrival_import_ahead(self):
        """An arrival list dated more than a day ahead is refused, by the
        reader and by the bulk path, with the same message"""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        Regime = pool.get('quarantine.regime')
        regime, = Regime.search([('code', '=', 'centralized_14')])
        later = dt.date.today() + dt.timedelta(days=3)
        data = xlsx(HEADER, [arrival(1)])
        with self.assertRaises(UserError) as read:
            read_arrivals(data, later)
        self.assertIn(f'{later} is too far ahead', str(read.exception))
        arrivals, errors, _, _ = read_arrivals(data, dt.date.today())
        self.assertEqual(errors, [])
        with self.assertRaises(UserError) as bulk, savepoint():
            Stay.import_arrivals(arrivals, regime, later)
        self.assertEqual(str(bulk.exception), str(read.exception))
        self.assertEqual(Stay.search_count([]), 0)
        # the wizard says the same
        Import = pool.get('quarantine.stay.import', type='wizard')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        wizard.start.arrival_date = later
        wizard.start.regime = regime
        wizard.start.site = None
        with self.assertRaisesRegex(UserError, 'too far ahead'):
            wizard.transition_import_()
        self.assertEqual(Stay.search_count([]), 0)

    @with_transaction()
    def test_arrival_import_exposure_future(self):
        "A row whose last exposure is after today goes to the error sheet"
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        row = arrival(2)
        row[4] = tomorrow
        _, errors, _, _ = read_arrivals(
            xlsx(HEADER, [arrival(1), row]), tomorrow)
        (error,) = errors
        self.assertEqual((error.row, error.column), (3, "末次暴露日期"))
        self.assertIn(f'{tomorrow} is in the future', error.message)

    @with_transaction()
    def test_sample_collected_in_the_future(self):
        """A result collected in the future is refused by the form and the
        record-results wizard; minutes of clock skew are allowed"""
        pool = Pool()
        Sample = pool.get('quarantine.sample')
        site = active_site(rooms=1)
        stay, = admit_residents(site, site.rooms)
        first, second = stay.samples[:2]
        future = dt.datetime.now() + dt.timedelta(hours=2)
        with self.assertRaisesRegex(ValidationError,
                '"Collected at" .* is in the future'), savepoint():
            Sample.write([first], {'collected_at': future})
        Record = pool.get('quarantine.sample.record', type='wizard')
        session_id, _, _ = Record.create()
        with Transaction().set_context(active_model='quarantine.sample',
                active_ids=[first.id], active_id=first.id):
            wizard = Record(session_id)
            wizard.start.result = 'negative'
            wizard.start.institution = None
            wizard.start.reagent = "华大"
            wizard.start.collected_at = future
            with self.assertRaisesRegex(ValidationError, 'in the future'), \
                    savepoint():
                wizard.transition_record()
        self.assertEqual(Sample(first.id).result, 'pending')
        skewed = dt.datetime.now() + dt.timedelta(minutes=2)
        Sample.record_results([second], 'negative', collected_at=skewed)
        self.assertEqual(Sample(second.id).result, 'negative')

    @with_transaction()
    def test_lab_sheet_collected_in_the_future(self):
        "A lab's row collected tomorrow goes to the error sheet"
        pool = Pool()
        Import = pool.get('quarantine.sample.import', type='wizard')
        site = active_site(rooms=1)
        stay, = admit_residents(site, site.rooms)
        create_party("疾控中心")
        sample = stay.samples[0]
        header = [title for _, title, _ in LAB_COLUMNS]
        future = dt.datetime.now() + dt.timedelta(days=1)
        data = xlsx(header, [
                [sample.code, "", "阴性", "疾控中心", "华大", future]])
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        self.assertEqual(wizard.transition_import_(), 'errors')
        self.assertIn('in the future', wizard.errors.summary)
        details = load_workbook(io.BytesIO(wizard.errors.report))["错误明细"]
        (row, column, _), = details.iter_rows(min_row=2, values_only=True)
        self.assertEqual((row, column), (2, "采样时间"))
        self.assertEqual(sample.__class__(sample.id).result, 'pending')

    @with_transaction()
    def test_turnover_and_vehicle_times(self):
        "A disinfection or a room's environment sample cannot be to come"
        pool = Pool()
        Turnover = pool.get('quarantine.room.turnover')
        Vehicle = pool.get('quarantine.vehicle')
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        site = active_site(rooms=1)
        room, = site.rooms
        future = dt.datetime.now() + dt.timedelta(hours=1)
        with self.assertRaisesRegex(ValidationError, 'in the future'), \
                savepoint():
            Turnover.create([{'room': room.id,
                        'vacated_at': dt.datetime.now() - dt.timedelta(
                            hours=1),
                        'disinfected_at': future}])
        vehicle, = Vehicle.create([{'plate': '豫A12345', 'kind': 'bus',
                    'seats': 30}])
        with self.assertRaisesRegex(ValidationError, 'in the future'), \
                savepoint():
            Disinfection.create([{'vehicle': vehicle.id,
                        'disinfected_at': future,
                        'disinfected_by': create_party("消毒员").id}])
        self.assertEqual(Turnover.search_count([]), 0)
        self.assertEqual(Disinfection.search_count([]), 0)

    @with_transaction()
    def test_reading_for_tomorrow(self):
        "A temperature reading dated tomorrow is refused"
        Monitoring = Pool().get('quarantine.monitoring')
        site = active_site(rooms=1)
        stay, = admit_residents(site, site.rooms)
        with self.assertRaisesRegex(ValidationError, 'in the future'), \
                savepoint():
            Monitoring.create([{'stay': stay.id,
                        'date': dt.date.today() + dt.timedelta(days=1),
                        'period': 'morning', 'temperature': 36}])
        self.assertEqual(Monitoring.search_count([]), 0)


class TextSizeTestCase(ActivatedTestCase):
    "Texts longer than their field are refused with trytond's message"

    @with_transaction()
    def test_long_name(self):
        "A 100,000-character name is refused, in English and in Chinese"
        pool = Pool()
        Party = pool.get('party.party')
        Translation = pool.get('ir.translation')
        # as trytond-admin -l zh_CN does: ir's, then the module's
        Translation.translation_import('zh_CN', 'ir', str(
                Path(backend.__file__).parents[1] / 'ir' / 'locale'
                / 'zh_CN.po'))
        load_translations('quarantine')
        count = Party.search_count([])
        with self.assertRaises(SizeValidationError) as en, savepoint():
            Party.create([{'name': 'x' * 100000}])
        self.assertIn('is too long (100000 > 100)', str(en.exception))
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(SizeValidationError) as zh, savepoint():
                Party.create([{'name': '名' * 100000}])
        self.assertIn('太长', str(zh.exception))
        self.assertIn('100000 > 100', str(zh.exception))
        self.assertEqual(Party.search_count([]), count)
        self.assertEqual(len(Party.create([{'name': '名' * 100}])), 1)

    @with_transaction()
    def test_long_reagent(self):
        "A reagent of 32,767 characters is refused; nothing is recorded"
        Sample = Pool().get('quarantine.sample')
        site = active_site(rooms=1)
        stay, = admit_residents(site, site.rooms)
        sample = stay.samples[0]
        with self.assertRaisesRegex(SizeValidationError,
                r'32767 > 100'), savepoint():
            Sample.record_results([sample], 'negative',
                reagent='r' * 32767)
        self.assertEqual(Sample(sample.id).result, 'pending')

    @with_transaction()
    def test_import_long_cells(self):
        "A too long name or reagent is refused on its row, shortened"
        pool = Pool()
        Import = pool.get('quarantine.sample.import', type='wizard')
        long_name = arrival(2, name='名' * 101)
        _, errors, _, _ = read_arrivals(
            xlsx(HEADER, [arrival(1), long_name]), TODAY)
        (error,) = errors
        self.assertEqual((error.row, error.column), (3, "姓名"))
        self.assertIn('is too long (101 > 100)', error.message)
        self.assertLess(len(error.message), 300)

        site = active_site(rooms=1)
        stay, = admit_residents(site, site.rooms)
        create_party("疾控中心")
        header = [title for _, title, _ in LAB_COLUMNS]
        data = xlsx(header, [[stay.samples[0].code, "", "阴性",
                    "疾控中心", 'r' * 32767, dt.datetime(2022, 5, 10, 8)]])
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        self.assertEqual(wizard.transition_import_(), 'errors')
        self.assertIn('32767 > 100', wizard.errors.summary)
        self.assertEqual(stay.samples[0].__class__(
                stay.samples[0].id).result, 'pending')


class UploadBoundsTestCase(ActivatedTestCase):
    """Uploads are bounded before they are parsed: bytes, unpacked bytes,
    the sheet's declared dimension and, when it lies, the rows read"""

    def assertRefused(self, data, text):
        seconds, message = refusal_time(data)
        self.assertIsNotNone(message, "accepted")
        self.assertIn(text, message)
        return seconds

    @with_transaction()
    def test_sparse_sheet_declared(self):
        "A 2 KB workbook declaring A1:XFD150000 is refused on its dimension"
        data = declared(xlsx(HEADER, [arrival(1)]), 'A1:XFD150000',
            far_cell=True)
        seconds = self.assertRefused(data, 'The sheet is too large: 150000 '
            'rows and 16384 columns')
        print(f"\nsparse A1:XFD150000 ({len(data)} bytes) refused in "
            f"{seconds:.3f} s")

    @with_transaction()
    def test_million_rows_declared(self):
        "A sheet declaring 1,000,000 rows is refused before reading them"
        data = declared(xlsx(HEADER, [arrival(1)]), 'A1:J1000000',
            far_cell=True)
        seconds = self.assertRefused(data, '1000000 rows')
        print(f"\n1,000,000 declared rows refused in {seconds:.3f} s")

    @with_transaction()
    def test_lying_dimension(self):
        """A sheet declaring A1:J2 but holding 45,000 rows is refused while
        it is read; one without a dimension too"""
        data = with_rows(declared(xlsx(HEADER, [arrival(1)]),
                'A1:J2'), 45000, start=3)
        seconds = self.assertRefused(data, 'more than 20000 rows')
        print(f"\nlying dimension A1:J2, 45,000 rows: refused in "
            f"{seconds:.3f} s")
        # a sparse sheet that declares A1:J2: its far cell is not reached
        sparse = rewrite_sheet(declared(xlsx(HEADER, [arrival(1)]),
                'A1:XFD150000', far_cell=True),
            lambda xml: xml.replace('A1:XFD150000', 'A1:J2', 1))
        seconds = self.assertRefused(sparse, 'The sheet is too large')
        print(f"\nsparse XFD150000 declaring A1:J2: refused in "
            f"{seconds:.3f} s")

        def drop_dimension(xml):
            start = xml.index('<dimension ')
            return xml[:start] + xml[xml.index('/>', start) + 2:]
        bare = rewrite_sheet(data, drop_dimension)
        self.assertRefused(bare, 'more than 20000 rows')
        # a dimension that says less than the sheet holds loses no row
        three = declared(xlsx(HEADER,
                [arrival(1), arrival(2), arrival(3)]), 'A1:A1')
        arrivals, errors, _, _ = read_arrivals(three, TODAY)
        self.assertEqual((len(arrivals), errors), (3, []))

    @with_transaction()
    def test_blank_rows_far_down(self):
        "Rows far below the list, past the rows a sheet may hold, refuse it"
        data = with_rows(xlsx(HEADER, [arrival(1)]), 1,
            start=900000)
        self.assertRefused(data, 'The sheet is too large')

    @with_transaction()
    def test_file_size(self):
        "A file bigger than the configured size is refused unread"
        data = xlsx(HEADER, [arrival(1)])
        with patch.object(sheet_module, 'upload_limits',
                return_value=(len(data) - 1, 10 ** 8)):
            self.assertRefused(data, 'The file is too large')
        self.assertRefused(b'x' * (10 * 1024 * 1024 + 1),
            'The file is too large: 10.0 MB')

    @with_transaction()
    def test_zip_bomb(self):
        "A workbook unpacking to more than the limit is refused unopened"
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('xl/worksheets/sheet1.xml',
                b'<' + b' ' * (101 * 1024 * 1024))
        data = stream.getvalue()
        self.assertLess(len(data), 1024 * 1024)
        self.assertRefused(data, 'The file is too large: 101.0 MB')

    @with_transaction()
    def test_wide_sheet_declared(self):
        "A sheet declaring more columns than the limit is refused"
        data = declared(xlsx(HEADER, [arrival(1)]), 'A1:CW2')
        self.assertRefused(data, '101 columns')
        arrivals, errors, _, _ = read_arrivals(
            declared(xlsx(HEADER, [arrival(1)]), 'A1:CV2'), TODAY)
        self.assertEqual((len(arrivals), errors), (1, []))



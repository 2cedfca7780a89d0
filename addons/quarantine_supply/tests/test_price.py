# This file is part of the quarantine_supply module.  See README.md.
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from trytond.model.exceptions import (
    DomainValidationError, SQLConstraintError)
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, load_translations, savepoint,
    xlsx)
from trytond.modules.quarantine_supply.price import (
    COLUMNS, read_prices, template_workbook)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_supply import norms, plan

HEADER = [title for _, title, _ in COLUMNS]
WEEK_AGO = TODAY - dt.timedelta(days=7)


def monitored(name, code=None, monitored=True):
    "A product in kilograms whose price is (or is not) monitored"
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    kilogram, = Uom.search([('symbol', '=', 'kg')])
    template, = Template.create([{'name': name, 'code': code,
                'type': 'goods', 'default_uom': kilogram.id,
                'price_monitored': monitored,
                'products': [('create', [{}])]}])
    return template.products[0]


def record(product, date, price, market=None):
    Price = Pool().get('quarantine.supply.price')
    price, = Price.create([{'product': product.id, 'date': date,
                'price': Decimal(str(price)), 'market': market}])
    return price


def workbook_bytes(rows, header=HEADER):
    return xlsx(header, rows)


class PriceTestCase(ActivatedTestCase):
    "Price watch of the necessities"
    module = 'quarantine_supply'

    def run_import(self, data):
        "Run the import wizard; return (next state, wizard)"
        Import = Pool().get('quarantine.supply.price.import', type='wizard')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.file = data
        return wizard.transition_import_(), wizard

    @with_transaction()
    def test_weekly_rise_and_grade_boundaries(self):
        "The rise is against the latest price a week before, per market"
        Price = Pool().get('quarantine.supply.price')
        rice = monitored("大米")
        cases = {
            # market: (price today, rise, grade)
            "A": ('11.99', 0.199, None),
            "B": ('12', 0.2, 'mild'),
            "C": ('14.99', 0.499, 'mild'),
            "D": ('15', 0.5, 'major'),
            "E": ('19.99', 0.999, 'major'),
            "F": ('20', 1.0, 'severe'),
            "G": ('9', -0.1, None),
            }
        today = {}
        for market, (price, _, _) in cases.items():
            record(rice, WEEK_AGO - dt.timedelta(days=3), 5, market)
            record(rice, WEEK_AGO, 10, market)
            # within the week: not the price a week before
            record(rice, WEEK_AGO + dt.timedelta(days=1), 30, market)
            today[market] = record(rice, TODAY, price, market)
        for market, (_, rise, grade) in cases.items():
            with self.subTest(market=market):
                price = Price(today[market].id)
                self.assertEqual(price.week_ago_price, Decimal('10'))
                self.assertAlmostEqual(price.weekly_rise, rise)
                self.assertEqual(price.grade, grade)
        first = Price(record(rice, TODAY, 12, "新市场").id)
        self.assertIsNone(first.week_ago_price)
        self.assertIsNone(first.weekly_rise)
        self.assertIsNone(first.grade)

    @with_transaction()
    def test_thresholds_from_configuration(self):
        "The grades follow the configured thresholds"
        pool = Pool()
        Price = pool.get('quarantine.supply.price')
        Configuration = pool.get('quarantine.configuration')
        rice = monitored("大米")
        record(rice, WEEK_AGO, 10)
        price = record(rice, TODAY, 11)
        self.assertIsNone(Price(price.id).grade)
        Configuration.write([Configuration(1)], {'price_mild_rise': 0.1})
        self.assertEqual(Price(price.id).grade, 'mild')
        with self.assertRaises(SQLConstraintError), savepoint():
            Configuration.write([Configuration(1)],
                {'price_major_rise': 0.05})
        self.assertEqual(Configuration(1).price_major_rise, 0.5)

    @with_transaction()
    def test_grade_searchers(self):
        "Prices and products are found by grade, the products by the latest"
        pool = Pool()
        Price = pool.get('quarantine.supply.price')
        Product = pool.get('product.product')
        rice, oil, salt = (monitored(n) for n in ["大米", "食用油", "食盐"])
        flour = monitored("面粉")
        record(rice, WEEK_AGO, 10)
        rice_today = record(rice, TODAY, 16)  # +60 %
        record(oil, WEEK_AGO - dt.timedelta(days=1), 10)
        oil_before = record(oil, TODAY - dt.timedelta(days=1), 25)  # +150 %
        oil_today = record(oil, TODAY, 12)  # +20 % on the price of day -7
        plain = record(salt, TODAY, 2)

        def found(domain):
            return set(Price.search(domain))
        self.assertEqual(found([('grade', '=', 'major')]), {rice_today})
        self.assertEqual(found([('grade', '=', 'severe')]), {oil_before})
        self.assertEqual(found([('grade', 'in', ['mild', 'severe'])]),
            {oil_before, oil_today})
        self.assertEqual(found([('grade', '!=', None)]),
            {rice_today, oil_before, oil_today})
        self.assertIn(plain, found([('grade', '=', None)]))
        self.assertNotIn(rice_today, found([('grade', '=', None)]))

        self.assertEqual(Product(oil.id).price_grade, 'mild')
        self.assertEqual(Product(rice.id).price_grade, 'major')
        self.assertIsNone(Product(salt.id).price_grade)
        self.assertEqual(Product.search([('price_grade', '=', 'mild')]),
            [oil])
        self.assertEqual(
            set(Product.search([('price_grade', '!=', None)])), {rice, oil})
        unpriced = Product.search([('price_grade', '=', None)])
        self.assertIn(flour, unpriced)
        self.assertIn(salt, unpriced)
        self.assertNotIn(rice, unpriced)

    @with_transaction()
    def test_plan_price_alert(self):
        "A plan warns of the products whose price rose by its date"
        Plan = Pool().get('quarantine.supply.plan')
        with set_company(create_company()):
            products = norms()
            grain, oil = products['Grain'].product, products['Edible Oil'].product
            for product in [grain, oil]:
                product.template.price_monitored = True
                product.template.save()
            site = active_site(rooms=2)
            record(grain, WEEK_AGO, 4)
            record(grain, TODAY, 6)  # +50 %
            record(oil, WEEK_AGO, 10)
            record(oil, TODAY + dt.timedelta(days=1), 30)  # after the plan
            current = plan(site, population=100)
            earlier = plan(site, population=100,
                date=TODAY - dt.timedelta(days=1))
            Plan.compute([current, earlier])
            self.assertTrue(current.price_alert)
            self.assertEqual(current.price_alert_products, "Grain (Major)")
            self.assertFalse(earlier.price_alert)
            self.assertIsNone(earlier.price_alert_products)
            later = plan(site, population=100,
                date=TODAY + dt.timedelta(days=1))
            Plan.compute([later])
            self.assertEqual(later.price_alert_products,
                "Edible Oil (Severe)、Grain (Major)")

    @with_transaction()
    def test_negative_or_repeated_price_refused(self):
        "A negative price, or a second one a day at a market, is refused"
        Price = Pool().get('quarantine.supply.price')
        rice = monitored("大米")
        with self.assertRaises(SQLConstraintError) as cm, savepoint():
            record(rice, TODAY, -1)
        self.assertIn("negative", str(cm.exception))
        self.assertEqual(Price.search_count([]), 0)
        record(rice, TODAY, 5)
        record(rice, TODAY, 5, "国光超市")
        for market in [None, "国光超市"]:
            with self.subTest(market=market):
                with self.assertRaises(SQLConstraintError), savepoint():
                    record(rice, TODAY, 6, market)
        self.assertEqual([p.price for p in Price.search([])],
            [Decimal('5'), Decimal('5')])

    @with_transaction()
    def test_unmonitored_product_refused(self):
        "Only a monitored product has prices"
        Price = Pool().get('quarantine.supply.price')
        soap = monitored("肥皂", monitored=False)
        with self.assertRaises(DomainValidationError), savepoint():
            record(soap, TODAY, 3)
        self.assertEqual(Price.search_count([]), 0)

    def test_template_has_the_columns(self):
        "The template's header is the one the import reads"
        workbook = load_workbook(io.BytesIO(template_workbook()))
        self.assertEqual([c.value for c in workbook.active[1]], HEADER)

    @with_transaction()
    def test_template_reads_back(self):
        "The template's example row is a valid price"
        monitored("大米")
        rows, errors, _, _ = read_prices(template_workbook())
        self.assertEqual(errors, [])
        self.assertEqual(rows[0].product.name, "大米")
        self.assertEqual(rows[0].price, Decimal('5.2'))

    @with_transaction()
    def test_import_bad_rows_reported_nothing_written(self):
        "Every bad row comes back with row, column and reason"
        Price = Pool().get('quarantine.supply.price')
        monitored("大米", code="R01")
        monitored("肥皂", monitored=False)
        monitored("面粉")
        monitored("面粉")
        data = workbook_bytes([
                [TODAY, "大米", 5.2, "国光超市"],  # good
                [TODAY, "白菜", 2, None],  # unknown product
                ["5月10日", "大米", 5, "苏尔玛"],  # bad date
                [TODAY, "大米", -1, "步步高"],  # negative
                [TODAY, "大米", "贵", "好又多"],  # not a number
                [TODAY, "R01", 5.3, "国光超市"],  # repeats row 2 by code
                [TODAY, "肥皂", 3, None],  # not monitored
                [TODAY, "面粉", 4, None],  # two products of that name
                [None, "大米", None, "铜锣湾"],  # date and price missing
                ])
        state, wizard = self.run_import(data)
        self.assertEqual(state, 'errors')
        self.assertEqual(Price.search_count([]), 0)
        self.assertIn("Nothing was imported: 8 rows", wizard.errors.summary)
        report = load_workbook(io.BytesIO(wizard.errors.report))
        details = {(row, column): message for row, column, message in
            report["错误明细"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(sorted(details), [
                (3, "物资"), (4, "日期"), (5, "价格"), (6, "价格"),
                (7, "物资"), (8, "物资"), (9, "物资"), (10, "价格"),
                (10, "日期")])
        self.assertIn("白菜", details[(3, "物资")])
        self.assertIn("5月10日", details[(4, "日期")])
        self.assertIn("negative", details[(5, "价格")])
        self.assertIn("not a number", details[(6, "价格")])
        self.assertIn("Row 2", details[(7, "物资")])
        self.assertIn("not price monitored", details[(8, "物资")])
        self.assertIn("use the code", details[(9, "物资")])

    @with_transaction()
    def test_import_then_again(self):
        "Importing the same sheet again adds nothing; a new price updates"
        Price = Pool().get('quarantine.supply.price')
        rice = monitored("大米", code="R01")
        oil = monitored("食用油")
        record(rice, WEEK_AGO, 4, "国光超市")
        rows = [
            [dt.datetime.combine(TODAY, dt.time()), "大米", 5.2, "国光超市"],
            ["2022-05-10", "R01", 5.1, None],
            [TODAY, "食用油", 12, "国光超市"],
            ]
        state, wizard = self.run_import(workbook_bytes(rows))
        self.assertEqual(state, 'open_')
        self.assertEqual(len(wizard.imported), 3)
        self.assertEqual(Price.search_count([]), 4)
        state, wizard = self.run_import(workbook_bytes(rows))
        self.assertEqual(state, 'open_')
        self.assertEqual(Price.search_count([]), 4)

        rows[0][2] = 6
        state, _ = self.run_import(workbook_bytes(rows))
        self.assertEqual(Price.search_count([]), 4)
        price, = Price.search([('product', '=', rice.id),
                ('date', '=', TODAY), ('market', '=', "国光超市")])
        self.assertEqual(price.price, Decimal('6'))
        self.assertEqual(price.grade, 'major')
        self.assertEqual(Price.search_count([('product', '=', oil.id)]), 1)

    @with_transaction()
    def test_daily_report(self):
        "The day's report lists each price with its rise and grade"
        Report = Pool().get('quarantine.supply.price.report', type='wizard')
        rice = monitored("大米")
        record(rice, WEEK_AGO, 10)
        record(rice, TODAY, 16)
        record(monitored("食盐"), TODAY - dt.timedelta(days=1), 2)
        session_id, _, _ = Report.create()
        wizard = Report(session_id)
        wizard.start.date = TODAY
        self.assertEqual(wizard.transition_export(), 'result')
        self.assertEqual(wizard.result.count, 1)
        sheet = load_workbook(io.BytesIO(wizard.result.file)).active
        self.assertIn(str(TODAY), sheet['A1'].value)
        row = [c.value for c in sheet[3]]
        self.assertEqual(row[1], "大米")
        self.assertEqual(row[4], 16)
        self.assertAlmostEqual(row[6], 0.6)
        self.assertEqual(row[7], "Major")

    @with_transaction()
    def test_price_report_incomplete_today(self):
        """The list of the monitored necessities the day's price report
        lacks (R L2684): one not priced today, one a market priced in the
        week and not today; the complete one and the unmonitored one are
        not listed"""
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        Product = pool.get('product.product')
        today = pool.get('ir.date').today()
        load_translations('quarantine_supply')
        rice, oil, salt = (monitored(n) for n in ["大米", "食用油", "食盐"])
        soap = monitored("肥皂", monitored=False)
        record(rice, today - dt.timedelta(days=7), 10, "国光超市")
        record(rice, today, 10.5, "国光超市")
        record(rice, today - dt.timedelta(days=3), 9.8, "苏尔玛超市")
        record(oil, today, 16.8, "国光超市")
        record(oil, today - dt.timedelta(days=8), 16.8, "苏尔玛超市")
        record(salt, today - dt.timedelta(days=1), 2)
        with Transaction().set_context(language='zh_CN'):
            action = ActWindow(ModelData.get_id(
                    'quarantine_supply', 'act_price_report_incomplete'))
            domain = PYSONDecoder({}).decode(action.pyson_domain)
            self.assertEqual(action.name, "今日价格未报齐品种")
            listed = Product.search(domain, order=[('id', 'ASC')])
            self.assertEqual(listed, [rice, salt])
            rows = Product.read([p.id for p in listed],
                ['price_reported', 'price_missing_markets'])
            self.assertEqual([(r['price_reported'],
                        r['price_missing_markets']) for r in rows],
                [(True, "苏尔玛超市"), (False, "全市")])
        # oil: 苏尔玛超市's price is older than a week; soap unmonitored
        self.assertEqual(Product.read([oil.id, soap.id],
                ['price_report_incomplete']), [
                {'id': oil.id, 'price_report_incomplete': False},
                {'id': soap.id, 'price_report_incomplete': False}])
        self.assertEqual(Product.search(
                [('price_report_incomplete', '=', False),
                    ('id', 'in', [rice.id, oil.id, salt.id, soap.id])],
                order=[('id', 'ASC')]), [oil, soap])
        # the missing price in, the list is empty
        record(rice, today, 9.9, "苏尔玛超市")
        record(salt, today, 2)
        self.assertEqual(Product.search(domain), [])

    @with_transaction()
    def test_daily_report_from_site(self):
        "Launched from a site, the report still proposes today, no site"
        Report = Pool().get('quarantine.supply.price.report', type='wizard')
        site = active_site(rooms=2)
        with Transaction().set_context(active_model='quarantine.site',
                active_id=site.id, active_ids=[site.id]):
            session_id, _, _ = Report.create()
            wizard = Report(session_id)
            self.assertEqual(wizard.default_start(['date']),
                {'date': Pool().get('ir.date').today()})

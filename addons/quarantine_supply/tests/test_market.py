# This file is part of the quarantine_supply module.  See README.md.
"""Market anomaly levels, their responses and the daily supply survey
(Ruijin, R L2664–2732)"""
import datetime as dt
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, load_translations, savepoint)
from trytond.modules.quarantine_supply.market import market_level
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_price import monitored
from .test_supply import contract, norms

WEEK_AGO = TODAY - dt.timedelta(days=7)


def township(name):
    Area = Pool().get('quarantine.area')
    area, = Area.create([{'name': name, 'population': 50000}])
    return area


def rise(product, township, before, today, market=None):
    "The product's price a week ago and today at a market of the township"
    Price = Pool().get('quarantine.supply.price')
    market = market or f"{township.name}市场"
    Price.create([{'product': product.id, 'date': date,
                'price': Decimal(price), 'market': market,
                'township': township.id}
            for date, price in [(WEEK_AGO, before), (TODAY, today)]])


def incident(kind, township, product=None, start=TODAY, end=None):
    Incident = Pool().get('quarantine.supply.market.incident')
    record, = Incident.create([{'kind': kind, 'township': township.id,
                'product': product.id if product else None,
                'start_date': start, 'end_date': end}])
    return record


def open_response(date=TODAY):
    Response = Pool().get('quarantine.supply.market.response')
    response, = Response.create([{'date': date}])
    Response.open([response])
    return Response(response.id)


class MarketTestCase(ActivatedTestCase):
    "Market anomaly levels and their responses"
    module = 'quarantine_supply'

    def assertTasks(self, response, expected):
        "The response's tasks: (owner, hours after the opening or None)"
        self.assertEqual([(t.owner, (t.deadline - response.opened_at
                        ).total_seconds() / 3600 if t.deadline else None)
                for t in response.tasks], expected)
        self.assertFalse(any(t.done for t in response.tasks))

    @with_transaction()
    def test_mild(self):
        """Vegetables up 25 % over a week and rush buying, both in one
        township: mild; the commerce bureau coordinates the suppliers"""
        load_translations('quarantine_supply')
        xianghu = township("象湖镇")
        vegetables = monitored("蔬菜")
        rise(vegetables, xianghu, '4.00', '5.00')
        incident('rush', xianghu)
        result = market_level(TODAY)
        self.assertEqual(result.level, 'mild')
        self.assertEqual(result.townships, ["象湖镇"])
        self.assertEqual(len(result.triggers), 3)
        self.assertIn("25%", result.triggers[0])

        # each trigger alone reaches the level: rush buying without a rise
        self.assertEqual(market_level(TODAY + dt.timedelta(days=1)).level,
            'mild')
        # and nothing the day before the rush and the rise
        self.assertIsNone(
            market_level(TODAY - dt.timedelta(days=1)).level)

        with Transaction().set_context(language='zh_CN'):
            response = open_response()
        self.assertEqual(response.state, 'open')
        self.assertEqual(response.level, 'mild')
        self.assertIn("象湖镇", response.triggers)
        self.assertTasks(response, [
                ("市商务局", None), ("市市场监管局", None),
                ("市交通运输局", None)])
        self.assertIn("协调保供企业增加生活必需品供应",
            response.tasks[0].description)

    @with_transaction()
    def test_major(self):
        """Meat up 50 % in one township and eggs out of stock for a week in
        another: major; the transit hub's staff in 6 h, vehicles in 12 h"""
        xianghu, ruilin = township("象湖镇"), township("瑞林镇")
        meat, eggs = monitored("肉类"), monitored("鸡蛋")
        rise(meat, xianghu, '20.00', '30.00')
        stock_out = incident('out', ruilin, eggs, start=WEEK_AGO)
        result = market_level(TODAY)
        self.assertEqual(result.level, 'major')
        self.assertEqual(result.townships, ["瑞林镇", "象湖镇"])

        # six days out of stock is only a shortage, and a 49 % rise mild;
        # the two townships alone still make it major
        Incident = Pool().get('quarantine.supply.market.incident')
        Price = Pool().get('quarantine.supply.price')
        Incident.write([stock_out], {
                'start_date': TODAY - dt.timedelta(days=6)})
        meat_today, = Price.search([('date', '=', TODAY)])
        Price.write([meat_today], {'price': Decimal('29.80')})
        self.assertEqual(market_level(TODAY).level, 'major')
        Incident.write([stock_out], {'end_date': TODAY - dt.timedelta(
                    days=1)})
        self.assertEqual(market_level(TODAY).level, 'mild')
        Incident.write([stock_out], {'end_date': None,
                'start_date': WEEK_AGO})
        Price.write([meat_today], {'price': Decimal('30.00')})

        response = open_response()
        self.assertEqual(response.level, 'major')
        self.assertTasks(response, [
                ("City Development and Reform Commission", 6),
                ("Gan-Min Trade Logistics Park (transit hub)", 12),
                ("City Commerce Bureau", None),
                ("City Transport Bureau", None),
                ("City Agriculture and Rural Affairs Bureau", None)])
        self.assertIn("Gan-Min Trade Logistics Park",
            response.tasks[0].description)

    @with_transaction()
    def test_severe(self):
        """A necessity out of stock for more than a week, grain doubled and
        anomalies in three townships: severe; price caps and rationing
        proposed, strategic transport within 30 minutes"""
        pool = Pool()
        Response = pool.get('quarantine.supply.market.response')
        Incident = pool.get('quarantine.supply.market.incident')
        xianghu, ruilin, yeping = (township("象湖镇"), township("瑞林镇"),
            township("叶坪乡"))
        grain, oil, salt = monitored("粮食"), monitored("食用油"), monitored(
            "食盐")
        # each trigger alone is severe
        out = incident('out', xianghu, salt,
            start=WEEK_AGO - dt.timedelta(days=1))
        self.assertEqual(market_level(TODAY).level, 'severe')
        Incident.delete([out])
        rise(grain, xianghu, '5.00', '10.00')
        self.assertEqual(market_level(TODAY).level, 'severe')
        Pool().get('quarantine.supply.price').delete(
            Pool().get('quarantine.supply.price').search([]))
        # mild rises (20 %) in three townships
        for area, product in [(xianghu, grain), (ruilin, oil)]:
            rise(product, area, '10.00', '12.00')
        self.assertEqual(market_level(TODAY).level, 'major')
        incident('short', yeping, salt)
        result = market_level(TODAY)
        self.assertEqual(result.level, 'severe')
        self.assertEqual(len(result.townships), 3)

        # the scheduler opens the response once while it is open
        response = Response.open_automatically(TODAY)
        self.assertEqual(response.level, 'severe')
        self.assertEqual(response.state, 'open')
        self.assertTasks(response, [
                ("City Development and Reform Commission", None),
                ("City Commerce Bureau", None),
                ("City Transport Bureau", 0.5),
                ("City Agriculture and Rural Affairs Bureau", None),
                ("City Industry and Information Technology Bureau", None),
                ("Ruijin Post Office", None),
                ("City Finance Bureau", None)])
        self.assertIn("maximum market prices", response.tasks[0].description)
        self.assertIsNone(Response.open_automatically(TODAY))
        self.assertEqual(Response.search_count([]), 1)

        # nor by hand: the refusal in Chinese, nothing added
        load_translations('quarantine_supply')
        tasks = pool.get('quarantine.supply.market.response.task'
            ).search_count([])
        second, = Response.create([{'date': TODAY}])
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(UserError) as cm:
                Response.open([second])
        self.assertIn("已有同一等级的应急响应在进行中", str(cm.exception))
        self.assertEqual(pool.get('quarantine.supply.market.response.task'
                ).search_count([]), tasks)
        self.assertEqual(Response(second.id).state, 'draft')

        # once closed, the next one opens; an open one is not deleted
        with self.assertRaises(UserError):
            Response.delete([response])
        Response.close([response])
        self.assertIsNotNone(Response(response.id).closed_at)
        self.assertEqual(Response.open_automatically(TODAY).level, 'severe')

    @with_transaction()
    def test_no_anomaly_refused(self):
        "No trigger reached: no response, the refusal in Chinese"
        Response = Pool().get('quarantine.supply.market.response')
        load_translations('quarantine_supply')
        rice = monitored("大米")
        rise(rice, township("象湖镇"), '10.00', '11.99')
        response, = Response.create([{'date': TODAY}])
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(UserError) as cm:
                Response.open([response])
        self.assertIn("当日未达到任何异常波动等级", str(cm.exception))
        self.assertEqual(Response(response.id).state, 'draft')
        self.assertFalse(Response(response.id).tasks)
        self.assertIsNone(Response.open_automatically(TODAY))

    @with_transaction()
    def test_incident_refusals(self):
        "A stock-out names its product and does not start in the future"
        Incident = Pool().get('quarantine.supply.market.incident')
        load_translations('quarantine_supply')
        area = township("象湖镇")
        Transaction().commit()
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(UserError) as cm, savepoint():
                Incident.create([{'kind': 'rush', 'township': area.id,
                            'start_date': dt.date.today()
                            + dt.timedelta(days=1)}])
            self.assertIn("开始日期不能晚于今天", str(cm.exception))
            with self.assertRaises(UserError) as cm, savepoint():
                Incident.create([{'kind': 'out', 'township': area.id,
                            'start_date': TODAY}])
            self.assertIn("物资", str(cm.exception))
        if backend.name != 'sqlite':
            self.assertEqual(Incident.search_count([]), 0)


class SurveyTestCase(ActivatedTestCase):
    "The daily supply survey of the contracted suppliers"
    module = 'quarantine_supply'

    @with_transaction()
    def test_zero_report_and_missing(self):
        """A supplier with nothing to report submits a zero report; the
        suppliers who have not reported today are listed"""
        pool = Pool()
        Survey = pool.get('quarantine.supply.survey')
        Contract = pool.get('quarantine.supply.contract')
        Configuration = pool.get('quarantine.configuration')
        today = pool.get('ir.date').today()
        rice = norms()["Grain"].product
        guoguang = contract("国光超市", [rice])
        tianxiang = contract("甜香粮油", [rice])
        mine = [('id', 'in', [guoguang.id, tianxiang.id])]
        self.assertEqual(
            {c.id for c in Contract.search(
                    [('survey_missing', '=', True)] + mine)},
            {guoguang.id, tianxiang.id})
        self.assertLessEqual({guoguang, tianxiang},
            set(Survey.missing(today)))

        # a deadline already passed: the report is late
        Configuration.write([Configuration(1)], {'survey_hour': 0})
        zero, = Survey.create([{'contract': tianxiang.id, 'date': today,
                    'zero': True}])
        self.assertTrue(zero.late)
        self.assertIsNotNone(zero.submitted_at)
        # a report of tomorrow's deadline is on time
        Configuration.write([Configuration(1)], {'survey_hour': 23})
        figures, = Survey.create([{'contract': guoguang.id,
                    'date': today - dt.timedelta(days=1), 'lines': [
                        ('create', [{'product': rice.id,
                                    'unit': rice.default_uom.id,
                                    'production': 0, 'inflow': 12.5,
                                    'stock': 79.32, 'sales': 11.3}])]}])
        self.assertTrue(figures.late)
        self.assertIn(guoguang, Survey.missing(today))
        self.assertNotIn(tianxiang, Survey.missing(today))
        self.assertEqual(
            Contract.search([('survey_missing', '=', True)] + mine),
            [guoguang])
        self.assertEqual(
            Contract.search([('survey_missing', '=', False)] + mine),
            [tianxiang])
        self.assertEqual(Contract(guoguang.id).survey_missing, True)
        self.assertEqual(Contract(tianxiang.id).survey_missing, False)

    @with_transaction()
    def test_survey_refusals(self):
        """A zero report with figures, negative quantities, a day after
        today, a report without figures: refused in Chinese, nothing
        saved"""
        pool = Pool()
        Survey = pool.get('quarantine.supply.survey')
        load_translations('quarantine_supply')
        today = pool.get('ir.date').today()
        rice = norms()["Grain"].product
        supplier = contract("国光超市", [rice])
        Transaction().commit()

        def line(**values):
            return dict({'product': rice.id, 'unit': rice.default_uom.id,
                    'stock': 1}, **values)
        cases = [
            ({'zero': True, 'lines': [('create', [line()])]},
                "为零报告，不能填写数据"),
            ({'lines': []}, "没有数据：请填写数据或标为零报告"),
            ({'date': today + dt.timedelta(days=1), 'zero': True},
                "的日期不能晚于今天"),
            ({'lines': [('create', [line(sales=-1)])]},
                "不能为负数"),
            ]
        for values, message in cases:
            with self.subTest(message=message):
                with Transaction().set_context(language='zh_CN'):
                    with self.assertRaises(
                            (UserError, SQLConstraintError)) as cm, \
                            savepoint():
                        Survey.create([dict({'contract': supplier.id,
                                        'date': today}, **values)])
                self.assertIn(message, str(cm.exception))
                if backend.name != 'sqlite':
                    self.assertEqual(Survey.search_count([]), 0)
        Survey.create([{'contract': supplier.id, 'date': today,
                    'zero': True}])
        self.assertEqual(Survey.search_count([]), 1)


class PriceTownshipTestCase(ActivatedTestCase):
    "The township of the imported prices"
    module = 'quarantine_supply'

    @with_transaction()
    def test_import_township(self):
        """The price sheet's 乡镇 column names the township by name or
        code; an unknown one is reported and nothing imported; the rise
        there counts for the market level"""
        from .test_price import workbook_bytes
        Price = Pool().get('quarantine.supply.price')
        Import = Pool().get('quarantine.supply.price.import', type='wizard')
        xianghu = township("象湖镇")
        Pool().get('quarantine.area').write([xianghu], {'code': 'XH'})
        monitored("蔬菜")

        def run(rows):
            session_id, _, _ = Import.create()
            wizard = Import(session_id)
            wizard.start.file = workbook_bytes(rows)
            return wizard.transition_import_(), wizard
        state, wizard = run([[WEEK_AGO, "蔬菜", 4, "国光超市", "象湖镇"],
                [TODAY, "蔬菜", 5, "国光超市", "火星镇"]])
        self.assertEqual(state, 'errors')
        self.assertEqual(Price.search_count([]), 0)
        state, _ = run([[WEEK_AGO, "蔬菜", 4, "国光超市", "象湖镇"],
                [TODAY, "蔬菜", 5, "国光超市", "XH"]])
        self.assertEqual(state, 'open_')
        self.assertEqual({p.township for p in Price.search([])}, {xianghu})
        result = market_level(TODAY)
        self.assertEqual((result.level, result.townships),
            ('mild', ["象湖镇"]))
        # a sheet without the column keeps the township
        state, _ = run([[TODAY, "蔬菜", 6, "国光超市"]])
        price, = Price.search([('date', '=', TODAY)])
        self.assertEqual((price.price, price.township), (Decimal(6), xianghu))

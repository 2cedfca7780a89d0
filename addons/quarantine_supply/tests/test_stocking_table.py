# This file is part of the quarantine_supply module.  See README.md.
"""Ruijin's stocking table (附件1 各保供企业生活必需品储存指导计划)
reproduced cell for cell: the demo's suppliers and norms imported as the
demo imports them, a plan of the population served for 7 days, its PDF and
workbook against the table transcribed from the seed."""
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.test_release import pdf_text
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, load_translations)
from trytond.modules.quarantine_supply.supplier_import import (
    NORM_COLUMNS, SUPPLIER_COLUMNS, import_norms, import_suppliers,
    read_norms, read_suppliers)
from trytond.modules.quarantine_supply.tests.test_supply import (
    contract, norms, plan, workbook)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

DEMO = Path(__file__).resolve().parents[3] / 'data' / 'demo_city'
# the seed's column order; the last two are unnamed in the seed (see
# ruijin_stocking_table.csv)
PRODUCTS = ["粮食", "面条", "食用油", "肉类", "鸡蛋", "蔬菜", "方便面", "糖",
    "盐"]


def demo_rows(name):
    "The rows of a demo file, its comment lines left out"
    with open(DEMO / name, encoding='utf-8', newline='') as f:
        return list(csv.DictReader(l for l in f if not l.startswith('#')))


def seed_table():
    "{supermarket: (population, [tonnes of PRODUCTS])} of the seed"
    return {row['企业名称']: (int(row['保障人数']),
            [float(row[p]) for p in PRODUCTS])
        for row in demo_rows('ruijin_stocking_table.csv')}


def number(value):
    return float(value) if re.fullmatch(r'\d+(\.\d+)?', value) else value


class StockingTableTestCase(ActivatedTestCase):
    "Ruijin's stocking table from the population each supplier serves"
    module = 'quarantine_supply'

    def ruijin(self):
        """The demo's norms and suppliers imported through the sheets, the
        contracts carrying what suppliers.csv says with norms.csv's
        minimums, active; return the contracts"""
        Contract = Pool().get('quarantine.supply.contract')
        load_translations('quarantine_supply')
        rows = [[number(r[t]) for _, t, _ in NORM_COLUMNS]
            for r in demo_rows('norms.csv')]
        read, errors, _, _ = read_norms(workbook(NORM_COLUMNS, rows))
        self.assertEqual(errors, [])
        import_norms(read)
        rows = [[number(r[t]) for _, t, _ in SUPPLIER_COLUMNS]
            for r in demo_rows('suppliers.csv')]
        read, errors, _, _ = read_suppliers(workbook(SUPPLIER_COLUMNS, rows))
        self.assertEqual(errors, [])
        contracts = import_suppliers(read)
        with Transaction().set_context(language='zh_CN'):
            products = {n.product.name: n.product for n in Pool().get(
                    'quarantine.supply.norm').search([])}
        minimums = {r['物资']: (float(r['超市起订量']), float(r['企业起订量']))
            for r in demo_rows('norms.csv')}
        carried = {r['供应单位']: r['供应品种'].split('、')
            for r in demo_rows('suppliers.csv')}
        for supply in contracts:
            supermarket = supply.kind == 'supermarket'
            supply.start_date = TODAY - dt.timedelta(days=30)
            supply.lines = [{
                    'product': products[name].id,
                    'unit': products[name].default_uom.id,
                    'daily_capacity': 5000,
                    'unit_price': Decimal('9.5'),
                    'minimum_quantity': minimums[name][
                        0 if supermarket else 1],
                    } for name in carried[supply.supplier.name]]
        Contract.save(contracts)
        Contract.activate(contracts)
        return contracts

    def emergency_store(self):
        "红土地物流园, the city's emergency store (R L2827)"
        Location = Pool().get('stock.location')
        storage, = Location.create([{'name': "红土地物流园仓储点",
                    'type': 'storage'}])
        warehouse, = Location.create([{'name': "红土地物流园仓储点",
                    'type': 'warehouse', 'input_location': storage.id,
                    'output_location': storage.id,
                    'storage_location': storage.id}])
        Location.write([storage], {'parent': warehouse.id})
        return warehouse

    def served_plan(self, warehouse, reserve_days=7):
        Plan = Pool().get('quarantine.supply.plan')
        record, = Plan.create([{'scope': 'sites',
                    'population_source': 'served',
                    'reserve_days': reserve_days,
                    'warehouse': warehouse.id}])
        Plan.compute([record])
        return record

    @with_transaction()
    def test_ruijin_table_cell_for_cell(self):
        """The demo's suppliers and norms, 7 days of the population each
        supermarket serves: every cell of the seed's table within 0.01 t,
        in the PDF and in the workbook, laid out as 附件1"""
        pool = Pool()
        Guidance = pool.get('quarantine.supply.plan.guidance', type='report')
        Sheet = pool.get('quarantine.supply.plan.sheet', type='report')
        expected = seed_table()
        communities = {}
        for row in demo_rows('suppliers.csv'):
            if row['社区/村']:
                communities.setdefault(row['供应单位'], []).append(
                    row['社区/村'])
        with set_company(create_company()), \
                Transaction().set_context(language='zh_CN'):
            self.ruijin()
            record = self.served_plan(self.emergency_store())
            self.assertEqual(record.state, 'computed')
            self.assertEqual(record.population, 195364)
            self.assertEqual(record.population,
                sum(p for p, _ in expected.values()))
            # the producers serve no community: their contracts stay out
            self.assertEqual({l.supplier.name for l in record.lines},
                set(expected))

            _, content, _, _ = Guidance.execute([record.id], {})
            text = pdf_text(content)
            self.assertIn("保障人数：195364 人", text)
            self.assertIn("储备天数：7 天", text)
            for label in ["序号", "企业名称", "保障社区"] + [
                    f"{p}(吨)" for p in PRODUCTS]:
                self.assertIn(label, text)
            for name, (population, cells) in expected.items():
                self.assertIn(name, text)
                numbers = [float(t) for t in text[text.index(name)
                            + len(name):].split()
                    if re.fullmatch(r'\d+(\.\d+)?', t)][:10]
                self.assertEqual(numbers[0], population, name)
                for product, printed, seed in zip(
                        PRODUCTS, numbers[1:], cells):
                    self.assertAlmostEqual(printed, seed, delta=0.01,
                        msg=f"{name} {product}")
            total = text[text.index("合计"):].split()
            self.assertEqual(total[1], "195364")
            for product, printed, column in zip(PRODUCTS, total[2:11],
                    zip(*(c for _, c in expected.values()))):
                # eight cells rounded to 0.01 t each in the seed
                self.assertAlmostEqual(float(printed), sum(column),
                    delta=0.04, msg=product)

            _, content, _, _ = Sheet.execute([record.id], {})
            table = load_workbook(io.BytesIO(content)).worksheets[0]
            header = [c.value for c in table[2]]
            self.assertEqual(header, ["序号", "企业名称", "保障社区", "保障人数"]
                + [f"{p}(吨)" for p in PRODUCTS])
            rows = list(table.iter_rows(min_row=3, values_only=True))
            self.assertEqual([r[1] for r in rows],
                list(expected) + ["合计"])
            for index, row in enumerate(rows[:-1], 1):
                population, cells = expected[row[1]]
                self.assertEqual(row[0], index)
                self.assertEqual(row[2], '、'.join(communities[row[1]]))
                self.assertEqual(row[3], population)
                for product, value, seed in zip(PRODUCTS, row[4:], cells):
                    self.assertAlmostEqual(value, seed, delta=0.01,
                        msg=f"{row[1]} {product}")
            self.assertEqual(rows[-1][3], 195364)

    @with_transaction()
    def test_served_plan_orders_each_supermarket_its_rows(self):
        """Confirmed, the plan orders from each supermarket its row,
        delivered to the emergency store; the reserve days of a new plan
        stay 15 (Chongqing)"""
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        Uom = pool.get('product.uom')
        expected = seed_table()
        self.assertEqual(Plan.default_reserve_days(), 15)
        with set_company(create_company()), \
                Transaction().set_context(language='zh_CN'):
            self.ruijin()
            store = self.emergency_store()
            record = self.served_plan(store)
            Plan.confirm([record])
            self.assertEqual(len(record.purchases), 8)
            for purchase in record.purchases:
                self.assertEqual(purchase.warehouse, store)
                self.assertEqual(purchase.state, 'processing')
                _, cells = expected[purchase.party.name]
                ordered = {l.product.name: Uom.compute_qty(l.unit,
                        l.quantity, l.product.default_uom)
                    for l in purchase.lines}
                for product, seed in zip(PRODUCTS, cells):
                    self.assertAlmostEqual(ordered[product] / 1000, seed,
                        delta=0.01, msg=f"{purchase.party.name} {product}")

    @with_transaction()
    def test_served_plan_of_a_site_and_the_people_no_one_serves(self):
        """A site's plan of the population served asks each supplier
        serving the site for its own people; a product only one of them
        carries leaves the others' people without contract, and confirming
        names it"""
        Plan = Pool().get('quarantine.supply.plan')
        shipped = norms()
        with set_company(create_company()):
            site = active_site(rooms=2)
            everything = [n.product for n in shipped.values()]
            contract("国光超市", everything,
                communities=[("解放路社区", 7239), ("绵江社区", 13965),
                    ("红都大道社区", 7123)])
            contract("君和超市", [n.product for name, n in shipped.items()
                    if name != 'Salt'],
                communities=[("竹岗村", 3059), ("金星村", 4770),
                    ("九天社区", 2882), ("瑞明村", 4325)])
            # serving another site only: not counted
            contract("苏尔玛超市", everything, sites=[active_site(
                        code='S2', rooms=1)],
                communities=[("河背街社区", 4019)])
            record = plan(site, population_source='served', reserve_days=7)
            Plan.compute([record])
            self.assertEqual(record.population, 28327 + 15036)
            rows = {(l.product.name, l.supplier.name if l.supplier else None):
                (l.population, l.required) for l in record.lines}
            self.assertEqual(rows[('Grain', "国光超市")], (28327, 79315.6))
            self.assertEqual(rows[('Grain', "君和超市")], (15036, 42100.8))
            self.assertEqual(rows[('Salt', "国光超市")], (28327, 2379.47))
            # 君和超市 carries no salt: its 15,036 people's stays uncovered
            self.assertEqual(rows[('Salt', None)], (15036, 1263.02))
            with self.assertRaises(UserError) as cm:
                Plan.confirm([record])
            self.assertIn("Salt", str(cm.exception))
            self.assertEqual((record.state, record.purchases),
                ('computed', ()))

    @with_transaction()
    def test_served_plan_without_communities_refused(self):
        "No supplier serving a community: refused, the plan unchanged"
        Plan = Pool().get('quarantine.supply.plan')
        with set_company(create_company()):
            site = active_site(rooms=2)
            contract("甜香", [norms()['Grain'].product], kind='grain_oil')
            record = plan(site, population_source='served')
            with self.assertRaises(UserError) as cm:
                Plan.compute([record])
            self.assertIn("no supplier in force", str(cm.exception))
            self.assertIn(record.rec_name, str(cm.exception))
            self.assertEqual((record.state, record.lines,
                    record.population), ('draft', (), 0))


del ActivatedTestCase

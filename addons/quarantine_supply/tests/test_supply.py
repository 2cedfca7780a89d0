# This file is part of the quarantine_supply module.  See README.md.
import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    RequiredValidationError, SQLConstraintError)
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.excel import save
from trytond.modules.quarantine_supply.price import (
    COLUMNS as PRICE_COLUMNS, read_prices)
from trytond.modules.quarantine_supply.supplier_import import (
    NORM_COLUMNS, SUPPLIER_COLUMNS, import_norms, import_suppliers,
    read_norms, read_suppliers)
from trytond.modules.quarantine.tests.tools import (
    TODAY, ActivatedTestCase, active_site, admit_residents, create_party,
    savepoint)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def workbook(columns, rows):
    "The bytes of a sheet with the columns' titles and rows"
    book = Workbook()
    book.active.append([title for _, title, _ in columns])
    for row in rows:
        book.active.append(row)
    return save(book)


def norms():
    "The shipped norms by product name"
    Norm = Pool().get('quarantine.supply.norm')
    return {n.product.name: n for n in Norm.search([])}


def contract(name, products, capacity=100, price='5', sites=(),
        kind='supermarket', communities=(), minimum=0):
    """An active contract of a new supplier, with an address, for products
    and serving the communities, (name, population) pairs"""
    pool = Pool()
    Contract = pool.get('quarantine.supply.contract')
    Party = pool.get('party.party')
    supplier, = Party.create([{'name': name,
                'addresses': [('create', [{
                                'city': "瑞金市", 'street': f"{name}路1号"}])],
                }])
    contract, = Contract.create([{
                'supplier': supplier.id, 'kind': kind, 'trucks': 5,
                'lead_days': 1, 'start_date': TODAY - dt.timedelta(days=10),
                'sites': [('add', [s.id for s in sites])],
                'communities': [('create', [{'name': n, 'population': p}
                            for n, p in communities])],
                'lines': [('create', [{
                                'product': p.id,
                                'unit': p.default_uom.id,
                                'daily_capacity': capacity,
                                'unit_price': Decimal(price),
                                'minimum_quantity': minimum,
                                } for p in products])],
                }])
    Contract.activate([contract])
    return contract


def plan(site=None, population=None, reserve_days=15, **values):
    Plan = Pool().get('quarantine.supply.plan')
    if population is not None:
        values.update(population_source='typed', population=population)
    plan, = Plan.create([dict({
                    'date': TODAY, 'scope': 'site',
                    'site': site.id if site else None,
                    'reserve_days': reserve_days,
                    }, **values)])
    return plan


def truck(supplier, number=1, **values):
    "A truck of the supplier's fleet"
    Vehicle = Pool().get('quarantine.vehicle')
    truck, = Vehicle.create([dict({
                    'kind': 'truck', 'seats': 0, 'number': number,
                    'plate': f'赣B{number:05d}',
                    'supplier': supplier.id if supplier else None,
                    }, **values)])
    return truck


def driver_with_test(name="刘师傅", hours_ago=5, result='negative'):
    DriverTest = Pool().get('quarantine.supply.driver_test')
    driver = create_party(name)
    DriverTest.create([{'driver': driver.id, 'result': result,
                'tested_at': dt.datetime.now() - dt.timedelta(
                    hours=hours_ago)}])
    return driver


def warehouse_dispatch(sites, quantity=50, received=None):
    "A loaded dispatch of grain from a city warehouse to sites"
    pool = Pool()
    Dispatch = pool.get('quarantine.supply.dispatch')
    Location = pool.get('stock.location')
    grain = norms()['Grain'].product
    city, = Location.search([('code', '=', 'WH')])
    stock(city, grain, 1000)
    supply = contract("Storage", [grain], kind='storage')
    dispatch, = Dispatch.create([{
                'contract': supply.id, 'site': sites[0].id,
                'from_warehouse': city.id,
                'handover_point': "东门",
                'lines': [('create', [{
                                'site': s.id, 'product': grain.id,
                                'unit': grain.default_uom.id,
                                'quantity': quantity,
                                'received_quantity': received,
                                } for s in sites])],
                }])
    return dispatch, grain, city


def stock(warehouse, product, quantity):
    "Put quantity of product in warehouse by an inventory-like move"
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    lost, = Location.search([('type', '=', 'lost_found')], limit=1)
    move, = Move.create([{
                'product': product.id, 'unit': product.default_uom.id,
                'quantity': quantity, 'from_location': lost.id,
                'to_location': warehouse.storage_location.id,
                'company': Pool().get('company.company').search([])[0].id,
                'effective_date': TODAY,
                }])
    Move.do([move])


def quantity(warehouse, product):
    "What the warehouse has of product today"
    Product = Pool().get('product.product')
    with Transaction().set_context(stock_date_end=dt.date.today()):
        return Product.products_by_location([warehouse.id],
            with_childs=True, grouping_filter=([product.id],)).get(
                (warehouse.id, product.id), 0)


class SupplyTestCase(ActivatedTestCase):
    "Supplies of the isolation sites"
    module = 'quarantine_supply'

    def company(self):
        return set_company(create_company())

    @with_transaction()
    def test_site_gets_warehouse(self):
        "A new site has its own warehouse receiving into its storage"
        site = active_site(rooms=2)
        self.assertEqual(site.warehouse.type, 'warehouse')
        self.assertEqual(site.warehouse.input_location,
            site.warehouse.storage_location)
        self.assertEqual(site.warehouse.storage_location.parent,
            site.warehouse)

    @with_transaction()
    def test_plan_typed_population_split_by_capacity(self):
        "A typed population is shared among the suppliers by capacity"
        with self.company():
            grain = norms()['Grain'].product
            site = active_site(rooms=2)
            contract("A", [grain], capacity=100)
            contract("B", [grain], capacity=300)
            stock(site.warehouse, grain, 100)
            record = plan(site, population=1000, reserve_days=15)
            Plan = Pool().get('quarantine.supply.plan')
            Plan.compute([record])
            lines = {l.supplier.name: l for l in record.lines
                if l.product == grain}
            # 1000 persons x 0.4 kg x 15 days = 6000 kg, 100 on hand
            self.assertEqual(lines['A'].required + lines['B'].required, 6000)
            self.assertEqual(lines['A'].to_order, 1475)
            self.assertEqual(lines['B'].to_order, 4425)
            self.assertEqual(lines['A'].on_hand + lines['B'].on_hand, 100)

    @with_transaction()
    def test_plan_forecast_from_residents(self):
        "The forecast counts the person-days of the residents"
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        with self.company():
            site = active_site(rooms=4)
            admit_residents(site, site.rooms[:3])
            record = plan(site, date=TODAY, reserve_days=15)
            Plan.compute([record])
            # exposure TODAY - 2: day 14 is TODAY + 11, fed 12 days each
            self.assertEqual(record.current_residents, 3)
            self.assertEqual(record.forecast_releases, 3)
            self.assertEqual(record.population, 3)  # ceil(36 / 15)
            grain = [l for l in record.lines
                if l.product.name == 'Grain'][0]
            self.assertAlmostEqual(grain.required, 36 * 0.4)
            self.assertIsNone(grain.contract)

    @with_transaction()
    def test_plan_negative_population_refused(self):
        "A negative typed population is refused and nothing is saved"
        Plan = Pool().get('quarantine.supply.plan')
        with self.company():
            site = active_site(rooms=2)
            with self.assertRaises(SQLConstraintError) as cm, savepoint():
                plan(site, population=-1)
            self.assertIn("population", str(cm.exception))
            self.assertEqual(Plan.search([]), [])

    @with_transaction()
    def test_plan_negative_reserve_days_refused(self):
        "Zero or negative reserve days are refused"
        Plan = Pool().get('quarantine.supply.plan')
        with self.company():
            site = active_site(rooms=2)
            for days in [0, -15]:
                with self.subTest(days=days):
                    with self.assertRaises(SQLConstraintError), savepoint():
                        plan(site, population=10, reserve_days=days)
            self.assertEqual(Plan.search([]), [])

    @with_transaction()
    def test_norm_without_unit_refused(self):
        "A norm needs its unit"
        pool = Pool()
        Norm = pool.get('quarantine.supply.norm')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        template, = Template.create([{'name': "Salt", 'type': 'goods',
                    'default_uom': kilogram.id,
                    'products': [('create', [{}])]}])
        count = Norm.search_count([])
        with self.assertRaises(RequiredValidationError) as cm, savepoint():
            Norm.create([{'product': template.products[0].id,
                        'quantity': 0.01}])
        self.assertIn("Unit", str(cm.exception))
        self.assertEqual(Norm.search_count([]), count)

    @with_transaction()
    def test_norm_unit_of_other_measure_refused(self):
        "A norm in pieces for a product weighed in kilograms is refused"
        pool = Pool()
        Norm = pool.get('quarantine.supply.norm')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('symbol', '=', 'u')])
        norm = norms()['Grain']
        with self.assertRaises(UserError) as cm, savepoint():
            Norm.write([norm], {'unit': unit.id})
        self.assertIn("Grain", str(cm.exception))
        self.assertEqual(Norm(norm.id).unit.symbol, 'kg')

    @with_transaction()
    def test_confirm_without_contract_names_product(self):
        "Confirming is refused while a product has no active contract"
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        Purchase = pool.get('purchase.purchase')
        with self.company():
            products = norms()
            site = active_site(rooms=2)
            contract("A", [n.product for name, n in products.items()
                    if name != 'Eggs'])
            record = plan(site, population=50)
            Plan.compute([record])
            with self.assertRaises(UserError) as cm:
                Plan.confirm([record])
            self.assertIn("Eggs", str(cm.exception))
            self.assertNotIn("Grain", str(cm.exception))
            self.assertEqual(Purchase.search([]), [])
            self.assertEqual(record.state, 'computed')

    @with_transaction()
    def test_contract_dates_reversed_refused(self):
        "A contract ending before it starts is refused"
        Contract = Pool().get('quarantine.supply.contract')
        supplier = create_party("A")
        with self.assertRaises(SQLConstraintError) as cm, savepoint():
            Contract.create([{'supplier': supplier.id, 'kind': 'supermarket',
                        'trucks': 1, 'lead_days': 1, 'start_date': TODAY,
                        'end_date': TODAY - dt.timedelta(days=1)}])
        self.assertIn("end before it starts", str(cm.exception))
        self.assertEqual(Contract.search([]), [])

    @with_transaction()
    def test_negative_unit_price_refused(self):
        "A contract line with a negative price is refused on every backend"
        Line = Pool().get('quarantine.supply.contract.line')
        grain = norms()['Grain'].product
        supply = contract("A", [grain])
        with self.assertRaises(UserError) as cm, savepoint():
            Line.write(list(supply.lines), {'unit_price': Decimal('-1')})
        self.assertIn("cannot be negative", str(cm.exception))
        self.assertEqual(Line(supply.lines[0].id).unit_price, Decimal('5'))

    @with_transaction()
    def test_contract_without_product_not_activated(self):
        "A contract is activated only with products"
        Contract = Pool().get('quarantine.supply.contract')
        supplier = create_party("A")
        record, = Contract.create([{'supplier': supplier.id,
                    'kind': 'supermarket', 'trucks': 1, 'lead_days': 1,
                    'start_date': TODAY}])
        with self.assertRaises(UserError):
            Contract.activate([record])
        self.assertEqual(record.state, 'draft')

    @with_transaction()
    def test_contract_serves_its_sites_only(self):
        "A contract listing sites is not offered to another site"
        Plan = Pool().get('quarantine.supply.plan')
        with self.company():
            grain = norms()['Grain'].product
            site = active_site(code='S1', rooms=2)
            other = active_site(code='S2', rooms=2)
            contract("A", [grain], sites=[other])
            record = plan(site, population=10)
            Plan.compute([record])
            grain_lines = [l for l in record.lines if l.product == grain]
            self.assertEqual([l.contract for l in grain_lines], [None])

    @with_transaction()
    def test_dispatch_from_warehouse_to_two_sites(self):
        "A truck delivers a warehouse's stock to two sites"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            sites = [active_site(code=f'S{i}', rooms=2) for i in range(2)]
            dispatch, grain, city = warehouse_dispatch(sites)
            Dispatch.write([dispatch], {'vehicle': truck(dispatch.supplier).id,
                    'driver': driver_with_test().id})
            Dispatch.load([dispatch])
            Dispatch.depart([dispatch])
            Dispatch.deliver([dispatch])
            self.assertEqual(dispatch.state, 'delivered')
            for site in sites:
                self.assertEqual(quantity(site.warehouse, grain), 50)
            self.assertEqual(quantity(city, grain), 900)

    @with_transaction()
    def test_dispatch_refusals_before_departure(self):
        "No truck, an undisinfected truck, no or an old or positive test"
        pool = Pool()
        Dispatch = pool.get('quarantine.supply.dispatch')
        Disinfection = pool.get('quarantine.vehicle.disinfection')
        with self.company():
            site = active_site(rooms=2)
            dispatch, _, _ = warehouse_dispatch([site])
            Dispatch.load([dispatch])
            vehicle = truck(dispatch.supplier,
                last_run_at=dt.datetime.now() - dt.timedelta(hours=2))
            cases = [
                ({}, "without a truck"),
                ({'vehicle': vehicle.id, 'driver': driver_with_test().id},
                    "not disinfected"),
                ]
            for values, message in cases:
                with self.subTest(message=message):
                    Dispatch.write([dispatch], values)
                    with self.assertRaises(UserError) as cm:
                        Dispatch.depart([dispatch])
                    self.assertIn(message, str(cm.exception))
            Disinfection.create([{'vehicle': vehicle.id,
                        'disinfected_at': dt.datetime.now(),
                        'disinfected_by': create_party("洗消站").id}])
            for driver, message in [
                    (create_party("无检测"), "no negative test"),
                    (driver_with_test("超时", hours_ago=49), "no negative test"),
                    (driver_with_test("阳性", result='positive'), "positive"),
                    ]:
                with self.subTest(message=message, driver=driver.name):
                    Dispatch.write([dispatch], {'driver': driver.id})
                    with self.assertRaises(UserError) as cm:
                        Dispatch.depart([dispatch])
                    self.assertIn(message, str(cm.exception))
                    self.assertEqual(dispatch.state, 'loaded')
            Dispatch.write([dispatch], {'driver': driver_with_test("合格").id,
                    'handover_point': None})
            with self.assertRaises(UserError) as cm:
                Dispatch.depart([dispatch])
            self.assertIn("handover point", str(cm.exception))

    @with_transaction()
    def test_receive_more_than_loaded_refused(self):
        "A site cannot receive more than the truck loaded"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            dispatch, grain, _ = warehouse_dispatch([site],
                received=60)
            Dispatch.write([dispatch], {'vehicle': truck(dispatch.supplier).id,
                    'driver': driver_with_test().id})
            Dispatch.load([dispatch])
            Dispatch.depart([dispatch])
            with self.assertRaises(UserError) as cm:
                Dispatch.deliver([dispatch])
            self.assertIn("only 50", str(cm.exception))
            self.assertEqual(dispatch.state, 'in_transit')
            self.assertEqual(quantity(site.warehouse, grain), 0)

    @with_transaction()
    def test_second_run_needs_disinfection(self):
        "A truck that delivered must be disinfected before its next run"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            first, _, _ = warehouse_dispatch([site], quantity=10)
            vehicle, driver = truck(first.supplier), driver_with_test()
            second, = Dispatch.copy([first])
            Dispatch.write([first, second], {'vehicle': vehicle.id,
                    'driver': driver.id})
            Dispatch.load([first, second])
            Dispatch.depart([first])
            with self.assertRaises(UserError) as cm:
                Dispatch.depart([second])
            self.assertIn("not disinfected", str(cm.exception))

    @with_transaction()
    def test_load_more_than_warehouse_refused(self):
        "A truck cannot load more than the warehouse has"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            dispatch, _, city = warehouse_dispatch([site],
                quantity=1500)
            with self.assertRaises(UserError) as cm:
                Dispatch.load([dispatch])
            self.assertIn("only 1000", str(cm.exception))
            self.assertEqual(dispatch.state, 'draft')

    def purchased(self, site, population=100):
        "A confirmed plan's purchase from one supermarket, processed"
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        products = [n.product for n in norms().values()]
        supply = contract("国光超市", products)
        record = plan(site, population=population)
        Plan.compute([record])
        Plan.confirm([record])
        purchase, = record.purchases
        return supply, purchase

    @with_transaction()
    def test_dispatch_from_purchase_with_shortage(self):
        "A purchase delivered short: the rest stays to deliver"
        pool = Pool()
        Dispatch = pool.get('quarantine.supply.dispatch')
        Contract = pool.get('quarantine.supply.contract')
        with self.company():
            site = active_site(rooms=2)
            supply, purchase = self.purchased(site)
            self.assertEqual(purchase.state, 'processing')
            dispatch = Dispatch(contract=supply, site=site, purchase=purchase,
                vehicle=truck(supply.supplier), driver=driver_with_test(),
                handover_point="东门")
            dispatch.on_change_purchase()
            dispatch.save()
            grain = norms()['Grain'].product
            line, = [l for l in dispatch.lines if l.product == grain]
            self.assertEqual(line.quantity, 600)  # 100 x 0.4 x 15
            line.received_quantity = 550
            line.save()
            Dispatch.load([dispatch])
            Dispatch.depart([dispatch])
            Dispatch.deliver([dispatch])
            self.assertEqual(quantity(site.warehouse, grain), 550)
            self.assertEqual(sorted(m.quantity for m in purchase.moves
                    if m.product == grain), [50, 550])
            supply = Contract(supply.id)
            self.assertTrue(0 < supply.fill_rate < 1)
            self.assertFalse(supply.shortfall)
            self.assertIn(supply,
                Contract.search([('shortfall', '=', False)]))
            self.assertNotIn(supply,
                Contract.search([('shortfall', '=', True)]))

    @with_transaction()
    def test_load_more_than_purchase_refused(self):
        "A truck cannot load more than the purchase has left to deliver"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            supply, purchase = self.purchased(site)
            grain = norms()['Grain'].product
            dispatch, = Dispatch.create([{
                        'contract': supply.id, 'site': site.id,
                        'lines': [('create', [{
                                        'site': site.id, 'product': grain.id,
                                        'unit': grain.default_uom.id,
                                        'quantity': 700,
                                        'purchase': purchase.id}])]}])
            with self.assertRaises(UserError) as cm:
                Dispatch.load([dispatch])
            self.assertIn("Only 600", str(cm.exception))

    @with_transaction()
    def test_import_suppliers_all_or_nothing(self):
        "Suppliers and their communities: bad rows refuse the whole sheet"
        pool = Pool()
        Contract = pool.get('quarantine.supply.contract')
        good = [
            ["国光超市", "91360781MA35F0000M", "超市", "保供二组", "张", "139",
                "解放路社区", 7239],
            ["国光超市", "", "超市", "", "", "", "绵江社区", 13965],
            ["苏尔玛超市", "", "超市", "", "", "", "河背街社区", 4019],
            ]
        bad = good + [
            ["", "", "超市", "", "", "", "溪背村", 10863],
            ["苏尔玛超市", "", "宾馆", "", "", "", "南岗村", "很多"],
            ["苏尔玛超市", "", "超市", "", "", "", "河背街社区", 1],
            ["君和超市", "91360781MA35F00001", "超市", "", "", "", "竹岗村",
                3059],
            ]
        suppliers, errors, _, _ = read_suppliers(workbook(
                SUPPLIER_COLUMNS, bad))
        self.assertEqual(sorted({(e.row, e.column) for e in errors}), [
                (5, "供应单位"), (6, "人口"), (6, "类型"), (7, "社区/村"),
                (8, "统一社会信用代码")])
        self.assertEqual(Contract.search([]), [])
        for _ in range(2):  # importing the same sheet twice changes nothing
            suppliers, errors, _, _ = read_suppliers(workbook(
                    SUPPLIER_COLUMNS, good))
            self.assertEqual(errors, [])
            import_suppliers(suppliers)
        contracts = Contract.search([], order=[('id', 'ASC')])
        self.assertEqual([(c.supplier.name, c.population_served,
                    c.credit_code, c.state) for c in contracts], [
                ("国光超市", 21204, "91360781MA35F0000M", 'draft'),
                ("苏尔玛超市", 4019, None, 'draft')])

    @with_transaction()
    def test_import_norms_needs_unit(self):
        "A norm row without unit or with a bad quantity refuses the sheet"
        Norm = Pool().get('quarantine.supply.norm')
        before = {n.product.name: n.quantity for n in Norm.search([])}
        rows = [["粮食新标准", 0.45, "kg"], ["Grain", 0.5, "kg"],
            ["食盐", 0.01, ""], ["白糖", -1, "kg"], ["矿泉水", 2, "箱"]]
        norms, errors, _, _ = read_norms(workbook(NORM_COLUMNS, rows))
        self.assertEqual([(e.row, e.column) for e in errors],
            [(4, "单位"), (5, "每人每日定额"), (6, "单位")])
        self.assertEqual(
            {n.product.name: n.quantity for n in Norm.search([])}, before)
        norms, errors, _, _ = read_norms(workbook(NORM_COLUMNS, rows[:2]))
        self.assertEqual(errors, [])
        import_norms(norms)
        import_norms(norms)
        after = {n.product.name: n.quantity for n in Norm.search([])}
        self.assertEqual(after['Grain'], 0.5)
        self.assertEqual(after['粮食新标准'], 0.45)
        self.assertEqual(len(after), len(before) + 1)

    @with_transaction()
    def test_plan_and_ledger_sheets(self):
        "The plan and the contract ledger export as workbooks"
        pool = Pool()
        Dispatch = pool.get('quarantine.supply.dispatch')
        PlanSheet = pool.get('quarantine.supply.plan.sheet', type='report')
        LedgerSheet = pool.get('quarantine.supply.contract.ledger_sheet',
            type='report')
        with self.company():
            site = active_site(rooms=2)
            supply, purchase = self.purchased(site, population=100)
            dispatch = Dispatch(contract=supply, site=site,
                purchase=purchase, vehicle=truck(supply.supplier),
                driver=driver_with_test(), handover_point="东门")
            dispatch.on_change_purchase()
            dispatch.save()
            Dispatch.load([dispatch])
            Dispatch.depart([dispatch])
            Dispatch.deliver([dispatch])
            record = purchase.supply_plan
            ext, content, _, _ = PlanSheet.execute([record.id], {})
            self.assertEqual(ext, 'xlsx')
            sheets = load_workbook(io.BytesIO(content)).worksheets
            self.assertEqual(sheets[1].max_row, 1 + len(record.lines))
            grain_column = [c.value for c in sheets[0][2]].index(
                "Grain(kg)")
            self.assertEqual(sheets[0].cell(3, 2).value, "国光超市")
            self.assertEqual(sheets[0].cell(3, grain_column + 1).value, 600)
            ext, content, _, _ = LedgerSheet.execute([supply.id], {})
            rows = list(load_workbook(io.BytesIO(content)).active.values)
            grain, = [r for r in rows[1:] if r[3] == "Grain"]
            self.assertEqual(grain[5:7], (600, 600))
            self.assertEqual(grain[9], 1)

    @with_transaction()
    def test_lists_open_on_all(self):
        """The stocking plans, dispatches and allocation requests open on
        their All tab, newest first (the client opens the first tab): a
        computed plan shows there, not behind an empty Draft tab; no list
        of the module opens on its drafts"""
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        Plan = pool.get('quarantine.supply.plan')
        with self.company():
            site = active_site(rooms=2)
            contract("国光超市", [n.product for n in norms().values()])
            older = plan(site, population=10)
            record = plan(site, population=20)
            Plan.compute([record])
        for name in ['act_plan_form', 'act_dispatch_form',
                'act_allocation_form']:
            action = ActWindow(ModelData.get_id('quarantine_supply', name))
            self.assertEqual(action.domains[0][:2], ('All', '[]'), name)
        action = ActWindow(ModelData.get_id(
                'quarantine_supply', 'act_plan_form'))
        first = PYSONDecoder({}).decode(action.domains[0][1])
        self.assertEqual(Plan.search(first), [record, older])
        windows = [w for w in ActWindow.search([
                    ('res_model', 'like', 'quarantine.supply.%')])
            if w.act_window_domains]
        self.assertGreaterEqual(len(windows), 8)
        for window in windows:
            self.assertNotIn("draft", window.domains[0][1], window.name)

    @with_transaction()
    def test_plan_refusals(self):
        "No company, no site to forecast, or deleting a confirmed plan"
        Plan = Pool().get('quarantine.supply.plan')
        site = active_site(rooms=2)
        record = plan(site, population=10)
        Plan.compute([record])
        with self.assertRaises(UserError) as cm:
            Plan.confirm([record])  # no company in the context
        self.assertIn("company", str(cm.exception))
        self.assertEqual(record.state, 'computed')
        empty = plan(scope='sites')
        with self.assertRaises(UserError) as cm:
            Plan.compute([empty])
        self.assertIn("no site", str(cm.exception))
        self.assertEqual(empty.lines, ())
        with self.company():
            contract("A", [n.product for n in norms().values()])
            Plan.compute([record])
            Plan.confirm([record])
            with self.assertRaises(UserError) as cm:
                Plan.delete([record])
            self.assertIn("cannot be deleted", str(cm.exception))
            self.assertEqual(Plan.search_count([('id', '=', record.id)]), 1)

    @with_transaction()
    def test_load_refusals(self):
        "Nothing to load, another supplier's purchase, over the capacity"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            _, purchase = self.purchased(site)
            dispatch, grain, _ = warehouse_dispatch([site],
                quantity=600)
            Dispatch.write([dispatch], {
                    'vehicle': truck(dispatch.supplier, capacity=500).id})
            with self.assertRaises(UserError) as cm:
                Dispatch.load([dispatch])
            self.assertIn("carries 500 kg", str(cm.exception))
            Dispatch.write([dispatch], {'from_warehouse': None,
                    'vehicle': None})
            with self.assertRaises(UserError) as cm:
                Dispatch.load([dispatch])
            self.assertIn("neither from a purchase", str(cm.exception))
            empty, = Dispatch.create([{'contract': dispatch.contract.id,
                        'site': site.id}])
            with self.assertRaises(UserError) as cm:
                Dispatch.load([empty])
            self.assertIn("nothing to load", str(cm.exception))
            Dispatch.write([empty], {'lines': [('create', [{
                                'site': site.id, 'product': grain.id,
                                'unit': grain.default_uom.id,
                                'quantity': 1,
                                'purchase': purchase.id}])]})
            with self.assertRaises(UserError) as cm:
                Dispatch.load([empty])
            self.assertIn("is not from supplier", str(cm.exception))
            self.assertEqual({dispatch.state, empty.state}, {'draft'})

    @with_transaction()
    def test_delivered_dispatch_not_deleted(self):
        "A dispatch that left the draft state stays"
        Dispatch = Pool().get('quarantine.supply.dispatch')
        with self.company():
            site = active_site(rooms=2)
            dispatch, _, _ = warehouse_dispatch([site], quantity=10)
            Dispatch.load([dispatch])
            with self.assertRaises(UserError) as cm:
                Dispatch.delete([dispatch])
            self.assertIn("cannot be deleted", str(cm.exception))
            self.assertEqual(Dispatch.search_count([]), 1)

    @with_transaction()
    def test_truck_number_unique(self):
        "Two trucks cannot share a fleet number"
        truck(None, 7)
        with self.assertRaises(SQLConstraintError), savepoint():
            truck(None, 7, plate='其它')

    @with_transaction()
    def test_driver_test_in_the_future_refused(self):
        "A driver's test sampled in an hour is refused"
        DriverTest = Pool().get('quarantine.supply.driver_test')
        with self.assertRaisesRegex(UserError, 'in the future'), \
                savepoint():
            driver_with_test(hours_ago=-1)
        self.assertEqual(DriverTest.search_count([]), 0)

    @with_transaction()
    def test_long_texts_refused(self):
        """A liaison's phone of 31 characters, a market of 101, refused by
        the form and on their rows by the imports"""
        Contract = Pool().get('quarantine.supply.contract')
        rows = [["国光超市", "", "超市", "", "", "1" * 31, "解放路社区", 7239]]
        _, errors, _, _ = read_suppliers(workbook(SUPPLIER_COLUMNS, rows))
        (error,) = errors
        self.assertEqual((error.row, error.column), (2, "联络电话"))
        self.assertIn('is too long (31 > 30)', error.message)
        self.assertEqual(Contract.search_count([]), 0)
        rows = [[TODAY, "大米", 5.2, "市" * 101]]
        _, errors, _, _ = read_prices(workbook(PRICE_COLUMNS, rows))
        self.assertIn('is too long (101 > 100)', '\n'.join(
                e.message for e in errors if e.column == "市场"))


del ActivatedTestCase

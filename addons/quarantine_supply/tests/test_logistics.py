# This file is part of the quarantine_supply module.  See README.md.
"""A logistics officer's day with no detour: a small site's plan asks each
product of the suppliers carrying it, none below its minimum; confirming
it orders the purchases; a truck of the supplier carries them with a note
saying where the load comes from."""
import io

from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.quarantine.tests.test_release import pdf_text
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, create_party, load_translations)
from trytond.modules.quarantine_supply.supplier_import import (
    SUPPLIER_COLUMNS, import_suppliers, read_suppliers)
from trytond.modules.quarantine_supply.tests.test_supply import (
    contract, driver_with_test, norms, plan, truck, warehouse_dispatch,
    workbook)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from trytond.modules.company.tests import create_company, set_company

# A supermarket's least order of each product, in kg
SUPERMARKET_MINIMUM = {'Grain': 25, 'Noodles': 5, 'Edible Oil': 5,
    'Meat': 10, 'Eggs': 5, 'Vegetables': 10, 'Instant Noodles': 2,
    'Sugar': 2, 'Salt': 2}


class LogisticsTestCase(ActivatedTestCase):
    "Plan, purchases, trucks and notes as a logistics officer uses them"
    module = 'quarantine_supply'

    def company(self):
        return set_company(create_company())

    def ruijin(self):
        """Two supermarkets serving their communities, a poultry firm and a
        grain and oil firm serving none; return the contracts by name"""
        pool = Pool()
        Line = pool.get('quarantine.supply.contract.line')
        products = {name: n.product for name, n in norms().items()}
        contracts = {
            "国光超市": contract("国光超市", products.values(),
                communities=[("解放路社区", 7239), ("绵江社区", 13965),
                    ("红都大道社区", 7123)]),
            "君和超市": contract("君和超市", products.values(),
                communities=[("竹岗村", 3059), ("金星村", 4770),
                    ("九天社区", 2882), ("瑞明村", 4325)]),
            "江西正大畜禽有限公司": contract("江西正大畜禽有限公司",
                [products['Meat']], kind='meat', minimum=100),
            "江西省甜香粮油饲料贸易有限公司": contract(
                "江西省甜香粮油饲料贸易有限公司",
                [products['Grain'], products['Edible Oil']],
                kind='grain_oil', minimum=500),
            }
        for name in ["国光超市", "君和超市"]:
            for line in contracts[name].lines:
                Line.write([line], {'minimum_quantity':
                        SUPERMARKET_MINIMUM[line.product.name]})
        return contracts

    def computed(self, site, population):
        Plan = Pool().get('quarantine.supply.plan')
        record = plan(site, population=population, reserve_days=15)
        Plan.compute([record])
        return record

    @with_transaction()
    def test_small_site_plan_asks_carriers_above_minimum(self):
        """A 24-person site: each product only from suppliers carrying it,
        by the population they serve, none asked below its minimum"""
        with self.company():
            contracts = self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 24)
            minimum = {}
            for supply in contracts.values():
                for line in supply.lines:
                    minimum[(supply.id, line.product.id)] = (
                        line.minimum_quantity)
            for line in record.lines:
                self.assertIn((line.contract.id, line.product.id), minimum,
                    f"{line.supplier.name} does not carry "
                    f"{line.product.name}")
                self.assertGreaterEqual(line.to_order,
                    minimum[(line.contract.id, line.product.id)])
            rows = sorted((l.product.name, l.supplier.name, l.to_order,
                    l.population) for l in record.lines)
            # 28327 and 15036 people served: grain 144 kg shared 94.07 /
            # 49.93; instant noodles (2.88 kg) would be 1.88 / 1.00, below
            # the 2 kg minimum: all to the larger supermarket
            self.assertEqual(rows, [
                    ('Edible Oil', "国光超市", 9.0, 24),
                    ('Eggs', "君和超市", 6.24, 8),
                    ('Eggs', "国光超市", 11.76, 16),
                    ('Grain', "君和超市", 49.93, 8),
                    ('Grain', "国光超市", 94.07, 16),
                    ('Instant Noodles', "国光超市", 2.88, 24),
                    ('Meat', "君和超市", 12.48, 8),
                    ('Meat', "国光超市", 23.52, 16),
                    ('Noodles', "国光超市", 9.9, 24),
                    # 3.6 kg of sugar and 4.32 of salt: 君和超市's shares
                    # (1.25 / 1.50) are below the 2 kg minimum
                    ('Salt', "国光超市", 4.32, 24),
                    ('Sugar', "国光超市", 3.6, 24),
                    ('Vegetables', "君和超市", 43.69, 8),
                    ('Vegetables', "国光超市", 82.31, 16),
                    ])
            # the firms serving no community are not asked for a site's
            # crumbs: no noodles from the poultry firm, nothing at all
            suppliers = {l.supplier.name for l in record.lines}
            self.assertEqual(suppliers, {"国光超市", "君和超市"})

    @with_transaction()
    def test_below_minimum_alone_rounds_up(self):
        "One person's instant noodles: the one supplier left gets 2 kg"
        with self.company():
            self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 1)
            line, = [l for l in record.lines
                if l.product.name == 'Instant Noodles']
            self.assertEqual((line.supplier.name, line.required,
                    line.to_order), ("国光超市", 0.12, 2))

    @with_transaction()
    def test_capacity_shares_without_communities(self):
        "Suppliers serving no community share by their daily capacity"
        Plan = Pool().get('quarantine.supply.plan')
        with self.company():
            grain = norms()['Grain'].product
            site = active_site(rooms=2)
            contract("A", [grain], capacity=100)
            contract("B", [grain], capacity=300)
            record = plan(site, population=1000, reserve_days=15)
            Plan.compute([record])
            lines = {l.supplier.name: l.to_order for l in record.lines
                if l.product == grain}
            self.assertEqual(lines, {'A': 1500, 'B': 4500})

    @with_transaction()
    def test_confirm_orders_confirmed_numbered_purchases(self):
        """Confirming the plan orders from each supplier: the purchases
        are confirmed and processed, numbered, invoiced to the supplier's
        address, with no visit to the purchase screens"""
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        with self.company():
            contracts = self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 24)
            Plan.confirm([record])
            self.assertEqual(record.state, 'confirmed')
            purchases = sorted(record.purchases, key=lambda p: p.party.name)
            self.assertEqual([p.party.name for p in purchases],
                ["君和超市", "国光超市"])
            for purchase in purchases:
                self.assertEqual(purchase.state, 'processing')
                self.assertRegex(purchase.number, r'^CG\d{8}-\d{4}$')
                self.assertEqual(purchase.invoice_address.street,
                    f"{purchase.party.name}路1号")
                self.assertEqual(purchase.warehouse, site.warehouse)
                self.assertTrue(all(m.state == 'draft'
                        for m in purchase.moves))
            guoguang = purchases[1]
            self.assertEqual(guoguang.supply_contract, contracts["国光超市"])
            self.assertEqual(sorted((l.product.name, l.quantity)
                    for l in guoguang.lines), [
                    ('Edible Oil', 9.0), ('Eggs', 11.76), ('Grain', 94.07),
                    ('Instant Noodles', 2.88), ('Meat', 23.52),
                    ('Noodles', 9.9), ('Salt', 4.32), ('Sugar', 3.6),
                    ('Vegetables', 82.31)])

    @with_transaction()
    def test_confirm_refused_when_supplier_lost_its_address(self):
        "A supplier whose address went: confirming says so, orders nothing"
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        Purchase = pool.get('purchase.purchase')
        Address = pool.get('party.address')
        with self.company():
            contracts = self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 24)
            Address.write(list(contracts["君和超市"].supplier.addresses),
                {'street': None, 'city': None})
            with self.assertRaises(UserError) as cm:
                Plan.confirm([record])
            self.assertIn("君和超市", str(cm.exception))
            self.assertIn("no address", str(cm.exception))
            self.assertEqual(record.state, 'computed')
            self.assertEqual(Purchase.search([]), [])

    @with_transaction()
    def test_activation_refused_without_address(self):
        """A contract whose supplier has no address (or an empty one) is
        not activated, and nothing changes"""
        pool = Pool()
        Contract = pool.get('quarantine.supply.contract')
        Party = pool.get('party.party')
        ProductSupplier = pool.get('purchase.product_supplier')
        grain = norms()['Grain'].product
        with self.company():
            bare = create_party("无地址超市")
            empty, = Party.create([{'name': "空地址超市",
                        'addresses': [('create', [{}])]}])
            for supplier in [bare, empty]:
                record, = Contract.create([{
                            'supplier': supplier.id, 'kind': 'supermarket',
                            'trucks': 1, 'lead_days': 1,
                            'start_date': Pool().get('ir.date').today(),
                            'lines': [('create', [{
                                            'product': grain.id,
                                            'unit': grain.default_uom.id,
                                            'daily_capacity': 100,
                                            'unit_price': 5,
                                            }])],
                            }])
                with self.assertRaises(UserError) as cm:
                    Contract.activate([record])
                self.assertIn(supplier.name, str(cm.exception))
                self.assertIn("has no address", str(cm.exception))
                self.assertEqual(Contract(record.id).state, 'draft')
            self.assertEqual(ProductSupplier.search([]), [])

    @with_transaction()
    def test_supplier_sheet_gives_addresses(self):
        """The supplier sheet's 地址 column gives each supplier its
        address, once however often the sheet is imported"""
        Contract = Pool().get('quarantine.supply.contract')
        rows = [
            ["国光超市", "", "超市", "", "", "", "解放路社区", 7239,
                "瑞金市解放路59号"],
            ["国光超市", "", "超市", "", "", "", "绵江社区", 13965,
                "瑞金市解放路59号"],
            ["江西百晟农业发展有限公司", "", "蔬菜", "", "", "", "", "",
                "瑞金市沙洲坝镇百晟蔬菜基地"],
            ]
        for _ in range(2):
            suppliers, errors, _, _ = read_suppliers(workbook(
                    SUPPLIER_COLUMNS, rows))
            self.assertEqual(errors, [])
            import_suppliers(suppliers)
        contracts = Contract.search([], order=[('id', 'ASC')])
        self.assertEqual([(c.supplier.name, c.kind,
                    [a.street for a in c.supplier.addresses])
                for c in contracts], [
                ("国光超市", 'supermarket', ["瑞金市解放路59号"]),
                ("江西百晟农业发展有限公司", 'vegetable',
                    ["瑞金市沙洲坝镇百晟蔬菜基地"])])
        self.assertTrue(all(c.supplier_address() for c in contracts))

    @with_transaction()
    def test_minimum_quantity_not_negative(self):
        "A negative minimum order quantity is refused"
        Line = Pool().get('quarantine.supply.contract.line')
        grain = norms()['Grain'].product
        with self.company():
            supply = contract("A", [grain])
            with self.assertRaises(UserError):
                Line.write(list(supply.lines), {'minimum_quantity': -1})

    @with_transaction()
    def test_vehicle_picker_offers_the_suppliers_trucks(self):
        """The vehicle field's domain, as the web client evaluates it on
        the form, lists the contract's supplier's trucks only; a truck
        picked before the contract gives it"""
        pool = Pool()
        Dispatch = pool.get('quarantine.supply.dispatch')
        Vehicle = pool.get('quarantine.vehicle')
        grain = norms()['Grain'].product
        with self.company():
            site = active_site(rooms=2)
            a = contract("国光超市", [grain])
            b = contract("君和超市", [grain])
            own = [truck(a.supplier, 1), truck(a.supplier, 2)]
            truck(b.supplier, 3)
            Vehicle.create([{'kind': 'bus', 'seats': 30,
                        'plate': "赣B·BUS01"}])
            view = Dispatch.fields_view_get(view_type='form')
            self.assertIn('supplier', view['fields'])
            domain = view['fields']['vehicle']['domain']

            def offered(dispatch):
                values = {
                    'contract': dispatch.contract.id
                    if dispatch.contract else None,
                    'supplier': (dispatch.on_change_with_supplier().id
                        if dispatch.contract else None),
                    }
                decoded = PYSONDecoder(values).decode(
                    PYSONEncoder().encode(eval_domain(domain)))
                return sorted(v.number for v in Vehicle.search(decoded))
            self.assertEqual(offered(Dispatch(contract=a, site=site)),
                [t.number for t in own])
            self.assertEqual(offered(Dispatch(site=site, contract=None)),
                [1, 2, 3])
            dispatch = Dispatch(site=site, vehicle=own[0], contract=None,
                date=Pool().get('ir.date').today())
            dispatch.on_change_vehicle()
            self.assertEqual(dispatch.contract, a)

    @with_transaction()
    def test_dispatch_note_names_supplier_and_warehouse(self):
        """The note's 发货地 names the supplier (and where it is) for a
        purchase's load, the warehouse for a warehouse's"""
        pool = Pool()
        Plan = pool.get('quarantine.supply.plan')
        Dispatch = pool.get('quarantine.supply.dispatch')
        Note = pool.get('quarantine.supply.dispatch.note', type='report')
        with self.company():
            self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 24)
            Plan.confirm([record])
            purchase, = [p for p in record.purchases
                if p.party.name == "国光超市"]
            dispatch = Dispatch(contract=purchase.supply_contract, site=site,
                purchase=purchase, vehicle=truck(purchase.party),
                driver=driver_with_test(), handover_point="东门")
            dispatch.on_change_purchase()
            dispatch.save()
            Dispatch.load([dispatch])
            Dispatch.depart([dispatch])
            self.assertEqual(dispatch.state, 'in_transit')
            _, content, _, _ = Note.execute([dispatch.id], {})
            text = pdf_text(content)
            self.assertIn("发货地", text)
            self.assertIn("国光超市（瑞金市 国光超市路1号）", text)
            self.assertEqual(Note.source(dispatch),
                "国光超市（瑞金市 国光超市路1号）")

            other = active_site(code='W2', rooms=2)
            load, _, city = warehouse_dispatch([other], quantity=10)
            _, content, _, _ = Note.execute([load.id], {})
            self.assertIn(city.name, pdf_text(content))
            self.assertEqual(Note.source(load), city.name)

    @with_transaction()
    def test_stocking_table_units_and_population(self):
        """A site's table prints kilograms to one decimal and the plan's
        population as its total; a city's prints tonnes to the kilogram"""
        pool = Pool()
        Guidance = pool.get('quarantine.supply.plan.guidance', type='report')
        Sheet = pool.get('quarantine.supply.plan.sheet', type='report')
        with self.company():
            self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 24)
            _, content, _, _ = Guidance.execute([record.id], {})
            text = pdf_text(content)
            self.assertIn("保障人数：24 人", text)
            self.assertIn("计量单位：kg", text)
            self.assertIn("94.1", text)  # 国光超市's grain
            self.assertNotIn("0.00", text)
            total = text[text.index("合计"):].splitlines()[0].split()
            self.assertEqual(total[:2], ["合计", "24"])
            self.assertIn("144.0", total)  # 94.1 + 49.9 kg of grain
            _, content, _, _ = Sheet.execute([record.id], {})
            table = load_workbook(io.BytesIO(content)).worksheets[0]
            header = [c.value for c in table[2]]
            grain = header.index("Grain(kg)")
            rows = {r[1]: r for r in table.iter_rows(min_row=3,
                    values_only=True)}
            # 国光超市 feeds all 24 their noodles, 君和超市 8 their grain
            self.assertEqual(rows["国光超市"][3], 24)
            self.assertEqual(rows["君和超市"][3], 8)
            # they feed the site, not their communities
            self.assertEqual(header[2], "Supplied")
            self.assertEqual(rows["国光超市"][2], site.rec_name)
            self.assertEqual(rows["君和超市"][2], site.rec_name)
            self.assertEqual(rows["国光超市"][grain], 94.1)
            self.assertEqual(rows["君和超市"][grain], 49.9)
            self.assertEqual(rows["Total"][3], 24)
            self.assertEqual(rows["Total"][grain], 144.0)

            city = self.computed(site, 43363)
            table = Guidance.table(city)
            self.assertEqual(table['units'], 't')
            row, = [r for r in table['rows'] if r['supplier'] == "国光超市"]
            self.assertEqual(row['population'], 28327)
            # 28327 people x 0.4 kg x 15 days
            self.assertEqual(row['quantities'][table['products'].index(
                        "Grain(t)")], 169.962)

    @with_transaction()
    def test_site_table_feeds_the_site(self):
        """A 10-person site's table (Ruijin's supermarkets, 15 days): each
        row names the site it feeds, not the supermarket's communities, and
        the people it feeds; the cells raised to a minimum order quantity
        are told in the notes with their need"""
        pool = Pool()
        Guidance = pool.get('quarantine.supply.plan.guidance', type='report')
        Sheet = pool.get('quarantine.supply.plan.sheet', type='report')
        load_translations('quarantine_supply')
        with self.company():
            self.ruijin()
            site = active_site(rooms=2)
            record = self.computed(site, 10)
            noodles = norms()['Noodles'].product
            # 10 x 0.0275 kg x 15 days = 4.1 kg of noodles; 国光超市 takes
            # no order below 5 kg
            self.assertEqual([(l.required, l.to_order) for l in record.lines
                    if l.product == noodles], [(4.12, 5)])
        with self.company(), Transaction().set_context(language='zh_CN'):
            _, content, _, _ = Guidance.execute([record.id], {})
            text = pdf_text(content)
            self.assertIn("保障对象", text)
            self.assertNotIn("保障社区", text)
            for community in ["解放路社区", "绵江社区", "竹岗村", "金星村"]:
                self.assertNotIn(community, text)
            # 国光超市 feeds all 10 (grain, noodles...); 君和超市 the
            # vegetables of 3 of them (15036 of 43363 people served)
            lines = text.splitlines()
            for row in [f"1 国光超市 {site.rec_name} 10 ",
                    f"2 君和超市 {site.rec_name} 3 "]:
                self.assertTrue(any(l.startswith(row) for l in lines), row)
            total = text[text.index("合计"):].split()
            self.assertEqual(total[1], "10")
            self.assertIn("按起订量订购", text)
            self.assertIn("国光超市 面条 需 4.1 kg，订 5.0 kg", text)
            self.assertNotIn("粮食 需", text)  # 60 kg, above 25 kg

            _, content, _, _ = Sheet.execute([record.id], {})
            table = load_workbook(io.BytesIO(content)).worksheets[0]
            self.assertEqual([c.value for c in table[2]][:4],
                ["序号", "企业名称", "保障对象", "保障人数"])
            rows = {r[1]: r for r in table.iter_rows(min_row=3,
                    values_only=True) if r[1]}
            self.assertEqual(rows["国光超市"][2:4], (site.rec_name, 10))
            self.assertEqual(rows["君和超市"][2:4], (site.rec_name, 3))
            self.assertEqual(rows["合计"][3], 10)
            notes = [r[0] for r in table.iter_rows(min_row=3,
                    values_only=True) if r[0] and not r[1]]
            self.assertEqual(len(notes), 1)
            self.assertIn("国光超市 面条 需 4.1 kg，订 5.0 kg", notes[0])


def eval_domain(domain):
    "The domain as the client receives it (a PYSON string or a list)"
    if isinstance(domain, str):
        return PYSONDecoder({}, noeval=True).decode(domain)
    return domain


del ActivatedTestCase

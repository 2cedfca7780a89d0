# This file is part of the quarantine_supply module.  See README.md.
import datetime as dt
import io

from pypdf import PdfReader

from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.quarantine.tests.tools import (
    ActivatedTestCase, active_site, savepoint)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_supply import quantity, stock


def medical_supply(name="N95口罩"):
    "A medical supply counted in units"
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('symbol', '=', 'u')])
    template, = Template.create([{'name': name, 'type': 'goods',
                'default_uom': unit.id, 'products': [('create', [{}])]}])
    return template.products[0]


def reserve():
    "The city's reserve: the warehouse shipped with stock"
    Location = Pool().get('stock.location')
    warehouse, = Location.search([('code', '=', 'WH')])
    return warehouse


def request(site, lines, **values):
    "A draft allocation request of lines [(product, quantity)] for site"
    Allocation = Pool().get('quarantine.supply.allocation')
    allocation, = Allocation.create([dict({
                    'applicant': "瑞金市疫情防控指挥部",
                    'reason': "隔离点医护人员防护用品不足",
                    'to_site': site.id if site else None,
                    'from_warehouse': reserve().id,
                    'receiving_unit': "隔离点医疗组",
                    'contact': "王医生",
                    'contact_phone': "13800000000",
                    'lines': [('create', [{
                                    'product': p.id, 'quantity': q,
                                    'unit': p.default_uom.id,
                                    'specification': "KN95",
                                    } for p, q in lines])],
                    }, **values)])
    return allocation


class AllocationTestCase(ActivatedTestCase):
    "Allocation requests of reserve supplies"
    module = 'quarantine_supply'

    def company(self):
        return set_company(create_company())

    def approved(self, allocation):
        Allocation = Pool().get('quarantine.supply.allocation')
        Allocation.submit([allocation])
        Allocation.review([allocation])
        Allocation.approve([allocation])
        return allocation

    @with_transaction()
    def test_number_from_sequence(self):
        "A request is numbered DY<date>-nnnn on creation"
        site = active_site(rooms=2)
        allocation = request(site, [(medical_supply(), 10)])
        today = dt.date.today().strftime('%Y%m%d')
        self.assertRegex(allocation.number, rf'^DY{today}-\d{{4}}$')

    @with_transaction()
    def test_copy_is_new_draft(self):
        "A copy of an approved request is a new draft with its own number"
        Allocation = Pool().get('quarantine.supply.allocation')
        allocation = self.approved(
            request(active_site(rooms=2), [(medical_supply(), 10)]))
        copy, = Allocation.copy([allocation])
        self.assertEqual(copy.state, 'draft')
        self.assertNotEqual(copy.number, allocation.number)
        self.assertIsNone(copy.submitted_at)
        self.assertIsNone(copy.reviewed_by)
        self.assertIsNone(copy.approved_at)
        self.assertEqual(len(copy.lines), 1)
        self.assertEqual(copy.lines[0].allocation_state, 'draft')
        self.assertEqual(allocation.lines[0].allocation_state, 'approved')

    @with_transaction()
    def test_line_unit_follows_product(self):
        "A line's unit is the product's, unless it already measures it"
        pool = Pool()
        Line = pool.get('quarantine.supply.allocation.line')
        Uom = pool.get('product.uom')
        kilogram, = Uom.search([('symbol', '=', 'kg')])
        gram, = Uom.search([('symbol', '=', 'g')])
        masks = medical_supply()
        line = Line(product=masks, unit=kilogram)
        line.on_change_product()
        self.assertEqual(line.unit, masks.default_uom)
        line = Line(product=masks, unit=None)
        line.on_change_product()
        self.assertEqual(line.unit, masks.default_uom)
        powder = medical_supply("消毒粉")
        powder.template.default_uom = kilogram
        powder.template.save()
        line = Line(product=powder, unit=gram)
        line.on_change_product()
        self.assertEqual(line.unit, gram)
        self.assertEqual(Line.default_allocation_state(), 'draft')

    @with_transaction()
    def test_submit_without_line_refused(self):
        "A request for nothing is not submitted"
        Allocation = Pool().get('quarantine.supply.allocation')
        allocation = request(active_site(rooms=2), [])
        with self.assertRaises(UserError) as cm:
            Allocation.submit([allocation])
        self.assertIn("add a line", str(cm.exception))
        self.assertEqual(allocation.state, 'draft')
        self.assertIsNone(allocation.submitted_at)

    @with_transaction()
    def test_zero_quantity_refused(self):
        "A line asks for more than nothing"
        pool = Pool()
        Line = pool.get('quarantine.supply.allocation.line')
        with self.assertRaises(SQLConstraintError), savepoint():
            request(active_site(rooms=2), [(medical_supply(), 0)])
        self.assertEqual(Line.search_count([]), 0)

    @with_transaction()
    def test_refuse_needs_reason(self):
        "A refusal gives its reason; the applicant may amend and resubmit"
        Allocation = Pool().get('quarantine.supply.allocation')
        allocation = request(active_site(rooms=2), [(medical_supply(), 10)])
        Allocation.submit([allocation])
        Allocation.review([allocation])
        with self.assertRaises(UserError) as cm:
            Allocation.refuse([allocation])
        self.assertIn("reason", str(cm.exception))
        self.assertEqual(allocation.state, 'reviewed')
        allocation.refusal_reason = "库存需保障定点医院"
        allocation.save()
        Allocation.refuse([allocation])
        self.assertEqual(allocation.state, 'refused')
        Allocation.draft([allocation])
        self.assertEqual(allocation.state, 'draft')
        self.assertIsNone(allocation.reviewed_at)
        Allocation.submit([allocation])
        self.assertEqual(allocation.state, 'submitted')
        self.assertIsNone(allocation.refusal_reason)

    @with_transaction()
    def test_approve_then_fulfil_moves_stock(self):
        "Reviewed, approved, then shipped from the reserve to the site"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        User = pool.get('res.user')
        with self.company():
            masks, suits = medical_supply(), medical_supply("防护服")
            city = reserve()
            stock(city, masks, 1000)
            stock(city, suits, 50)
            site = active_site(rooms=2)
            allocation = request(site, [(masks, 300), (suits, 20)])
            Allocation.submit([allocation])
            Allocation.review([allocation])
            self.assertEqual(allocation.state, 'reviewed')
            Allocation.approve([allocation])
            self.assertEqual(allocation.state, 'approved')
            user = User(Transaction().user)
            self.assertEqual(allocation.reviewed_by, user)
            self.assertEqual(allocation.approved_by, user)
            self.assertIsNotNone(allocation.approved_at)

            Allocation.fulfil([allocation])
            self.assertEqual(allocation.state, 'fulfilled')
            self.assertEqual(allocation.shipment.state, 'done')
            self.assertEqual(allocation.shipment.reference,
                allocation.number)
            self.assertIsNone(allocation.paperwork_due)
            self.assertEqual(quantity(city, masks), 700)
            self.assertEqual(quantity(city, suits), 30)
            self.assertEqual(quantity(site.warehouse, masks), 300)
            self.assertEqual(quantity(site.warehouse, suits), 20)

    @with_transaction()
    def test_fulfil_more_than_stock_refused(self):
        "The reserve cannot send more than it has; nothing moves"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        Shipment = pool.get('stock.shipment.internal')
        with self.company():
            masks, suits = medical_supply(), medical_supply("防护服")
            city = reserve()
            stock(city, masks, 1000)
            stock(city, suits, 10)
            site = active_site(rooms=2)
            allocation = self.approved(
                request(site, [(masks, 300), (suits, 20)]))
            with self.assertRaises(UserError) as cm:
                Allocation.fulfil([allocation])
            self.assertIn("only 10", str(cm.exception))
            self.assertIn("防护服", str(cm.exception))
            self.assertEqual(allocation.state, 'approved')
            self.assertIsNone(allocation.shipment)
            self.assertEqual(Shipment.search_count([]), 0)
            self.assertEqual(quantity(city, masks), 1000)
            self.assertEqual(quantity(city, suits), 10)
            self.assertEqual(quantity(site.warehouse, masks), 0)

    @with_transaction()
    def test_fulfil_two_requests_counted_together(self):
        "Two requests fulfilled at once cannot share the same stock twice"
        Allocation = Pool().get('quarantine.supply.allocation')
        with self.company():
            masks = medical_supply()
            city = reserve()
            stock(city, masks, 500)
            sites = [active_site(code=f'S{i}', rooms=2) for i in range(2)]
            allocations = [self.approved(request(s, [(masks, 300)]))
                for s in sites]
            with self.assertRaises(UserError) as cm:
                Allocation.fulfil(allocations)
            self.assertIn("only 500", str(cm.exception))
            self.assertEqual([a.state for a in allocations],
                ['approved', 'approved'])
            self.assertEqual(quantity(city, masks), 500)

    @with_transaction()
    def test_fulfil_without_source_or_destination_refused(self):
        "No reserve, a site without warehouse, no destination: refused"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        Site = pool.get('quarantine.site')
        with self.company():
            masks = medical_supply()
            city = reserve()
            stock(city, masks, 100)
            site = active_site(rooms=2)
            cases = [
                ({'from_warehouse': None}, "taken from"),
                ({'to_site': None}, "destination"),
                ({'to_site': None, 'to_warehouse': city.id},
                    "same warehouse"),
                ]
            for values, message in cases:
                with self.subTest(message=message):
                    allocation = self.approved(
                        request(site, [(masks, 10)], **values))
                    with self.assertRaises(UserError) as cm:
                        Allocation.fulfil([allocation])
                    self.assertIn(message, str(cm.exception))
                    self.assertEqual(allocation.state, 'approved')
            Site.write([site], {'warehouse': None})
            allocation = self.approved(request(site, [(masks, 10)]))
            with self.assertRaises(UserError) as cm:
                Allocation.fulfil([allocation])
            self.assertIn("no warehouse", str(cm.exception))
            self.assertEqual(quantity(city, masks), 100)

    @with_transaction()
    def test_fulfil_to_a_warehouse(self):
        "A request not for a site goes to the warehouse it names"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        with self.company():
            masks = medical_supply()
            city = reserve()
            stock(city, masks, 100)
            hospital = active_site(code='H1', rooms=2).warehouse
            allocation = self.approved(request(None, [(masks, 40)],
                    to_warehouse=hospital.id, destination="定点医院"))
            Allocation.fulfil([allocation])
            self.assertEqual(quantity(hospital, masks), 40)
            self.assertEqual(quantity(city, masks), 60)

    @with_transaction()
    def test_emergency_ships_first_paperwork_later(self):
        "先发后补: shipped on submission, reviewed and approved within 7 days"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        with self.company():
            masks = medical_supply()
            city = reserve()
            stock(city, masks, 100)
            site = active_site(rooms=2)
            allocation = request(site, [(masks, 60)], emergency=True)
            Allocation.submit([allocation])
            Allocation.fulfil([allocation])
            self.assertEqual(allocation.state, 'fulfilled')
            self.assertEqual(allocation.paperwork_due,
                allocation.submitted_at.date() + dt.timedelta(days=7))
            self.assertEqual(quantity(site.warehouse, masks), 60)
            self.assertEqual(quantity(city, masks), 40)
            overdue = [('state', '=', 'fulfilled'),
                ('emergency', '=', True), ('approved_at', '=', None),
                ('paperwork_due', '<', allocation.paperwork_due
                    + dt.timedelta(days=1))]
            self.assertEqual(Allocation.search(overdue), [allocation])

            with self.assertRaises(UserError) as cm:
                Allocation.approve([allocation])
            self.assertIn("reviewed before", str(cm.exception))
            self.assertIsNone(allocation.approved_at)
            Allocation.review([allocation])
            Allocation.approve([allocation])
            self.assertEqual(allocation.state, 'fulfilled')
            self.assertIsNotNone(allocation.reviewed_at)
            self.assertIsNotNone(allocation.approved_at)
            self.assertEqual(Allocation.search(overdue), [])
            self.assertEqual(quantity(site.warehouse, masks), 60)

    @with_transaction()
    def test_emergency_needs_no_approval_but_others_do(self):
        "Only an emergency request is shipped before approval"
        Allocation = Pool().get('quarantine.supply.allocation')
        with self.company():
            masks = medical_supply()
            city = reserve()
            stock(city, masks, 100)
            site = active_site(rooms=2)
            allocation = request(site, [(masks, 10)])
            Allocation.submit([allocation])
            Allocation.review([allocation])
            with self.assertRaises(UserError) as cm:
                Allocation.fulfil([allocation])
            self.assertIn("not approved", str(cm.exception))
            self.assertEqual(allocation.state, 'reviewed')
            self.assertEqual(quantity(city, masks), 100)

    @with_transaction()
    def test_delete_only_draft_or_cancelled(self):
        Allocation = Pool().get('quarantine.supply.allocation')
        allocation = request(active_site(rooms=2), [(medical_supply(), 5)])
        Allocation.submit([allocation])
        with self.assertRaises(UserError):
            Allocation.delete([allocation])
        Allocation.cancel([allocation])
        Allocation.delete([allocation])
        self.assertEqual(Allocation.search_count([]), 0)

    @with_transaction()
    def test_form_pdf(self):
        "The application and approval form shows the number and the items"
        pool = Pool()
        Allocation = pool.get('quarantine.supply.allocation')
        Form = pool.get('quarantine.supply.allocation.form', type='report')
        site = active_site(rooms=2, name="瑞金宾馆隔离点")
        masks, suits = medical_supply(), medical_supply("医用防护服")
        allocation = request(site, [(masks, 300), (suits, 20)],
            emergency=True, destination="瑞金宾馆")
        Allocation.submit([allocation])
        extension, content, _, _ = Form.execute([allocation.id], {})
        self.assertEqual(extension, 'pdf')
        text = ''.join(p.extract_text()
            for p in PdfReader(io.BytesIO(content)).pages)
        for expected in [allocation.number, "N95口罩", "医用防护服", "300",
                "KN95", "瑞金市疫情防控指挥部", "瑞金宾馆", "王医生",
                "物资调用申请/审批件", "先发后补"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

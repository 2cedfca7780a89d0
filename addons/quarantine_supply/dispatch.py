# This file is part of the quarantine_supply module.  See README.md.
"""Truck dispatch (配送): a supplier's truck loads what a purchase brings
or a warehouse holds, leaves it at the sites' contactless handover points,
and each site confirms what it received into its own stock."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.quarantine.common import (
    FreshCopy, check_access_first, refuse)
from trytond.modules.quarantine.report import (
    FormReport, minute, selection_labels)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from reports.supply import render_dispatch_notes

from .exceptions import DispatchError
from .document import Numbered, parent_state_line
from .shipment import ship_internally


class Dispatch(Numbered, FreshCopy, Workflow, ModelSQL, ModelView):
    "Supply Dispatch"
    __name__ = 'quarantine.supply.dispatch'
    __string__ = "Supply Dispatch"
    fresh_copy = ('number', 'loaded_at', 'departed_at', 'delivered_at')
    fresh_copy_values = {'state': 'draft'}
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_states)
    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        required=True, states=_states, domain=[('state', '=', 'active')])
    supplier = fields.Function(fields.Many2One('party.party', "Supplier"),
        'on_change_with_supplier', searcher='search_supplier')
    vehicle = fields.Many2One('quarantine.vehicle', "Vehicle",
        domain=[
            ('kind', '=', 'truck'),
            If(Eval('supplier'),
                [
                    ('supplier', '=', Eval('supplier', -1)),
                    ['OR',
                        ('contract', '=', None),
                        ('contract', '=', Eval('contract', -1)),
                        ],
                    ],
                [('supplier', '!=', None)]),
            ],
        states={'readonly': ~Eval('state').in_(['draft', 'loaded'])},
        help="A truck of the contract's supplier; picked before the "
        "contract, the truck gives it.")
    driver = fields.Many2One('party.party', "Driver",
        states={'readonly': ~Eval('state').in_(['draft', 'loaded'])})
    driver_phone = fields.Char("Driver Phone", size=30,
        states={'readonly': ~Eval('state').in_(['draft', 'loaded'])})
    driver_tested_at = fields.Function(fields.DateTime(
            "Driver's Latest Negative Test"), 'get_driver_tested_at')
    site = fields.Many2One('quarantine.site', "Destination Site",
        required=True, states=_states,
        help="The site the truck goes to first; each line may go to "
        "another site.")
    handover_point = fields.Char("Contactless Handover Point", size=200,
        states={'readonly': ~Eval('state').in_(['draft', 'loaded'])})
    purchase = fields.Many2One('purchase.purchase', "Load from Purchase",
        states=_states,
        domain=[
            ('party', '=', Eval('supplier', -1)),
            ('state', '=', 'processing'),
            ],
        help="Adds the purchase's quantities still to deliver to the "
        "lines.")
    from_warehouse = fields.Many2One('stock.location', "From Warehouse",
        states=_states, domain=[('type', '=', 'warehouse')],
        help="Where the lines not loaded from a purchase are taken from.")
    lines = fields.One2Many('quarantine.supply.dispatch.line', 'dispatch',
        "Lines", states={
            'readonly': ~Eval('state').in_(['draft', 'in_transit']),
            })
    loaded_at = fields.DateTime("Loaded at", readonly=True)
    departed_at = fields.DateTime("Departed at", readonly=True)
    delivered_at = fields.DateTime("Delivered at", readonly=True)
    shortage = fields.Function(fields.Boolean("Shortage"), 'get_shortage')
    notes = fields.Text("Notes", size=10000)
    state = fields.Selection([
            ('draft', "Draft"),
            ('loaded', "Loaded"),
            ('in_transit', "In Transit"),
            ('delivered', "Delivered"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'loaded'),
            ('loaded', 'in_transit'),
            ('in_transit', 'delivered'),
            ('draft', 'cancelled'),
            ('loaded', 'cancelled'),
            ('loaded', 'draft'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'load': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'depart': {
                    'invisible': Eval('state') != 'loaded',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'deliver': {
                    'invisible': Eval('state') != 'in_transit',
                    'icon': 'tryton-ok', 'depends': ['state']},
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'loaded']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'draft': {
                    'invisible': ~Eval('state').in_(['loaded', 'cancelled']),
                    'icon': 'tryton-back', 'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @fields.depends('contract')
    def on_change_with_supplier(self, name=None):
        return self.contract.supplier if self.contract else None

    @fields.depends('vehicle', 'contract', 'date')
    def on_change_vehicle(self):
        "A truck picked first gives its contract, or its supplier's"
        Contract = Pool().get('quarantine.supply.contract')
        if not self.vehicle or self.contract:
            return
        if self.vehicle.contract and self.vehicle.contract.state == 'active':
            self.contract = self.vehicle.contract
        elif self.vehicle.supplier:
            contracts = [c for c in Contract.search([
                        ('supplier', '=', self.vehicle.supplier.id),
                        ('state', '=', 'active'),
                        ], order=[('start_date', 'DESC')])
                if not self.date or c.covers(self.date)]
            if contracts:
                self.contract = contracts[0]
        self.supplier = self.on_change_with_supplier()

    @classmethod
    def search_supplier(cls, name, clause):
        return [('contract.supplier',) + tuple(clause[1:])]

    @fields.depends('site', 'handover_point')
    def on_change_site(self):
        if self.site and not self.handover_point:
            self.handover_point = self.site.handover_point

    @fields.depends('driver', 'driver_phone')
    def on_change_driver(self):
        if self.driver and not self.driver_phone:
            self.driver_phone = self.driver.phone

    @fields.depends('purchase', 'lines', 'site')
    def on_change_purchase(self):
        "Add what the purchase still has to deliver"
        Line = Pool().get('quarantine.supply.dispatch.line')
        if not self.purchase:
            return
        loaded = {(l.purchase, l.product) for l in self.lines or []}
        site = self.site_of_warehouse(self.purchase.warehouse) or self.site
        lines = list(self.lines or [])
        for product, (quantity, unit) in self.pending(self.purchase).items():
            if (self.purchase, product) in loaded or quantity <= 0:
                continue
            lines.append(Line(product=product, quantity=quantity, unit=unit,
                    purchase=self.purchase, site=site))
        self.lines = lines

    @staticmethod
    def site_of_warehouse(warehouse):
        Site = Pool().get('quarantine.site')
        if not warehouse:
            return None
        sites = Site.search([('warehouse', '=', warehouse.id)], limit=1)
        return sites[0] if sites else None

    @staticmethod
    def pending_moves(purchase):
        "The purchase's incoming moves not received yet"
        return [m for line in purchase.lines for m in line.moves
            if m.state == 'draft' and not m.shipment]

    @classmethod
    def pending(cls, purchase):
        "Return {product: (quantity, unit)} the purchase has to deliver"
        Uom = Pool().get('product.uom')
        result = {}
        for move in cls.pending_moves(purchase):
            quantity, unit = result.get(move.product, (0, move.unit))
            result[move.product] = (quantity + Uom.compute_qty(
                    move.unit, move.quantity, unit, round=False), unit)
        return {p: (u.round(q), u) for p, (q, u) in result.items()}

    @classmethod
    def get_driver_tested_at(cls, dispatches, name):
        DriverTest = Pool().get('quarantine.supply.driver_test')
        latest = DriverTest.latest([d.driver for d in dispatches if d.driver])
        result = {}
        for dispatch in dispatches:
            test = latest.get(dispatch.driver.id) if dispatch.driver else None
            result[dispatch.id] = (test.tested_at
                if test and test.result == 'negative' else None)
        return result

    def get_shortage(self, name):
        return any(l.shortage for l in self.lines)

    @classmethod
    def number_sequence(cls):
        Configuration = Pool().get('quarantine.configuration')
        return Configuration(1).supply_dispatch_sequence

    @classmethod
    @ModelView.button
    @Workflow.transition('loaded')
    def load(cls, dispatches):
        for dispatch in dispatches:
            dispatch.check_load()
            dispatch.loaded_at = dt.datetime.now()
        cls.save(dispatches)

    def check_load(self):
        pool = Pool()
        Uom = pool.get('product.uom')
        if not self.lines:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_no_line',
                    dispatch=self.rec_name))
        loaded = defaultdict(float)
        for line in self.lines:
            if line.purchase:
                if line.purchase.party != self.supplier:
                    raise DispatchError(gettext(
                            'quarantine_supply.msg_dispatch_other_supplier',
                            purchase=line.purchase.rec_name,
                            supplier=self.supplier.rec_name))
                if line.purchase.warehouse != line.site.warehouse:
                    raise DispatchError(gettext(
                            'quarantine_supply.msg_dispatch_purchase_site',
                            purchase=line.purchase.rec_name,
                            site=line.site.rec_name))
                pending, unit = self.pending(line.purchase).get(
                    line.product, (0, line.unit))
                key = (line.purchase, line.product)
                loaded[key] += Uom.compute_qty(line.unit, line.quantity,
                    unit, round=False)
                if unit.round(loaded[key]) > pending:
                    raise DispatchError(gettext(
                            'quarantine_supply.msg_dispatch_over_purchase',
                            product=line.product.rec_name,
                            purchase=line.purchase.rec_name,
                            pending=pending, unit=unit.symbol))
            elif not self.from_warehouse:
                raise DispatchError(gettext(
                        'quarantine_supply.msg_dispatch_no_source',
                        product=line.product.rec_name))
        self.check_warehouse_stock()
        self.check_capacity()

    def check_warehouse_stock(self):
        "Refuse loading from a warehouse more than it has"
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        lines = [l for l in self.lines if not l.purchase]
        if not lines:
            return
        wanted = defaultdict(float)
        for line in lines:
            wanted[line.product] += Uom.compute_qty(line.unit, line.quantity,
                line.product.default_uom, round=False)
        with Transaction().set_context(stock_date_end=self.date):
            on_hand = Product.products_by_location(
                [self.from_warehouse.id], with_childs=True,
                grouping_filter=([p.id for p in wanted],))
        for product, quantity in wanted.items():
            available = on_hand.get((self.from_warehouse.id, product.id), 0)
            if product.default_uom.round(quantity) > available:
                raise DispatchError(gettext(
                        'quarantine_supply.msg_dispatch_over_stock',
                        product=product.rec_name,
                        warehouse=self.from_warehouse.rec_name,
                        available=available,
                        unit=product.default_uom.symbol))

    def check_capacity(self):
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        if not self.vehicle or not self.vehicle.capacity:
            return
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        weight = sum(Uom.compute_qty(l.unit, l.quantity, kilogram,
                round=False) for l in self.lines
            if l.unit.category == kilogram.category)
        if weight > self.vehicle.capacity:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_over_capacity',
                    vehicle=self.vehicle.rec_name, weight=round(weight),
                    capacity=round(self.vehicle.capacity)))

    @classmethod
    @ModelView.button
    @Workflow.transition('in_transit')
    def depart(cls, dispatches):
        Vehicle = Pool().get('quarantine.vehicle')
        now = dt.datetime.now()
        for dispatch in dispatches:
            dispatch.check_departure(now)
            dispatch.departed_at = now
        cls.save(dispatches)
        Vehicle.record_run([d.vehicle for d in dispatches], now)

    def check_departure(self, now):
        pool = Pool()
        Configuration = pool.get('quarantine.configuration')
        DriverTest = pool.get('quarantine.supply.driver_test')
        Vehicle = pool.get('quarantine.vehicle')
        if not self.vehicle:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_no_vehicle',
                    dispatch=self.rec_name))
        Vehicle.check_disinfected([self.vehicle])
        if not self.handover_point:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_no_handover_point',
                    dispatch=self.rec_name))
        if not self.driver:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_no_driver',
                    dispatch=self.rec_name))
        hours = Configuration(1).driver_test_hours
        test = DriverTest.latest([self.driver]).get(self.driver.id)
        if test and test.result == 'positive':
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_driver_positive',
                    driver=self.driver.rec_name))
        if (not test or test.tested_at > now
                or test.tested_at < now - dt.timedelta(hours=hours)):
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_driver_test',
                    driver=self.driver.rec_name, hours=hours))

    @classmethod
    @ModelView.button
    @Workflow.transition('delivered')
    def deliver(cls, dispatches):
        pool = Pool()
        Line = pool.get('quarantine.supply.dispatch.line')
        lines = []
        for dispatch in dispatches:
            for line in dispatch.lines:
                line.check_received()
                if line.received_quantity is None:
                    line.received_quantity = line.quantity
                lines.append(line)
            dispatch.delivered_at = dt.datetime.now()
        Line.save(lines)
        for dispatch in dispatches:
            dispatch.receive_purchases()
            dispatch.move_from_warehouse()
        cls.save(dispatches)

    def receive_purchases(self):
        """Receive the purchased quantities through a supplier shipment,
        leaving what is short as still to deliver"""
        pool = Pool()
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.in')
        Uom = pool.get('product.uom')
        by_purchase = defaultdict(list)
        for line in self.lines:
            if line.purchase and line.received_quantity:
                by_purchase[line.purchase].append(line)
        shipments = []
        for purchase, lines in by_purchase.items():
            pending = defaultdict(list)
            for move in self.pending_moves(purchase):
                pending[move.product].append(move)
            received = []
            for line in lines:
                remaining = line.received_quantity
                for move in pending[line.product]:
                    if line.unit.round(remaining) <= 0:
                        break
                    quantity = Uom.compute_qty(move.unit, move.quantity,
                        line.unit, round=False)
                    if quantity > remaining:
                        rest = Uom.compute_qty(line.unit,
                            quantity - remaining, move.unit)
                        Move.copy([move], {'quantity': rest})
                        move.quantity = move.unit.round(move.quantity - rest)
                        quantity = remaining
                    move.effective_date = self.delivered_at.date()
                    remaining -= quantity
                    received.append(move)
                pending[line.product] = [
                    m for m in pending[line.product] if m not in received]
            Move.save(received)
            shipment = Shipment(
                supplier=purchase.party,
                warehouse=purchase.warehouse,
                company=purchase.company,
                reference=self.number,
                effective_date=self.delivered_at.date(),
                incoming_moves=received)
            shipment.on_change_warehouse()
            shipment.on_change_supplier()
            shipments.append(shipment)
        if shipments:
            Shipment.save(shipments)
            Shipment.receive(shipments)
            Shipment.do(shipments)

    def move_from_warehouse(self):
        "Move the warehouse lines to each site by an internal shipment"
        by_site = defaultdict(list)
        for line in self.lines:
            if not line.purchase and line.received_quantity:
                by_site[line.site].append(line)
        if not by_site:
            return
        source = self.from_warehouse.storage_location
        deliveries = []
        for site, lines in by_site.items():
            if not site.warehouse:
                raise DispatchError(gettext(
                        'quarantine_supply.msg_site_no_warehouse',
                        site=site.rec_name))
            deliveries.append((source, site.warehouse.storage_location,
                    self.number, [(l, l.received_quantity) for l in lines]))
        ship_internally(deliveries, self.delivered_at.date())

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, dispatches):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, dispatches):
        pass

    @classmethod
    def delete(cls, dispatches):
        check_access_first(cls, dispatches, 'delete')
        refuse(dispatches, lambda d: d.state not in {'draft', 'cancelled'},
            DispatchError, 'quarantine_supply.msg_dispatch_delete',
            'dispatch')
        super().delete(dispatches)


class DispatchLine(
        parent_state_line('dispatch', 'quarantine.supply.dispatch',
            "Dispatch State",
            'quarantine_supply.msg_dispatch_quantity_positive'),
        ModelSQL, ModelView):
    "Supply Dispatch Line"
    __name__ = 'quarantine.supply.dispatch.line'
    __string__ = "Supply Dispatch Line"

    dispatch = fields.Many2One('quarantine.supply.dispatch', "Dispatch",
        required=True, ondelete='CASCADE')
    site = fields.Many2One('quarantine.site', "Site", required=True,
        states={'readonly': Eval('dispatch_state') != 'draft'})
    purchase = fields.Many2One('purchase.purchase', "Purchase",
        states={'readonly': Eval('dispatch_state') != 'draft'})
    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods')],
        states={'readonly': Eval('dispatch_state') != 'draft'})
    quantity = fields.Float("Loaded", digits='unit', required=True,
        states={'readonly': Eval('dispatch_state') != 'draft'})
    unit = fields.Many2One('product.uom', "Unit", required=True,
        domain=[If(Eval('product_uom_category'),
                ('category', '=', Eval('product_uom_category', -1)), ())],
        states={'readonly': Eval('dispatch_state') != 'draft'})
    received_quantity = fields.Float("Received", digits='unit',
        states={'readonly': Eval('dispatch_state') != 'in_transit'},
        help="What the site counted at the handover point; empty means "
        "all that was loaded.")
    shortage = fields.Function(fields.Float("Shortage", digits='unit'),
        'get_shortage')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dispatch')

    @fields.depends('dispatch', '_parent_dispatch.site', 'site')
    def on_change_dispatch(self):
        if self.dispatch and self.dispatch.site and not self.site:
            self.site = self.dispatch.site

    def get_shortage(self, name):
        if self.received_quantity is None:
            return None
        return self.unit.round(self.quantity - self.received_quantity)

    def check_received(self):
        if self.received_quantity is None:
            return
        if self.received_quantity < 0:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_received_negative',
                    product=self.product.rec_name))
        if self.unit.round(self.received_quantity) > self.quantity:
            raise DispatchError(gettext(
                    'quarantine_supply.msg_dispatch_received_more',
                    product=self.product.rec_name, site=self.site.rec_name,
                    received=self.received_quantity, loaded=self.quantity,
                    unit=self.unit.symbol))


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['quarantine.supply.dispatch.line']


class DispatchNote(FormReport):
    "The dispatch note the driver carries and the site signs"
    __name__ = 'quarantine.supply.dispatch.note'
    draw = staticmethod(render_dispatch_notes)

    @classmethod
    def source(cls, dispatch):
        """Where the load comes from (发货地): the supplier and its
        address for what a purchase brings, the warehouse by name for what
        a warehouse holds"""
        sources = []
        if any(l.purchase for l in dispatch.lines) or (
                not dispatch.from_warehouse and dispatch.purchase):
            address = (dispatch.contract.supplier_address()
                if dispatch.contract else None)
            place = ' '.join(filter(None, [address.city, address.street]
                    )) if address else ''
            sources.append(dispatch.supplier.rec_name
                + (f'（{place}）' if place else ''))
        if dispatch.from_warehouse and any(
                not l.purchase for l in dispatch.lines):
            sources.append(dispatch.from_warehouse.name)
        return '、'.join(sources)

    @classmethod
    def form(cls, dispatch):
        pool = Pool()
        DriverTest = pool.get('quarantine.supply.driver_test')
        states = selection_labels(dispatch, 'state')
        results = selection_labels(DriverTest, 'result')
        test = (DriverTest.latest([dispatch.driver]).get(dispatch.driver.id)
            if dispatch.driver else None)

        def number(value, unit):
            return f'{value:g} {unit.symbol}' if value is not None else ''
        return {
            'number': dispatch.number or '',
            'supplier': dispatch.supplier.rec_name,
            'vehicle': dispatch.vehicle.rec_name if dispatch.vehicle else '',
            'driver': dispatch.driver.rec_name if dispatch.driver else '',
            'driver_phone': dispatch.driver_phone or '',
            'driver_test': (f'{minute(test.tested_at)} {results[test.result]}'
                if test else ''),
            'disinfected_at': minute(dispatch.vehicle.disinfected_at
                if dispatch.vehicle else None),
            'handover_point': dispatch.handover_point or '',
            'source': cls.source(dispatch),
            'departed_at': minute(dispatch.departed_at),
            'delivered_at': minute(dispatch.delivered_at),
            'state': states[dispatch.state],
            'lines': [{
                    'site': l.site.rec_name,
                    'product': l.product.rec_name,
                    'quantity': f'{l.quantity:g}',
                    'unit': l.unit.symbol,
                    'received': (f'{l.received_quantity:g}'
                        if l.received_quantity is not None else ''),
                    'shortage': (number(l.shortage, l.unit)
                        if l.shortage else ''),
                    } for l in dispatch.lines],
            'notes': dispatch.notes or '',
            }

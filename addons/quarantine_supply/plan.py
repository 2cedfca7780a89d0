# This file is part of the quarantine_supply module.  See README.md.
"""Stocking plans (储存计划): population x ration norm x reserve days,
less what is on hand and coming, ordered from the contracted suppliers."""
import datetime as dt
import math
from collections import defaultdict, namedtuple

from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.i18n import gettext
from trytond.model import Check, ModelSQL, ModelView, Workflow, fields
from trytond.modules.quarantine.common import (
    FreshCopy, check_access_first, refuse)
from trytond.modules.quarantine.excel import save
from trytond.modules.quarantine.registry import insert_values
from trytond.modules.quarantine.report import PDFReport, WorkbookReport
from trytond.modules.product.uom import _round as uom_round
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from reports.supply import render_stocking_plan

from .document import Numbered
from .exceptions import PlanError


class Plan(Numbered, FreshCopy, Workflow, ModelSQL, ModelView):
    "Stocking Plan"
    __name__ = 'quarantine.supply.plan'
    __string__ = "Stocking Plan"
    fresh_copy = ('number', 'lines', 'purchases', 'computed_at',
        'confirmed_at')
    fresh_copy_values = {'state': 'draft'}
    _rec_name = 'number'

    _states = {'readonly': Eval('state').in_(['confirmed', 'cancelled'])}

    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_states)
    scope = fields.Selection([
            ('site', "Site"),
            ('sites', "Sites"),
            ('area', "Area"),
            ], "Scope", required=True, states=_states)
    site = fields.Many2One('quarantine.site', "Site",
        states={
            'required': Eval('scope') == 'site',
            'invisible': Eval('scope') != 'site',
            'readonly': _states['readonly'],
            })
    sites = fields.Many2Many('quarantine.supply.plan-quarantine.site',
        'plan', 'site', "Sites",
        states={
            'invisible': Eval('scope') != 'sites',
            'readonly': _states['readonly'],
            })
    area = fields.Many2One('quarantine.area', "Area",
        states={
            'required': Eval('scope') == 'area',
            'invisible': Eval('scope') != 'area',
            'readonly': _states['readonly'],
            },
        help="Plans for every site of the area and of its sub-areas.")
    population_source = fields.Selection([
            ('forecast', "Residents Forecast"),
            ('typed', "Typed"),
            ('served', "Population Served"),
            ], "Population Source", required=True, states=_states,
        help="Forecast: each day of the reserve days counts the current "
        "residents plus the arrivals expected and less the releases due by "
        "that day, site by site; the population is their average.\n"
        "Typed: one population for the whole plan, e.g. the residents of "
        "the communities a warehouse serves.\n"
        "Population Served: each supplier is asked for the people of the "
        "communities its contract serves x norm x reserve days (Ruijin's "
        "stocking table); the population is their sum.")
    population = fields.Integer("Population", required=True,
        states={
            'readonly': (_states['readonly']
                | Eval('population_source').in_(['forecast', 'served'])),
            })
    current_residents = fields.Integer("Current Residents", readonly=True)
    forecast_arrivals = fields.Integer("Forecast Arrivals", readonly=True)
    forecast_releases = fields.Integer("Forecast Releases", readonly=True)
    reserve_days = fields.Integer("Reserve Days", required=True,
        states=_states,
        help="Days of supply to hold (Chongqing: at least 15).")
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'required': ((Eval('population_source') != 'forecast')
                & (Eval('scope') != 'site')),
            'readonly': _states['readonly'],
            },
        help="Where the supplies of a typed population or of the "
        "population served are delivered; the sites' own warehouses "
        "otherwise.")
    lines = fields.One2Many('quarantine.supply.plan.line', 'plan', "Lines",
        readonly=True)
    purchases = fields.One2Many('purchase.purchase', 'supply_plan',
        "Purchases", readonly=True)
    notes = fields.Text("Notes", size=10000)
    state = fields.Selection([
            ('draft', "Draft"),
            ('computed', "Computed"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    computed_at = fields.DateTime("Computed at", readonly=True)
    confirmed_at = fields.DateTime("Confirmed at", readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('population_positive', Check(t, t.population >= 0),
                'quarantine_supply.msg_plan_population_positive'),
            ('reserve_days_positive', Check(t, t.reserve_days > 0),
                'quarantine_supply.msg_reserve_days_positive'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('computed', 'confirmed'),
            ('computed', 'draft'),
            ('draft', 'cancelled'),
            ('computed', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'icon': 'tryton-refresh', 'depends': ['state']},
                'confirm': {
                    'invisible': Eval('state') != 'computed',
                    'icon': 'tryton-ok', 'depends': ['state']},
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'draft': {
                    'invisible': ~Eval('state').in_(['computed', 'cancelled']),
                    'icon': 'tryton-back', 'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_scope():
        return 'site'

    @staticmethod
    def default_population_source():
        return 'forecast'

    @staticmethod
    def default_population():
        return 0

    @classmethod
    def default_reserve_days(cls):
        Configuration = Pool().get('quarantine.configuration')
        return Configuration(1).default_reserve_days

    @fields.depends('site', 'warehouse')
    def on_change_site(self):
        if self.site and self.site.warehouse and not self.warehouse:
            self.warehouse = self.site.warehouse

    @classmethod
    def number_sequence(cls):
        Configuration = Pool().get('quarantine.configuration')
        return Configuration(1).supply_plan_sequence

    @property
    def end_date(self):
        return self.date + dt.timedelta(days=self.reserve_days)

    def plan_sites(self):
        Site = Pool().get('quarantine.site')
        if self.scope == 'site':
            return [self.site] if self.site else []
        if self.scope == 'sites':
            return list(self.sites)
        if self.area:
            return Site.search([
                    ('area', 'child_of', [self.area.id], 'parent'),
                    ('state', '!=', 'closed'),
                    ], order=[('code', 'ASC')])
        return []

    def destinations(self, served=()):
        """Return the (site, warehouse, person-days) the plan supplies and
        fill the population figures; served are the contracts whose
        communities a plan of the population served feeds"""
        days = self.reserve_days
        if self.population_source in {'typed', 'served'}:
            if self.population_source == 'served':
                self.population = sum(c.population_served or 0
                    for c in served)
            site = self.site if self.scope == 'site' else None
            warehouse = self.warehouse or (site.warehouse if site else None)
            self.current_residents = self.forecast_arrivals = None
            self.forecast_releases = None
            return [(site, warehouse, self.population * days)]
        sites = self.plan_sites()
        forecast = self.forecast(sites)
        result = []
        totals = [0, 0, 0, 0]
        for site in sites:
            figures = forecast.get(site.id, (0, 0, 0, 0))
            totals = [t + f for t, f in zip(totals, figures)]
            result.append((site, site.warehouse, figures[3]))
        (self.current_residents, self.forecast_arrivals,
            self.forecast_releases, person_days) = totals
        self.population = -(-person_days // days)
        return result

    def forecast(self, sites):
        """Return {site id: (current, arrivals, releases, person-days)}
        over the reserve days.

        The population of each day is the current residents plus the
        arrivals expected and less the releases due by that day; the
        person-days add these up, so a resident leaving on day 5 is fed
        five days and one arriving on day 3 from then on."""
        pool = Pool()
        Stay = pool.get('quarantine.stay')
        stay = Stay.__table__()
        cursor = Transaction().connection.cursor()
        start, end = self.date, self.end_date
        result = {}
        site_ids = [s.id for s in sites]
        for index in range(0, len(site_ids), 1000):
            cursor.execute(*stay.select(
                    stay.site, stay.state, stay.arrival_date, stay.end_date,
                    where=stay.site.in_(site_ids[index:index + 1000])
                    & (((stay.state == 'admitted'))
                        | ((stay.state == 'draft')
                            & (stay.arrival_date < end)))))
            for site_id, state, arrival, end_date in cursor:
                current, arrivals, releases, person_days = result.get(
                    site_id, (0, 0, 0, 0))
                if isinstance(arrival, str):
                    arrival = dt.date.fromisoformat(arrival)
                if isinstance(end_date, str):
                    end_date = dt.date.fromisoformat(end_date)
                first = max(arrival, start) if state == 'draft' else start
                last = min(end_date or end, end)  # fed until release day
                if state == 'admitted':
                    current += 1
                else:
                    arrivals += 1
                if end_date and end_date < end:
                    releases += 1
                person_days += max((last - first).days + (
                        1 if end_date and end_date < end else 0), 0)
                result[site_id] = (current, arrivals, releases, person_days)
        return result

    def stock_levels(self, warehouses, products):
        """Return {(warehouse id, product id): (on hand, forecast)} in the
        products' default units"""
        Product = Pool().get('product.product')
        ids = list({w.id for w in warehouses if w})
        if not ids or not products:
            return {}
        grouping_filter = ([p.id for p in products],)
        with Transaction().set_context(stock_date_end=self.date):
            on_hand = Product.products_by_location(ids, with_childs=True,
                grouping_filter=grouping_filter)
        with Transaction().set_context(stock_date_end=self.end_date):
            forecast = Product.products_by_location(ids, with_childs=True,
                grouping_filter=grouping_filter)
        keys = set(on_hand) | set(forecast)
        return {key: (on_hand.get(key, 0), forecast.get(key, 0))
            for key in keys}

    def served_contracts(self, offers):
        """The contracts of the offers serving communities and the plan's
        sites (every one of them when the plan names no site)"""
        sites = self.plan_sites()
        contracts = {o.contract for product_offers in offers.values()
            for o in product_offers if o.population > 0}
        return sorted((c for c in contracts
                if any(c.covers(self.date, s) for s in sites)
                or (not sites and c.covers(self.date))),
            key=lambda c: c.id)

    def compute_lines(self, norms, offers):
        "Return the values of the plan's lines"
        pool = Pool()
        Uom = pool.get('product.uom')
        served = []
        if self.population_source == 'served':
            served = self.served_contracts(offers)
            if not served:
                raise PlanError(gettext(
                        'quarantine_supply.msg_plan_none_served',
                        plan=self.rec_name))
        destinations = self.destinations(served)
        levels = self.stock_levels(
            [w for _, w, _ in destinations], [n.product for n in norms])
        # what each line asks of its norm, read once: a province's 264,000
        # lines spent most of their time reading the same fields again
        rations = [Ration(n.product.id, n.unit.id, Rounding(n.unit),
                n.quantity, Uom.compute_qty(n.product.default_uom, 1,
                    n.unit, round=False))
            for n in norms]
        contracts = {o.contract for product_offers in offers.values()
            for o in product_offers}
        # the sites each contract names, read once: a city's 250 sites
        # looked up in the lists of 13 contracts took a second
        in_force = [(c, {s.id for s in c.sites}) for c in contracts
            if c.covers(self.date)]
        lines = []
        for site, warehouse, person_days in destinations:
            population = -(-person_days // self.reserve_days)
            # once a site, not once a product
            covering = {c.id for c, named in in_force
                if not site or not named or site.id in named}
            for ration in rations:
                product, unit = ration.product, ration.rounding
                on_hand, forecast = levels.get(
                    (warehouse.id if warehouse else None, product), (0, 0))
                on_hand *= ration.factor
                forecast *= ration.factor
                required = person_days * ration.quantity
                figures = {
                    'required': required,
                    'on_hand': on_hand,
                    'incoming': forecast - on_hand,
                    'to_order': max(required - forecast, 0),
                    }
                common = {
                    'plan': self.id,
                    'site': site.id if site else None,
                    'warehouse': warehouse.id if warehouse else None,
                    'product': product,
                    'unit': ration.unit,
                    'population': population,
                    }
                if served:
                    suppliers = [o for o in offers.get(product, [])
                        if o.contract in served]
                    for contract, people, shares in share_served(
                            figures, suppliers, population, unit):
                        lines.append(dict(common, contract=contract,
                                population=people, **shares))
                    continue
                suppliers = [o for o in offers.get(product, [])
                    if o.contract.id in covering]
                for contract, fraction, shares in share(
                        figures, suppliers, unit):
                    lines.append(dict(common, contract=contract,
                            population=round(population * fraction),
                            **shares))
        return lines

    @classmethod
    def offers(cls, date, norms):
        """Return {product id: [Offer]} of the contracts in force on date
        whose lines carry the product, capacity and minimum in the norm's
        unit"""
        pool = Pool()
        Contract = pool.get('quarantine.supply.contract')
        Uom = pool.get('product.uom')
        units = {n.product.id: n.unit for n in norms}
        contracts = Contract.search([
                ('state', '=', 'active'),
                ('start_date', '<=', date),
                ['OR', ('end_date', '=', None), ('end_date', '>=', date)],
                ('lines.product', 'in', list(units)),
                ])
        result = defaultdict(list)
        for contract in contracts:
            population = contract.population_served or 0
            for line in contract.lines:
                unit = units.get(line.product.id)
                if unit:
                    result[line.product.id].append(Offer(contract,
                            Uom.compute_qty(line.unit, line.daily_capacity,
                                unit, round=False),
                            Uom.compute_qty(line.unit,
                                line.minimum_quantity or 0, unit,
                                round=False),
                            population))
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('computed')
    def compute(cls, plans):
        pool = Pool()
        Line = pool.get('quarantine.supply.plan.line')
        Norm = pool.get('quarantine.supply.norm')
        Site = pool.get('quarantine.site')
        norms = Norm.search([])
        if not norms:
            raise PlanError(gettext('quarantine_supply.msg_plan_no_norm'))
        for plan in plans:
            plan.check_scope()
        # sites made before this module was activated have no warehouse yet
        Site.create_warehouses(list({s for p in plans for s in p.plan_sites()
                    if not s.warehouse}))
        Line.delete(Line.search([('plan', 'in', [p.id for p in plans])]))
        values = []
        for plan in plans:
            offers = cls.offers(plan.date, norms)
            values.extend(plan.compute_lines(norms, offers))
            plan.computed_at = dt.datetime.now()
        cls.save(plans)
        for value in values:
            contract = value.pop('contract')
            value['contract'] = contract.id if contract else None
        # a city's plan writes a line per site, product and supplier (26,400
        # for 50 sites): in one COPY, as the bulk path of the residents
        # (access, defaults, record rules and field domains checked the
        # same): the ORM's create and its validation took 17 of its 19 s
        insert_values(Line, values)

    def check_scope(self):
        if self.population < 0:
            raise PlanError(gettext(
                    'quarantine_supply.msg_plan_population_positive'))
        if self.reserve_days is None or self.reserve_days <= 0:
            raise PlanError(gettext(
                    'quarantine_supply.msg_reserve_days_positive'))
        if self.population_source == 'forecast' and not self.plan_sites():
            raise PlanError(gettext('quarantine_supply.msg_plan_no_site',
                    plan=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, plans):
        """Order what the plans say: the purchases are made, quoted,
        confirmed and processed at once (their moves await the trucks), as
        the plan is the supply office's order; no purchase screen is
        needed"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        purchases = []
        for plan in plans:
            plan.check_confirm()
            purchases.extend(plan.purchases_to_create())
            plan.confirmed_at = dt.datetime.now()
        Purchase.save(purchases)
        if purchases:
            Purchase.quote(purchases)
            Purchase.confirm(purchases)
            Purchase.process(purchases)
        cls.save(plans)
        cls.set_order_points(plans)

    def check_confirm(self):
        if not Transaction().context.get('company'):
            raise PlanError(gettext('quarantine_supply.msg_plan_no_company',
                    plan=self.rec_name))
        uncovered = sorted({l.product.rec_name for l in self.lines
                if l.to_order > 0 and not l.contract})
        if uncovered:
            raise PlanError(gettext(
                    'quarantine_supply.msg_plan_no_contract',
                    plan=self.rec_name, products='、'.join(uncovered)))
        if any(l.to_order > 0 and not l.warehouse for l in self.lines):
            raise PlanError(gettext(
                    'quarantine_supply.msg_plan_no_warehouse',
                    plan=self.rec_name))
        for contract in {l.contract for l in self.lines
                if l.to_order > 0 and l.contract}:
            if not contract.supplier_address():
                raise PlanError(gettext(
                        'quarantine_supply.msg_plan_supplier_no_address',
                        plan=self.rec_name,
                        supplier=contract.supplier.rec_name))

    def purchases_to_create(self):
        "One draft purchase per contract and warehouse"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        Uom = pool.get('product.uom')
        groups = defaultdict(list)
        for line in self.lines:
            if line.to_order > 0:
                groups[(line.contract, line.warehouse)].append(line)
        purchases = []
        for (contract, warehouse), lines in groups.items():
            purchase = Purchase(
                party=contract.supplier,
                warehouse=warehouse,
                purchase_date=self.date,
                delivery_date=self.date + dt.timedelta(
                    days=contract.lead_days),
                supply_contract=contract,
                supply_plan=self,
                )
            purchase.on_change_party()
            purchase.invoice_address = contract.supplier_address()
            # the county pays its suppliers outside Tryton's accounting
            purchase.invoice_method = 'manual'
            terms = {l.product: l for l in contract.lines}
            purchase_lines = []
            for line in lines:
                term = terms[line.product]
                quantity = Uom.compute_qty(line.unit, line.to_order,
                    term.unit, round=False)
                purchase_lines.append(PurchaseLine(
                        type='line',
                        product=line.product,
                        description=line.product.rec_name,
                        unit=term.unit,
                        quantity=term.unit.ceil(quantity),
                        unit_price=term.unit_price,
                        ))
            purchase.lines = purchase_lines
            purchases.append(purchase)
        return purchases

    @classmethod
    def set_order_points(cls, plans):
        """Keep each site's stock at its plan through Tryton's order
        points: order up to the plan's level when the stock falls below
        the reorder days"""
        pool = Pool()
        OrderPoint = pool.get('stock.order_point')
        Uom = pool.get('product.uom')
        Configuration = pool.get('quarantine.configuration')
        reorder_days = Configuration(1).reorder_days
        levels = {}
        for plan in plans:
            days = min(reorder_days, plan.reserve_days)
            for line in plan.lines:
                if not line.warehouse:
                    continue
                product = line.product
                key = (line.warehouse.id, product.id)
                target = Uom.compute_qty(line.unit, line.required,
                    product.default_uom)
                minimum = Uom.compute_qty(line.unit,
                    line.required * days / plan.reserve_days,
                    product.default_uom)
                old_minimum, old_target = levels.get(key, (0, 0))
                levels[key] = (
                    product.default_uom.round(old_minimum + minimum),
                    product.default_uom.round(old_target + target))
        if not levels:
            return
        company = Transaction().context.get('company')
        existing = {(op.location.id, op.product.id): op
            for op in OrderPoint.search([
                    ('type', '=', 'purchase'),
                    ('location', 'in', list({k[0] for k in levels})),
                    ('product', 'in', list({k[1] for k in levels})),
                    ])}
        to_save = []
        for (warehouse_id, product_id), (minimum, target) in levels.items():
            order_point = existing.get((warehouse_id, product_id))
            if not order_point:
                order_point = OrderPoint(type='purchase',
                    location=warehouse_id, product=product_id,
                    company=company)
            order_point.min_quantity = minimum
            order_point.target_quantity = target
            to_save.append(order_point)
        OrderPoint.save(to_save)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, plans):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, plans):
        pass

    @classmethod
    def delete(cls, plans):
        check_access_first(cls, plans, 'delete')
        refuse(plans, lambda p: p.state == 'confirmed', PlanError,
            'quarantine_supply.msg_plan_delete_confirmed', 'plan')
        super().delete(plans)


Offer = namedtuple('Offer', ['contract', 'capacity', 'minimum', 'population'])
Ration = namedtuple('Ration', ['product', 'unit', 'rounding', 'quantity',
        'factor'])


class Rounding:
    "A unit's rounding, read once: what share() asks of a unit"
    __slots__ = ('rounding',)

    def __init__(self, unit):
        self.rounding = unit.rounding

    def round(self, number):
        return uom_round(self, number)

    def ceil(self, number):
        return uom_round(self, number, func=math.ceil)


def share(figures, offers, unit):
    """Yield (contract, fraction, figures) sharing a product's figures
    among the offers of the suppliers carrying it.

    The shares follow the population each supplier serves (the
    communities of its contract): a supplier serving no community gets no
    share of a product that suppliers serving communities carry; when none
    of them serves a community, the shares follow their daily capacity.

    No one is asked for less than its minimum order quantity. While some
    share to order is below its supplier's minimum, the smallest share is
    left to the others (the supplier serving the fewest people goes first),
    so a small site's needs go to the suppliers with the largest shares
    rather than in crumbs to each; when one supplier is left and what it
    is asked for is still below its minimum, it is rounded up to the
    minimum. The last supplier takes the rounding."""
    if not offers:
        yield None, 1, {k: unit.round(v) for k, v in figures.items()}
        return
    if any(o.population > 0 for o in offers):
        def weight(offer):
            return offer.population
    else:
        def weight(offer):
            return offer.capacity
    kept = sorted((o for o in offers if weight(o) > 0),
        key=lambda o: (-weight(o), o.contract.id))
    base = figures['to_order'] or figures['required']
    while len(kept) > 1:
        total = sum(weight(o) for o in kept)
        short = [o for o in kept if base * weight(o) / total < o.minimum]
        if not short:
            break
        kept.remove(short[-1])
    total = sum(weight(o) for o in kept)
    given = defaultdict(float)
    for index, offer in enumerate(kept):
        fraction = weight(offer) / total
        if index == len(kept) - 1:
            shares = {k: unit.round(v - given[k])
                for k, v in figures.items()}
        else:
            shares = {k: unit.round(v * fraction)
                for k, v in figures.items()}
            for k, v in shares.items():
                given[k] += v
        if 0 < shares['to_order'] < offer.minimum:
            shares['to_order'] = unit.ceil(offer.minimum)
        yield offer.contract, fraction, shares


def share_served(figures, offers, population, unit):
    """Yield (contract, people, figures) giving each supplier carrying a
    product the share of the people its communities count (Ruijin's
    stocking table: population served x norm x days); the people none of
    them serves stay without contract.

    No one is left out for its minimum order quantity, as the people it
    serves are its own: a share to order below the minimum is rounded up
    to it. The last share takes the rounding."""
    parts = [(o.contract, o.population, o.minimum) for o in sorted(
            (o for o in offers if o.population > 0),
            key=lambda o: (-o.population, o.contract.id))]
    rest = population - sum(people for _, people, _ in parts)
    if rest > 0 or not parts:
        parts.append((None, max(rest, 0), 0))
    given = defaultdict(float)
    for index, (contract, people, minimum) in enumerate(parts):
        if index == len(parts) - 1:
            shares = {k: unit.round(v - given[k])
                for k, v in figures.items()}
        else:
            shares = {k: unit.round(v * people / population)
                for k, v in figures.items()}
            for k, v in shares.items():
                given[k] += v
        if contract and 0 < shares['to_order'] < minimum:
            shares['to_order'] = unit.ceil(minimum)
        yield contract, people, shares


class PlanSite(ModelSQL):
    "Stocking Plan - Site"
    __name__ = 'quarantine.supply.plan-quarantine.site'
    __string__ = "Stocking Plan - Site"

    plan = fields.Many2One('quarantine.supply.plan', "Plan", required=True,
        ondelete='CASCADE')
    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')


class PlanLine(ModelSQL, ModelView):
    "Stocking Plan Line"
    __name__ = 'quarantine.supply.plan.line'
    __string__ = "Stocking Plan Line"

    plan = fields.Many2One('quarantine.supply.plan', "Plan", required=True,
        ondelete='CASCADE')
    site = fields.Many2One('quarantine.site', "Site", readonly=True)
    warehouse = fields.Many2One('stock.location', "Warehouse", readonly=True)
    product = fields.Many2One('product.product', "Product", required=True,
        readonly=True)
    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        readonly=True)
    supplier = fields.Function(fields.Many2One('party.party', "Supplier"),
        'get_supplier')
    population = fields.Integer("Population", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", required=True,
        readonly=True)
    required = fields.Float("Required", digits='unit', readonly=True,
        help="Population x norm x reserve days.")
    on_hand = fields.Float("On Hand", digits='unit', readonly=True)
    incoming = fields.Float("Incoming", digits='unit', readonly=True,
        help="Expected in (less expected out) before the end of the "
        "reserve days.")
    to_order = fields.Float("To Order", digits='unit', readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('product', 'ASC'),
            ('contract', 'ASC'), ('id', 'ASC')]

    def get_supplier(self, name):
        return self.contract.supplier.id if self.contract else None


class StockingPlanReport(PDFReport):
    "The stocking guidance table: per supplier, per product"
    __name__ = 'quarantine.supply.plan.guidance'

    @classmethod
    def render(cls, report, report_context):
        plan, = report_context['records'][:1]
        return render_stocking_plan(cls.table(plan))

    @classmethod
    def table(cls, plan):
        """Return the guidance table of the plan: one row a supplier, what
        it is asked to order of each product, and the people it feeds.

        Weights print in kilograms to one decimal while every cell is below
        a tonne (a site's plan), in tonnes to three decimals (the kilogram)
        otherwise (a city's plan): nothing a supplier is asked for prints
        as 0.00.

        A row's population is the people the supplier feeds: at each place
        it delivers to, the most people it feeds with one product, added
        up over the places. A supplier feeding a site's 17 people their
        grain and 9 of them their vegetables feeds 17; the one feeding the
        other 8 their vegetables feeds 8. Two suppliers may feed the same
        people different products, so the total is the plan's population,
        not the rows' sum.

        The third column says whom the supplier feeds. In a plan of the
        population served (Ruijin's 附件1) it is the communities of the
        supplier's contract (保障社区), whose people the row counts. In any
        other plan the supplier feeds the plan's sites (or its warehouse),
        not its communities: the column (保障对象) names the sites it
        delivers to.

        A cell is what the supplier is ordered, the same quantity as the
        purchase; where the need is below the supplier's minimum order
        quantity the order is raised to the minimum, and the notes under
        the table give each such cell with its need (a site's noodles: 6.7
        kg needed, 10.0 kg ordered).

        Laid out as Ruijin's 附件1: the suppliers in the order of their
        contracts, the products in the order they were made (the shipped
        ones as Ruijin's columns)."""
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        tonne = Uom(ModelData.get_id('quarantine_supply', 'uom_tonne'))
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        served = plan.population_source == 'served'
        products, suppliers = set(), {}
        quantities = defaultdict(float)
        needs = defaultdict(float)
        # {(supplier, place): people}; each supplier's places in line order
        fed = defaultdict(int)
        destinations = defaultdict(dict)
        for line in plan.lines:
            products.add(line.product)
            supplier = (line.supplier.rec_name if line.supplier
                else gettext('quarantine_supply.msg_plan_no_supplier'))
            suppliers.setdefault(supplier, line.contract)
            quantity = line.to_order or 0
            need = max((line.required or 0) - (line.on_hand or 0)
                - (line.incoming or 0), 0)
            if quantity <= line.unit.round(need) + line.unit.rounding:
                need = quantity  # ordered as needed, not at a minimum
            if line.unit.category == kilogram.category:
                quantity, need = (Uom.compute_qty(line.unit, q, kilogram,
                        round=False) for q in [quantity, need])
            quantities[(supplier, line.product)] += quantity
            needs[(supplier, line.product)] += need
            place = (line.site.rec_name if line.site
                else line.warehouse.rec_name if line.warehouse else '')
            destinations[supplier][place] = None
            fed[(supplier, place)] = max(fed[(supplier, place)],
                line.population or 0)
        products = sorted(products, key=lambda p: p.id)
        suppliers = sorted(suppliers.items(), key=lambda s: (
                s[1] is None, s[1].id if s[1] else 0, s[0]))
        weights = [q for (_, p), q in quantities.items()
            if p.default_uom.category == kilogram.category]
        weight_unit, digits = ((tonne, 3) if max(weights, default=0) >= 1000
            else (kilogram, 1))
        factor = 1000 if weight_unit == tonne else 1
        columns, column_digits, column_units = [], [], []
        for product in products:
            if product.default_uom.category == kilogram.category:
                unit, places = weight_unit, digits
            else:
                unit, places = (product.default_uom,
                    product.default_uom.digits)
            columns.append(f'{product.rec_name}({unit.symbol})')
            column_digits.append(places)
            column_units.append(unit.symbol)

        def value(figures, supplier, product, places):
            quantity = figures.get((supplier, product))
            if quantity is None:
                return None
            if product.default_uom.category == kilogram.category:
                quantity /= factor
            return round(quantity, places)

        def whom(supplier, contract):
            if served:
                return '、'.join(c.name for c in contract.communities
                    ) if contract else ''
            return '、'.join(p for p in destinations[supplier] if p)

        raised = []
        for supplier, _ in suppliers:
            for product, places, unit in zip(
                    products, column_digits, column_units):
                ordered = value(quantities, supplier, product, places)
                need = value(needs, supplier, product, places)
                if ordered is not None and need < ordered:
                    raised.append(gettext(
                            'quarantine_supply.msg_plan_guidance_raised',
                            supplier=supplier, product=product.rec_name,
                            need=f'{need:.{places}f}',
                            ordered=f'{ordered:.{places}f}', unit=unit))
        table = {
            'number': plan.number or '',
            'title': gettext('quarantine_supply.msg_plan_guidance_title'),
            'scope': cls.scope_name(plan),
            'date': str(plan.date),
            'population': plan.population,
            'total_population': plan.population,
            'reserve_days': plan.reserve_days,
            'products': columns,
            'digits': column_digits,
            'units': weight_unit.symbol,
            'rows': [{
                    'supplier': supplier,
                    'communities': whom(supplier, contract),
                    'population': sum(fed[(supplier, p)]
                        for p in destinations[supplier]),
                    'quantities': [value(quantities, supplier, p, places)
                        for p, places in zip(products, column_digits)],
                    } for supplier, contract in suppliers],
            'notes': gettext('quarantine_supply.msg_plan_guidance_minimum',
                cells='；'.join(raised)) if raised else '',
            }
        if not served:
            table['labels'] = {'communities': gettext(
                    'quarantine_supply.msg_plan_sheet_supplied')}
        return table

    @classmethod
    def scope_name(cls, plan):
        if plan.scope == 'site' and plan.site:
            return plan.site.rec_name
        if plan.scope == 'area' and plan.area:
            return plan.area.rec_name
        return '、'.join(s.rec_name for s in plan.sites)


class StockingPlanSheet(WorkbookReport):
    "The stocking plan as a workbook: the guidance table and the lines"
    __name__ = 'quarantine.supply.plan.sheet'

    @classmethod
    def render(cls, report, report_context):
        plan, = report_context['records'][:1]
        table = StockingPlanReport.table(plan)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = table['title'][:31]
        sheet.append([table['title'], table['number'], table['scope'],
                table['date']])
        # Ruijin's 附件1: 序号, 企业名称, 保障社区, 保障人数, the products
        sheet.append([gettext('quarantine_supply.msg_plan_sheet_index'),
                gettext('quarantine_supply.msg_plan_sheet_enterprise'),
                table.get('labels', {}).get('communities') or gettext(
                    'quarantine_supply.msg_plan_sheet_communities'),
                gettext('quarantine_supply.msg_plan_sheet_population')]
            + table['products'])
        fixed = 4
        for index, row in enumerate(table['rows'], 1):
            sheet.append([index, row['supplier'], row['communities'],
                    row['population']] + row['quantities'])
        totals = [round(sum(r['quantities'][i] or 0 for r in table['rows']),
                places) for i, places in enumerate(table['digits'])]
        sheet.append([None,
                gettext('quarantine_supply.msg_plan_sheet_total'), None,
                table['population']] + totals)
        if table['notes']:
            sheet.append([])
            sheet.append([table['notes']])
        for ws_row in sheet.iter_rows(min_row=3):
            for cell, places in zip(ws_row[fixed:], table['digits']):
                cell.number_format = '0.' + '0' * places if places else '0'
        lines = workbook.create_sheet(
            gettext('quarantine_supply.msg_plan_sheet_lines'))
        lines.append(gettext('quarantine_supply.msg_plan_sheet_header'
                ).split('|'))
        for line in plan.lines:
            lines.append([
                    line.site.rec_name if line.site else '',
                    line.product.rec_name,
                    line.supplier.rec_name if line.supplier else '',
                    line.population]
                + [line.unit.round(v or 0) for v in [line.required,
                        line.on_hand, line.incoming, line.to_order]]
                + [line.unit.symbol])
        for ws in [sheet, lines]:
            for cell in ws[2 if ws is sheet else 1]:
                cell.font = Font(bold=True)
                ws.column_dimensions[cell.column_letter].width = 14
        sheet.column_dimensions['C'].width = 40  # the communities
        return save(workbook)

# This file is part of the quarantine_supply module.  See README.md.
"""Supply contracts (保供协议): who supplies what, how much a day, at what
price, to which communities and sites, and how well they deliver."""
import datetime as dt
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.i18n import gettext
from trytond.model import (
    Check, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.quarantine.common import (
    FreshCopy, flag_domain, refuse)
from trytond.modules.quarantine.excel import save
from trytond.modules.quarantine.report import WorkbookReport
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import ContractError
from .product_unit import ProductUnitMixin

KINDS = [
    ('supermarket', "Supermarket"),
    ('grain_oil', "Grain and Oil"),
    ('vegetable', "Vegetables"),
    ('meat', "Meat and Eggs"),
    ('producer', "Producer or Wholesaler"),
    ('storage', "Storage Provider"),
    ]


class Contract(FreshCopy, Workflow, ModelSQL, ModelView):
    "Supply Contract"
    __name__ = 'quarantine.supply.contract'
    _history = True
    __string__ = "Supply Contract"
    fresh_copy_values = {'state': 'draft'}

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", states=_states,
        help="The company buying on this contract.")
    reference = fields.Char("Reference", size=100, states=_states)
    supplier = fields.Many2One('party.party', "Supplier", required=True,
        states=_states, ondelete='RESTRICT')
    credit_code = fields.Function(fields.Char("Unified Social Credit Code",
            help="The supplier's identifier of type \"Chinese Unified "
            "Social Credit Code\"."), 'get_credit_code')
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    supply_group = fields.Char("Supply Group", size=100, states=_states,
        help="The supply group (保供组) that follows this supplier.")
    liaison = fields.Char("Liaison", size=100, states=_states,
        help="The supplier's one liaison, reachable 24 hours a day.")
    liaison_phone = fields.Char("Liaison Phone", size=30, states=_states)
    lines = fields.One2Many('quarantine.supply.contract.line', 'contract',
        "Products", states=_states)
    communities = fields.One2Many('quarantine.supply.contract.community',
        'contract', "Communities Served", states=_states)
    population_served = fields.Function(fields.Integer("Population Served"),
        'get_population_served')
    sites = fields.Many2Many('quarantine.supply.contract-quarantine.site',
        'contract', 'site', "Sites Served", states=_states,
        help="Empty when the supplier may serve every site.")
    trucks = fields.Integer("Trucks", required=True, states=_states,
        help="Box trucks the supplier delivers with (Ruijin: 5 a "
        "supermarket).")
    lead_days = fields.Integer("Lead Days", required=True, states=_states,
        help="Days between the order and the delivery.")
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date("End Date", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    ordered_amount = fields.Function(fields.Numeric("Ordered Amount",
            digits=(16, 2)), 'get_ledger')
    delivered_amount = fields.Function(fields.Numeric("Delivered Amount",
            digits=(16, 2)), 'get_ledger')
    fill_rate = fields.Function(fields.Float("Fill Rate", digits=(1, 4),
            help="Delivered over ordered, by value."), 'get_ledger')
    late_count = fields.Function(fields.Integer("Late Deliveries",
            help="Deliveries received after their planned date, or still "
            "awaited past it."), 'get_ledger')
    shortfall = fields.Function(fields.Boolean("Shortfall",
            help="Some ordered quantity is due and not delivered."),
        'get_ledger', searcher='search_shortfall')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('dates', Check(t, (t.end_date == None)  # noqa: E711
                    | (t.end_date >= t.start_date)),
                'quarantine_supply.msg_contract_dates'),
            ('trucks_positive', Check(t, t.trucks >= 0),
                'quarantine_supply.msg_contract_trucks_positive'),
            ('lead_days_positive', Check(t, t.lead_days >= 0),
                'quarantine_supply.msg_contract_lead_days_positive'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'closed'),
            ('closed', 'draft'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok', 'depends': ['state']},
                'close': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-close', 'depends': ['state']},
                'draft': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-back', 'depends': ['state']},
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_kind():
        return 'supermarket'

    @staticmethod
    def default_trucks():
        return 0

    @staticmethod
    def default_lead_days():
        return 1

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        if self.reference:
            return f'{self.supplier.rec_name} [{self.reference}]'
        return self.supplier.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('supplier.rec_name', operator, value),
            ('reference', operator, value),
            ]

    def get_credit_code(self, name):
        for identifier in self.supplier.identifiers:
            if identifier.type == 'cn_vat':
                return identifier.code

    @classmethod
    def get_population_served(cls, contracts, name):
        return {c.id: sum(m.population or 0 for m in c.communities)
            for c in contracts}

    def covers(self, date, site=None):
        "Whether the contract is in force on date for the site"
        return (self.state == 'active'
            and self.start_date <= date
            and (not self.end_date or date <= self.end_date)
            and (site is None or not self.sites or site in self.sites))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, contracts):
        refuse(contracts, lambda c: not c.lines, ContractError,
            'quarantine_supply.msg_contract_no_line', 'contract')
        for contract in contracts:
            if not contract.supplier_address():
                raise ContractError(gettext(
                        'quarantine_supply.msg_contract_supplier_no_address',
                        contract=contract.rec_name,
                        supplier=contract.supplier.rec_name))
        cls.register_suppliers(contracts)

    def supplier_address(self):
        """The supplier's address the purchases are invoiced to, or None
        when it has no address with a street or a city: a purchase cannot
        be confirmed without one, nor a truck sent back to the supplier"""
        for address in self.supplier.addresses:
            if address.active and (
                    (address.street or '').strip()
                    or (address.city or '').strip()):
                return address

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, contracts):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, contracts):
        pass

    @classmethod
    def register_suppliers(cls, contracts):
        """Record the supplier of each contracted product, so the purchase
        requests of Tryton's order points go to a contracted supplier"""
        pool = Pool()
        ProductSupplier = pool.get('purchase.product_supplier')
        existing = {(ps.party.id, ps.product.id if ps.product else None,
                ps.template.id)
            for ps in ProductSupplier.search([
                    ('party', 'in', [c.supplier.id for c in contracts]),
                    ])}
        to_create = []
        for contract in contracts:
            company = (contract.company.id if contract.company
                else Transaction().context.get('company'))
            if not company:
                continue
            for line in contract.lines:
                product = line.product
                key = (contract.supplier.id, product.id, product.template.id)
                if key in existing:
                    continue
                existing.add(key)
                to_create.append({
                        'party': contract.supplier.id,
                        'template': product.template.id,
                        'product': product.id,
                        'company': company,
                        'lead_time': dt.timedelta(days=contract.lead_days),
                        'prices': [('create', [{
                                        'quantity': 0,
                                        'unit_price': line.unit_price,
                                        }])],
                        })
        if to_create:
            ProductSupplier.create(to_create)

    @classmethod
    def ledger(cls, contracts):
        """Return {(contract id, product): figures} of what was ordered and
        delivered through the purchases made on the contracts, in the
        purchase lines' units: ordered, delivered, ordered_amount,
        delivered_amount, late (deliveries after their planned date or
        still awaited past it), due (still awaited past the planned date)"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Date = pool.get('ir.date')
        today = Date.today()
        result = {}
        # The figures of contracts the user reads (the ledger's report and
        # field check them): a logistics officer or an administrator reads
        # them without Tryton's purchase groups.
        with without_check_access():
            purchases = Purchase.search([
                    ('supply_contract', 'in', [c.id for c in contracts]),
                    ('state', 'in', ['confirmed', 'processing', 'done']),
                    ])
        for purchase in purchases:
            for line in purchase.lines:
                if line.type != 'line' or not line.product:
                    continue
                figures = result.setdefault(
                    (purchase.supply_contract.id, line.product), {
                        'unit': line.unit, 'ordered': 0, 'delivered': 0,
                        'ordered_amount': Decimal(0),
                        'delivered_amount': Decimal(0),
                        'late': 0, 'due': 0})
                price = line.unit_price or Decimal(0)
                figures['ordered'] += line.quantity
                figures['ordered_amount'] += price * Decimal(
                    str(line.quantity))
                for move in line.moves:
                    if move.state == 'done':
                        received = line.unit.round(move.unit.compute_qty(
                                move.unit, move.quantity, line.unit))
                        figures['delivered'] += received
                        figures['delivered_amount'] += (
                            price * Decimal(str(received)))
                        if (move.effective_date and move.planned_date
                                and move.effective_date > move.planned_date):
                            figures['late'] += 1
                    elif (move.state != 'cancelled' and move.planned_date
                            and move.planned_date < today):
                        figures['late'] += 1
                        figures['due'] += 1
        return result

    @classmethod
    def get_ledger(cls, contracts, names):
        "The ledger of each contract, read at once for all of them"
        totals = {c.id: {'ordered_amount': Decimal(0),
                'delivered_amount': Decimal(0), 'late': 0, 'due': 0}
            for c in contracts}
        for (contract_id, _), figures in cls.ledger(contracts).items():
            for key in totals[contract_id]:
                totals[contract_id][key] += figures[key]
        result = {name: {} for name in names}
        for contract in contracts:
            total = totals[contract.id]
            ordered, delivered = (
                total['ordered_amount'], total['delivered_amount'])
            values = {
                'ordered_amount': ordered.quantize(Decimal('0.01')),
                'delivered_amount': delivered.quantize(Decimal('0.01')),
                'fill_rate': (float(delivered / ordered) if ordered
                    else None),
                'late_count': total['late'],
                'shortfall': bool(total['due']),
                }
            for name in names:
                result[name][contract.id] = values[name]
        return result

    @classmethod
    def search_shortfall(cls, name, clause):
        "The contracts in force whose ledger shows a shortfall"
        contracts = cls.search([('state', 'in', ['active', 'closed'])])
        short = cls.get_ledger(contracts, ['shortfall'])['shortfall']
        return flag_domain(clause, [i for i, s in short.items() if s])


class ContractLine(ProductUnitMixin, ModelSQL, ModelView):
    "Supply Contract Line"
    __name__ = 'quarantine.supply.contract.line'
    __string__ = "Supply Contract Line"

    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods'), ('purchasable', '=', True)])
    unit = fields.Many2One('product.uom', "Unit", required=True,
        domain=[If(Eval('product_uom_category'),
                ('category', '=', Eval('product_uom_category', -1)), ())])
    daily_capacity = fields.Float("Daily Capacity", digits='unit',
        required=True,
        help="What the supplier can deliver a day, in the unit.")
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), required=True)
    minimum_quantity = fields.Float("Minimum Order Quantity", digits='unit',
        required=True,
        help="The least the supplier is asked for at a time, in the unit: "
        "a stocking plan gives a smaller share to another supplier of the "
        "product, or rounds it up to this.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_unique', Unique(t, t.contract, t.product),
                'quarantine_supply.msg_contract_line_unique'),
            ('minimum_quantity_positive', Check(t, t.minimum_quantity >= 0),
                'quarantine_supply.msg_minimum_quantity_positive'),
            ('daily_capacity_positive', Check(t, t.daily_capacity > 0),
                'quarantine_supply.msg_daily_capacity_positive'),
            ('unit_price_positive', Check(t, t.unit_price >= 0),
                'quarantine_supply.msg_unit_price_positive'),
            ]

    @staticmethod
    def default_minimum_quantity():
        return 0

    def product_unit(self):
        return self.product.purchase_uom or self.product.default_uom

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if 'unit_price' in field_names:
            # SQLite keeps numerics as text: its CHECK cannot compare them
            for line in lines:
                if line.unit_price < 0:
                    raise ContractError(gettext(
                            'quarantine_supply.msg_unit_price_positive'))
        cls.check_unit_category(lines, field_names, ContractError)


class ContractCommunity(ModelSQL, ModelView):
    "Community Served"
    __name__ = 'quarantine.supply.contract.community'
    __string__ = "Community Served"

    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        required=True, ondelete='CASCADE')
    name = fields.Char("Community", size=100, required=True,
        help="Community or village (社区/村).")
    area = fields.Many2One('quarantine.area', "Area")
    population = fields.Integer("Population", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('population_positive', Check(t, t.population >= 0),
                'quarantine_supply.msg_population_positive'),
            ]


class ContractSite(ModelSQL):
    "Supply Contract - Site"
    __name__ = 'quarantine.supply.contract-quarantine.site'
    __string__ = "Supply Contract - Site"

    contract = fields.Many2One('quarantine.supply.contract', "Contract",
        required=True, ondelete='CASCADE')
    site = fields.Many2One('quarantine.site', "Site", required=True,
        ondelete='CASCADE')


class LedgerSheet(WorkbookReport):
    "The contract ledger as a workbook: one row a contract and a product"
    __name__ = 'quarantine.supply.contract.ledger_sheet'

    @classmethod
    def render(cls, report, report_context):
        Contract = Pool().get('quarantine.supply.contract')
        contracts = report_context['records']
        kinds = dict(KINDS)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext('quarantine_supply.msg_ledger_sheet_title')
        sheet.append(gettext('quarantine_supply.msg_ledger_sheet_header'
                ).split('|'))
        figures = Contract.ledger(contracts)
        for contract in contracts:
            lines = sorted(((p, f) for (c, p), f in figures.items()
                    if c == contract.id), key=lambda x: x[0].rec_name)
            for product, line in lines:
                sheet.append([
                        contract.supplier.rec_name,
                        contract.credit_code or '',
                        kinds.get(contract.kind, contract.kind),
                        product.rec_name, line['unit'].symbol,
                        line['ordered'], line['delivered'],
                        float(line['ordered_amount']),
                        float(line['delivered_amount']),
                        (float(line['delivered_amount']
                                / line['ordered_amount'])
                            if line['ordered_amount'] else None),
                        line['late'], line['due']])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 16
        return save(workbook)

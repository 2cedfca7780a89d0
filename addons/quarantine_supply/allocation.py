# This file is part of the quarantine_supply module.  See README.md.
"""Allocation requests (物资调用申请): a headquarters asks for reserve
supplies, the coordination team reviews, the group leader approves, and the
reserve ships them to the site.  In an emergency the reserve ships first and
the paperwork follows within a week (先发后补, Ruijin R-200)."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.quarantine.common import (
    FreshCopy, check_access_first, refuse)
from trytond.modules.quarantine.report import (
    FormReport, minute, selection_labels)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from reports.supply import render_allocation_requests

from .exceptions import AllocationError
from .document import Numbered, parent_state_line
from .shipment import ship_internally

PAPERWORK_DAYS = 7
# an emergency request shipped before its approval
LATE_PAPERWORK = ((Eval('state') == 'fulfilled')
    & Bool(Eval('emergency')) & ~Bool(Eval('approved_at')))


class Allocation(Numbered, FreshCopy, Workflow, ModelSQL, ModelView):
    "Supply Allocation Request"
    __name__ = 'quarantine.supply.allocation'
    __string__ = "Supply Allocation Request"
    fresh_copy = ('number', 'submitted_at', 'reviewed_by', 'reviewed_at',
        'approved_by', 'approved_at', 'refusal_reason', 'paperwork_due',
        'fulfilled_at', 'shipment')
    fresh_copy_values = {'state': 'draft'}
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    applicant = fields.Char("Applicant", size=100, required=True,
        states=_states,
        help="The headquarters or unit that asks for the supplies.")
    reason = fields.Text("Reason", size=10000, required=True, states=_states)
    needed_by = fields.DateTime("Needed by", states=_states)
    destination = fields.Char("Destination", size=200, states=_states,
        help="Where the supplies are used.")
    to_site = fields.Many2One('quarantine.site', "Destination Site",
        states=_states,
        help="The site whose warehouse receives the supplies.")
    to_warehouse = fields.Many2One('stock.location',
        "Destination Warehouse", domain=[('type', '=', 'warehouse')],
        states={
            'readonly': _states['readonly'] | Bool(Eval('to_site')),
            },
        help="Where the supplies go when they are not for a site.")
    receiving_unit = fields.Char("Receiving Unit", size=100, states=_states)
    contact = fields.Char("Contact", size=100, states=_states)
    contact_phone = fields.Char("Contact Phone", size=30, states=_states)
    emergency = fields.Boolean("Emergency", states=_states,
        help="Ship first: the reserve sends the supplies on the request "
        "and the paperwork is completed within 7 days (先发后补).")
    lines = fields.One2Many('quarantine.supply.allocation.line',
        'allocation', "Lines", states=_states)
    from_warehouse = fields.Many2One('stock.location', "From Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': Eval('state').in_(
                ['fulfilled', 'refused', 'cancelled']),
            },
        help="The reserve the supplies are taken from; needed to fulfil.")
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    reviewed_at = fields.DateTime("Reviewed at", readonly=True)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    refusal_reason = fields.Text("Refusal Reason", size=10000,
        states={
            'readonly': ~Eval('state').in_(['submitted', 'reviewed']),
            })
    paperwork_due = fields.Date("Paperwork Due", readonly=True,
        help="An emergency request shipped before its approval is to be "
        "reviewed and approved by this day.")
    fulfilled_at = fields.DateTime("Fulfilled at", readonly=True)
    shipment = fields.Many2One('stock.shipment.internal', "Shipment",
        readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('reviewed', "Reviewed"),
            ('approved', "Approved"),
            ('fulfilled', "Fulfilled"),
            ('refused', "Refused"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('submitted_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'reviewed'),
            ('reviewed', 'approved'),
            ('submitted', 'refused'),
            ('reviewed', 'refused'),
            ('approved', 'fulfilled'),
            # emergency: ship first
            ('submitted', 'fulfilled'),
            ('reviewed', 'fulfilled'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            ('reviewed', 'cancelled'),
            ('approved', 'cancelled'),
            ('submitted', 'draft'),
            ('refused', 'draft'),
            ('cancelled', 'draft'),
            }
        late = LATE_PAPERWORK
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'review': {
                    'invisible': ~((Eval('state') == 'submitted')
                        | (late & ~Bool(Eval('reviewed_at')))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'emergency', 'approved_at',
                        'reviewed_at']},
                'approve': {
                    'invisible': ~((Eval('state') == 'reviewed')
                        | (late & Bool(Eval('reviewed_at')))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'emergency', 'approved_at',
                        'reviewed_at']},
                'refuse': {
                    'invisible': ~Eval('state').in_(['submitted', 'reviewed']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'fulfil': {
                    'invisible': ~((Eval('state') == 'approved')
                        | (Eval('state').in_(['submitted', 'reviewed'])
                            & Bool(Eval('emergency')))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'emergency']},
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'submitted', 'reviewed', 'approved']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'refused', 'cancelled']),
                    'icon': 'tryton-back', 'depends': ['state']},
                })

    del _states

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_emergency():
        return False

    @fields.depends('to_site', 'to_warehouse')
    def on_change_to_site(self):
        if self.to_site:
            self.to_warehouse = self.to_site.warehouse

    @property
    def destination_warehouse(self):
        if self.to_site:
            return self.to_site.warehouse
        return self.to_warehouse

    @property
    def late_paperwork(self):
        "An emergency request shipped before its approval"
        return (self.state == 'fulfilled' and self.emergency
            and not self.approved_at)

    @classmethod
    def number_sequence(cls):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        return Sequence(ModelData.get_id(
                'quarantine_supply', 'sequence_supply_allocation'))

    @classmethod
    def delete(cls, allocations):
        check_access_first(cls, allocations, 'delete')
        refuse(allocations,
            lambda a: a.state not in {'draft', 'cancelled'},
            AllocationError, 'quarantine_supply.msg_allocation_delete',
            'allocation')
        super().delete(allocations)

    @classmethod
    def stamp(cls, step):
        "Who did the step, and when"
        return {
            f'{step}_by': Transaction().user,
            f'{step}_at': dt.datetime.now(),
            }

    @classmethod
    def sign(cls, allocations, late, transition, step):
        """Take the allocations through the transition of the step, but
        for the late paperwork of those shipped in an emergency: stamped
        only"""
        transition([a for a in allocations if a not in late])
        if late:
            cls.write(late, cls.stamp(step))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, allocations):
        refuse(allocations, lambda a: not a.lines, AllocationError,
            'quarantine_supply.msg_allocation_no_line', 'allocation')
        cls.write(allocations, {
                'submitted_at': dt.datetime.now(),
                'refusal_reason': None,
                })

    @classmethod
    @ModelView.button
    def review(cls, allocations):
        "Review a request, or the paperwork of one shipped in an emergency"
        late = [a for a in allocations
            if a.late_paperwork and not a.reviewed_at]
        cls.sign(allocations, late, cls.review_request, 'reviewed')

    @classmethod
    @Workflow.transition('reviewed')
    def review_request(cls, allocations):
        if allocations:
            cls.write(allocations, cls.stamp('reviewed'))

    @classmethod
    @ModelView.button
    def approve(cls, allocations):
        "Approve a request, or the paperwork of one shipped in an emergency"
        late = [a for a in allocations if a.late_paperwork]
        refuse(late, lambda a: not a.reviewed_at, AllocationError,
            'quarantine_supply.msg_allocation_not_reviewed', 'allocation')
        cls.sign(allocations, late, cls.approve_request, 'approved')

    @classmethod
    @Workflow.transition('approved')
    def approve_request(cls, allocations):
        if allocations:
            cls.write(allocations, cls.stamp('approved'))

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, allocations):
        refuse(allocations, lambda a: not (a.refusal_reason or '').strip(),
            AllocationError,
            'quarantine_supply.msg_allocation_refusal_reason', 'allocation')

    @classmethod
    @ModelView.button
    @Workflow.transition('fulfilled')
    def fulfil(cls, allocations):
        pool = Pool()
        Date = pool.get('ir.date')
        for allocation in allocations:
            allocation.check_fulfil()
        cls.check_stock(allocations)
        cls.ship(allocations)
        now = dt.datetime.now()
        for allocation in allocations:
            allocation.fulfilled_at = now
            if not allocation.approved_at:
                submitted = (allocation.submitted_at.date()
                    if allocation.submitted_at else Date.today())
                allocation.paperwork_due = submitted + dt.timedelta(
                    days=PAPERWORK_DAYS)
        cls.save(allocations)

    def check_fulfil(self):
        if self.state != 'approved' and not self.emergency:
            raise AllocationError(gettext(
                    'quarantine_supply.msg_allocation_not_approved',
                    allocation=self.rec_name))
        if not self.from_warehouse:
            raise AllocationError(gettext(
                    'quarantine_supply.msg_allocation_no_source',
                    allocation=self.rec_name))
        if self.to_site and not self.to_site.warehouse:
            raise AllocationError(gettext(
                    'quarantine_supply.msg_site_no_warehouse',
                    site=self.to_site.rec_name))
        if not self.destination_warehouse:
            raise AllocationError(gettext(
                    'quarantine_supply.msg_allocation_no_destination',
                    allocation=self.rec_name))
        if self.destination_warehouse == self.from_warehouse:
            raise AllocationError(gettext(
                    'quarantine_supply.msg_allocation_same_warehouse',
                    allocation=self.rec_name,
                    warehouse=self.from_warehouse.rec_name))

    @classmethod
    def check_stock(cls, allocations):
        """Refuse taking from a warehouse more than it has today, counting
        together the requests fulfilled at once"""
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')
        wanted = defaultdict(float)
        for allocation in allocations:
            for line in allocation.lines:
                wanted[(allocation.from_warehouse, line.product)] += (
                    Uom.compute_qty(line.unit, line.quantity,
                        line.product.default_uom, round=False))
        if not wanted:
            return
        with Transaction().set_context(stock_date_end=Date.today()):
            on_hand = Product.products_by_location(
                list({w.id for w, _ in wanted}), with_childs=True,
                grouping_filter=(list({p.id for _, p in wanted}),))
        for (warehouse, product), quantity in wanted.items():
            available = on_hand.get((warehouse.id, product.id), 0)
            unit = product.default_uom
            if unit.round(quantity) > available:
                raise AllocationError(gettext(
                        'quarantine_supply.msg_allocation_over_stock',
                        warehouse=warehouse.rec_name,
                        product=product.rec_name,
                        available=unit.round(available),
                        quantity=unit.round(quantity), unit=unit.symbol))

    @classmethod
    def ship(cls, allocations):
        """Move the lines from the reserve to the destination by a done
        internal shipment each"""
        Date = Pool().get('ir.date')
        shipments = ship_internally([(
                    allocation.from_warehouse.storage_location,
                    allocation.destination_warehouse.storage_location,
                    allocation.number,
                    [(l, l.unit.round(l.quantity)) for l in allocation.lines])
                for allocation in allocations], Date.today())
        for allocation, shipment in zip(allocations, shipments):
            allocation.shipment = shipment

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, allocations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, allocations):
        cls.write(allocations, {
                'submitted_at': None,
                'reviewed_by': None, 'reviewed_at': None,
                'approved_by': None, 'approved_at': None,
                })


class AllocationLine(
        parent_state_line('allocation', 'quarantine.supply.allocation',
            "Allocation Request State",
            'quarantine_supply.msg_allocation_quantity_positive'),
        ModelSQL, ModelView):
    "Supply Allocation Request Line"
    __name__ = 'quarantine.supply.allocation.line'
    __string__ = "Supply Allocation Request Line"

    _states = {'readonly': Eval('allocation_state') != 'draft'}

    allocation = fields.Many2One('quarantine.supply.allocation',
        "Allocation Request", required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods')], states=_states)
    specification = fields.Char("Specification", size=100, states=_states,
        help="Model, size or grade, e.g. N95 or KN95 for masks.")
    quantity = fields.Float("Quantity", digits='unit', required=True,
        states=_states)
    unit = fields.Many2One('product.uom', "Unit", required=True,
        domain=[If(Eval('product_uom_category'),
                ('category', '=', Eval('product_uom_category', -1)), ())],
        states=_states)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('allocation')

    @fields.depends('product', 'unit')
    def on_change_product(self):
        # a unit of another product's kind is replaced too
        if self.product and self.unit and (
                self.unit.category != self.product.default_uom_category):
            self.unit = None
        super().on_change_product()

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        cls.check_unit_category(lines, field_names, AllocationError,
            'quarantine_supply.msg_allocation_unit_category')


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['quarantine.supply.allocation.line']


class AllocationForm(FormReport):
    "The allocation application and approval (物资调用申请/审批件)"
    __name__ = 'quarantine.supply.allocation.form'
    draw = staticmethod(render_allocation_requests)

    @classmethod
    def form(cls, allocation):
        "Return the plain data the layout of reports/ draws"
        states = selection_labels(allocation, 'state')

        def name(user):
            return user.rec_name if user else ''
        destination = [d for d in [allocation.destination,
                allocation.to_site.rec_name if allocation.to_site else None]
            if d]
        return {
            'number': allocation.number or '',
            'applicant': allocation.applicant or '',
            'reason': allocation.reason or '',
            'requested_at': minute(allocation.submitted_at
                or allocation.create_date),
            'needed_by': minute(allocation.needed_by),
            'destination': ' / '.join(dict.fromkeys(destination)),
            'receiving_unit': allocation.receiving_unit or '',
            'contact': allocation.contact or '',
            'contact_phone': allocation.contact_phone or '',
            'lines': [{
                    'item': l.product.rec_name,
                    'specification': l.specification or '',
                    'quantity': f'{l.quantity:g}',
                    'unit': l.unit.symbol,
                    } for l in allocation.lines],
            'emergency': bool(allocation.emergency),
            'reviewed_by': name(allocation.reviewed_by),
            'reviewed_at': minute(allocation.reviewed_at),
            'approved_by': name(allocation.approved_by),
            'approved_at': minute(allocation.approved_at),
            'state': states[allocation.state],
            }

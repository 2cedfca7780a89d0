# This file is part of the quarantine_supply module.  See README.md.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    supply_contract = fields.Many2One('quarantine.supply.contract',
        "Supply Contract", ondelete='RESTRICT',
        domain=[('supplier', '=', Eval('party', -1))],
        states={'readonly': Eval('state') != 'draft'})
    supply_plan = fields.Many2One('quarantine.supply.plan', "Stocking Plan",
        readonly=True, ondelete='RESTRICT')

    @classmethod
    def copy(cls, purchases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('supply_plan')
        return super().copy(purchases, default=default)


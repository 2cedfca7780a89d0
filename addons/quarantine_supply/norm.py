# This file is part of the quarantine_supply module.  See README.md.
"""Ration norms (人均定额): what one person needs a day of each product."""
from trytond.model import Check, DeactivableMixin, ModelSQL, ModelView, \
    Unique, fields
from trytond.pyson import Eval, If

from .exceptions import NormError
from .product_unit import ProductUnitMixin


class Norm(ProductUnitMixin, DeactivableMixin, ModelSQL, ModelView):
    "Ration Norm"
    __name__ = 'quarantine.supply.norm'
    __string__ = "Ration Norm"

    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods')])
    quantity = fields.Float("Quantity per Person per Day", digits=(16, 4),
        required=True,
        help="The shipped values are derived from Ruijin's stocking table "
        "(population served x a fixed amount each for 7 days): grain "
        "0.4 kg, noodles 0.0275 kg, oil 0.025 kg, meat 0.1 kg, eggs "
        "0.05 kg, vegetables 0.35 kg, instant noodles 0.008 kg, and for "
        "its two unnamed columns sugar 0.010 kg and salt 0.012 kg a day.  "
        "Edit them to the local standard.")
    unit = fields.Many2One('product.uom', "Unit", required=True,
        domain=[If(Eval('product_uom_category'),
                ('category', '=', Eval('product_uom_category', -1)), ())])
    notes = fields.Char("Notes", size=1000)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_unique', Unique(t, t.product),
                'quarantine_supply.msg_norm_product_unique'),
            ('quantity_positive', Check(t, t.quantity > 0),
                'quarantine_supply.msg_norm_quantity_positive'),
            ]
        cls._order.insert(0, ('product', 'ASC'))

    def get_rec_name(self, name):
        return self.product.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('product.rec_name',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, norms, field_names):
        super().validate_fields(norms, field_names)
        cls.check_unit_category(norms, field_names, NormError)

# This file is part of the quarantine_supply module.  See README.md.
from trytond.i18n import gettext
from trytond.model import fields


class ProductUnitMixin:
    """A line of a product counted in a unit: the unit must measure the
    product (a kilogram for grain, not a piece)"""
    __slots__ = ()

    product_uom_category = fields.Function(
        fields.Many2One('product.uom.category', "Product UoM Category"),
        'on_change_with_product_uom_category')

    @fields.depends('product')
    def on_change_with_product_uom_category(self, name=None):
        return self.product.default_uom_category if self.product else None

    @fields.depends('product', 'unit')
    def on_change_product(self):
        if self.product and not self.unit:
            self.unit = self.product_unit()

    def product_unit(self):
        "The unit a new line of the product proposes"
        return self.product.default_uom

    @classmethod
    def check_unit_category(cls, records, field_names, exception,
            message='quarantine_supply.msg_unit_category'):
        "Refuse the records whose unit does not measure their product"
        if not field_names & {'product', 'unit'}:
            return
        for record in records:
            if record.unit.category != record.product.default_uom.category:
                raise exception(gettext(message,
                        unit=record.unit.rec_name,
                        product=record.product.rec_name))

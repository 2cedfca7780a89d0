# This file is part of the quarantine_supply module.  See README.md.
"""What the supply documents share: their numbers from a sequence (the
allocation requests, the dispatches, the stocking plans), the lines that
follow their state (an allocation request's, a dispatch's) and the access
checked before their business rules."""
from trytond.model import Check, fields
from trytond.pool import Pool

from .product_unit import ProductUnitMixin


class Numbered:
    """A document numbered at its creation, unless given a number, from
    the sequence number_sequence() returns (none: no number)"""
    __slots__ = ()

    @classmethod
    def number_sequence(cls):
        raise NotImplementedError

    @classmethod
    def create(cls, vlist):
        sequence = cls.number_sequence()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('number') and sequence:
                values['number'] = sequence.get()
        return super().create(vlist)


def parent_state_line(parent, parent_model, string, quantity_message):
    """A mixin for the product lines of the `parent` field (a
    `parent_model`): `<parent>_state` (labelled `string`) is the parent's
    state, for the lines' states, the quantity must be positive
    (`quantity_message`) and a line is named by its document and product"""
    state = f'{parent}_state'

    class ParentStateLine(ProductUnitMixin):
        __slots__ = ()

        @classmethod
        def __setup__(cls):
            super().__setup__()
            t = cls.__table__()
            cls._sql_constraints += [
                ('quantity_positive', Check(t, t.quantity > 0),
                    quantity_message),
                ]

        def get_rec_name(self, name):
            return (f'{getattr(self, parent).rec_name} / '
                f'{self.product.rec_name}')

    def get_states(cls):
        Parent = Pool().get(parent_model)
        return Parent.fields_get(['state'])['state']['selection']

    @fields.depends(parent, f'_parent_{parent}.state')
    def on_change_with_state(self, name=None):
        document = getattr(self, parent)
        return document.state if document else 'draft'

    def default_state():
        return 'draft'

    setattr(ParentStateLine, state, fields.Function(
            fields.Selection(f'get_{parent}_states', string),
            f'on_change_with_{state}'))
    setattr(ParentStateLine, f'get_{parent}_states', classmethod(get_states))
    setattr(ParentStateLine, f'on_change_with_{state}', on_change_with_state)
    setattr(ParentStateLine, f'default_{state}', staticmethod(default_state))
    return ParentStateLine

# This file is part of the quarantine module.  See README.md for licensing.
"""Small pieces the models and wizards of the modules share: the states of
a wizard's forms, the search of a record by its name, the refusal of the
first record a rule refuses and the copies that start afresh."""
from trytond.i18n import gettext
from trytond.wizard import Button, StateView


def start_view(model, view, label, state, icon='tryton-ok', others=()):
    """The start state of a wizard: its form, Cancel, the `others` buttons
    and the default button `label` going to `state`"""
    return StateView(model, view, [
            Button("Cancel", 'end', 'tryton-cancel'),
            *others,
            Button(label, state, icon, default=True),
            ])


def close_view(model, view):
    "A state that shows what a wizard did: its form and Close"
    return StateView(model, view, [
            Button("Close", 'end', 'tryton-close', default=True),
            ])


def rec_name_domain(clause, *field_names):
    """The domain of search_rec_name: `clause` on any of `field_names`, on
    all of them for a negative operator"""
    _, operator, value = clause[:3]
    negative = operator.startswith('!') or operator.startswith('not ')
    return ['AND' if negative else 'OR'] + [
        (name, operator, value) for name in field_names]


def refuse(records, refused, exception, message, name):
    """Raise exception with message for the first of records that
    refused(record) is true of, the record's rec_name given as `name`"""
    for record in records:
        if refused(record):
            raise exception(gettext(message, **{name: record.rec_name}))


class FreshCopy:
    """A model whose copies start afresh: a copy leaves empty the fields
    named in fresh_copy and starts with the values of fresh_copy_values
    (unless the copy is given others)"""
    __slots__ = ()
    fresh_copy = ()
    fresh_copy_values = {}

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default is not None else {}
        for name in cls.fresh_copy:
            default.setdefault(name)
        for name, value in cls.fresh_copy_values.items():
            default.setdefault(name, value)
        return super().copy(records, default=default)

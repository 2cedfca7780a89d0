# This file is part of the quarantine module.  See README.md for licensing.
"""Small pieces the models and wizards of the modules share: the states of
a wizard's forms and the search of a record by its name."""
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

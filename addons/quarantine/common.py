# This file is part of the quarantine module.  See README.md for licensing.
"""Small pieces the models and wizards of the modules share: the states of
a wizard's forms, the search of a record by its name, the refusal of the
first record a rule refuses, the copies that start afresh and the caller's
access, checked before a business rule or a wizard's work."""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateView

from .exceptions import SiteAccessError


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


def flag_domain(clause, ids):
    """The domain of `clause` on a boolean field true of the records of
    `ids` (a list or a query of ids) and false of the others"""
    _, operator, value = clause[:3]
    wanted = (operator == '=') == bool(value)
    return [('id', 'in' if wanted else 'not in', ids)]


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
    refuse_first(records, exception, name, (refused, message))


def refuse_first(records, exception, name, *rules):
    """Raise exception for the first of records that one of `rules`
    ((refused, message) pairs, tried in turn on each record) refuses: with
    the message of the rule, the record's rec_name given as `name`"""
    for record in records:
        for refused, message in rules:
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


def check_sites(sites):
    """Refuse the sites a wizard's form names that the user may not read
    (outside their sites, by the record rules): read through the rules,
    with a message that names none of them.  The wizards and reports call
    it before they read or change anything of a site chosen in a form."""
    Site = Pool().get('quarantine.site')
    ids = {int(s) for s in sites if s is not None}
    if not ids or not Transaction().user:
        return
    with check_access():
        found = Site.search([('id', 'in', list(ids))], order=[])
    if len(found) != len(ids):
        raise SiteAccessError(gettext('quarantine.msg_site_not_yours'))


def check_records(records):
    """Refuse, as the ORM does, the records the user may not read through
    the record rules: records a wizard was given or chosen in its form"""
    if not records or not Transaction().user:
        return
    Model = records[0].__class__
    with check_access():
        Model.read([r.id for r in records], ['id'])


def readable(Model, ids):
    """Return the ids of `ids` the user may read (the model's access and
    its record rules), whatever the access checks of the caller"""
    ModelAccess = Pool().get('ir.model.access')
    with check_access():
        if not ModelAccess.check(
                Model.__name__, 'read', raise_exception=False):
            return set()
        return {r.id for r in Model.search([('id', 'in', list(ids))])}


def user_sites(domain=None):
    """The sites of `domain` the user may read (all of them without record
    rules, their own sites for a site's staff)"""
    Site = Pool().get('quarantine.site')
    with check_access():
        return Site.search(domain or [], order=[('code', 'ASC')])


def check_access_first(Model, records, mode):
    """Check, as the ORM does after, that the caller of `mode` (write,
    delete) may do it on the records: the model's access, then the rules
    of reading them.  Called by a write or delete that refuses records by a
    business rule before that refusal names one: a user never reads the
    name of a record they may not read.  Nothing is checked for the
    server's own calls (without check of access)."""
    ModelAccess = Pool().get('ir.model.access')
    if not records or not Transaction().check_access:
        return
    ModelAccess.check(Model.__name__, mode)
    Model.read([r.id for r in records], ['id'])


def due_at(date, hour, days=0):
    """The deadline of what covers `date` and is due before `hour` of
    `days` days later (a report, a list sent to the health commission):
    the time after which it is late"""
    return dt.datetime.combine(date + dt.timedelta(days=days), dt.time(hour))



def due_times(records, start, hours):
    """{id: the time each of records is due}: hours(record) hours after the
    time of its field `start`, None without it"""
    due = {}
    for record in records:
        begun = getattr(record, start)
        due[record.id] = (begun + dt.timedelta(hours=hours(record))
            if begun else None)
    return due


def overdue_flags(records, due, pending):
    """{id: late}: a record is late while its field holds the value of
    `pending` (field name, value) and its time of `due` ({id: time or
    None}) is past"""
    field, value = pending
    now = dt.datetime.now()
    return {r.id: bool(getattr(r, field) == value
            and due[r.id] and due[r.id] < now)
        for r in records}


def overdue_domain(Model, clause, pending, start, limits):
    """The domain of `clause` on a flag of lateness of Model: the records
    whose field holds the value of `pending` (field name, value) and whose
    `start` field is older than the hours of their group, `limits` a list
    of (domain of a group, hours); the others for a clause that asks for
    the records not late"""
    field, state = pending
    now = dt.datetime.now()
    late = ['OR'] + [[group, (start, '<', now - dt.timedelta(hours=hours))]
        for group, hours in limits]
    domain = [(field, '=', state), late]
    _, operator, value = clause[:3]
    if (operator == '=') == bool(value):
        return domain
    return [('id', 'not in', list(map(int, Model.search(domain))))]

# This file is part of the quarantine module.  See README.md for licensing.
"""Deadlines by category (时限): how many hours a person of each kind has
to reach isolation or hospital, shipped with the plans' figures as data an
administrator edits."""
from trytond.model import Check, ModelSQL, ModelView, fields

from .stay import CATEGORIES

# The kinds of rule: a positive person, each category of stay, a bulk bus
# transfer, and the notice a cross-region transfer needs
KINDS = [('positive', "Positive (to Hospital)")] + CATEGORIES + [
    ('bulk', "Bulk Bus Transfer"),
    ('cross_region', "Cross-Region Notice"),
    ]
# What applies when the table lacks a kind (the shipped rows' figures):
# positives 2 h, contacts 8 h from their identification (Henan L163/L583,
# Chongqing L159, Ruijin L139), others 12 h, a bulk bus transfer 6 h
# (Ruijin L117), a cross-region transfer requested 24 h ahead (Henan L531)
DEFAULT_HOURS = {
    'positive': 2,
    'close_contact': 8,
    'secondary_contact': 8,
    'inbound': 12,
    'risk_area': 12,
    'other': 12,
    'bulk': 6,
    'cross_region': 24,
    }


class Deadline(ModelSQL, ModelView):
    "Deadline by Category"
    __name__ = 'quarantine.deadline'
    __string__ = "Deadline by Category"

    kind = fields.Selection(KINDS, "Kind", required=True,
        help="Positive: to hospital, from the request. A category: to an "
        "isolation site, from the request or, for contacts, from their "
        "identification. Bulk bus transfer: every person of a large-scale "
        "transfer, from the request. Cross-region notice: hours a "
        "cross-region transfer is requested before its departure.")
    kind_string = kind.translated('kind')
    hours = fields.Integer("Hours", required=True,
        help="When a kind has several rows, the shortest applies.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('hours_positive', Check(t, t.hours > 0),
                'quarantine.msg_deadline_hours_positive'),
            ]
        cls._order = [('kind', 'ASC'), ('hours', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return self.kind_string

    @classmethod
    def hours_by_kind(cls):
        """Return {kind: hours}: the shortest row of each kind, the shipped
        figure of a kind without a row"""
        hours = dict(DEFAULT_HOURS)
        seen = set()
        for row in cls.search([]):
            if row.kind in seen:
                hours[row.kind] = min(hours[row.kind], row.hours)
            else:
                hours[row.kind] = row.hours
                seen.add(row.kind)
        return hours

    @classmethod
    def set_hours(cls, kinds, hours):
        "Set the hours of the kinds: their rows, or a new row for each"
        rows = cls.search([('kind', 'in', kinds)])
        if rows:
            cls.write(rows, {'hours': hours})
        missing = set(kinds) - {r.kind for r in rows}
        if missing:
            cls.create([{'kind': k, 'hours': hours} for k in sorted(missing)])

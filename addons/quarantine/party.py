# This file is part of the quarantine module.  See README.md for licensing.
from trytond.model import Check, fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool, PoolMeta

from .bounds import check_sizes
from .privacy import identity_in_full
from .stay import identity_error

NAME_SIZE = 100


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    quarantine_identity_number = fields.Function(
        fields.Char("Identity Number"), 'get_quarantine_identity_number',
        searcher='search_quarantine_identity_number')
    # the record rules of residents (privacy.xml) say who reads a party
    # from its stays
    quarantine_stays = fields.One2Many('quarantine.stay', 'person',
        "Isolation Stays", readonly=True)
    laboratory_capacity = fields.Integer("Daily Testing Capacity",
        help="Samples the laboratory tests a day: the sampling roster "
        "warns when the day's samples of its sites exceed it (Henan: no "
        "laboratory takes more samples than it can test).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A resident's, an institution's or a supplier's name: a longer
        # text is a mistake or an attack (and overflows the name's index)
        cls.name.size = NAME_SIZE
        t = cls.__table__()
        cls._sql_constraints += [
            ('laboratory_capacity_positive',
                Check(t, t.laboratory_capacity >= 0),
                'quarantine.msg_party_laboratory_capacity'),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        check_sizes(cls, values)
        return values

    def get_quarantine_identity_number(self, name):
        for identifier in self.identifiers:
            if identifier.type == 'cn_ric':
                return identifier.code

    @classmethod
    def search_quarantine_identity_number(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'} and not identity_in_full():
            # who reads the numbers masked finds a person by the whole
            # number only, never by a part of it
            return [('id', '=', None)]
        return [('identifiers', 'where', [
                    ('type', '=', 'cn_ric'),
                    ('code', operator, value),
                    ])]


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def get_types(cls):
        "The identity documents of quick entry (entry.py) are types too"
        Stay = Pool().get('quarantine.stay')
        types = super().get_types()
        known = {t for t, _ in types}
        return types + [(t, label) for t, label in Stay.fields_get(
                ['id_type'])['id_type']['selection']
            if t and t not in known]

    @fields.depends('type', 'code')
    def check_code(self):
        "A resident identity card number born after today is refused too"
        super().check_code()
        if self.type == 'cn_ric' and self.code:
            message = identity_error(self.code)
            if message:
                raise InvalidIdentifierCode(message)

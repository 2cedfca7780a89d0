# This file is part of the quarantine module.  See README.md for licensing.
from trytond.model import fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import PoolMeta

from .privacy import identity_in_full
from .stay import identity_error


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    quarantine_identity_number = fields.Function(
        fields.Char("Identity Number"), 'get_quarantine_identity_number',
        searcher='search_quarantine_identity_number')
    # the record rules of residents (privacy.xml) say who reads a party
    # from its stays
    quarantine_stays = fields.One2Many('quarantine.stay', 'person',
        "Isolation Stays", readonly=True)

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

    @fields.depends('type', 'code')
    def check_code(self):
        "A resident identity card number born after today is refused too"
        super().check_code()
        if self.type == 'cn_ric' and self.code:
            message = identity_error(self.code)
            if message:
                raise InvalidIdentifierCode(message)

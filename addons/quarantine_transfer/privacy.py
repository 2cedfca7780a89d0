# This file is part of the quarantine_transfer module.  See README.md.
"The exports of transfers carry the residents' identity numbers masked"
from trytond.model import fields
from trytond.modules.quarantine.privacy import (
    IDENTITY_FIELDS, IdentityMask, MaskedExport, mask, masking)
from trytond.pool import PoolMeta


class Transfer(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.transfer'


class TransferLine(IdentityMask, MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.transfer.line'
    _identity_fields = ('id_number',)

    @fields.depends('id_number')
    def on_change_stay(self):
        super().on_change_stay()
        if masking():
            self.id_number = mask(self.id_number)


# the document number typed on a transfer is masked in exports too
IDENTITY_FIELDS.add(('quarantine.transfer.line', 'id_number'))

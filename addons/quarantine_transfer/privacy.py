# This file is part of the quarantine_transfer module.  See README.md.
"The exports of transfers carry the residents' identity numbers masked"
from trytond.modules.quarantine.privacy import MaskedExport
from trytond.pool import PoolMeta


class Transfer(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.transfer'


class TransferLine(MaskedExport, metaclass=PoolMeta):
    __name__ = 'quarantine.transfer.line'

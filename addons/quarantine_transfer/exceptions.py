# This file is part of the quarantine_transfer module.  See README.md.
from trytond.exceptions import UserError


class TransferError(UserError):
    pass


class DispatchError(UserError):
    pass

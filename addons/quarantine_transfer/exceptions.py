# This file is part of the quarantine_transfer module.  See README.md.
from trytond.exceptions import UserError
from trytond.modules.quarantine.exceptions import (
    DispatchError as VehicleDispatchError)


class TransferError(UserError):
    pass


class DispatchError(VehicleDispatchError):
    pass

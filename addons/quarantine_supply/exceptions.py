# This file is part of the quarantine_supply module.  See README.md.
from trytond.exceptions import UserError


class ContractError(UserError):
    pass


class NormError(UserError):
    pass


class PlanError(UserError):
    pass


class DispatchError(UserError):
    pass


class AllocationError(UserError):
    pass

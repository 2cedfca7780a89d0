# This file is part of the quarantine_supply module.  See README.md.
from trytond.exceptions import UserError
from trytond.modules.quarantine.exceptions import (
    DispatchError as VehicleDispatchError)


class ContractError(UserError):
    pass


class NormError(UserError):
    pass


class PlanError(UserError):
    pass


class DispatchError(VehicleDispatchError):
    pass


class AllocationError(UserError):
    pass


class MarketError(UserError):
    pass


class SurveyError(UserError):
    pass

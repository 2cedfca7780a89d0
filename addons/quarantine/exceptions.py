# This file is part of the quarantine module.  See README.md for licensing.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import (
    AccessError, RequiredValidationError, ValidationError)


class SiteRoomsWarning(UserWarning):
    pass


class LaboratoryCapacityWarning(UserWarning):
    pass


class SiteGateWarning(UserWarning):
    pass


class SiteValidationError(ValidationError):
    pass


class SiteStateError(UserError):
    pass


class RoomValidationError(ValidationError):
    pass


class RoomStateError(UserError):
    pass


class RoomClearError(UserError):
    pass


class RoomCreationError(UserError):
    pass


class RegimeValidationError(ValidationError):
    pass


class StayValidationError(ValidationError):
    pass


class StayError(UserError):
    pass


class AllocationError(UserError):
    pass


class MonitoringValidationError(ValidationError):
    pass


class SheetImportError(UserError):
    pass


class SampleError(UserError):
    pass


class ReleaseError(UserError):
    pass


class ExportAccessError(AccessError):
    pass


class DispatchError(UserError):
    pass


class DisinfectorRequiredError(RequiredValidationError):
    pass


class SiteAccessError(AccessError):
    pass


class FutureDateError(ValidationError):
    pass


class EntryError(UserError):
    pass


class HomeTestError(ValidationError):
    pass


class StaffTestError(UserError):
    pass


class CommissionExportError(UserError):
    pass

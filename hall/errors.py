from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError, InvalidInputError, NotFound


class TicketMachineUnknownError(NotFound):
    code = "device_unknown"

    def default_message(self):
        return _("This ticket machine or display is not known or has been switched off.")


class VipNotRecognisedError(DomainError):
    code, status = "vip_not_recognised", 409

    def default_message(self):
        return _("This mobile number is not a big customer's. Please choose another business.")


class MobileNumberInvalidError(InvalidInputError):
    code = "msisdn_invalid"

    def default_message(self):
        return _("Enter an 11-digit mobile number, or leave it empty.")


class StillServingError(DomainError):
    code, status = "ticket_still_serving", 409


class NoCounterHallError(DomainError):
    code, status = "no_hall", 409

    def default_message(self):
        return _("Only the staff of a service hall call queue tickets.")


class TicketNotYoursError(DomainError):
    code, status = "ticket_not_yours", 409

    def default_message(self):
        return _("This ticket is not the one you are serving.")


class TransferTargetInvalidError(InvalidInputError):
    code = "transfer_target_invalid"

    def default_message(self):
        return _("Choose another counter of this hall that serves queue tickets.")


class AnnouncementInvalidError(InvalidInputError):
    code = "announcement_invalid"


class DeviceKindInvalidError(InvalidInputError):
    code = "device_kind_invalid"

    def default_message(self):
        return _("Choose whether it is a ticket machine or a display.")


class AnnouncementNotInForceError(NotFound):
    code = "announcement_not_in_force"

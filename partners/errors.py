from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError, NotFound
from customers.errors import FieldError


class PartnerNotFoundError(NotFound):
    code = "partner_not_found"

    def default_message(self):
        return _("No such partner.")


class InterfaceNumberTakenError(FieldError):
    code, field, status = "interface_number_taken", "interface_number", 409

    def default_message(self):
        return _("Another partner already has this interface number.")


class InterfaceNumberInvalidError(FieldError):
    code, field = "interface_number_invalid", "interface_number"

    def default_message(self):
        return _("An interface number has 4 to 20 letters, digits or hyphens.")


class PartnerCategoryError(FieldError):
    code, field = "partner_category_mismatch", "category"

    def default_message(self):
        return _("This category does not belong to this partner type.")


class PartnerStateError(DomainError):
    code, status = "partner_state", 409

    def default_message(self):
        return _("The partner is not in a state that allows this.")


class PartnerHasActivityError(DomainError):
    code, status = "partner_has_activity", 409

    def default_message(self):
        return _("The partner still has live activity (usable keys, agent halls, blacklist entries in force, "
                 "pending or approved discount requests, or open commission disputes); end them first, or "
                 "suspend the partner instead.")


class PartnerHallHasActivityError(DomainError):
    code, status = "partner_hall_has_activity", 409

    def default_message(self):
        return _("This agent hall still has live activity for the partner (pending or approved discount "
                 "requests, open commission disputes, or openings and recharges this month or last month, whose "
                 "commission is still being settled); it can be unlinked once they are over.")


class PartnerReasonRequiredError(FieldError):
    code, field = "reason_required", "reason"

    def default_message(self):
        return _("Enter a reason.")


class KeyScopeError(FieldError):
    code, field = "key_scope_invalid", "scopes"

    def default_message(self):
        return _("Choose at least one scope this partner's type allows.")


class KeyAddressError(FieldError):
    code, field = "key_address_invalid", "allowed_ips"

    def default_message(self):
        return _("Enter client addresses as IP addresses or networks, one per line.")


class KeyStateError(DomainError):
    code, status = "key_state", 409

    def default_message(self):
        return _("This key is already revoked or expired.")


class BlacklistRowError(FieldError):
    code = "blacklist_row_invalid"

    def default_message(self):
        return _("This blacklist row is not valid.")


class SuspectStateError(DomainError):
    code, status = "suspect_reviewed", 409

    def default_message(self):
        return _("This suspect has already been reviewed.")


class SuspectNotConfirmedError(DomainError):
    code, status = "suspect_not_confirmed", 409

    def default_message(self):
        return _("Only a confirmed case whose line has not been suspended for it can lead to a suspension.")


class DisputeFieldError(FieldError):
    code = "dispute_invalid"

    def default_message(self):
        return _("This dispute is not valid.")


class DisputeStateError(DomainError):
    code, status = "dispute_state", 409

    def default_message(self):
        return _("This dispute has already been resolved.")


class DiscountRequestError(FieldError):
    code = "discount_request_invalid"

    def default_message(self):
        return _("This discount request is not valid.")


class DiscountRequestStateError(DomainError):
    code, status = "discount_request_state", 409

    def default_message(self):
        return _("This request has already been decided.")

"""Refusals of the number pool and the stock (the codes are stable: the API and the screens use them)."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class NumberUnavailableError(DomainError):
    """Taken, reserved by someone else, cooling down, or being reserved at this very moment."""

    code, status, field = "number_unavailable", 409, "msisdn"

    def default_message(self):
        return _("This number is not available: another counter holds or has taken it. Choose another number.")


class ReservationQuotaError(DomainError):
    """Too many live reservations for one rep or one hall (tariff parameters number.max_live_reservations_*)."""

    code, status, field = "reservation_quota", 429, "msisdn"

    def default_message(self):
        return _("Too many numbers are reserved: release some, or open the accounts they are held for, first.")


class ReturnPriorityExpiredError(DomainError):
    """A former number in cool-down asked back by its returning customer after their priority ended."""

    code, status, field = "return_priority_expired", 409, "msisdn"

    def default_message(self):
        return _("The customer's priority number selection has ended: this former number stays in its "
                 "cool-down.")


class NumberNotFoundError(DomainError):
    code, status, field = "number_not_found", 404, "msisdn"

    def default_message(self):
        return _("This number is not in the number pool.")


class ReservationNotFoundError(DomainError):
    code, status = "reservation_not_found", 404

    def default_message(self):
        return _("This number has no live reservation.")


class ReservationNotHolderError(DomainError):
    code, status = "not_reservation_holder", 403

    def default_message(self):
        return _("Only the rep who reserved this number, or a manager, can do this.")


class ReservationCustomerMismatchError(DomainError):
    code, status, field = "reservation_customer_mismatch", 409, "customer"

    def default_message(self):
        return _("This number is reserved for another customer.")


class NumberStateError(DomainError):
    code, status = "number_state", 409

    def default_message(self):
        return _("The number is not in a state that allows this.")


class NumberRefusedError(DomainError):
    """A number that cannot enter the pool: bad format, or a segment that is not ours."""

    code, status, field = "number_refused", 400, "msisdn"

    def default_message(self):
        return _("Enter an 11-digit mobile number of one of our segments.")


class SimCardUnavailableError(DomainError):
    code, status, field = "sim_unavailable", 409, "iccid"

    def default_message(self):
        return _("This SIM card is not in stock at this hall.")


class RechargeCardInvalidError(DomainError):
    """Unknown serial or wrong PIN: one message for both, so serials cannot be probed."""

    code, status, field = "recharge_card_invalid", 400, "pin"

    def default_message(self):
        return _("The serial number or the PIN of the recharge card is wrong.")


class RechargeCardUsedError(DomainError):
    code, status, field = "recharge_card_used", 409, "serial"

    def default_message(self):
        return _("This recharge card has already been used.")


class RechargeCardUnusableError(DomainError):
    code, status, field = "recharge_card_unusable", 409, "serial"

    def default_message(self):
        return _("This recharge card cannot be used: it is void or past its date.")


class ImportRefusedError(DomainError):
    code, status, field = "import_refused", 400, "file"

    def default_message(self):
        return _("The file cannot be imported.")


class HandsetUnavailableError(DomainError):
    code, status, field = "handset_unavailable", 409, "imei"

    def default_message(self):
        return _("This handset is not in stock at this hall.")


class GiftOutOfStockError(DomainError):
    code, status, field = "gift_out_of_stock", 409, "gift"

    def default_message(self):
        return _("This gift is out of stock at this hall. Choose another gift.")


class NotRedemptionHallError(DomainError):
    code, status = "not_redemption_hall", 409

    def default_message(self):
        return _("This hall is not a redemption hall: points gifts are kept and handed out only at redemption "
                 "halls.")


class GiftStockCountError(DomainError):
    code, status, field = "gift_count_invalid", 400, "counted"

    def default_message(self):
        return _("Enter the number of gifts counted on the shelf (zero or more).")

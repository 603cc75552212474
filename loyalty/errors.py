"""Refusals of the points redemption (the codes are stable: the API and the screens use them). The points'
own refusals are billing's (points_insufficient, points_expired), the stock's inventory's
(gift_out_of_stock, not_redemption_hall)."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class GiftNotRedeemableError(DomainError):
    code, status, field = "gift_not_redeemable", 409, "gift"

    def default_message(self):
        return _("This gift cannot be redeemed today: it is out of the catalogue or outside its dates.")


class LineNotServedError(DomainError):
    code, status, field = "line_not_served", 409, "msisdn"

    def default_message(self):
        return _("This line is cancelled or not active yet: its owner's points are redeemed through a live line.")


class LineSuspendedError(DomainError):
    code, status, field = "line_suspended", 409, "msisdn"

    def default_message(self):
        return _("The line is suspended: points cannot be redeemed until it is restored.")


class CustomerBlacklistedError(DomainError):
    code, status = "customer_blacklisted", 409

    def default_message(self):
        return _("The customer is on the blacklist: points cannot be redeemed.")


class SealRequiredError(DomainError):
    code, status, field = "seal_required", 400, "seal"

    def default_message(self):
        return _("Record the seal on the business licence: red or blue, round or oval.")


class RedemptionStateError(DomainError):
    code, status = "redemption_state", 409

    def default_message(self):
        return _("This redemption is not in a state that allows this.")


class ConfirmationRefusedError(DomainError):
    code, status = "confirmation_refused", 409

    def default_message(self):
        return _("The redemption was not confirmed: the gift cannot be handed over now.")


class ConfirmationTimedOutError(DomainError):
    code, status = "confirmation_timed_out", 409

    def default_message(self):
        return _("The big-customer room did not answer in time: the redemption is refused. Ask the room again "
                 "with a new redemption.")


class ReceiptNotSignedError(DomainError):
    code, status, field = "receipt_not_signed", 400, "receipt_signed"

    def default_message(self):
        return _("The customer must sign the redemption receipt before the gift is handed over.")


class ReturnPeriodOverError(DomainError):
    code, status = "return_period_over", 409

    def default_message(self):
        return _("The return period of this gift is over: it cannot be taken back.")


class PickupHallError(DomainError):
    code, status = "pickup_hall", 409

    def default_message(self):
        return _("This gift was ordered for pick-up at another redemption hall: it is handed over there only.")


class PickupExpiredError(DomainError):
    code, status = "pickup_expired", 409

    def default_message(self):
        return _("This order was not collected in time: it is cancelled and the points are given back.")

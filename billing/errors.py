from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class UnbalancedTransactionError(DomainError):
    code, status = "unbalanced_transaction", 400

    def default_message(self):
        return _("Debits and credits of a ledger transaction must be equal.")


class InvalidAmountError(DomainError):
    code, status = "invalid_amount", 400

    def default_message(self):
        return _("Amounts are in yuan with at most two decimals and may not be zero.")


class InsufficientBalanceError(DomainError):
    code, status = "insufficient_balance", 409

    def default_message(self):
        return _("The balance is not enough for this amount.")


class AlreadyReversedError(DomainError):
    code, status = "already_reversed", 409

    def default_message(self):
        return _("This transaction has already been reversed.")


class RedLetterTooLargeError(DomainError):
    code, status = "red_letter_too_large", 409

    def default_message(self):
        return _("A red-letter document cannot cancel more than what is left of the original.")


class TenderedTooLittleError(DomainError):
    code, status = "tendered_too_little", 400
    field = "tendered"

    def default_message(self):
        return _("The cash tendered is less than the amount due.")


# --------------------------------------------------------------------------------------------------
# Rating, bill runs, arrears, bank collection, refunds
# --------------------------------------------------------------------------------------------------


class BillingInputError(DomainError):
    """Bad input to a billing process (a month in the future, an empty reason ...); shown at the field."""

    code, status = "billing_input", 400

    def default_message(self):
        return _("Check the input.")


class MonthBilledError(DomainError):
    code, status = "month_billed", 409

    def default_message(self):
        return _("This month is already billed for the line: bills are never changed once issued.")


class BillRunTooEarlyError(DomainError):
    code, status = "bill_run_too_early", 409
    field = "period"

    def default_message(self):
        return _("A month is billed only after it has ended.")


class CollectionFileError(DomainError):
    code, status = "collection_file", 400

    def default_message(self):
        return _("The bank's result file cannot be read.")


class RefundStateError(DomainError):
    code, status = "refund_state", 409

    def default_message(self):
        return _("The refund is not at the step for this action.")


class RefundCapError(DomainError):
    code, status = "refund_cap", 409
    field = "amount"

    def default_message(self):
        return _("The amount is above what may be refunded.")


class FourEyesError(DomainError):
    code, status = "four_eyes", 403

    def default_message(self):
        return _("The clerk who approved a refund may not pay it: another colleague pays it.")


class SeparationOfDutiesError(DomainError):
    """Requester, approver and payer of a refund are three different people."""
    code, status = "separation_of_duties", 403

    def default_message(self):
        return _("Whoever asked for a refund may neither approve nor pay it: another colleague does.")


class UsageImportStateError(DomainError):
    code, status = "usage_import_state", 409

    def default_message(self):
        return _("This usage file has been imported already.")


# --------------------------------------------------------------------------------------------------
# The daily close (日结)
# --------------------------------------------------------------------------------------------------


class DayClosedError(DomainError):
    code, status = "day_closed", 409

    def default_message(self):
        return _("This business day is closed: nothing more can be booked on it.")


class DrawerClosedError(DomainError):
    code, status = "drawer_closed", 409

    def default_message(self):
        return _("This drawer is already closed for the day.")


class DrawersOpenError(DomainError):
    code, status = "drawers_open", 409

    def default_message(self):
        return _("Every drawer of the hall must be closed first.")


class DifferencePendingError(DomainError):
    code, status = "difference_pending", 409

    def default_message(self):
        return _("A drawer's cash difference is waiting for the store manager's approval.")


class DepositMismatchError(DomainError):
    code, status = "deposit_mismatch", 400
    field = "deposit_amount"

    def default_message(self):
        return _("The amount handed in to the bank must equal the cash counted in the drawers.")


class DayNotClosedError(DomainError):
    code, status = "day_not_closed", 409

    def default_message(self):
        return _("This business day is not closed.")


class PointsInsufficientError(DomainError):
    code, status, field = "points_insufficient", 409, "gift"

    def default_message(self):
        return _("The customer does not have enough points for this gift.")


class PointsExpiredError(DomainError):
    """Every point the customer had has expired: there is nothing to redeem at all."""

    code, status, field = "points_expired", 409, "gift"

    def default_message(self):
        return _("The customer's points have all expired: nothing is left to redeem.")


class AdjustmentStateError(DomainError):
    code, status = "adjustment_state", 409

    def default_message(self):
        return _("This bill adjustment has already been decided.")

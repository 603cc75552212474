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

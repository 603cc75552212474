"""Refusals of the counter processes. Codes are the API's contract."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class OfferUnavailableError(DomainError):
    code, status, field = "offer_unavailable", 400, "offer"

    def default_message(self):
        return _("This offer is not available on that date.")


class OrderStateError(DomainError):
    code, status = "order_state", 409

    def default_message(self):
        return _("This order cannot do that in its current state.")


class DocumentsMissingError(DomainError):
    code, status, field = "documents_missing", 400, "documents_checked"

    def default_message(self):
        return _("Check the documents the rules require before going on.")


class BankDetailsError(DomainError):
    code, status, field = "bank_details", 400, "bank_account_number"

    def default_message(self):
        return _("Bank collection needs the bank, the account number and the account holder.")


class BankNotConfirmedError(DomainError):
    code, status, field = "bank_not_confirmed", 400, "bank_confirmed_by"

    def default_message(self):
        return _("A corporate account must be confirmed by phone with the bank: record whom you spoke to.")


class CorporateAccountError(DomainError):
    code, status, field = "corporate_account_individual", 400, "payment_method"

    def default_message(self):
        return _("Only an organization can pay from a corporate bank account.")


class IdentityNotVerifiedError(DomainError):
    code, status = "identity_not_verified", 409

    def default_message(self):
        return _("Real-name registration: the customer's identity document has not been checked at a counter.")


class AgreementNotSignedError(DomainError):
    code, status, field = "agreement_not_signed", 400, "agreement_signed"

    def default_message(self):
        return _("Print the service agreement and have the customer sign it before taking the money.")


class FeesChangedError(DomainError):
    code, status = "fees_changed", 409

    def default_message(self):
        return _("The fees have changed since the agreement was printed: print it again and have the customer "
                 "sign the new one.")


class DraftSecretsLostError(DomainError):
    code, status = "draft_secrets_lost", 409

    def default_message(self):
        return _("The passwords typed for this business were not kept (another session, or signed in again): "
                 "cancel this draft and enter the business again.")


class LineNotServiceableError(DomainError):
    code, status = "line_not_serviceable", 409

    def default_message(self):
        return _("This line is cancelled: no fee can be collected for it.")


# --------------------------------------------------------------------------------------------------
# The line's lifecycle and comprehensive services
# --------------------------------------------------------------------------------------------------


class LineStateError(DomainError):
    """The service is not allowed in the line's state (docs/line-states.md)."""

    code, status = "line_state", 409

    def default_message(self):
        return _("This service is not allowed while the line is in this state.")


class LineBusyError(DomainError):
    """A network work order of an earlier change is still on its way (在途工单)."""

    code, status = "line_busy", 409

    def default_message(self):
        return _("An earlier change of this line is still being carried out on the network: wait for it to "
                 "complete (or have it retried or rolled back) first.")


class LineAlreadyCancelledError(DomainError):
    code, status = "line_already_cancelled", 409

    def default_message(self):
        return _("This line is already cancelled: only the recovery of fees that arose after cancellation is "
                 "possible.")


class NotDesignatedHallError(DomainError):
    code, status = "hall_not_designated", 403

    def default_message(self):
        return _("Pre-cancellation is done only at a hall designated for it, by a customer manager.")


class AgentNotAllowedError(DomainError):
    code, status, field = "agent_not_allowed", 400, "agent_number"

    def default_message(self):
        return _("A private customer's line is cancelled by the owner in person: no agent.")


class AgentRequiredError(DomainError):
    code, status, field = "agent_required", 400, "agent_number"

    def default_message(self):
        return _("An organization acts through an agent: record the agent's identity document.")


class ArrearsOutstandingError(DomainError):
    code, status = "arrears_outstanding", 409

    def default_message(self):
        return _("The line's account has arrears: they are paid first (fee collection).")


class AmountTooSmallError(DomainError):
    code, status, field = "amount_too_small", 400, "amount"

    def default_message(self):
        return _("The amount is below the minimum the rules require.")


class NothingToDoError(DomainError):
    code, status = "nothing_to_do", 400

    def default_message(self):
        return _("Nothing would change: choose what to change.")


class NotEligibleError(DomainError):
    code, status = "not_eligible", 409

    def default_message(self):
        return _("The line does not meet the conditions of this service.")


class GuaranteeNotSignedError(DomainError):
    code, status, field = "guarantee_not_signed", 400, "guarantee_signed"

    def default_message(self):
        return _("International roaming needs the customer's signed guarantee.")


class DocumentNotFoundError(DomainError):
    code, status, field = "document_not_found", 404, "document"

    def default_message(self):
        return _("This document does not belong to this line's customer.")


class RollbackNotPossibleError(DomainError):
    code, status = "rollback_not_possible", 409

    def default_message(self):
        return _("This change cannot be undone on the network side: retry the work order instead.")


class PlanChangePendingError(DomainError):
    code, status, field = "plan_change_pending", 409, "plan"

    def default_message(self):
        return _("A plan change is already pending on this line: cancel it first, then agree the new one.")


class PlanChangeNotPendingError(DomainError):
    code, status = "plan_change_not_pending", 409

    def default_message(self):
        return _("This line has no pending plan change that can still be cancelled.")


class PlanChangeImmediateError(DomainError):
    code, status, field = "plan_change_immediate", 400, "immediate"

    def default_message(self):
        return _("A plan change takes effect on the first of next month: the tariff does not allow it at once.")


class PlanBelowMinimumSpendError(DomainError):
    code, status, field = "plan_below_minimum_spend", 409, "plan"

    def default_message(self):
        return _("During the premium number's agreement the line cannot move to a plan below its minimum "
                 "monthly spend.")


class AccountArrearsError(DomainError):
    code, status, field = "account_arrears", 409, "account"

    def default_message(self):
        return _("The line moves to another account only when both accounts owe nothing.")


class SecondaryCardError(DomainError):
    """A secondary card (主副卡) that cannot be added or removed; the message says why."""

    code, status, field = "secondary_card", 409, "secondary"

    def default_message(self):
        return _("This line cannot be a secondary card of this primary line.")


class SecondaryCardLimitError(DomainError):
    code, status, field = "secondary_card_limit", 409, "secondary"

    def default_message(self):
        return _("The primary line's plan takes no more secondary cards.")

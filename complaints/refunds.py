"""The link from a complaint of over-deducted bank collection to billing's refund process (process 6).

Billing's refund process does not exist yet (it arrives with the billing issue). This module is the
interface it will implement: a `RefundRequester` with one method, registered once at start-up with
`refund_requester_register()` (billing's AppConfig.ready). Until then `RecordOnlyRefundRequester` is in
force, and it is honest about it: it starts NO refund and moves no money; it only answers "recorded",
so the complaint keeps the time the refund was asked for and its page says that the refund process is
not connected yet and the account room must be told by hand.

The call happens inside the complaint's transaction (billing's service is a database write in the same
monolith, not a network call), so the complaint and the refund case commit or roll back together.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RefundRequest:
    started: bool      # True when a refund case was really opened in billing
    reference: str     # billing's refund case number; empty when nothing was started


class RefundRequester(Protocol):
    def request_refund(self, *, actor, complaint) -> RefundRequest:
        """Open the refund process for an over-deduction complaint (line and account via complaint.line)."""


class RecordOnlyRefundRequester:
    """Stand-in until billing implements the refund process: records the request, starts nothing."""

    def request_refund(self, *, actor, complaint) -> RefundRequest:
        return RefundRequest(started=False, reference="")


_requester: RefundRequester = RecordOnlyRefundRequester()


def refund_requester_register(requester: RefundRequester) -> None:
    global _requester
    _requester = requester


def refund_requester() -> RefundRequester:
    return _requester


def refund_outcome_record(*, complaint, outcome: str, note: str = "") -> None:
    """Billing feeds the refund's result back to the complaint (process 6.5: the hotline learns it), in
    billing's transaction. outcome: "approved", "rejected" or "paid"; the note says how much or why."""
    from django.utils import timezone

    complaint.refund_outcome, complaint.refund_outcome_note = outcome, (note or "")[:300]
    complaint.refund_outcome_at = timezone.now()
    complaint.save(update_fields=["refund_outcome", "refund_outcome_note", "refund_outcome_at"])

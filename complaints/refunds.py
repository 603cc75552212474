"""The refund's result fed back to the complaint that asked for it (process 6.5: the hotline learns it).
Billing announces each decision and payment (billing.refund_outcomes); this listener, registered in
ComplaintsConfig.ready(), records it on the complaint in billing's transaction."""

from django.utils import timezone

from complaints.models import Complaint


def refund_outcome_record(*, case, outcome: str, note: str = "") -> None:
    """outcome: "approved", "rejected" or "paid"; the note says how much or why."""
    Complaint.objects.filter(refund_case=case).update(
        refund_outcome=outcome, refund_outcome_note=(note or "")[:300], refund_outcome_at=timezone.now())

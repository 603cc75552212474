"""Commission disputes on a channel partner's monthly statement (process 13): recorded by whoever sees the
statement (the agent hall's store manager for its own partner, the marketing manager), resolved by the
marketing manager; a resolved dispute's adjustment is shown on the statement and changes what is payable."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Hall, Staff
from boss.money import CENT
from partners.errors import DisputeFieldError, DisputeStateError
from partners.models import CommissionDispute, Partner

Outcome = CommissionDispute.Outcome


def _money(value, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DisputeFieldError(_("Enter an amount in yuan, e.g. 25.00 or -25.00."), field=field) from None
    if not amount.is_finite() or abs(amount) >= Decimal("10000000000"):
        raise DisputeFieldError(_("Enter an amount in yuan, e.g. 25.00 or -25.00."), field=field)
    return amount


@transaction.atomic
def commission_dispute_open(*, actor: Staff, partner: Partner, month: date, amount, description: str,
                            hall: Hall | None = None) -> CommissionDispute:
    """Record a dispute about a month's statement of a channel partner: this month or an earlier one, an
    amount that is not zero (positive: owed more), what is wrong, optionally the agent hall it concerns.
    The caller has checked that the actor sees the partner (partners.selectors.partner_get_for_actor).
    Raises DisputeFieldError, DisputeStateError (not a channel partner, or deleted)."""
    if partner.kind != Partner.Kind.CHANNEL or partner.status == Partner.Status.DELETED:
        raise DisputeStateError(_("Commission statements and their disputes are for channel partners only."))
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise DisputeFieldError(_("Choose this month or an earlier one: a later month has no statement yet."),
                                field="month")
    value = _money(amount, field="amount")
    if value == 0:
        raise DisputeFieldError(_("Enter the amount in dispute (not zero)."), field="amount")
    text = " ".join((description or "").split())
    if not text:
        raise DisputeFieldError(_("Say what is wrong on the statement."), field="description")
    if hall is not None and not partner.halls.filter(hall=hall).exists():
        raise DisputeFieldError(_("This hall is not one of the partner's agent halls."), field="hall")
    dispute = CommissionDispute.objects.create(partner=partner, month=month, hall=hall, amount=value,
                                               description=text[:500], raised_by=actor)
    audit_record(actor=actor, action="partner.dispute_open", target=partner, reason=dispute.description,
                 after={"dispute": dispute.pk, "month": f"{month:%Y-%m}", "amount": str(value),
                        "hall": hall.code if hall else ""})
    return dispute


@transaction.atomic
def commission_dispute_resolve(*, actor: Staff, dispute: CommissionDispute, outcome: str, resolution: str,
                               adjustment=None) -> CommissionDispute:
    """Resolve an open dispute (the marketing manager): accepted adjusts the commission by the amount in
    dispute, partly accepted by a part of it (the same way, less than the whole), rejected by nothing; the
    reason is required. Raises NotPermitted, DisputeStateError (already resolved), DisputeFieldError."""
    if not actor.has_perm("partners.resolve_commissiondispute"):
        raise NotPermitted(_("Only the marketing manager resolves commission disputes."))
    dispute = lock_by_key(CommissionDispute, dispute.pk)
    if dispute.status != CommissionDispute.Status.OPEN:
        raise DisputeStateError(_("This dispute has already been resolved."))
    if outcome not in Outcome.values:
        raise DisputeFieldError(_("Choose the outcome."), field="outcome")
    text = " ".join((resolution or "").split())
    if not text:
        raise DisputeFieldError(_("Give the reason for the outcome."), field="resolution")
    if outcome == Outcome.ACCEPTED:
        value = dispute.amount
    elif outcome == Outcome.REJECTED:
        value = Decimal("0.00")
    else:
        if adjustment in (None, ""):
            raise DisputeFieldError(_("Enter the part of the amount that is accepted."), field="adjustment")
        value = _money(adjustment, field="adjustment")
        if value == 0 or (value > 0) != (dispute.amount > 0) or abs(value) >= abs(dispute.amount):
            raise DisputeFieldError(
                _("A partly accepted dispute adjusts by less than the amount in dispute (%(amount)s), the same "
                  "way.") % {"amount": dispute.amount}, field="adjustment")
    before = {"status": dispute.status}
    dispute.status, dispute.outcome, dispute.adjustment = CommissionDispute.Status.RESOLVED, outcome, value
    dispute.resolution, dispute.resolved_by, dispute.resolved_at = text[:500], actor, timezone.now()
    dispute.save(update_fields=["status", "outcome", "adjustment", "resolution", "resolved_by", "resolved_at",
                                "updated_at"])
    audit_record(actor=actor, action="partner.dispute_resolve", target=dispute.partner, reason=dispute.resolution,
                 before=before, after={"dispute": dispute.pk, "month": f"{dispute.month:%Y-%m}",
                                       "outcome": outcome, "adjustment": str(value)})
    return dispute

"""The minimum monthly spend (保底消费) of a premium number (靓号, A10), as a LineCommitment.

Started when a line gets a premium number whose grade has a minimum spend (the opening's commit, a number
change completed by the network), ended when the line leaves the number (a number change, a formal
cancellation, a port-out, an opening rolled back). Both run inside the order's own transaction and are
recorded by the order's audit event (their return value goes into its `after`), so they write none of
their own; the order links itself to what it started and ended (orders.services.order_links). The bill
run charges it (billing.services.charges.minimum_spend_top_up).

Early-termination penalties (违约金) for leaving before the agreement ends are not handled here.
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from boss.months import month_add, month_end, month_start
from customers.models import Line, LineCommitment


def commitment_until(*, since: date, months: int) -> date | None:
    """The last day of an agreement of `months` months that starts on `since`: the opening month is
    prorated and the months are counted from the next one (协议期自次月起算), so the agreement ends on
    the last day of the month `months` after the opening's. 0 months: open-ended (None)."""
    if months <= 0:
        return None
    return month_end(month_add(month_start(since), months))


def line_commitment_start(*, line: Line, msisdn: str, monthly_amount: Decimal, agreement_months: int,
                          grade_name: str = "", since: date | None = None) -> LineCommitment | None:
    """Record the minimum spend the line agreed to with its (new) number, in the caller's transaction (the
    line is locked by the caller). None when the grade asks no minimum. The line's earlier commitment, if
    one is still open, must have been ended first (`line_commitments_end`): the database allows one."""
    amount = Decimal(monthly_amount or 0)
    if amount <= 0:
        return None
    since = since or timezone.localdate()
    return LineCommitment.objects.create(
        line=line, msisdn=msisdn, grade_name=grade_name[:50], monthly_amount=amount,
        agreement_months=agreement_months, since=since,
        until=commitment_until(since=since, months=agreement_months))


def line_commitments_end(*, line: Line, reason: str, on: date | None = None) -> list[LineCommitment]:
    """End the line's open commitments because it leaves their number on `on` (today by default; that
    day is no longer covered), in the caller's transaction. Returns the ended ones (none is fine)."""
    on = on or timezone.localdate()
    open_ = LineCommitment.objects.filter(line=line, ended_on__isnull=True)
    ids = list(open_.order_by("pk").values_list("pk", flat=True))
    if ids:
        LineCommitment.objects.filter(pk__in=ids).update(ended_on=on, end_reason=reason,
                                                          updated_at=timezone.now())
    return list(LineCommitment.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def commitment_audit(commitment: LineCommitment | None) -> dict | None:
    """How a commitment appears in the order's audit event."""
    if commitment is None:
        return None
    return {"id": commitment.pk, "msisdn": commitment.msisdn, "monthly_amount": str(commitment.monthly_amount),
            "since": commitment.since.isoformat(), "until": commitment.until.isoformat() if commitment.until else None,
            **({"ended_on": commitment.ended_on.isoformat(), "end_reason": commitment.end_reason}
               if commitment.ended_on else {})}

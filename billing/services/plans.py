"""The plan a line is billed on from a day on (LinePlanPeriod), as the counter's plan change sets it.

A plan change agreed at the counter is billed from its first day whether or not the month's turn has
already moved `Line.plan`: the row is written when the change is agreed (`line_plan_schedule`) and
removed if the change is cancelled before that day (`line_plan_unschedule`). Before `Line.plan` moves,
the days it still stands for that no bill has closed are pinned to it (`line_plan_pin`), so a month billed
after the turn is billed on the plan its days had (rating_rules: "Months, days and proration").
No service of its own (no audit): the plan change that calls these audits the whole change.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from billing.errors import BillingInputError
from billing.models import Bill, LinePlanPeriod
from boss.models import Staff
from boss.months import month_add, month_end, month_start


def line_plan_schedule(*, actor: Staff, line, plan, since: date, reason: str) -> LinePlanPeriod:
    """The line is billed on `plan` from `since` on (in the caller's transaction, the line locked).
    Raises BillingInputError when that month is already billed."""
    if Bill.objects.filter(line=line, period=month_start(since)).exists():
        raise BillingInputError(_("That month is already billed: choose a later day."), field="effective")
    return LinePlanPeriod.objects.create(line=line, plan=plan, since=since, until=None, reason=reason[:200],
                                         set_by=actor)


def line_plan_unschedule(*, row: LinePlanPeriod) -> None:
    """Remove the row of a change that never took effect (no day of it was billed: its first day is still
    to come)."""
    LinePlanPeriod.objects.filter(pk=row.pk).delete()


def line_plan_pin(*, actor: Staff, line, before: date, reason: str) -> list[LinePlanPeriod]:
    """Keep the days before `before` of this month and the last one (when not billed yet) on the line's
    present plan where no row decides them, before `Line.plan` changes. Returns the rows written."""
    rows = []
    for first in (month_add(month_start(before), -1), month_start(before)):
        last = min(month_end(first), before - timedelta(days=1))
        if last < first or Bill.objects.filter(line=line, period=first).exists():
            continue
        covered = LinePlanPeriod.objects.filter(line=line, since__lte=last).filter(
            Q(until__isnull=True) | Q(until__gte=first)).exists()
        if not covered:
            rows.append(LinePlanPeriod.objects.create(line=line, plan_id=line.plan_id, since=first, until=last,
                                                      reason=reason[:200], set_by=actor))
    return rows


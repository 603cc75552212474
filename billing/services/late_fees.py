"""Late fees (滞纳金) on overdue bills, charged on the next bill by the bill run.

- The bills of a month are due on day `billing.payment_due_day` of the next month (the month's last day
  when it is shorter). Only accounts billed monthly are charged (a real-time prepaid account pays as it
  goes and is suspended instead).
- Each day from the day after the due day to the month's last day whose end still finds the account
  owing accrues `billing.late_fee_rate_per_day` × what it owes of those bills that day: the account's
  arrears at the day's end, never more than what those bills posted. Paid in full on a day: no fee from
  that day on; paid in part: the fee on the rest.
- The month's late fee is rounded half up to the fen once, and never more than `billing.late_fee_cap_ratio`
  × what the overdue bills posted. None below a fen.
- Waived for customers on the redlist (a class in force on the bill run's day, not revoked).
- It is charged on the next bill (the bill of the month it accrued in), as a `late_fee` item of the
  account's first line billed that month (lowest id), so an account with several lines pays it once.
  The minimum spend top-up does not count it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Min, Q, Sum
from django.utils import timezone

from billing.models import Bill, LedgerEntry
from billing.selectors import ids_q
from boss.money import CENT, ZERO
from boss.months import days_in_month, month_add, month_end
from boss.tariffs import tariff


@dataclass(frozen=True)
class LateFee:
    account_id: int
    line_id: int      # the line whose bill carries it
    amount: Decimal
    days: int         # days it accrued
    overdue: Decimal  # what the overdue bills posted


def due_day(period: date) -> date:
    """The day the bills of `period`'s previous month are due: `billing.payment_due_day` of `period`."""
    return period.replace(day=min(int(tariff("billing.payment_due_day")), days_in_month(period)))


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def late_fees_for(*, account_ids, period: date, today: date | None = None) -> dict[int, LateFee]:
    """The late fee each of these accounts accrued in `period` on the bills of the month before, keyed by
    the line whose bill carries it. A fixed number of queries whatever the number of accounts."""
    from billing.services.ledger import ledger_accounts_customer_many
    from customers.models import Account, CustomerClass, Line

    today = today or timezone.localdate()
    rate, cap = Decimal(tariff("billing.late_fee_rate_per_day")), Decimal(tariff("billing.late_fee_cap_ratio"))
    if rate <= 0:
        return {}
    redlisted = CustomerClass.objects.filter(kind=CustomerClass.Kind.REDLIST, revoked_at__isnull=True,
                                             since__lte=today).filter(Q(until__isnull=True) | Q(until__gte=today))
    ids = list(account_ids)
    if not ids:
        return {}
    # A bill-run chunk's 2,000 accounts: read as a range when dense (ids_q), the range's other accounts left.
    accounts = set(ids) & set(Account.objects.filter(ids_q("pk", ids), realtime_prepaid=False)
                              .exclude(customer__in=redlisted.values("customer")).values_list("pk", flat=True))
    if not accounts:
        return {}
    overdue = dict(Bill.objects.filter(ids_q("account_id", sorted(accounts)), period=month_add(period, -1))
                   .values_list("account_id").annotate(s=Sum(F("total") - F("charged_in_advance"))).order_by())
    overdue = {a: Decimal(s) for a, s in overdue.items() if s and s > 0 and a in accounts}
    if not overdue:
        return {}
    first = due_day(period) + timedelta(days=1)
    last = month_end(period)
    if first > last:
        return {}
    ledger = ledger_accounts_customer_many(account_ids=set(overdue))
    by_ledger = {la.pk: account_id for account_id, la in ledger.items()}
    opening = dict(LedgerEntry.objects.filter(account_id__in=list(by_ledger),
                                              transaction__created_at__lt=_day_end(first - timedelta(days=1)))
                   .values_list("account_id").annotate(s=Sum("amount")).order_by())
    moves: dict[int, list] = defaultdict(list)
    for ledger_id, at, amount in (LedgerEntry.objects.filter(
            account_id__in=list(by_ledger), transaction__created_at__gte=_day_end(first - timedelta(days=1)),
            transaction__created_at__lt=_day_end(last))
            .values_list("account_id", "transaction__created_at", "amount").order_by("transaction__created_at", "pk")):
        moves[ledger_id].append((timezone.localdate(at), amount))
    carriers = dict(Line.objects.filter(account_id__in=list(overdue), activated_at__lt=_day_end(last))
                    .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=_day_end(period - timedelta(days=1))))
                    .values_list("account_id").annotate(m=Min("pk")).order_by())
    fees = {}
    for ledger_id, account_id in by_ledger.items():
        if account_id not in carriers:
            continue
        # Debits - credits: what the account owes (a customer account's arrears are its debit balance).
        owed = Decimal(opening.get(ledger_id) or ZERO)
        pending = iter(moves.get(ledger_id, []))
        nxt = next(pending, None)
        total, days, day = ZERO, 0, first
        while day <= last:
            while nxt is not None and nxt[0] <= day:
                owed += nxt[1]
                nxt = next(pending, None)
            base = min(owed, overdue[account_id])
            if base > 0:
                total += base * rate
                days += 1
            day += timedelta(days=1)
        amount = min(total, overdue[account_id] * cap).quantize(CENT, rounding=ROUND_HALF_UP)
        if amount > 0:
            fees[carriers[account_id]] = LateFee(account_id, carriers[account_id], amount, days, overdue[account_id])
    return fees

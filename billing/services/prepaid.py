"""Real-time charging of prepaid accounts (see "Prepaid" in billing/rating_rules.py).

What a prepaid line-month costs so far (fees in advance, usage as rated) minus what was already taken
is posted at once: one balanced transaction per line that has a difference, and PrepaidCharge rows that
remember what was taken per fee type. Running it again with nothing new posts nothing.

A premium number's minimum spend top-up (保底消费补足) is never taken here, not even for a month that
has ended: what the month costs so far is `line_month_items`, without it. Only the month's bill adds it
(`minimum_spend_top_up` in the bill run), and posts it with the rest of what is still missing, once.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing.models import PrepaidCharge
from billing.services.bulk import insert_rows
from billing.services.charges import (
    LineInfo,
    line_month_items,
    line_months_load,
    postings_for,
    revenue_accounts,
    still_to_charge,
)
from billing.services.ledger import PlannedTransaction, ledger_accounts_customer_many, transactions_post_many
from boss.audit import audit_record
from boss.models import Staff
from boss.months import month_start, period_bounds
from customers.models import Account

CHUNK_LINES = 2000


def prepaid_charge_lines(*, actor: Staff, lines: list[LineInfo], period: date) -> int:
    """Charge these locked, unbilled prepaid lines for the month in the caller's transaction.
    Returns how many lines had something to take or give back."""
    lines = [ln for ln in lines if ln.realtime_prepaid]
    if not lines:
        return 0
    months = line_months_load(lines, period)
    customers = ledger_accounts_customer_many(account_ids={ln.account_id for ln in lines})
    revenue = None
    planned, deltas = [], []
    for lm in months.values():
        delta = still_to_charge(lm, line_month_items(lm))
        if not delta:
            continue
        revenue = revenue or revenue_accounts()
        planned.append(PlannedTransaction(postings_for(customers[lm.line.account_id], delta, revenue),
                                          memo=f"{lm.line.msisdn} {period:%Y-%m}",
                                          reference=f"prepaid:{lm.line.pk}:{period:%Y%m}"))
        deltas.append((lm.line, delta))
    txs = transactions_post_many(actor=actor, kind="prepaid.charge", planned=planned)
    now = timezone.now()
    insert_rows(PrepaidCharge, ["line", "account", "period", "fee_type", "amount", "ledger_transaction", "created_at"],
                [(line.pk, line.account_id, period, fee_type, amount, tx, now)
                 for (line, delta), tx in zip(deltas, txs, strict=True) for fee_type, amount in sorted(delta.items())])
    return len(txs)


def prepaid_charges_sync(*, actor: Staff, period: date | None = None) -> int:
    """The nightly job: take the month's fees in advance from every live prepaid line (and give back the
    difference after a cancellation or a feature change). Each chunk of lines is its own transaction."""
    from billing.services.rating import billed_line_ids, lines_locked
    from customers.models import Line

    period = month_start(period or timezone.localdate())
    start, end = period_bounds(period)
    ids = list(Line.objects.filter(account__in=Account.objects.filter(realtime_prepaid=True),
                                   activated_at__lt=end)
               .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start))
               .order_by("pk").values_list("pk", flat=True))
    charged = 0
    for i in range(0, len(ids), CHUNK_LINES):
        chunk = ids[i:i + CHUNK_LINES]
        with transaction.atomic():
            billed = billed_line_ids(chunk, period)
            lines = [ln for ln in lines_locked(chunk) if ln.pk not in billed]
            charged += prepaid_charge_lines(actor=actor, lines=lines, period=period)
    audit_record(actor=actor, action="prepaid.charge", target=None,
                 after={"period": f"{period:%Y-%m}", "lines": len(ids), "charged": charged})
    return charged

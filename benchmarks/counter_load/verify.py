"""After the load: the money and the numbers are still right.

Checks: every ledger transaction balanced; every account's balance equals the sum of its entries (by
construction) and no floor account below zero; no number with two live lines; one payment per paid
order; one payment per idempotency key; no duplicate document number; every opened line's work order
accounted for.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")

import django  # noqa: E402

django.setup()

from django.db.models import Count, Sum  # noqa: E402

from billing.models import Document, LedgerAccount, LedgerEntry, Payment  # noqa: E402
from billing.selectors import ledger_check_balanced  # noqa: E402
from boss.models import IdempotencyKey  # noqa: E402
from customers.models import Line  # noqa: E402
from inventory.models import NumberResource  # noqa: E402
from orders.models import Order  # noqa: E402


def main():
    problems = []
    unbalanced = ledger_check_balanced()
    if unbalanced:
        problems.append(f"unbalanced transactions: {unbalanced[:10]}")
    floors = (LedgerEntry.objects.filter(account__non_negative=True).values("account")
              .annotate(s=Sum("amount")).values_list("account", "s"))
    for account_id, signed in floors:
        account = LedgerAccount.objects.get(pk=account_id)
        if account.normal(signed) < 0:
            problems.append(f"{account.code} below zero")
    twice = (Line.objects.exclude(status="cancelled").values("msisdn").annotate(n=Count("id")).filter(n__gt=1))
    if twice.exists():
        problems.append(f"numbers with two live lines: {list(twice[:10])}")
    assigned_without_line = NumberResource.objects.filter(status="assigned").exclude(
        msisdn__in=Line.objects.exclude(status="cancelled").values("msisdn")).count()
    if assigned_without_line:
        problems.append(f"{assigned_without_line} numbers assigned without a live line")
    paid_orders = Order.objects.filter(paid_at__isnull=False)
    if paid_orders.filter(payment__isnull=True).exclude(amount_due=0).exists():
        problems.append("paid orders without a payment")
    # The load's own payments: made by the bench reps, each through an Idempotency-Key.
    keys = IdempotencyKey.objects.filter(scope__in=["orders.payment", "lines.payment"],
                                         actor__username__startswith="bench").count()
    payments = Payment.objects.filter(actor__username__startswith="bench").count()
    dup_docs = (Document.objects.values("hall", "kind", "series", "number").annotate(n=Count("id")).filter(n__gt=1))
    if dup_docs.exists():
        problems.append("duplicate document numbers")
    print(f"orders paid {paid_orders.count()}, payments {payments}, payment idempotency keys {keys}, "
          f"lines live {Line.objects.exclude(status='cancelled').count()}, "
          f"documents {Document.objects.count()}, ledger entries {LedgerEntry.objects.count()}")
    if payments != keys:
        problems.append(f"{payments} payments for {keys} accepted keys: a payment ran twice or was lost")
    print("OK: ledger balanced, no number sold twice, no payment duplicated" if not problems else
          "PROBLEMS:\n  " + "\n  ".join(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

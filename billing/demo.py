"""Demo data of billing, on the demo lines the orders demo opened: usage for last month (where the lines
were live then) and for this month so far, imported through the CSV import, rated and charged in real
time; last month's bill run; its bank collection answered (one account over-deducted by 20 yuan, one
rejected) and a refund case for the over-deduction waiting for the account room.

Idempotent: each month's usage file is imported once (its UsageImport is the marker), a month is billed
once, a batch is answered once. Lines opened today have no last month: then only this month is shown.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from billing import rating_rules as rules
from billing.models import BankCollectionBatch, BankCollectionItem, Bill, BillRun, RefundCase, UsageImport
from billing.usage_generator import usage_rows
from boss.models import Staff
from boss.months import month_add, month_start
from boss.permissions import system_actor

PER_LINE = 30


def _usage(period, lines, now) -> int:
    """Write and import the month's usage for the lines live in it (only times already past)."""
    from billing.services.usage import HEADER, usage_import_file

    name = f"demo-usage-{period:%Y%m}.csv"
    if UsageImport.objects.filter(file_name=name).exists():
        return 0
    spans = {ln.msisdn: rules.live_range(period, ln.activated_at, ln.cancelled_at) for ln in lines}
    spans = {m: s for m, s in spans.items() if s}
    opened = {ln.msisdn: ln.activated_at for ln in lines}
    if not spans:
        return 0
    folder = settings.MEDIA_ROOT / "usage"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        for row in usage_rows(msisdns=sorted(spans), month=period, per_line=PER_LINE, seed=period.month):
            when = datetime.fromisoformat(row[4])
            first, last = spans[row[1]]
            if opened[row[1]] <= when <= now and first <= when.date() <= last:
                fh.write(",".join(row) + "\n")
    imp = UsageImport.objects.create(file_name=name, file_path=str(path), uploaded_by=system_actor())
    return usage_import_file(usage_import=imp).imported


def _collect(period, clerk) -> None:
    from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
    from billing.services.refunds import refund_request

    if BankCollectionBatch.objects.filter(period=period).exists():
        return
    bank_collection_create(actor=clerk, period=period)
    items = list(BankCollectionItem.objects.filter(period=period).select_related("account").order_by("pk"))
    for n, item in enumerate(items):
        if n == 1:
            bank_collection_item_answer(actor=clerk, item=item, paid=False, reason="账户余额不足")
        else:
            extra = Decimal("20.00") if n == 0 else Decimal("0")
            bank_collection_item_answer(actor=clerk, item=item, paid=True, amount=item.amount + extra)
    if items and not RefundCase.objects.filter(account=items[0].account).exists():
        line = items[0].account.lines.order_by("pk").first()
        rep = Staff.objects.filter(username="rep1").first() or clerk
        refund_request(actor=rep, account=items[0].account, line=line,
                       description="客户反映本月银行托收多扣了20元。")


def load_history(stdout=None) -> int:
    from billing.services.bill_run import bill_run_execute, bill_run_start
    from billing.services.rating import usage_rate_pending
    from customers.models import Line

    lines = list(Line.objects.filter(activated_at__isnull=False).exclude(status=Line.Status.CANCELLED)
                 .order_by("pk"))
    if not lines:
        return 0
    now = timezone.now()
    this_month = month_start(timezone.localdate())
    last_month = month_add(this_month, -1)
    imported = sum(_usage(period, lines, now) for period in (last_month, this_month))
    usage_rate_pending(actor=system_actor(), since=last_month)
    clerk = Staff.objects.filter(username="account1").first() or system_actor()
    if not BillRun.objects.filter(period=last_month).exists() and any(
            rules.live_range(last_month, ln.activated_at, ln.cancelled_at) for ln in lines):
        bill_run_execute(actor=clerk, run=bill_run_start(actor=clerk, period=last_month))
        _collect(last_month, clerk)
    if stdout is not None:
        stdout.write(f"billing: {imported} usage records, {Bill.objects.count()} bills")
    return imported

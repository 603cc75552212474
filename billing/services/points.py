"""Paid bills and the points they earn (process 9, accrual; domain-rules A12).

A bill is paid when the account's money covers it, oldest bills first: the arrears of an account are
owed on its newest charges (the real-time charges of months not billed yet, then the newest bills), so
every older bill is paid. A paid bill earns `points.per_yuan` points per yuan (rounded down) in a lot of
its own that expires at the end of the `points.expiry_months`-th month after the month it was earned.
A refund of money that paid bills takes back the points of those bills (never below zero).
A gift redemption spends the live lots oldest first (`points_redeem`); a returned gift gives the same lots
back with their original expiry (`points_give_back`), unless they have expired meanwhile. Every change is a
new `PointsEntry`; the lot's `remaining` is the cached balance behind the customer's row lock and CHECKs.
"""

from collections import defaultdict
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from billing.errors import PointsExpiredError, PointsInsufficientError
from billing.models import Bill, BillSettlement, PointsEntry, PointsLot
from billing.selectors import accounts_money, ids_q, unbilled_charges
from billing.services.bulk import insert_rows
from boss.audit import audit_record
from boss.locks import lock
from boss.models import Staff
from boss.money import ZERO
from boss.months import month_add, month_end, month_start
from boss.tariffs import tariff
from customers.models import Account

CHUNK_ACCOUNTS = 1000


def points_for(amount: Decimal, per_yuan: Decimal | None = None) -> int:
    value = Decimal(amount) * (tariff("points.per_yuan") if per_yuan is None else per_yuan)
    return max(0, int(value.to_integral_value(rounding=ROUND_DOWN)))


def points_expiry(earned_on: date) -> date:
    return month_end(month_add(month_start(earned_on), tariff("points.expiry_months")))


def bills_settle_accounts(*, account_ids) -> int:
    """Mark the newly paid bills of these accounts and accrue their points, in the caller's transaction
    (the accounts are locked here, after any line locks the caller holds). Returns bills settled."""
    locked = lock(Account.objects.filter(pk__in=list(account_ids)).order_by("pk"))
    ids = list(locked.values_list("pk", flat=True))
    if not ids:
        return 0
    money = accounts_money(ids)
    newest = unbilled_charges(ids)
    bills = defaultdict(list)
    # A range when the ids are dense: the bills of the range's other accounts are read and left.
    for row in (Bill.objects.filter(ids_q("account_id", ids), settlement__isnull=True)
                .order_by("account_id", "-period", "-pk").values_list("pk", "account_id", "customer_id", "total")):
        bills[row[1]].append(row)
    today, now = timezone.localdate(), timezone.now()
    per_yuan, expires = tariff("points.per_yuan"), points_expiry(today)
    settled, lots = [], []
    for account_id in ids:
        owed = max(ZERO, money[account_id].arrears - max(ZERO, newest.get(account_id, ZERO)))
        for bill_id, _account, customer_id, total in bills[account_id]:  # newest first: these carry the arrears
            if owed > ZERO:
                owed -= total
                continue
            points = points_for(total, per_yuan)
            settled.append((bill_id, now, points))
            if points:
                lots.append((customer_id, bill_id, today, points, points, expires))
    insert_rows(BillSettlement, ["bill", "paid_at", "points"], settled)
    lot_ids = insert_rows(PointsLot, ["customer", "bill", "earned_on", "points", "remaining", "expires_on"], lots,
                          returning=True)
    insert_rows(PointsEntry, ["customer", "lot", "kind", "delta", "reference", "created_at"],
                [(lot[0], lot_id, PointsEntry.Kind.ACCRUE, lot[3], f"bill:{lot[1]}", now)
                 for lot, lot_id in zip(lots, lot_ids, strict=True)])
    return len(settled)


def bills_settle(*, actor: Staff, account_ids=None) -> int:
    """The job: find the bills paid since the last run (after payments, bank collections) and accrue
    their points; each chunk of accounts in its own transaction, safe to run twice."""
    if account_ids is None:
        account_ids = (Bill.objects.filter(settlement__isnull=True).values_list("account_id", flat=True)
                       .distinct().order_by())
    ids = sorted(set(account_ids))
    settled = 0
    for i in range(0, len(ids), CHUNK_ACCOUNTS):
        with transaction.atomic():
            settled += bills_settle_accounts(account_ids=ids[i:i + CHUNK_ACCOUNTS])
    if settled:
        audit_record(actor=actor, action="bills.settle", target=None, after={"accounts": len(ids), "bills": settled})
    return settled


def points_take_back(*, customer_id: int, bill_ids, points: int, reference: str) -> int:
    """Take back up to `points` from the lots the given bills earned (oldest lot first), in the caller's
    transaction. Points already redeemed or expired cannot be taken; returns how many were taken."""
    if points <= 0 or not bill_ids:
        return 0
    lots = list(lock(PointsLot.objects.filter(customer_id=customer_id, bill_id__in=list(bill_ids),
                                              remaining__gt=0).order_by("earned_on", "pk")))
    taken = 0
    for lot in lots:
        take = min(lot.remaining, points - taken)
        if take <= 0:
            break
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        PointsEntry.objects.create(customer_id=customer_id, lot=lot, kind=PointsEntry.Kind.TAKE_BACK, delta=-take,
                                   reference=reference)
        taken += take
    return taken


def points_expire(*, actor: Staff, today: date | None = None) -> int:
    """The nightly job: lots past their expiry lose what is left. SKIP LOCKED chunks, safe to run twice."""
    today = today or timezone.localdate()
    expired = 0
    while True:
        with transaction.atomic():
            lots = list(lock(PointsLot.objects.filter(expires_on__lt=today, remaining__gt=0).order_by("pk"),
                             skip_locked=True)[:1000])
            if not lots:
                break
            PointsEntry.objects.bulk_create([PointsEntry(customer_id=lot.customer_id, lot=lot,
                                                         kind=PointsEntry.Kind.EXPIRE, delta=-lot.remaining,
                                                         reference=f"expired:{lot.expires_on}") for lot in lots])
            expired += sum(lot.remaining for lot in lots)
            for lot in lots:
                lot.remaining = 0
            PointsLot.objects.bulk_update(lots, ["remaining"])
    if expired:
        audit_record(actor=actor, action="points.expire", target=None, after={"points": expired})
    return expired


def points_balance(*, customer_id: int, today: date | None = None) -> int:
    """The points a customer can spend today: what is left of the lots not yet expired."""
    from django.db.models import Sum

    today = today or timezone.localdate()
    return (PointsLot.objects.filter(customer_id=customer_id, remaining__gt=0, expires_on__gte=today)
            .aggregate(total=Sum("remaining"))["total"] or 0)


def points_redeem_check(*, customer_id: int, points: int, today: date | None = None) -> int:
    """Refuse a redemption the customer's live points cannot pay (writes nothing). Returns the balance.
    Raises PointsExpiredError (only expired points are left), PointsInsufficientError."""
    today = today or timezone.localdate()
    balance = points_balance(customer_id=customer_id, today=today)
    if balance < points:
        if balance == 0 and PointsLot.objects.filter(customer_id=customer_id, remaining__gt=0,
                                                     expires_on__lt=today).exists():
            raise PointsExpiredError(points=points)
        raise PointsInsufficientError(points=points, balance=balance)
    return balance


def points_redeem(*, customer_id: int, points: int, reference: str, today: date | None = None) -> list[PointsEntry]:
    """Spend `points` from the customer's live lots, the oldest (first to expire) first, in the caller's
    transaction, which holds the customer's row lock (two counters spending the same points meet there).
    The lots are locked in key order. Raises PointsExpiredError, PointsInsufficientError (nothing written)."""
    if points <= 0:
        raise PointsInsufficientError(points=points)
    today = today or timezone.localdate()
    lots = list(lock(PointsLot.objects.filter(customer_id=customer_id, remaining__gt=0,
                                              expires_on__gte=today).order_by("pk")))
    lots.sort(key=lambda lot: (lot.expires_on, lot.earned_on, lot.pk))
    if sum(lot.remaining for lot in lots) < points:
        points_redeem_check(customer_id=customer_id, points=points, today=today)
        raise PointsInsufficientError(points=points)
    entries, left = [], points
    for lot in lots:
        take = min(lot.remaining, left)
        if take <= 0:
            break
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        entries.append(PointsEntry.objects.create(customer_id=customer_id, lot=lot, kind=PointsEntry.Kind.REDEEM,
                                                  delta=-take, reference=reference[:60]))
        left -= take
    return entries


def points_give_back(*, customer_id: int, redeemed_reference: str, reference: str,
                     today: date | None = None) -> int:
    """Give back the points a redemption spent, to the very lots they came from (with their original
    expiry), in the caller's transaction (which holds the customer's lock). A lot that has expired
    meanwhile is not revived. Returns the points given back."""
    today = today or timezone.localdate()
    spent: dict[int, int] = defaultdict(int)
    for lot_id, delta in PointsEntry.objects.filter(customer_id=customer_id, kind=PointsEntry.Kind.REDEEM,
                                                    reference=redeemed_reference).values_list("lot_id", "delta"):
        spent[lot_id] -= delta
    given = 0
    for lot in lock(PointsLot.objects.filter(pk__in=list(spent)).order_by("pk")):
        if lot.expires_on < today or not spent[lot.pk]:
            continue
        lot.remaining += spent[lot.pk]
        lot.save(update_fields=["remaining"])
        PointsEntry.objects.create(customer_id=customer_id, lot=lot, kind=PointsEntry.Kind.RETURN,
                                   delta=spent[lot.pk], reference=reference[:60])
        given += spent[lot.pk]
    return given

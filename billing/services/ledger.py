"""Posting to the double-entry ledger.

`transaction_post` and `transaction_reverse` are the ledger's primitives: the only code that writes
LedgerTransaction and LedgerEntry rows. They are called inside the business services (payment,
refund, bill run ...), which own the audit event of the whole operation; the ledger rows are their own
append-only trail (actor, hall, time, reference).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.errors import (
    AlreadyReversedError,
    DayClosedError,
    InsufficientBalanceError,
    InvalidAmountError,
    UnbalancedTransactionError,
)
from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.selectors import ids_q
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.money import ZERO
from boss.prepared import Prepared

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Posting:
    """One side of a transaction: a positive amount debits the account, a negative one credits it."""

    account: LedgerAccount
    amount: Decimal


def debit(account: LedgerAccount, amount: Decimal) -> Posting:
    return Posting(account, money(amount))


def credit(account: LedgerAccount, amount: Decimal) -> Posting:
    return Posting(account, -money(amount))


def money(value) -> Decimal:
    """A Decimal in yuan with exactly two places. Refuses floats and finer amounts."""
    if isinstance(value, float):
        raise InvalidAmountError()
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidAmountError() from exc
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= Decimal("1e13"):
        raise InvalidAmountError()
    return amount.quantize(CENT)


@transaction.atomic
def transaction_post(*, actor: Staff, kind: str, postings: Sequence[Posting], memo: str = "", reference: str = "",
                     hall=None, booked_on=None, reverses: LedgerTransaction | None = None,
                     closing: bool = False) -> LedgerTransaction:
    """Post one balanced transaction.

    Rules: at least two postings, every amount non-zero with at most two decimals, debits equal
    credits, and no account flagged non-negative goes below zero (its row is locked first, in pk
    order, so two counters cannot both spend the same balance). The business day is today unless the
    hall's day or the rep's drawer is closed (日结): then it is the next open day; a `booked_on` that is
    closed is refused. `closing` is for the daily close's own postings only (see day_close.py).

    Raises InvalidAmountError, UnbalancedTransactionError, InsufficientBalanceError, DayClosedError.
    """
    if len(postings) < 2:
        raise UnbalancedTransactionError()
    amounts = [money(p.amount) for p in postings]
    if any(a == ZERO for a in amounts):
        raise InvalidAmountError()
    if sum(amounts, ZERO) != ZERO:
        raise UnbalancedTransactionError(total=str(sum(amounts, ZERO)))

    delta: dict[int, Decimal] = {}
    for posting, amount in zip(postings, amounts, strict=True):
        delta[posting.account.pk] = delta.get(posting.account.pk, ZERO) + amount
    _check_floors(delta, [p.account for p in postings])
    hall = hall if hall is not None else getattr(actor, "hall", None)
    if not closing:
        booked_on = booking_day(actor=actor, hall=hall, accounts=[p.account for p in postings], booked_on=booked_on)

    tx = LedgerTransaction.objects.create(
        kind=kind, memo=memo[:200], reference=reference[:60], actor=actor, hall=hall,
        reverses=reverses, **({"booked_on": booked_on} if booked_on else {}),
    )
    # One statement for all entries: on PostgreSQL a statement trigger checks the balance of the
    # whole transaction after this insert (see the migration), so a bug here cannot commit half.
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=tx, account=p.account, amount=a) for p, a in zip(postings, amounts, strict=True)]
    )
    return tx


def closed_days(*, hall_id: int | None, staff_ids, since) -> set:
    """Business days from `since` on that are closed for the hall or for any of these reps' drawers."""
    staff_ids = sorted({pk for pk in staff_ids if pk is not None})
    if not staff_ids and hall_id is None:
        return set()
    shape = (hall_id is not None, len(staff_ids))
    read = _CLOSED_DAYS.get(shape)
    if read is None:
        with_hall, count = shape
        read = _CLOSED_DAYS[shape] = Prepared(_closed_days(with_hall), date, *([int] * (with_hall + count)))
    return {row[0] for row in read(since, *([hall_id] if hall_id is not None else []), *staff_ids)}


# Every posting asks which days are closed (booking_day): read by a statement compiled once per process for each
# shape (with or without the hall, and how many drawers), boss/prepared.py (issue 20).
_CLOSED_DAYS: dict[tuple[bool, int], Prepared] = {}


def _closed_days(with_hall: bool):
    from billing.models import DrawerClose, HallDayClose

    def build(since, *ids):
        staff_ids = ids[1:] if with_hall else ids
        drawers = (DrawerClose.objects.filter(staff_id__in=staff_ids, day__gte=since)
                   .exclude(status=DrawerClose.Status.REOPENED).order_by().values_list("day"))
        if not with_hall:
            return drawers
        return HallDayClose.objects.filter(hall_id=ids[0], day__gte=since, state=HallDayClose.State.CLOSED
                                           ).order_by().values_list("day").union(drawers)
    return build


def booking_day(*, actor, hall, accounts: Sequence[LedgerAccount] = (), booked_on=None):
    """The business day a posting lands on: today, or the first day after it that is closed neither for
    the hall nor for the drawers involved (the actor's and those of the postings). An explicit
    `booked_on` that is closed is refused. One query."""
    staff_ids = {getattr(actor, "pk", None)} | {a.staff_id for a in accounts
                                                if a.kind == LedgerAccount.Kind.CASH_DRAWER}
    day = booked_on or timezone.localdate()
    closed = closed_days(hall_id=getattr(hall, "pk", None), staff_ids=staff_ids, since=day)
    if booked_on is not None and booked_on in closed:
        raise DayClosedError(day=booked_on.isoformat())
    while day in closed:
        day += timedelta(days=1)
    return day


# The lock of every posting, compiled once per process for each shape (how many accounts, how many drawers), as
# the closed days' read is (issue 20).
_FLOORS_LOCKED: dict[tuple[int, int], Prepared] = {}


def _floors_locked(count: int):
    def build(*ids_then_drawers):
        ids, drawers = ids_then_drawers[:count], ids_then_drawers[count:]
        return lock(LedgerAccount.objects.filter(Q(non_negative=True) | Q(pk__in=drawers), pk__in=ids).order_by("pk"))
    return build


def _check_floors(delta: dict[int, Decimal], accounts: Sequence[LedgerAccount] = ()) -> None:
    """Lock the non-negative accounts this transaction lowers and every cash drawer it touches (so a
    drawer's close waits for the posting, and the posting then sees the close), then check the new
    balances of the non-negative ones."""
    ids = sorted(delta)
    drawers = sorted({a.pk for a in accounts if a.kind == LedgerAccount.Kind.CASH_DRAWER})
    shape = (len(ids), len(drawers))
    read = _FLOORS_LOCKED.get(shape)
    if read is None:
        read = _FLOORS_LOCKED[shape] = Prepared(_floors_locked(len(ids)), *([int] * sum(shape)))
    locked = read(*ids, *drawers)
    # Only an account this transaction lowers can go below zero: a drawer taking cash in is locked, not summed.
    guarded = [a for a in locked if a.non_negative and a.normal(delta[a.pk]) < ZERO]
    if not guarded:
        return
    sums = dict(
        LedgerEntry.objects.filter(account__in=guarded).values_list("account").annotate(s=Sum("amount"))
    )
    for account in guarded:
        if account.normal(sums.get(account.pk, ZERO) + delta[account.pk]) < ZERO:
            raise InsufficientBalanceError(
                _("The balance of %(account)s is not enough for this amount.") % {"account": account.label},
                account=account.code, balance=str(account.normal(sums.get(account.pk, ZERO))),
            )


@transaction.atomic
def transaction_reverse(*, actor: Staff, tx: LedgerTransaction, memo: str = "", kind: str | None = None,
                        hall=None) -> LedgerTransaction:
    """Post the mirror image of a transaction. A transaction is reversed at most once, and a reversal
    is never itself reversed (post the correction instead).

    Raises AlreadyReversedError, InsufficientBalanceError.
    """
    original = lock_by_key(LedgerTransaction, tx.pk)
    if original.reverses_id is not None or LedgerTransaction.objects.filter(reverses=original).exists():
        raise AlreadyReversedError(transaction=original.pk)
    entries = list(original.entries.select_related("account"))
    try:
        with transaction.atomic():
            return transaction_post(
                actor=actor, kind=kind or f"{original.kind}.reversal",
                postings=[Posting(e.account, -e.amount) for e in entries],
                memo=memo or _("Reversal of #%(id)s") % {"id": original.pk},
                reference=original.reference, hall=hall, reverses=original,
            )
    except IntegrityError as exc:  # the one-to-one on `reverses` caught a concurrent reversal
        raise AlreadyReversedError(transaction=original.pk) from exc


# --------------------------------------------------------------------------------------------------
# Accounts: each is found or created by its code, so concurrent first uses meet on the unique code.
# --------------------------------------------------------------------------------------------------


# Ledger accounts are never changed once created (the defaults apply at creation only) nor deleted (their
# entries protect them): a process keeps each one it has read, by code, for BOSS_LEDGER_ACCOUNT_CACHE_SECONDS
# (default 60; 0 reads it each time). A drawer, a customer's balance and a revenue account were three
# queries of every payment (issue 20). Kept only once the reading transaction has committed, so an account
# created by a transaction that then rolled back is never remembered.
_accounts: dict[str, tuple[float, tuple]] = {}
_ACCOUNT_FIELDS = tuple(f.attname for f in LedgerAccount._meta.concrete_fields)


_ACCOUNT_BY_CODE = Prepared(lambda code: LedgerAccount.objects.filter(code=code).order_by(), str)


def ledger_account_cache_clear() -> None:
    _accounts.clear()


def _account(code: str, **defaults) -> LedgerAccount:
    seconds = settings.BOSS_LEDGER_ACCOUNT_CACHE_SECONDS
    hit = _accounts.get(code) if seconds > 0 else None
    if hit is not None and hit[0] > time.monotonic():
        return LedgerAccount.from_db("default", _ACCOUNT_FIELDS, hit[1])  # a fresh instance for each caller
    defaults.setdefault("name", code)  # shown through LedgerAccount.label, translated at display time
    # get_or_create's steps, with the read compiled once per process (every opening's payment creates the new
    # billing account's ledger account, issue 20): a concurrent first use meets on the unique code.
    found = _ACCOUNT_BY_CODE(code)
    if found:
        account = found[0]
    else:
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(code=code, **defaults)
        except IntegrityError:
            account = _ACCOUNT_BY_CODE.one(code)
    if seconds > 0:
        row = tuple(getattr(account, name) for name in _ACCOUNT_FIELDS)
        transaction.on_commit(lambda: _accounts.__setitem__(code, (time.monotonic() + seconds, row)))
    return account


def ledger_account_cash_drawer(*, staff, method: str = "cash") -> LedgerAccount:
    """The rep's drawer for one payment method (cash must not go below zero)."""
    return _account(f"drawer:{staff.pk}:{method}", kind=LedgerAccount.Kind.CASH_DRAWER, subtype=method,
                    staff=staff, hall=staff.hall, non_negative=(method == "cash"))


def ledger_account_customer(*, account) -> LedgerAccount:
    """The balance of a billing account (帐户): credits are money the customer holds with us; a
    balance below zero is arrears."""
    return _account(f"customer:{account.pk}", kind=LedgerAccount.Kind.CUSTOMER, billing_account=account)


def ledger_account_deposit(*, account) -> LedgerAccount:
    """Deposits (押金) held for a billing account; never below zero."""
    return _account(f"deposit:{account.pk}", kind=LedgerAccount.Kind.DEPOSIT, billing_account=account,
                    non_negative=True)


def ledger_account_revenue(*, fee_type: str) -> LedgerAccount:
    return _account(f"revenue:{fee_type}", kind=LedgerAccount.Kind.REVENUE, subtype=fee_type)


def ledger_account_bank_clearing(*, bank: str) -> LedgerAccount:
    return _account(f"bank:{bank}", kind=LedgerAccount.Kind.BANK_CLEARING, subtype=bank)


def ledger_account_refunds_payable() -> LedgerAccount:
    return _account("refunds_payable", kind=LedgerAccount.Kind.REFUNDS_PAYABLE)


def ledger_account_suspense() -> LedgerAccount:
    return _account("suspense", kind=LedgerAccount.Kind.SUSPENSE)


def ledger_account_prepaid_cards() -> LedgerAccount:
    """Face value of recharge cards sold and not yet used: owed to whoever redeems them."""
    return _account("prepaid_cards", kind=LedgerAccount.Kind.SUSPENSE, subtype="prepaid_cards")

# --------------------------------------------------------------------------------------------------
# Many transactions at once (the bill run, real-time prepaid charges): the same rules as
# transaction_post, in a fixed number of statements whatever the number of transactions.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTransaction:
    postings: Sequence[Posting]
    memo: str = ""
    reference: str = ""


@transaction.atomic
def transactions_post_many(*, actor: Staff, kind: str, planned: Sequence[PlannedTransaction], hall=None,
                           booked_on=None) -> list[int]:
    """Post many balanced transactions of one kind in one go; returns their ids in the order given.

    Every transaction obeys the rules of `transaction_post` (two postings or more, non-zero amounts
    with at most two decimals, debits equal credits, guarded accounts never below zero). All entries go
    in one INSERT statement, so on PostgreSQL the balance trigger checks every transaction of the batch.

    Raises InvalidAmountError, UnbalancedTransactionError, InsufficientBalanceError.
    """
    from billing.services.bulk import insert_rows

    if not planned:
        return []
    delta: dict[int, Decimal] = {}
    checked: list[list[Decimal]] = []
    for plan in planned:
        if len(plan.postings) < 2:
            raise UnbalancedTransactionError()
        amounts = [money(p.amount) for p in plan.postings]
        if any(a == ZERO for a in amounts):
            raise InvalidAmountError()
        if sum(amounts, ZERO) != ZERO:
            raise UnbalancedTransactionError(total=str(sum(amounts, ZERO)))
        for posting, amount in zip(plan.postings, amounts, strict=True):
            delta[posting.account.pk] = delta.get(posting.account.pk, ZERO) + amount
        checked.append(amounts)
    accounts = [p.account for plan in planned for p in plan.postings]
    _check_floors(delta, accounts)
    hall = hall if hall is not None else getattr(actor, "hall", None)
    now, day = timezone.now(), booking_day(actor=actor, hall=hall, accounts=accounts, booked_on=booked_on)
    ids = insert_rows(LedgerTransaction, ["kind", "memo", "reference", "actor", "hall", "booked_on", "created_at"],
                      [(kind, p.memo[:200], p.reference[:60], actor.pk, getattr(hall, "pk", None), day, now)
                       for p in planned], returning=True)
    insert_rows(LedgerEntry, ["transaction", "account", "amount"],
                [(tx, posting.account.pk, amount) for tx, plan, amounts in zip(ids, planned, checked, strict=True)
                 for posting, amount in zip(plan.postings, amounts, strict=True)])
    return ids


def ledger_accounts_customer_many(*, account_ids) -> dict[int, LedgerAccount]:
    """The balance ledger account of many billing accounts, made where missing, in three queries."""
    ids = list(account_ids)
    wanted = set(ids)
    # By billing account (a range when dense, ids_q) rather than by 2,000 codes: the same rows, one per account.
    found: dict[int, LedgerAccount] = {}
    rows = LedgerAccount.objects.filter(ids_q("billing_account_id", ids), kind=LedgerAccount.Kind.CUSTOMER)
    for a in rows if ids else []:
        owner = a.billing_account_id
        if owner is not None and owner in wanted and a.code == f"customer:{owner}":
            found[owner] = a
    missing = [pk for pk in ids if pk not in found]
    if missing:
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(code=f"customer:{pk}", name=f"customer:{pk}", kind=LedgerAccount.Kind.CUSTOMER,
                           billing_account_id=pk) for pk in missing], ignore_conflicts=True)
        found.update({a.billing_account_id: a for a in LedgerAccount.objects.filter(
            code__in=[f"customer:{pk}" for pk in missing]) if a.billing_account_id is not None})
    return found

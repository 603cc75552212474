"""Reads of the ledger. Balances are always the sum of entries (no cached balance to drift)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from billing.models import Bill, Document, LedgerAccount, LedgerEntry
from boss.money import ZERO
from boss.permissions import get_for_actor, restrict_to_actor
from boss.prepared import Prepared
from customers.money import AccountMoney


def account_balance(account: LedgerAccount) -> Decimal:
    """Balance on the account's normal side (assets: debits - credits; others: credits - debits)."""
    total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or ZERO
    return account.normal(total)


def account_balances(accounts) -> dict[int, Decimal]:
    """Balances of many accounts in one query."""
    accounts = list(accounts)
    sums = dict(
        LedgerEntry.objects.filter(account__in=accounts).values_list("account").annotate(s=Sum("amount"))
    )
    return {a.pk: a.normal(sums.get(a.pk, ZERO)) for a in accounts}


def account_money(account) -> AccountMoney:
    """Balance and deposit of a billing account (帐户), from the ledger, in one query."""
    return accounts_money([account])[account.pk]


def ids_q(field: str, ids: list[int]) -> Q:
    """Rows of these ids (of lines, of accounts): a range when the ids are dense (a bill-run chunk is a run of
    consecutive lines, and their accounts were mostly opened with them; a range is far cheaper to build and
    plan than an IN list of thousands), else IN. Callers drop the rows of ids in the range that are not
    theirs."""
    if ids and max(ids) - min(ids) + 1 <= 2 * len(ids):
        return Q(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})
    return Q(**{f"{field}__in": ids})


# Up to this many accounts (a screen's page, a counter's one account) accounts_money joins the entries to their
# ledger accounts: the cheapest statement for Django to build (0.5 ms of Python against 0.85), and PostgreSQL reads
# the few accounts' entries by index. Beyond it (a bill-run chunk's 2,000), PostgreSQL planned that join as a scan
# of every entry, so each ledger account's sum is a subquery on its own entries.
ACCOUNTS_JOINED = 100


def _joined_sums(entries):
    return entries.values_list("account__billing_account", "account__kind").annotate(s=Sum("amount"))


_ONE_ACCOUNTS_SUMS = Prepared(lambda account: _joined_sums(LedgerEntry.objects.filter(
    account__billing_account__in=[account])), int)


def accounts_money(accounts) -> dict[int, AccountMoney]:
    """Balance and deposit of many billing accounts (or account ids) in one query (no N+1 on list screens).

    Many accounts (more than ACCOUNTS_JOINED): each ledger account's sum is a subquery on its own entries (an
    index-only range of the entries' account index) instead of a join grouped over the ledger (46 ms for a
    bill-run chunk; 7 ms now), and the accounts are a range when dense (ids_q)."""
    ids = [getattr(a, "pk", a) for a in accounts]
    kinds = (LedgerAccount.Kind.CUSTOMER, LedgerAccount.Kind.DEPOSIT)
    rows: Iterable[tuple[int | None, str, Decimal | None]] = []
    if len(ids) == 1:   # a counter's one account: the same statement, compiled once per process
        rows = _ONE_ACCOUNTS_SUMS(ids[0])
    elif 0 < len(ids) <= ACCOUNTS_JOINED:
        rows = _joined_sums(LedgerEntry.objects.filter(account__billing_account__in=ids))
    elif ids:
        entries = LedgerEntry.objects.filter(account=OuterRef("pk")).order_by().values("account")
        rows = (LedgerAccount.objects.filter(ids_q("billing_account_id", ids), kind__in=kinds)
                .annotate(s=Subquery(entries.annotate(s=Sum("amount")).values("s")))
                .values_list("billing_account_id", "kind", "s"))
    sums: dict[tuple[int | None, str], Decimal] = {}
    for acct, kind, s in rows:
        sums[(acct, kind)] = sums.get((acct, kind), ZERO) + (s or ZERO)
    cent = Decimal("0.01")
    return {
        pk: AccountMoney(
            balance=(-(sums.get((pk, LedgerAccount.Kind.CUSTOMER)) or ZERO)).quantize(cent),
            deposit=(-(sums.get((pk, LedgerAccount.Kind.DEPOSIT)) or ZERO)).quantize(cent),
        )
        for pk in ids
    }


def ledger_account_list_for_actor(*, actor):
    """Ledger accounts the actor may see, with their balance and entry count annotated.

    Each row's sum and count are a subquery on that account's own entries, not a join grouped over the whole
    ledger: a page sums the entries of its own rows only, and counting the accounts (the page count) does not
    read the ledger at all (it grows by two entries a payment)."""
    entries = LedgerEntry.objects.filter(account=OuterRef("pk")).order_by().values("account")
    qs = LedgerAccount.objects.select_related("hall", "staff").annotate(
        signed_sum=Subquery(entries.annotate(s=Sum("amount")).values("s")),
        entry_count=Coalesce(Subquery(entries.annotate(n=Count("id")).values("n")), 0),
    )
    if actor.has_perm("billing.view_ledgeraccount"):
        # Hall staff see the accounts of their hall; roles spanning halls see all of them.
        return restrict_to_actor(qs, actor)
    return qs.filter(staff=actor)


def ledger_account_get_for_actor(*, actor, pk: int) -> LedgerAccount:
    qs = LedgerAccount.objects.select_related("hall", "staff")
    if actor.has_perm("billing.view_ledgeraccount"):
        return get_for_actor(qs, actor, pk=pk)
    # Without the ledger permission a user sees only their own drawers.
    return get_for_actor(qs, actor, visible=qs.filter(staff=actor), pk=pk)


def ledger_check_balanced() -> list[int]:
    """Ids of transactions whose entries do not sum to zero (always empty; used by tests and checks)."""
    return list(
        LedgerEntry.objects.values("transaction").annotate(s=Sum("amount"), n=Count("id"))
        # Not `s != 0`: SQLite sums decimals as floats (PostgreSQL is exact), so allow less than a fen.
        .filter(Q(s__gt=Decimal("0.004")) | Q(s__lt=Decimal("-0.004")) | Q(n__lt=2))
        .values_list("transaction", flat=True)
    )


@dataclass(frozen=True)
class DrawerDayRow:
    method: str
    money_in: Decimal
    money_out: Decimal
    payments_total: Decimal   # the same money counted from the payment records

    @property
    def net(self) -> Decimal:
        return self.money_in - self.money_out

    @property
    def matches_ledger(self) -> bool:
        return self.payments_total == self.money_in


def drawer_day(*, staff, day) -> list[DrawerDayRow]:
    """A rep's drawers on one business day, by payment method: money in and out from the ledger, and the
    payments recorded for the same day, which must equal the money in (two queries)."""
    from billing.models import Payment

    cent = Decimal("0.01")
    entries = (LedgerEntry.objects.filter(account__staff=staff, account__kind=LedgerAccount.Kind.CASH_DRAWER,
                                          transaction__booked_on=day)
               .values_list("account__subtype")
               .annotate(pos=Sum("amount", filter=Q(amount__gt=0)), neg=Sum("amount", filter=Q(amount__lt=0))))
    paid = dict(Payment.objects.filter(actor=staff, ledger_transaction__booked_on=day)
                .values_list("method").annotate(s=Sum("amount")))
    rows = {m: (pos or ZERO, -(neg or ZERO)) for m, pos, neg in entries}
    methods = sorted(set(rows) | set(paid))
    return [DrawerDayRow(method=m, money_in=Decimal(rows.get(m, (ZERO, ZERO))[0]).quantize(cent),
                         money_out=Decimal(rows.get(m, (ZERO, ZERO))[1]).quantize(cent),
                         payments_total=Decimal(paid.get(m) or ZERO).quantize(cent)) for m in methods]


# --------------------------------------------------------------------------------------------------
# Bills: what is owed, paid bills, spend
# --------------------------------------------------------------------------------------------------


def unbilled_charges(account_ids) -> dict[int, Decimal]:
    """Real-time (prepaid) charges of months that have no bill yet, per account: the newest money owed."""
    from django.db.models import Exists, OuterRef

    from billing.models import PrepaidCharge

    ids = list(account_ids)
    wanted = set(ids)
    billed = Bill.objects.filter(line_id=OuterRef("line_id"), period=OuterRef("period"))
    rows = (PrepaidCharge.objects.filter(ids_q("account_id", ids)).exclude(Exists(billed))
            .values_list("account_id").annotate(s=Sum("amount")).order_by()) if ids else []
    return {pk: Decimal(s or 0) for pk, s in rows if pk in wanted}


@dataclass(frozen=True)
class DueItem:
    """One thing an account owes. kind: "other" (arrears from before any bill), "bill" (the unpaid part of
    a month's bill), "current" (a month not billed yet: its charges so far, taken or still to take)."""

    kind: str
    period: date | None
    amount: Decimal
    bill_id: int | None = None


def account_amount_due(account, *, today: date | None = None) -> list[DueItem]:
    """What the account owes, oldest first: arrears are owed on the newest charges (payments clear the
    oldest first), so the unpaid part of each bill from the oldest unpaid one, then the months not
    billed yet (current charges, including those not posted yet for a monthly-paying account).

    The sum of the items is the amount due at the counter; the bill items and "other" sum to the arrears
    not carried by unbilled months; current charges the balance covers are not due.
    """
    from django.utils import timezone

    from billing import rating_rules as rules
    from boss.months import month_start

    today = today or timezone.localdate()
    money = account_money(account)
    arrears = money.arrears
    newest = max(ZERO, unbilled_charges([account.pk]).get(account.pk, ZERO))
    on_bills = max(ZERO, arrears - newest)
    items: list[DueItem] = []
    for bill in Bill.objects.filter(account=account).order_by("-period", "-pk").only("pk", "period", "total"):
        if on_bills <= ZERO:
            break
        part = min(bill.total, on_bills)
        items.append(DueItem("bill", bill.period, part, bill.pk))
        on_bills -= part
    if on_bills > ZERO:
        items.append(DueItem("other", None, on_bills))
    items.reverse()
    current = current_charges(account, today=today)
    taken_owed = min(arrears, newest)   # real-time charges of unbilled months that the balance did not cover
    if taken_owed > ZERO:
        this_month = month_start(today)
        current[this_month] = current.get(this_month, ZERO) + taken_owed
    # Charges not posted yet that the balance already covers are not due: the posting takes them from it.
    covered = max(ZERO, money.balance)
    for period, amount in sorted(current.items()):
        amount, covered = max(ZERO, amount - covered), max(ZERO, covered - amount)
        if amount > ZERO:
            items.append(DueItem("current", period, amount.quantize(rules.CENT)))
    return items


def payment_balance_after(payment) -> Decimal:
    """The account's balance just after this payment (the ledger up to its transaction): what the receipt
    states, the same on every reprint whatever happened to the account since."""
    total = LedgerEntry.objects.filter(
        account__billing_account=payment.account_id, account__kind=LedgerAccount.Kind.CUSTOMER,
        transaction_id__lte=payment.ledger_transaction_id).aggregate(s=Sum("amount"))["s"] or ZERO
    return (-total).quantize(Decimal("0.01"))


def current_charges(account, *, today: date | None = None) -> dict[date, Decimal]:
    """Per month not billed yet (at most last month and this one), the charges of the account's lines
    so far that are not posted yet (a prepaid account has them posted already: usually zero)."""
    from django.utils import timezone

    from billing.services.charges import (
        LineInfo,
        line_months_load,
        month_charge_items,
        still_to_charge,
    )
    from boss.months import month_add, month_start
    from customers.models import Line

    today = today or timezone.localdate()
    this_month = month_start(today)
    out: dict[date, Decimal] = {}
    lines = [LineInfo.of(ln) for ln in Line.objects.filter(account=account, activated_at__isnull=False)
             .select_related("account")]
    if not lines:
        return out
    billed = set(Bill.objects.filter(line__in=[ln.pk for ln in lines], period__gte=month_add(this_month, -1))
                 .values_list("line_id", "period"))
    for period in (month_add(this_month, -1), this_month):
        todo = [ln for ln in lines if (ln.pk, period) not in billed]
        total = ZERO
        for lm in line_months_load(todo, period).values():
            if lm.span is not None:
                # ended, not billed yet: its minimum spend top-up is known
                items = month_charge_items(lm, month_over=period < this_month)
                total += sum(still_to_charge(lm, items).values(), ZERO)
        if total:
            out[period] = total
    return out


def customer_average_monthly_spend(*, customer, months: int, on_date: date) -> Decimal | None:
    """The average of the customer's monthly bills over the `months` full months before `on_date` (the
    months with a bill), or None when there is none: recommendations and the pre-cancellation's extra
    prepayment never guess a spend."""
    from boss.months import month_add, month_start

    end = month_start(on_date)
    rows = (Bill.objects.filter(customer=customer, period__gte=month_add(end, -months), period__lt=end)
            .values_list("period").annotate(s=Sum("total")).order_by())
    totals = [s for _period, s in rows]
    if not totals:
        return None  # no bill in those months: unknown, never a guess
    return (sum(totals, ZERO) / len(totals)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------------
# Screens: bills, itemised bills, refund cases, points
# --------------------------------------------------------------------------------------------------


def bill_list_for_actor(*, actor):
    """Bills the actor may see. Like customers and lines, bills are served at any hall (billing.view_bill)."""
    if not actor.has_perm("billing.view_bill"):
        return Bill.objects.none()
    return Bill.objects.select_related("line", "customer", "plan", "settlement").order_by("-period", "-pk")


def line_get_for_billing(*, actor, line_id: int | None = None, msisdn: str | None = None):
    """A line by id, or by number (customers' one lookup: the live line holding it, else the last one)."""
    from django.http import Http404

    from boss.errors import DomainError
    from customers.models import Line
    from customers.selectors import line_get_by_msisdn

    if not actor.has_perm("billing.view_bill"):
        raise Http404
    if line_id is None:
        try:
            return line_get_by_msisdn(msisdn=msisdn or "")
        except DomainError:
            raise Http404 from None
    line = Line.objects.select_related("customer", "customer__identity", "account", "plan").filter(pk=line_id).first()
    if line is None:
        raise Http404
    return line


@dataclass
class Itemised:
    """The itemised bill (清单) of a line for a month: the bill summary (or, before the bill run, the
    charges so far) and every usage record with its rating."""

    line: object
    period: date
    bill: Bill | None
    items: list            # BillLine rows, or ChargeItems before the bill
    total: Decimal
    records: QuerySet      # queryset of UsageRecord with `rating` selected, in time order

    @property
    def billed(self) -> bool:
        return self.bill is not None


def itemised_bill(*, line, period: date) -> Itemised:
    """Three queries for the summary; the records come as a queryset for the caller to page."""
    from django.utils import timezone

    from billing.models import UsageRecord
    from billing.services.charges import LineInfo, line_months_load, month_charge_items
    from boss.months import month_start, period_bounds

    period = month_start(period)
    bill = Bill.objects.filter(line=line, period=period).select_related("plan", "settlement").first()
    if bill is not None:
        items = list(bill.items.all())
        total = bill.total
    else:
        lm = line_months_load([LineInfo.of(line)], period)[line.pk]
        # ended: the bill run will add the minimum spend top-up
        items = (month_charge_items(lm, month_over=period < month_start(timezone.localdate()))
                 if lm.span else [])
        total = sum((i.amount for i in items), ZERO)
    start, end = period_bounds(period)
    records = (UsageRecord.objects.filter(line=line, started_at__gte=start, started_at__lt=end)
               .select_related("rating").order_by("started_at", "pk"))
    return Itemised(line=line, period=period, bill=bill, items=items, total=total, records=records)


def _refund_cases():
    from billing.models import RefundCase

    return RefundCase.objects.select_related("account__customer", "line", "requested_by",
                                             "decided_by", "paid_by", "collection_item")


def refund_list_for_actor(*, actor):
    """The refund cases of the actor's hall; the account room, managers and the complaint rooms (roles that
    span halls) see every hall's."""
    from boss.permissions import restrict_to_actor

    if not actor.has_perm("billing.view_refundcase"):
        return _refund_cases().none()
    return restrict_to_actor(_refund_cases(), actor, hall_field="hall")


def refund_get_for_actor(*, actor, pk: int | None = None, number: str | None = None):
    """One case the actor may see; another hall's answers 404 (and the attempt is audited)."""
    from django.http import Http404

    from boss.permissions import get_for_actor

    if not actor.has_perm("billing.view_refundcase"):
        raise Http404
    lookup = {"pk": pk} if pk is not None else {"number": number}
    return get_for_actor(_refund_cases(), actor, hall_field="hall", **lookup)


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    expiring_soon: int     # within the next three months
    lots: list
    entries: list


def points_summary(*, customer, entries: int = 50) -> PointsSummary:
    from datetime import timedelta

    from django.utils import timezone

    from billing.models import PointsEntry, PointsLot

    today = timezone.localdate()
    lots = list(PointsLot.objects.filter(customer=customer).select_related("bill").order_by("expires_on", "pk"))
    live = [lot for lot in lots if lot.remaining and lot.expires_on >= today]
    return PointsSummary(
        balance=sum(lot.remaining for lot in live),
        expiring_soon=sum(lot.remaining for lot in live if lot.expires_on <= today + timedelta(days=92)),
        lots=lots, entries=list(PointsEntry.objects.filter(customer=customer).order_by("-pk")[:entries]))


def payment_recent_same(*, line, amount: Decimal, since):
    """The newest payment of exactly this amount for this line since `since`, with its documents, or None
    (the counter asks the rep to confirm a second one: issue 11)."""
    from billing.models import Payment

    return (Payment.objects.filter(line=line, amount=amount, created_at__gte=since)
            .prefetch_related("documents").order_by("-created_at").first())


# What a payment's answer shows: its documents, read by a statement compiled once per process (boss/prepared.py;
# every counter payment answers with them, issue 20).
_PAYMENT_DOCUMENTS = Prepared(lambda payment: Document.objects.select_related("hall").filter(payment_id=payment), int)


def payment_documents(*, payment_id: int) -> list[Document]:
    """The documents (receipts, invoices) a payment issued, in the model's order, each with its hall (its number
    shows the hall's code)."""
    return _PAYMENT_DOCUMENTS(payment_id)

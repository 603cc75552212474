"""The daily close (日结, processes.md §16; the hall handbook's chapter 2).

1. Each rep closes their drawers (`drawer_close`): the cash counted by denomination against what the
   ledger says the cash drawer holds, the day's card and recharge-card takings, invoices and receipts
   issued (red letters apart) and refunds paid. A difference is posted as a ledger transaction between
   the drawer and the hall's cash over/short account (never an edit), with a reason, and waits for the
   store manager's approval (`drawer_difference_approve`, not by the rep themself).
2. The store manager closes the hall's day (`hall_day_close`): every drawer that worked that day or
   holds cash closed, no difference waiting, the cash handed in to the bank (slip number, amount, who
   carried it) posted from the drawers to the hall's bank deposit account.
3. From a close on, postings of the rep (drawer close) or the hall (hall close) land on the next
   business day: `billing.services.ledger.booking_day` is the rule, applied by every posting. A posting
   naming a closed day is refused (`day_closed`).
4. A manager re-opens a closed day with a reason (`hall_day_reopen`, audited): the day's drawer closes
   are marked re-opened too, so reps may book on it and close again (new rows; the ledger keeps what was
   posted, a later close compares with the ledger as it is then).

Concurrency: a drawer close locks the rep's drawer accounts; every posting to a drawer locks it too
(ledger._check_floors) and reads the closes after the lock, so a posting never lands in a day closed
while it waited, and two closes of one drawer serialise (the second is refused, and a partial unique
constraint stands behind it). The hall close locks the hall row.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.errors import (
    BillingInputError,
    DayClosedError,
    DayNotClosedError,
    DepositMismatchError,
    DifferencePendingError,
    DrawerClosedError,
    DrawersOpenError,
    FourEyesError,
)
from billing.models import (
    Document,
    DrawerClose,
    HallDayClose,
    LedgerAccount,
    LedgerEntry,
    Payment,
    PaymentMethod,
)
from billing.services.ledger import (
    Posting,
    _account,
    ledger_account_cash_drawer,
    transaction_post,
)
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.models import Hall, Staff
from boss.money import ZERO
from boss.permissions import ensure_same_hall

# Notes and coins of the renminbi a drawer is counted in (元).
DENOMINATIONS = ("100", "50", "20", "10", "5", "1", "0.5", "0.1")
CLOSE_KINDS = ("drawer.difference", "hall.deposit")


def ledger_account_over_short(*, hall: Hall) -> LedgerAccount:
    """The hall's cash over/short (长短款): where drawer differences go until they are explained."""
    return _account(f"over_short:{hall.pk}", kind=LedgerAccount.Kind.SUSPENSE, subtype="cash_over_short",
                    hall=hall)


def ledger_account_bank_deposit(*, hall: Hall) -> LedgerAccount:
    """Cash the hall handed in to the bank (解款), in transit to the operator's bank account."""
    return _account(f"bank_deposit:{hall.pk}", kind=LedgerAccount.Kind.BANK_CLEARING, subtype="hall_deposit",
                    hall=hall)


def denominations_total(counts: dict) -> tuple[dict, Decimal]:
    """The cleaned counts ({denomination: pieces}, only known denominations, whole pieces ≥ 0) and their
    total. Raises BillingInputError at the denominations."""
    cleaned: dict[str, int] = {}
    for key, value in (counts or {}).items():
        if key not in DENOMINATIONS:
            raise BillingInputError(_("Unknown denomination: %(value)s") % {"value": key}, field="denominations")
        try:
            pieces = int(str(value).strip() or 0)
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise BillingInputError(_("Count whole pieces of each note and coin."), field="denominations") from exc
        if pieces < 0:
            raise BillingInputError(_("Count whole pieces of each note and coin."), field="denominations")
        if pieces:
            cleaned[key] = pieces
    total = sum((Decimal(k) * n for k, n in cleaned.items()), ZERO).quantize(Decimal("0.01"))
    return cleaned, total


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


@dataclass(frozen=True)
class DrawerDayFigures:
    cash_in: Decimal
    cash_out: Decimal
    card_total: Decimal
    recharge_card_total: Decimal
    refunds_paid: Decimal
    invoices: int
    invoices_total: Decimal
    receipts: int
    receipts_total: Decimal
    red_letters: int
    red_letters_total: Decimal


def drawer_day_figures(*, staff: Staff, day: date) -> DrawerDayFigures:
    """What a rep's drawers did on a business day (three queries): cash in and out of the cash drawer by
    the ledger (the close's own postings apart), refunds paid out of it, card and recharge-card takings
    by the payments, and the documents issued that calendar day."""
    cash = (LedgerEntry.objects.filter(account__staff=staff, account__kind=LedgerAccount.Kind.CASH_DRAWER,
                                       account__subtype=PaymentMethod.CASH, transaction__booked_on=day)
            .exclude(transaction__kind__in=CLOSE_KINDS)
            .aggregate(cash_in=Sum("amount", filter=Q(amount__gt=0)), cash_out=Sum("amount", filter=Q(amount__lt=0)),
                       refunds=Sum("amount", filter=Q(amount__lt=0, transaction__kind__contains="refund"))))
    paid = dict(Payment.objects.filter(actor=staff, ledger_transaction__booked_on=day).order_by()
                .values_list("method").annotate(s=Sum("amount")))
    start, end = _day_bounds(day)
    docs = {(kind, red): (n, total) for kind, red, n, total in
            Document.objects.filter(actor=staff, issued_at__gte=start, issued_at__lt=end).order_by()
            .values_list("kind", ExpressionWrapper(Q(reversal_of__isnull=False), output_field=BooleanField()))
            .annotate(n=Count("id"), t=Sum("total"))}

    def money(value) -> Decimal:
        return Decimal(value or 0).quantize(Decimal("0.01"))

    def doc(kind, red=False):
        return docs.get((kind, red), (0, ZERO))

    red = [doc(Document.Kind.INVOICE, True), doc(Document.Kind.RECEIPT, True)]
    return DrawerDayFigures(
        cash_in=money(cash["cash_in"]), cash_out=-money(cash["cash_out"]),
        card_total=money(paid.get(PaymentMethod.BANK_CARD)),
        recharge_card_total=money(paid.get(PaymentMethod.RECHARGE_CARD)),
        refunds_paid=-money(cash["refunds"]),
        invoices=doc(Document.Kind.INVOICE)[0], invoices_total=money(doc(Document.Kind.INVOICE)[1]),
        receipts=doc(Document.Kind.RECEIPT)[0], receipts_total=money(doc(Document.Kind.RECEIPT)[1]),
        red_letters=sum(n for n, _t in red), red_letters_total=money(sum((Decimal(t or 0) for _n, t in red), ZERO)),
    )


def _hall_day_closed(hall_id: int, day: date) -> bool:
    return HallDayClose.objects.filter(hall_id=hall_id, day=day, state=HallDayClose.State.CLOSED).exists()


def _check_day(day: date) -> None:
    if day > timezone.localdate():
        raise BillingInputError(_("A day in the future cannot be closed."), field="day")


def _balance(account: LedgerAccount, day: date) -> Decimal:
    """What the ledger says the account holds at the end of a business day (later days' postings apart)."""
    return account.normal(account.entries.filter(transaction__booked_on__lte=day).aggregate(s=Sum("amount"))["s"]
                          or ZERO)


@transaction.atomic
def drawer_close(*, actor: Staff, denominations: dict, reason: str = "", day: date | None = None) -> DrawerClose:
    """Close the actor's own drawers for the business day (default today).

    Raises NotPermitted (no hall), BillingInputError (denominations, a missing reason, a future day),
    DayClosedError (the hall's day is closed), DrawerClosedError (already closed).
    """
    if not actor.has_perm("billing.close_own_drawer") or actor.hall_id is None:
        raise NotPermitted(_("Only a rep of a hall closes their own drawer."))
    day = day or timezone.localdate()
    _check_day(day)
    counts, counted = denominations_total(denominations)
    reason = (reason or "").strip()
    cash_drawer = ledger_account_cash_drawer(staff=actor, method=PaymentMethod.CASH)
    # Every posting to one of these drawers waits here, and the second of two closes too.
    list(lock(LedgerAccount.objects.filter(staff=actor, kind=LedgerAccount.Kind.CASH_DRAWER).order_by("pk")))
    if _hall_day_closed(actor.hall_id, day):
        raise DayClosedError(day=day.isoformat())
    if DrawerClose.objects.filter(staff=actor, day=day).exclude(status=DrawerClose.Status.REOPENED).exists():
        raise DrawerClosedError(day=day.isoformat())
    ledger_cash = _balance(cash_drawer, day)
    difference = counted - ledger_cash
    if difference and not reason:
        raise BillingInputError(_("Say why the cash counted differs from the ledger."), field="reason")
    hall = actor.hall
    assert hall is not None
    figures = drawer_day_figures(staff=actor, day=day)
    tx = None
    if difference:
        tx = transaction_post(actor=actor, kind="drawer.difference", hall=hall, booked_on=day, closing=True,
                              postings=[Posting(cash_drawer, difference),
                                        Posting(ledger_account_over_short(hall=hall), -difference)],
                              memo=reason, reference=f"close:{actor.pk}:{day.isoformat()}")
    close = DrawerClose.objects.create(
        staff=actor, hall=hall, day=day,
        status=DrawerClose.Status.PENDING if difference else DrawerClose.Status.CLOSED,
        denominations=counts, counted_cash=counted, ledger_cash=ledger_cash, difference=difference,
        reason=reason[:200], difference_transaction=tx, **figures.__dict__,
    )
    audit_record(actor=actor, action="drawer.close", target=close, reason=reason,
                 after={"day": day.isoformat(), "counted": str(counted), "ledger": str(ledger_cash),
                        "difference": str(difference)})
    return close


@transaction.atomic
def drawer_difference_approve(*, actor: Staff, close: DrawerClose) -> DrawerClose:
    """The store manager accepts a drawer's difference (the ledger transaction stays as posted).

    Raises NotPermitted, FourEyesError (the rep's own close), DifferencePendingError never; a close with
    nothing waiting raises DrawerClosedError.
    """
    if not actor.has_perm("billing.approve_drawer_difference"):
        raise NotPermitted()
    ensure_same_hall(actor=actor, hall_id=close.hall_id)
    close = lock_by_key(DrawerClose, close.pk)
    if close.staff_id == actor.pk:
        raise FourEyesError(_("A rep's own cash difference is approved by another manager."))
    if close.status != DrawerClose.Status.PENDING:
        raise DrawerClosedError(_("This close has no difference waiting for approval."))
    close.status, close.approved_by, close.approved_at = DrawerClose.Status.CLOSED, actor, timezone.now()
    close.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="drawer.difference_approve", target=close, hall=close.hall,
                 after={"difference": str(close.difference)})
    return close


@dataclass(frozen=True)
class HallDayState:
    """Where a hall's day stands: the closes, the drawers still open, what is to be handed in."""

    hall: Hall
    day: date
    closed: HallDayClose | None
    closes: list[DrawerClose]
    open_staff: list[Staff]
    to_deposit: dict[int, Decimal]  # cash drawer account id -> amount still to hand in

    @property
    def pending(self) -> list[DrawerClose]:
        return [c for c in self.closes if c.status == DrawerClose.Status.PENDING]

    @property
    def deposit_due(self) -> Decimal:
        return sum(self.to_deposit.values(), ZERO)

    @property
    def cash_total(self) -> Decimal:
        return sum((c.counted_cash for c in self.closes), ZERO)


def hall_day_state(*, hall: Hall, day: date) -> HallDayState:
    """The day's closes and the drawers that must still close: those of the hall with a posting booked on
    the day or cash in them at its end (at most six queries whatever the number of reps)."""
    closes = list(DrawerClose.objects.filter(hall=hall, day=day).exclude(status=DrawerClose.Status.REOPENED)
                  .select_related("staff", "approved_by").order_by("staff__username"))
    closed_staff = {c.staff_id for c in closes}
    drawers = LedgerAccount.objects.filter(hall=hall, kind=LedgerAccount.Kind.CASH_DRAWER, staff__isnull=False)
    # The cash held at the day's end is what the drawer holds now less what was booked after the day. Joining
    # every entry of a drawer's whole history to its transaction for the booking day made this the day
    # report's slowest query (0.6 s at 1,200 entries a drawer): the sum now reads the entries alone, and only
    # the entries of the day and after are joined to their transactions.
    held = dict(LedgerEntry.objects.filter(account__in=drawers.filter(subtype=PaymentMethod.CASH))
                .values_list("account__staff_id").annotate(s=Sum("amount")).order_by())
    since = (LedgerEntry.objects.filter(account__in=drawers, transaction__booked_on__gte=day)
             .values_list("account__staff_id")
             .annotate(today=Count("pk", filter=Q(transaction__booked_on=day)),
                       later=Sum("amount", filter=Q(transaction__booked_on__gt=day,
                                                    account__subtype=PaymentMethod.CASH))).order_by())
    posted = set()
    for staff_id, today, later in since:
        if today:
            posted.add(staff_id)
        held[staff_id] = held.get(staff_id, ZERO) - (later or ZERO)
    open_ids = (posted | {staff_id for staff_id, amount in held.items() if amount}) - closed_staff
    open_staff = list(Staff.objects.filter(pk__in=open_ids).order_by("username")) if open_ids else []
    # Each closed drawer hands in what was counted in it (after a re-open, the earlier deposit has already
    # emptied it, so the new count is only what came in since).
    cash_accounts = {a.staff_id: a.pk for a in LedgerAccount.objects.filter(
        staff_id__in=closed_staff, kind=LedgerAccount.Kind.CASH_DRAWER, subtype=PaymentMethod.CASH)}
    to_deposit = {cash_accounts[c.staff_id]: c.counted_cash for c in closes
                  if c.counted_cash > ZERO and c.staff_id in cash_accounts}
    closed = HallDayClose.objects.filter(hall=hall, day=day, state=HallDayClose.State.CLOSED).first()
    return HallDayState(hall=hall, day=day, closed=closed, closes=closes, open_staff=open_staff,
                        to_deposit=to_deposit)


@transaction.atomic
def hall_day_close(*, actor: Staff, hall: Hall, day: date | None = None, deposit_amount, deposit_slip: str = "",
                   carried_by: str = "") -> HallDayClose:
    """Close the hall's business day and hand the cash in to the bank.

    Raises NotPermitted, BillingInputError, DayClosedError (already closed), DrawersOpenError,
    DifferencePendingError, DepositMismatchError.
    """
    from billing.services.ledger import money

    if not actor.has_perm("billing.close_hall_day"):
        raise NotPermitted()
    ensure_same_hall(actor=actor, hall_id=hall.pk)
    day = day or timezone.localdate()
    _check_day(day)
    amount = money(deposit_amount if deposit_amount not in (None, "") else "0")
    deposit_slip, carried_by = (deposit_slip or "").strip(), (carried_by or "").strip()
    hall = lock_by_key(Hall, hall.pk)
    if _hall_day_closed(hall.pk, day):
        raise DayClosedError(_("This hall's day is already closed."), day=day.isoformat())
    state = hall_day_state(hall=hall, day=day)
    if state.open_staff:
        raise DrawersOpenError(staff=[s.display_name for s in state.open_staff])
    if state.pending:
        raise DifferencePendingError(staff=[c.staff.display_name for c in state.pending])
    if amount != state.deposit_due:
        raise DepositMismatchError(expected=str(state.deposit_due), amount=str(amount))
    tx = None
    if amount > ZERO:
        if not deposit_slip:
            raise BillingInputError(_("Enter the bank's deposit slip number."), field="deposit_slip")
        if not carried_by:
            raise BillingInputError(_("Say who carried the cash to the bank."), field="carried_by")
        drawers = {a.pk: a for a in LedgerAccount.objects.filter(pk__in=list(state.to_deposit))}
        tx = transaction_post(actor=actor, kind="hall.deposit", hall=hall, booked_on=day, closing=True,
                              reference=deposit_slip, memo=carried_by,
                              postings=[Posting(ledger_account_bank_deposit(hall=hall), amount)]
                              + [Posting(drawers[pk], -due) for pk, due in sorted(state.to_deposit.items())])
    close = HallDayClose.objects.create(hall=hall, day=day, cash_total=state.cash_total, deposit_amount=amount,
                                        deposit_slip=deposit_slip[:40], carried_by=carried_by[:60],
                                        deposit_transaction=tx, closed_by=actor)
    audit_record(actor=actor, action="hall_day.close", target=close, hall=hall,
                 after={"day": day.isoformat(), "deposit": str(amount), "slip": deposit_slip,
                        "drawers": len(state.closes)})
    return close


@transaction.atomic
def hall_day_reopen(*, actor: Staff, hall: Hall, day: date, reason: str) -> HallDayClose:
    """A manager re-opens a closed day (audited); its drawer closes are re-opened with it.

    Raises NotPermitted, BillingInputError (no reason), DayNotClosedError.
    """
    if not actor.has_perm("billing.reopen_hall_day"):
        raise NotPermitted(_("Only a manager re-opens a closed day."))
    ensure_same_hall(actor=actor, hall_id=hall.pk)
    reason = (reason or "").strip()
    if not reason:
        raise BillingInputError(_("Say why the day is re-opened."), field="reason")
    hall = lock_by_key(Hall, hall.pk)
    close = HallDayClose.objects.filter(hall=hall, day=day, state=HallDayClose.State.CLOSED).first()
    if close is None:
        raise DayNotClosedError(day=day.isoformat())
    close.state, close.reopened_by, close.reopened_at = HallDayClose.State.REOPENED, actor, timezone.now()
    close.reopen_reason = reason[:200]
    close.save(update_fields=["state", "reopened_by", "reopened_at", "reopen_reason"])
    reopened = (DrawerClose.objects.filter(hall=hall, day=day).exclude(status=DrawerClose.Status.REOPENED)
                .update(status=DrawerClose.Status.REOPENED))
    audit_record(actor=actor, action="hall_day.reopen", target=close, hall=hall, reason=reason,
                 before={"state": HallDayClose.State.CLOSED}, after={"state": close.state, "drawers": reopened})
    return close

"""Points gift redemption (process 9, seed 6.9, domain-rules A12).

    redemption_start    the rep's request: every check first (redemption hall, the line, the blacklist, the
                        gift's dates and stock, the points, the documents); nothing is written on a refusal.
                        An individual collecting in person redeems at once; a group customer or corporate
                        account waits for the big-customer room (deadline `points.group_confirm_minutes`);
                        an individual's points collected by an agent wait for the rep's call to the customer.
    redemption_answer   the big-customer room confirms or refuses (too late: the request is closed as timed
                        out and the answer changes nothing).
    redemption_call     the rep records the customer's answer on the phone.
    redemption_complete hand over a confirmed gift: the checks again, then points (oldest lot first), the
                        stock movement, the cash top-up and the audit event in one transaction.
    redemption_return   the gift back within its return period: the same lots back (unless expired since),
                        the gift back in stock, the cash top-up reversed.
    redemptions_expire  the timed job closing the room's requests past their deadline (and the online orders
                        not collected in time).
    redemption_order    a gift ordered online (the portal) for pick-up at a redemption hall the customer chose:
                        the same refusals as the counter, then the points and the gift are set aside at once.
    redemption_pickup   the hand-over of an online order at its hall: the documents, the seal, the confirmation
                        (the room, the call) and the signature exactly as at the counter; the points and the gift
                        were taken at the order, the cash top-up (if any) is paid here.
    redemption_pickup_reminders  the timed job: an SMS `points.pickup_reminder_hours` before an online order's
                        last pick-up time, once per order.
    redemption_order_cancel  the customer cancels an order not collected yet (or the job, past `pickup_until`):
                        the points and the gift go back. An order refused or timed out at the pick-up gives them
                        back the same way.

Locks, in the one order: the customer (two counters spending the same points meet here), the redemption,
the points lots (billing), the gift stock row (inventory; two counters taking the last gift meet there).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.errors import InvalidAmountError
from billing.models import PaymentMethod
from billing.services.ledger import transaction_reverse
from billing.services.payments import Allocation, payment_receive
from billing.services.points import points_give_back, points_redeem, points_redeem_check
from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Hall, Staff
from boss.money import ZERO
from boss.tariffs import tariff
from customers.models import Account, Customer, Line
from customers.selectors import customer_is_blacklisted
from inventory.errors import GiftOutOfStockError, NotRedemptionHallError
from inventory.models import Gift, GiftStock
from inventory.services.gifts import gift_stock_put_back, gift_stock_take
from loyalty.errors import (
    ConfirmationRefusedError,
    ConfirmationTimedOutError,
    CustomerBlacklistedError,
    GiftNotRedeemableError,
    LineNotServedError,
    LineSuspendedError,
    PickupExpiredError,
    PickupHallError,
    ReceiptNotSignedError,
    RedemptionStateError,
    ReturnPeriodOverError,
    SealRequiredError,
)
from loyalty.models import Redemption
from notifications.services import notification_queue
from orders.services.documents import AgentInput, documents_check

State = Redemption.State
SUSPENDED = (Line.Status.SUSPENDED_REQUEST, Line.Status.SUSPENDED_LOSS, Line.Status.SUSPENDED_ARREARS)
NOT_SERVED = (Line.Status.CANCELLED, Line.Status.PENDING_ACTIVATION)


@dataclass(frozen=True)
class Topup:
    method: str = PaymentMethod.CASH
    tendered: Decimal | None = None


def confirmation_needed(*, customer: Customer, agent: bool) -> str:
    """Group customer or corporate account → the big-customer room; an individual's points collected by
    someone else → a call to the customer; else none."""
    if customer.kind == Customer.Kind.ORGANIZATION or Account.objects.filter(customer=customer,
                                                                            corporate=True).exists():
        return Redemption.Confirmation.ROOM
    return Redemption.Confirmation.CALL if agent else Redemption.Confirmation.NONE


def _line_refusals(*, line: Line, today) -> None:
    """The line's and the customer's refusals (also at the pick-up of an online order)."""
    if line.status in NOT_SERVED:
        raise LineNotServedError(msisdn=line.msisdn)
    if line.status in SUSPENDED and tariff("points.redeem_refuse_suspended"):
        raise LineSuspendedError(msisdn=line.msisdn)
    if tariff("points.redeem_refuse_blacklisted") and customer_is_blacklisted(customer=line.customer, on=today):
        raise CustomerBlacklistedError()


def redemption_refusals(*, actor: Staff, line: Line, gift: Gift, today=None, hall: Hall | None = None) -> None:
    """Every refusal that does not depend on the documents, in the order the rep meets them. Writes nothing.
    `hall`: where the gift is collected (the actor's hall at the counter; the hall chosen for an online order).
    Raises NotRedemptionHallError, LineNotServedError, LineSuspendedError, CustomerBlacklistedError,
    GiftNotRedeemableError, GiftOutOfStockError, PointsExpiredError, PointsInsufficientError."""
    today = today or timezone.localdate()
    hall = hall or actor.hall
    if hall is None or not hall.redemption_hall:
        raise NotRedemptionHallError(hall=hall.name if hall else "")
    _line_refusals(line=line, today=today)
    if not gift.redeemable_on(today):
        raise GiftNotRedeemableError(gift=gift.name)
    if not GiftStock.objects.filter(gift=gift, hall=hall, quantity__gt=0).exists():
        raise GiftOutOfStockError(gift=gift.name)
    points_redeem_check(customer_id=line.customer_id, points=gift.points, today=today)


def _lock_customer(customer_id: int) -> Customer:
    return lock_by_key(Customer, customer_id)


@transaction.atomic
def redemption_start(*, actor: Staff, line: Line, gift: Gift, documents_checked, agent: AgentInput | None = None,
                     seal: str = "", receipt_signed: bool = False, topup: Topup | None = None) -> Redemption:
    """Start (and, when no confirmation is needed, complete) a redemption. See the module's docstring.
    Raises the refusals of `redemption_refusals`, the documents' errors, SealRequiredError,
    ReceiptNotSignedError; nothing is written on any of them."""
    redemption_refusals(actor=actor, line=line, gift=gift)   # the refusals first, before any lock
    customer = _lock_customer(line.customer_id)
    organization = customer.kind == Customer.Kind.ORGANIZATION
    if organization and seal not in Redemption.Seal.values:
        raise SealRequiredError()
    confirmation = confirmation_needed(customer=customer, agent=agent is not None)
    if confirmation == Redemption.Confirmation.NONE and not receipt_signed:
        raise ReceiptNotSignedError()
    # The agent's identity (its row is locked) before the line, in the one lock order.
    checked, agent_identity = documents_check(actor=actor, customer=customer, documents_checked=documents_checked,
                                              agent=agent, agent_allowed=not organization)
    line = lock_by_key(Line, line.pk)
    if line.customer_id != customer.pk:   # transferred while the rep typed
        raise LineNotServedError(msisdn=line.msisdn)
    redemption_refusals(actor=actor, line=line, gift=gift)
    now = timezone.now()
    hall = actor.hall
    assert hall is not None   # redemption_refusals refused an actor without a redemption hall
    initial: dict[str, str] = {Redemption.Confirmation.ROOM: State.AWAITING_ROOM,
                               Redemption.Confirmation.CALL: State.AWAITING_CALL,
                               Redemption.Confirmation.NONE: State.CONFIRMED}
    redemption = Redemption.objects.create(
        hall=hall, actor=actor, customer=customer, line=line, gift=gift, points=gift.points,
        cash_topup=gift.cash_topup, confirmation=confirmation, agent=agent_identity, documents_checked=checked,
        seal=seal if organization else "",
        state=initial[confirmation],
        confirm_deadline=(now + timedelta(minutes=tariff("points.group_confirm_minutes"))
                          if confirmation == Redemption.Confirmation.ROOM else None))
    audit_record(actor=actor, action="redemption.start", target=redemption,
                 after={"gift": gift.code, "points": gift.points, "confirmation": confirmation,
                        "agent": agent_identity is not None, "documents": checked, "seal": redemption.seal})
    if confirmation == Redemption.Confirmation.NONE:
        _complete(actor=actor, redemption=redemption, topup=topup)
    return redemption


def _timed_out(redemption: Redemption, now) -> bool:
    return (redemption.state == State.AWAITING_ROOM and redemption.confirm_deadline is not None
            and now > redemption.confirm_deadline)


def _release(*, actor: Staff, redemption: Redemption) -> int:
    """An online order's points and gift back (the caller holds the customer's lock). Returns the points."""
    if redemption.reserved_at is None:
        return 0
    given = points_give_back(customer_id=redemption.customer_id, redeemed_reference=redemption.reference,
                             reference=f"release:{redemption.pk}")
    assert redemption.hall is not None
    gift_stock_put_back(actor=actor, gift=redemption.gift, hall=redemption.hall, reference=f"release:{redemption.pk}")
    redemption.points_given_back = given
    redemption.save(update_fields=["points_given_back"])
    return given


def _time_out(*, actor: Staff, redemption: Redemption) -> None:
    """Close a request past the room's deadline (the caller holds the customer's lock when it is an online
    order: its points and gift go back)."""
    redemption.state, redemption.refusal = State.TIMED_OUT, str(ConfirmationTimedOutError().message)[:200]
    redemption.save(update_fields=["state", "refusal"])
    _release(actor=actor, redemption=redemption)
    audit_record(actor=actor, action="redemption.time_out", target=redemption, hall=redemption.hall,
                 after={"deadline": redemption.confirm_deadline.isoformat() if redemption.confirm_deadline else None})


def redemption_answer(*, actor: Staff, redemption: Redemption, confirmed: bool, note: str) -> Redemption:
    """The big-customer room's answer: who may collect (confirmed) or why not (refused). An answer after the
    deadline closes the request as timed out and changes nothing else. Raises RedemptionStateError,
    ConfirmationTimedOutError."""
    now = timezone.now()
    with transaction.atomic():
        _lock_customer(redemption.customer_id)   # the one lock order (an online order's points may go back)
        redemption = lock_by_key(Redemption, redemption.pk)
        if redemption.state != State.AWAITING_ROOM:
            raise RedemptionStateError(state=redemption.state)
        if _timed_out(redemption, now):
            _time_out(actor=actor, redemption=redemption)
            timed_out = True
        else:
            timed_out = False
            redemption.state = State.CONFIRMED if confirmed else State.REFUSED
            redemption.answered_at, redemption.answered_by, redemption.answer_note = now, actor, note[:200]
            if not confirmed:
                redemption.refusal = note[:200]
            redemption.save(update_fields=["state", "answered_at", "answered_by", "answer_note", "refusal"])
            if not confirmed:
                _release(actor=actor, redemption=redemption)
            audit_record(actor=actor, action="redemption.answer", target=redemption, hall=redemption.hall,
                         after={"confirmed": confirmed, "note": note[:200]})
    if timed_out:   # the closing is kept; the late answer is refused
        raise ConfirmationTimedOutError()
    return redemption


@transaction.atomic
def redemption_call(*, actor: Staff, redemption: Redemption, confirmed: bool, note: str) -> Redemption:
    """The rep called the customer whose points an agent collects, and records the answer."""
    _lock_customer(redemption.customer_id)
    redemption = lock_by_key(Redemption, redemption.pk)
    if redemption.state != State.AWAITING_CALL:
        raise RedemptionStateError(state=redemption.state)
    redemption.state = State.CONFIRMED if confirmed else State.REFUSED
    redemption.answered_at, redemption.answered_by, redemption.answer_note = timezone.now(), actor, note[:200]
    if not confirmed:
        redemption.refusal = note[:200] or _("The customer did not confirm on the phone.")
    redemption.save(update_fields=["state", "answered_at", "answered_by", "answer_note", "refusal"])
    if not confirmed:
        _release(actor=actor, redemption=redemption)
    audit_record(actor=actor, action="redemption.call", target=redemption, after={"confirmed": confirmed})
    return redemption


def redemption_complete(*, actor: Staff, redemption: Redemption, receipt_signed: bool,
                        topup: Topup | None = None) -> Redemption:
    """Hand over a confirmed gift (the checks again, then points, stock, top-up and audit at once).
    Raises ConfirmationTimedOutError (the room did not answer in time; the request is closed),
    ConfirmationRefusedError, RedemptionStateError, ReceiptNotSignedError and the refusals of the start."""
    now = timezone.now()
    with transaction.atomic():
        _lock_customer(redemption.customer_id)
        line = lock_by_key(Line, redemption.line_id)
        redemption = lock_by_key(Redemption, redemption.pk)
        if _timed_out(redemption, now):
            _time_out(actor=actor, redemption=redemption)
            timed_out = True
        else:
            timed_out = False
            if redemption.state in (State.REFUSED,):
                raise ConfirmationRefusedError(reason=redemption.refusal)
            if redemption.state == State.TIMED_OUT:
                raise ConfirmationTimedOutError()
            if redemption.state != State.CONFIRMED:
                raise RedemptionStateError(state=redemption.state)
            if not receipt_signed:
                raise ReceiptNotSignedError()
            if redemption.reserved_at is None:
                redemption_refusals(actor=actor, line=line, gift=redemption.gift)
            else:   # ordered online: the points and the gift are set aside already
                _line_refusals(line=line, today=timezone.localdate())
            _complete(actor=actor, redemption=redemption, topup=topup)
    if timed_out:
        raise ConfirmationTimedOutError()
    return redemption


def _complete(*, actor: Staff, redemption: Redemption, topup: Topup | None) -> None:
    """Points, stock, top-up and audit, in the caller's transaction (which holds the customer's lock)."""
    now = timezone.now()
    assert redemption.hall is not None
    if redemption.reserved_at is None:   # an online order took them when it was ordered
        points_redeem(customer_id=redemption.customer_id, points=redemption.points, reference=redemption.reference)
        gift_stock_take(actor=actor, gift=redemption.gift, hall=redemption.hall, reference=redemption.reference)
    if redemption.cash_topup > ZERO:
        topup = topup or Topup()
        if not topup.method:    # the screen chooses nothing for the customer (ui.md)
            raise InvalidAmountError(_("Choose how the customer pays."), field="method")
        if topup.method not in (PaymentMethod.CASH, PaymentMethod.BANK_CARD):
            raise InvalidAmountError(_("The cash top-up is paid in cash or by bank card."), field="method")
        line = redemption.line
        paid = payment_receive(actor=actor, account=line.account, method=topup.method, tendered=topup.tendered,
                               line=line, reference=redemption.reference,
                               allocations=[Allocation(kind="fee", item=_("Points gift top-up: %(gift)s")
                                                       % {"gift": redemption.gift.name},
                                                       amount=redemption.cash_topup, fee_type="points_gift")])
        redemption.payment = paid.payment
    redemption.state = State.COMPLETED
    redemption.completed_at = redemption.receipt_signed_at = now
    redemption.save(update_fields=["state", "completed_at", "receipt_signed_at", "payment"])
    audit_record(actor=actor, action="redemption.complete", target=redemption,
                 after={"gift": redemption.gift.code, "points": redemption.points,
                        "cash_topup": str(redemption.cash_topup)})


def redemption_return(*, actor: Staff, redemption: Redemption, reason: str) -> Redemption:
    """Take back an unused gift within its return period. Raises RedemptionStateError, ReturnPeriodOverError."""
    now = timezone.now()
    with transaction.atomic():
        _lock_customer(redemption.customer_id)
        redemption = lock_by_key(Redemption, redemption.pk)
        if redemption.state != State.COMPLETED or redemption.completed_at is None:
            raise RedemptionStateError(state=redemption.state)
        if timezone.localdate(redemption.completed_at) + timedelta(days=redemption.gift.return_days) \
                < timezone.localdate(now):
            raise ReturnPeriodOverError(days=redemption.gift.return_days)
        given = points_give_back(customer_id=redemption.customer_id, redeemed_reference=redemption.reference,
                                 reference=f"return:{redemption.pk}")
        assert redemption.hall is not None
        gift_stock_put_back(actor=actor, gift=redemption.gift, hall=redemption.hall,
                            reference=f"return:{redemption.pk}")
        if redemption.payment is not None:
            transaction_reverse(actor=actor, tx=redemption.payment.ledger_transaction,
                                memo=_("Points gift returned: top-up paid back"))
        redemption.state, redemption.returned_at, redemption.returned_by = State.RETURNED, now, actor
        redemption.return_reason, redemption.points_given_back = reason[:200], given
        redemption.save(update_fields=["state", "returned_at", "returned_by", "return_reason", "points_given_back"])
        audit_record(actor=actor, action="redemption.return", target=redemption, reason=reason[:200],
                     after={"points_given_back": given, "points_lost": redemption.points - given})
    return redemption


def redemption_timeout_check(*, actor: Staff, redemption: Redemption) -> Redemption:
    """Close one request past its deadline (the waiting counter screen calls it on each poll)."""
    now = timezone.now()
    if not _timed_out(redemption, now):
        return redemption
    with transaction.atomic():
        _lock_customer(redemption.customer_id)
        redemption = lock_by_key(Redemption, redemption.pk)
        if _timed_out(redemption, now):
            _time_out(actor=actor, redemption=redemption)
    return redemption


def redemptions_expire(*, actor: Staff) -> int:
    """The job (every minute): close the big-customer room's requests past their deadline. SKIP LOCKED, so a
    request being answered right now is left to its answer (which checks the deadline itself)."""
    now = timezone.now()
    closed = 0
    with transaction.atomic():
        for redemption in lock(Redemption.objects.filter(state=State.AWAITING_ROOM, confirm_deadline__lt=now,
                                                         reserved_at__isnull=True)
                               .order_by("pk"), skip_locked=True)[:500]:
            _time_out(actor=actor, redemption=redemption)
            closed += 1
    # Online orders give their points back, under the customer's lock first: one at a time, each in its own
    # transaction (a request being answered right now waits, then finds it closed or answered).
    for redemption in list(Redemption.objects.filter(state=State.AWAITING_ROOM, confirm_deadline__lt=now,
                                                     reserved_at__isnull=False).order_by("pk")[:500]):
        if redemption_timeout_check(actor=actor, redemption=redemption).state == State.TIMED_OUT:
            closed += 1
    for redemption in list(Redemption.objects.filter(state=State.ORDERED, pickup_until__lt=now).order_by("pk")[:500]):
        try:
            redemption_order_cancel(actor=actor, redemption=redemption, reason=_("Not collected in time."))
        except RedemptionStateError:
            continue   # collected or cancelled meanwhile
        closed += 1
    return closed


# --------------------------------------------------------------------------------------------------
# Ordered online (the portal), collected at a redemption hall
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def redemption_order(*, actor: Staff, line: Line, gift: Gift, hall: Hall) -> Redemption:
    """A gift ordered online for pick-up at `hall` (a redemption hall holding it): the counter's refusals,
    then the points and the gift set aside at once (nobody else can take them), to be collected within
    `points.pickup_days`. `actor`: the web channel. Raises the refusals of `redemption_refusals`."""
    redemption_refusals(actor=actor, line=line, gift=gift, hall=hall)   # the refusals first, before any lock
    customer = _lock_customer(line.customer_id)
    line = lock_by_key(Line, line.pk)
    if line.customer_id != customer.pk:
        raise LineNotServedError(msisdn=line.msisdn)
    redemption_refusals(actor=actor, line=line, gift=gift, hall=hall)
    now = timezone.now()
    redemption = Redemption.objects.create(
        hall=hall, actor=actor, customer=customer, line=line, gift=gift, points=gift.points,
        cash_topup=gift.cash_topup, state=State.ORDERED, channel=Redemption.Channel.WEB,
        documents_checked=["web_signin"], reserved_at=now,
        pickup_until=now + timedelta(days=tariff("points.pickup_days")))
    points_redeem(customer_id=customer.pk, points=gift.points, reference=redemption.reference)
    gift_stock_take(actor=actor, gift=gift, hall=hall, reference=redemption.reference)
    audit_record(actor=actor, action="redemption.order", target=redemption, hall=hall,
                 after={"gift": gift.code, "points": gift.points, "hall": hall.code,
                        "pickup_until": redemption.pickup_until.isoformat() if redemption.pickup_until else None})
    # The customer is told by SMS where and until when (the line's number; sent after the commit).
    assert redemption.pickup_until is not None
    notification_queue(template="loyalty.gift_ordered", msisdn=line.msisdn, key=f"loyalty.gift-ordered:{redemption.pk}",
                       params={"gift": gift.name, "number": redemption.number, "hall": hall.name,
                               "day": f"{timezone.localtime(redemption.pickup_until):%Y-%m-%d %H:%M}"},
                       hall=hall, reference=redemption.reference)
    return redemption


def redemption_pickup_reminders(*, actor: Staff, now=None) -> int:
    """The job (every few minutes): each online order still to be collected whose `pickup_until` is within
    `points.pickup_reminder_hours` gets one reminder SMS (key per order; the order records it, so a second run
    sends nothing). An order collected, cancelled or already past its time gets none. Returns the number sent."""
    hours = tariff("points.pickup_reminder_hours")
    if not hours:
        return 0
    now = now or timezone.now()
    due = Redemption.objects.filter(state=State.ORDERED, pickup_reminded_at__isnull=True, pickup_until__gt=now,
                                    pickup_until__lte=now + timedelta(hours=hours))
    sent = 0
    for pk, customer_id in list(due.order_by("pk").values_list("pk", "customer_id")[:500]):
        with transaction.atomic():   # the customer's lock first (the one order), then the redemption
            _lock_customer(customer_id)
            redemption = lock_by_key(Redemption, pk)
            if (redemption.state != State.ORDERED or redemption.pickup_reminded_at is not None
                    or redemption.pickup_until is None or redemption.pickup_until <= now):
                continue   # collected, cancelled or reminded meanwhile
            redemption.pickup_reminded_at = now
            redemption.save(update_fields=["pickup_reminded_at"])
            line = Line.objects.get(pk=redemption.line_id)
            gift, hall = Gift.objects.get(pk=redemption.gift_id), Hall.objects.get(pk=redemption.hall_id)
            notification_queue(template="loyalty.gift_pickup_reminder", msisdn=line.msisdn,
                               key=f"loyalty.gift-reminder:{redemption.pk}",
                               params={"gift": gift.name, "number": redemption.number, "hall": hall.name,
                                       "day": f"{timezone.localtime(redemption.pickup_until):%Y-%m-%d %H:%M}"},
                               hall=hall, reference=redemption.reference)
            audit_record(actor=actor, action="redemption.pickup_reminder", target=redemption, hall=hall,
                         after={"pickup_until": redemption.pickup_until.isoformat()})
            sent += 1
    return sent


def redemption_pickup(*, actor: Staff, redemption: Redemption, documents_checked, agent: AgentInput | None = None,
                      seal: str = "", receipt_signed: bool = False, topup: Topup | None = None) -> Redemption:
    """Hand over an online order at its hall: the counter's documents, seal, confirmation and signature (an
    individual in person: at once; an organization or corporate account: the big-customer room; an agent: the
    call). Raises RedemptionStateError, PickupHallError, PickupExpiredError (the order is cancelled and its points
    given back), the line's refusals, the documents' errors, SealRequiredError, ReceiptNotSignedError."""
    now = timezone.now()
    expired = False
    with transaction.atomic():
        # The customer's lock first (every service changing a redemption takes it), the agent's identity and
        # the line next, the redemption's row last (the one lock order).
        customer = _lock_customer(redemption.customer_id)
        redemption = Redemption.objects.select_related("hall").get(pk=redemption.pk)
        if redemption.state != State.ORDERED:
            raise RedemptionStateError(state=redemption.state)
        if actor.hall_id != redemption.hall_id:
            raise PickupHallError(hall=redemption.hall.name)
        if redemption.pickup_until is not None and now > redemption.pickup_until:
            redemption = lock_by_key(Redemption, redemption.pk)
            _cancel(actor=actor, redemption=redemption, reason=str(PickupExpiredError().message))
            expired = True
        else:
            organization = customer.kind == Customer.Kind.ORGANIZATION
            if organization and seal not in Redemption.Seal.values:
                raise SealRequiredError()
            confirmation = confirmation_needed(customer=customer, agent=agent is not None)
            if confirmation == Redemption.Confirmation.NONE and not receipt_signed:
                raise ReceiptNotSignedError()
            checked, agent_identity = documents_check(actor=actor, customer=customer,
                                                      documents_checked=documents_checked, agent=agent,
                                                      agent_allowed=not organization)
            line = lock_by_key(Line, redemption.line_id)
            _line_refusals(line=line, today=timezone.localdate())
            redemption = lock_by_key(Redemption, redemption.pk)
            if redemption.state != State.ORDERED:
                raise RedemptionStateError(state=redemption.state)
            redemption.actor, redemption.confirmation, redemption.agent = actor, confirmation, agent_identity
            redemption.documents_checked, redemption.seal = checked, seal if organization else ""
            initial: dict[str, str] = {Redemption.Confirmation.ROOM: State.AWAITING_ROOM,
                                       Redemption.Confirmation.CALL: State.AWAITING_CALL,
                                       Redemption.Confirmation.NONE: State.CONFIRMED}
            redemption.state = initial[confirmation]
            redemption.confirm_deadline = (now + timedelta(minutes=tariff("points.group_confirm_minutes"))
                                           if confirmation == Redemption.Confirmation.ROOM else None)
            redemption.save(update_fields=["actor", "confirmation", "agent", "documents_checked", "seal", "state",
                                           "confirm_deadline"])
            audit_record(actor=actor, action="redemption.pickup", target=redemption,
                         after={"confirmation": confirmation, "agent": agent_identity is not None,
                                "documents": checked, "seal": redemption.seal})
            if confirmation == Redemption.Confirmation.NONE:
                _complete(actor=actor, redemption=redemption, topup=topup)
    if expired:   # the cancellation is kept; the hand-over is refused
        raise PickupExpiredError()
    return redemption


def _cancel(*, actor: Staff, redemption: Redemption, reason: str) -> None:
    redemption.state, redemption.refusal = State.CANCELLED, reason[:200]
    redemption.save(update_fields=["state", "refusal"])
    given = _release(actor=actor, redemption=redemption)
    audit_record(actor=actor, action="redemption.cancel", target=redemption, hall=redemption.hall,
                 reason=reason[:200], after={"points_given_back": given})


@transaction.atomic
def redemption_order_cancel(*, actor: Staff, redemption: Redemption, reason: str) -> Redemption:
    """Cancel an online order not collected yet: the points (unless expired since) and the gift go back.
    Raises RedemptionStateError."""
    _lock_customer(redemption.customer_id)
    redemption = lock_by_key(Redemption, redemption.pk)
    if redemption.state != State.ORDERED:
        raise RedemptionStateError(state=redemption.state)
    _cancel(actor=actor, redemption=redemption, reason=reason)
    return redemption

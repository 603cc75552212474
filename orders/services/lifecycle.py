"""What every process on an existing line shares: the table of which service each line state allows,
locking and checking the line, the documents check, the order of the process (with its fees, payment
and work order), and what the network's completion (竣工) or a roll back means for these orders.

Two kinds of change (docs/line-states.md):
- Decisions of the counter that move money or the number (pre-cancellation, re-opening, formal
  cancellation, transfer, leaving the network) change the line in the service's transaction; the work
  order carries the change to the network and completes the order. They cannot be rolled back on the
  network side (only retried): the business has already happened.
- Changes of the network service (loss, unlock, suspension, resumption, features, long distance,
  roaming, SIM, number) are applied to the line when the network confirms (竣工), so the BOSS never
  says more than the network does. While such a work order is on its way the line takes no other
  network change (在途工单). A roll back cancels the order, refunds its fees by reversal with red-letter
  documents and returns what was taken from stock.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

import django_fsm as fsm
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import Document
from billing.services.documents import document_red_letter
from billing.services.ledger import transaction_reverse
from billing.services.payments import Allocation, payment_receive
from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff
from boss.money import ZERO
from catalog.models import Feature
from customers.models import Customer, Line
from orders.errors import (
    AgreementNotSignedError,
    LineBusyError,
    LineStateError,
    OrderStateError,
    RollbackNotPossibleError,
)
from orders.models import Order, OrderLine
from orders.services.order_links import order_lock_for_work_order
from provisioning import hooks
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

S = Line.Status
D = Order.Document
K = Order.Kind

# Which service each state allows: the one table the services, the line screen and the API read.
LIVE = frozenset({S.ACTIVE, S.SUSPENDED_REQUEST, S.SUSPENDED_LOSS, S.SUSPENDED_ARREARS, S.PENDING_CANCELLATION})
IN_SERVICE = frozenset({S.ACTIVE, S.SUSPENDED_REQUEST, S.SUSPENDED_LOSS, S.SUSPENDED_ARREARS})
SERVICE_STATES: dict[str, frozenset] = {
    K.PRECANCEL: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST, S.SUSPENDED_LOSS}),
    K.REOPEN: frozenset({S.PENDING_CANCELLATION}),
    K.CANCEL: frozenset({S.PENDING_CANCELLATION}),
    K.CANCEL_FEE_RECOVERY: frozenset({S.CANCELLED}),
    K.TRANSFER: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST}),
    K.REPORT_LOSS: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST}),
    K.UNLOCK: frozenset({S.SUSPENDED_LOSS}),
    K.SUSPEND: frozenset({S.ACTIVE}),
    K.RESUME: frozenset({S.SUSPENDED_REQUEST}),
    K.PORT_OUT: frozenset({S.ACTIVE}),
    K.PAYMENT_METHOD: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST, S.SUSPENDED_LOSS}),
    K.LONG_DISTANCE: frozenset({S.ACTIVE}),
    K.ROAMING_OPEN: frozenset({S.ACTIVE}),
    K.ROAMING_CLOSE: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST, S.SUSPENDED_LOSS, S.SUSPENDED_ARREARS}),
    K.SIM_REPLACEMENT: frozenset({S.ACTIVE, S.SUSPENDED_LOSS, S.SUSPENDED_REQUEST}),
    K.NUMBER_CHANGE: frozenset({S.ACTIVE}),
    K.CUSTOMER_DATA: IN_SERVICE,
    K.FEATURE_CHANGE: frozenset({S.ACTIVE}),
    K.DISCOUNT_CHANGE: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST}),
    K.HANDSET_SALE: frozenset({S.ACTIVE}),
    K.INVOICE_REPRINT: LIVE | {S.CANCELLED},
    K.PLAN_CHANGE: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST}),
    K.PLAN_CHANGE_CANCEL: IN_SERVICE,
    K.ACCOUNT_MOVE: frozenset({S.ACTIVE, S.SUSPENDED_REQUEST}),
    K.SECONDARY_ADD: frozenset({S.ACTIVE}),
    K.SECONDARY_REMOVE: IN_SERVICE,
}

# Counter decisions: the line changes at the counter, the network follows, no roll back.
IMMEDIATE_KINDS = frozenset({K.PRECANCEL, K.REOPEN, K.CANCEL, K.PORT_OUT})

STATE_HINTS = {
    S.PENDING_ACTIVATION: gettext_lazy("The line is not active on the network yet."),
    S.SUSPENDED_ARREARS: gettext_lazy("Pay the arrears first (fee collection): the line is restored, then this "
                                      "service is possible."),
    S.PENDING_CANCELLATION: gettext_lazy("The line is pending cancellation: re-open it first, or cancel it "
                                         "formally."),
    S.CANCELLED: gettext_lazy("The line is cancelled."),
    S.SUSPENDED_LOSS: gettext_lazy("The line is reported lost: unlock it first."),
    S.SUSPENDED_REQUEST: gettext_lazy("The line is suspended on request: resume it first."),
}


def feature_is_international_roaming(feature: Feature) -> bool:
    """International roaming is the feature of that kind, or the one holding the roaming deposit."""
    return feature.kind == Feature.Kind.ROAMING or feature.deposit_param == "roaming.deposit"


def line_roaming_open(line: Line) -> bool:
    return any(feature_is_international_roaming(lf.feature)
               for lf in line.line_features.select_related("feature").filter(until__isnull=True))


def services_allowed(line: Line) -> list[str]:
    """The order kinds the line allows now, in the catalogue's order: what its state allows, and of the two
    roaming services the one that makes sense (opening roaming where it is open, or closing it where it is
    not, is refused anyway; cancelling a plan change only where one is pending). Screens and the API offer
    exactly these."""
    kinds = [kind for kind, states in SERVICE_STATES.items() if line.status in states]
    pointless = {K.ROAMING_OPEN if line_roaming_open(line) else K.ROAMING_CLOSE}
    if K.PLAN_CHANGE_CANCEL in kinds and not line.plan_changes.filter(
            state="pending", effective_on__gt=timezone.localdate()).exists():
        pointless.add(K.PLAN_CHANGE_CANCEL)   # nothing pending to cancel
    if K.SECONDARY_REMOVE in kinds and not line.secondary_cards.filter(until__isnull=True).exists():
        pointless.add(K.SECONDARY_REMOVE)     # no secondary card to remove
    return [kind for kind in kinds if kind not in pointless]


# --------------------------------------------------------------------------------------------------
# Locking and checking
# --------------------------------------------------------------------------------------------------


def line_lock(line: Line | int) -> Line:
    """Re-read the line under its row lock (customer and identity rows are read, not locked: services
    that change them lock them first, in the global order). The lock is taken without a join, then the line is
    read with its customer and account: a line a transfer has just given a new owner would not be found through
    the join (boss/locks.py)."""
    pk = line if isinstance(line, int) else line.pk
    lock_by_key(Line, pk)
    return Line.objects.select_related("customer__identity", "account", "plan", "hall").get(pk=pk)


def ensure_state(line: Line, kind: str, transition: Callable | None = None) -> None:
    """Refuse a service the line's state does not allow, saying which state and what to do."""
    allowed = line.status in SERVICE_STATES[kind] and (transition is None or fsm.can_proceed(transition))
    if not allowed:
        label = Order.Kind(kind).label
        hint = STATE_HINTS.get(line.status, "")
        raise LineStateError(
            _("%(service)s is not possible while the line is “%(state)s”. %(hint)s")
            % {"service": label, "state": line.get_status_display(), "hint": hint},
            status=line.status, service=kind)


def ensure_not_busy(line: Line) -> None:
    """One network change at a time: an unfinished work order of this line blocks the next one."""
    if WorkOrder.objects.filter(line=line, state__in=[WorkOrder.State.READY, WorkOrder.State.RUNNING,
                                                      WorkOrder.State.FAILED]).exists():
        raise LineBusyError(msisdn=line.msisdn)


# --------------------------------------------------------------------------------------------------
# The order of a process
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    """One item of what the customer pays: fee (revenue, invoiced) | prepayment | deposit (receipt)."""

    code: str
    item: str
    kind: str
    amount: Decimal
    fee_type: str = ""


# The draft (orders.services.drafts) a process run is carrying out: its order_open fills that draft's row
# instead of creating an order, so the number printed on the agreement is the number of the business.
_DRAFT: ContextVar[Order | None] = ContextVar("orders_draft", default=None)


@contextmanager
def order_into_draft(draft: Order | None):
    """Within this block the process's order_open fills `draft` (same kind, same line) once."""
    token = _DRAFT.set(draft)
    try:
        yield
    finally:
        _DRAFT.reset(token)


def order_open(*, actor: Staff, kind: str, line: Line, customer: Customer | None = None, details: dict | None = None,
               documents: Iterable[str] = (), agent=None, agreement_signed: bool | None = None,
               charges: Iterable[Charge] = ()) -> Order:
    """Create the order of a process on a line (in the caller's transaction), with its itemised charges;
    inside `order_into_draft` fill the draft's row instead. `agreement_signed` None: a process without an
    agreement. Raises AgreementNotSignedError."""
    if agreement_signed is False:
        raise AgreementNotSignedError()
    charges = [c for c in charges if c.amount]
    fields = {"kind": kind, "hall": actor.hall, "actor": actor, "customer": customer or line.customer, "line": line,
              "msisdn": line.msisdn, "agent": agent, "documents_checked": list(documents), "details": details or {},
              "amount_due": sum((c.amount for c in charges), ZERO),
              "agreement_signed_at": timezone.now() if agreement_signed else None}
    draft = _DRAFT.get()
    if draft is not None and draft.kind == kind and draft.line_id == line.pk:
        _DRAFT.set(None)   # once: a process opens one order
        # Locked after the process's own rows (the lock order): a second commit of the same draft waits here
        # and then finds it carried out.
        draft = lock_by_key(Order, draft.pk)
        if draft.state != Order.State.DRAFT:
            raise OrderStateError(state=draft.state)
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.save()
        draft.lines.all().delete()      # the draft's preview of the fees, replaced by what is charged now
        order = draft
    else:
        order = Order.objects.create(**fields)
    OrderLine.objects.bulk_create([OrderLine(order=order, code=c.code, item=c.item, kind=c.kind, amount=c.amount,
                                             fee_type=c.fee_type) for c in charges])
    return order


def order_collect(*, actor: Staff, order: Order, account, line: Line, charges: Iterable[Charge], method: str,
                  tendered=None):
    """Take the money of the order's charges (one payment, its invoice and receipt). None when nothing
    is due. Raises TenderedTooLittleError, InvalidAmountError."""
    allocations = [Allocation(c.kind, c.item, c.amount, fee_type=c.fee_type) for c in charges if c.amount > 0]
    if not allocations:
        return None
    return payment_receive(actor=actor, account=account, method=method, allocations=allocations, tendered=tendered,
                           line=line, reference=order.reference)


def order_finish(*, order: Order, payment=None, work_order: dict | None = None, line: Line | None = None) -> Order:
    """Close the counter's part of the order: paid, then provisioning (with its work order written in the
    same transaction) or completed at once."""
    now = timezone.now()
    order.pay(when=now, payment=payment)
    if work_order is not None:
        line = line or order.line
        assert line is not None  # a change that goes to the network is a change of a line
        work_order_create(msisdn=work_order.pop("msisdn", line.msisdn), line=line, hall=order.hall,
                          reference=order.reference, **work_order)
        order.provision()
    else:
        order.complete(when=now)
    order.save()
    return order


# --------------------------------------------------------------------------------------------------
# Completion, failure, roll back (registered for every network action these orders use)
# --------------------------------------------------------------------------------------------------

# kind -> fn(*, actor: Staff, order, line): apply the confirmed network change to the BOSS
_APPLY: dict[str, Callable] = {}
# kind -> fn(*, actor: Staff, order, line, reason): give back what the order took (stock, numbers)
_UNDO: dict[str, Callable] = {}


def on_network_done(kind: str):
    def register(fn):
        _APPLY[kind] = fn
        return fn
    return register


def on_network_undone(kind: str):
    def register(fn):
        _UNDO[kind] = fn
        return fn
    return register


def _lifecycle_order(work_order) -> Order | None:
    order = order_lock_for_work_order(work_order)
    if order is None or order.kind == K.OPEN_ACCOUNT:
        return None
    return order


def _completed(*, actor: Staff, work_order) -> None:
    order = _lifecycle_order(work_order)
    if order is None or order.state not in (Order.State.PROVISIONING, Order.State.FAILED):
        return
    if order.kind in _APPLY and order.line_id:
        _APPLY[order.kind](actor=actor, order=order, line=line_lock(order.line_id))
    order.complete(when=timezone.now())
    order.save(update_fields=["state", "completed_at", "updated_at"])


def _failed(*, actor: Staff, work_order) -> None:
    order = _lifecycle_order(work_order)
    if order is not None and order.state == Order.State.PROVISIONING:
        order.fail()
        order.save(update_fields=["state", "updated_at"])


def _rolled_back(*, actor: Staff, work_order, reason: str) -> None:
    order = _lifecycle_order(work_order)
    if order is None or order.state not in (Order.State.PROVISIONING, Order.State.FAILED):
        return
    if order.kind in IMMEDIATE_KINDS:
        raise RollbackNotPossibleError(kind=order.kind)
    if order.kind in _UNDO and order.line_id:
        _UNDO[order.kind](actor=actor, order=order, line=line_lock(order.line_id), reason=reason)
    order_refund(actor=actor, order=order, reason=reason)
    order.cancel(when=timezone.now(), reason=reason)
    order.save()


def order_refund(*, actor: Staff, order: Order, reason: str, rolled_back_opening: bool = False) -> None:
    """Give back the money of an order that did not happen: the payment reversed, its documents
    red-lettered (in the caller's transaction)."""
    payment = order.payment
    if payment is None:
        return
    memo = (_("Opening rolled back: %(reason)s") if rolled_back_opening
            else _("Order not carried out: %(reason)s")) % {"reason": reason[:80]}
    transaction_reverse(actor=actor, tx=payment.ledger_transaction, kind="payment.refund", memo=memo)
    with translation.override("zh-hans"):
        item = _("Refund: opening rolled back") if rolled_back_opening else _("Refund: order not carried out")
        for document in Document.objects.filter(payment=payment, reversal_of__isnull=True):
            document_red_letter(actor=actor, original=document, amount=document.total, item=item,
                                reference=order.reference)


for _action in (WorkOrder.Action.SUSPEND, WorkOrder.Action.RESUME, WorkOrder.Action.CHANGE_SIM,
                WorkOrder.Action.CHANGE_MSISDN, WorkOrder.Action.SET_FEATURES, WorkOrder.Action.DELETE_SUBSCRIBER):
    hooks.on_complete(_action)(_completed)
    hooks.on_fail(_action)(_failed)
    hooks.on_rollback(_action)(_rolled_back)


def line_audit(*, actor: Staff, order: Order, line: Line, action: str, before: dict | None = None,
               after: dict | None = None, reason: str = "") -> None:
    """The one audit event of a process on a line."""
    audit_record(actor=actor, action=action, target=line, before=before,
                 after={"order": order.pk, **(after or {})}, reason=reason)

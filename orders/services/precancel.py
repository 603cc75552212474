"""Pre-cancellation (预销号, process 3) and re-opening a pre-cancelled line; the timed job that marks lines
whose window has ended as due for formal cancellation.

Only at a hall designated for it, by a customer manager, with the owner in person (an organization
through its agent); the reason for leaving and the retention attempt are recorded. A customer who stays
leaves the line as it is. One who leaves settles any arrears and, when international roaming is open or
the average bill of the last months is above the threshold, prepays an extra amount; the line becomes
待销停机 (the suspension work order goes to the network) and its number is frozen until the line is
cancelled or re-opened. The window ends `precancel.window_months` later, on the same day of the month or
the month's last day.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.selectors import account_money, customer_average_monthly_spend
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock
from boss.models import Staff
from boss.months import months_after
from boss.tariffs import tariff
from customers.models import Line
from inventory.services.numbers import number_freeze, number_unfreeze
from orders.errors import NotDesignatedHallError
from orders.models import Order, RetentionAttempt
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import (
    Charge,
    ensure_not_busy,
    ensure_state,
    line_audit,
    line_lock,
    line_roaming_open,
    order_collect,
    order_finish,
    order_open,
)
from orders.services.plan_change import plan_change_drop
from orders.services.secondary_cards import secondary_cards_detach
from provisioning.models import WorkOrder

K = Order.Kind


@dataclass(frozen=True)
class RetentionInput:
    reason: str
    offer: str
    accepted: bool
    reason_detail: str = ""
    other_brands: str = ""


@dataclass(frozen=True)
class PrecancelResult:
    order: Order
    retained: bool


def precancel_charges(*, line: Line) -> list[Charge]:
    """What a leaving customer pays at pre-cancellation: the arrears, and the extra prepayment when
    international roaming is open or the average bill of the last months is above the threshold (an
    unknown average is not above it)."""
    charges = []
    with translation.override("zh-hans"):  # printed on Chinese documents
        arrears = account_money(line.account).arrears
        if arrears > 0:
            charges.append(Charge("arrears", _("Telecommunication charges"), "arrears", arrears))
        average = customer_average_monthly_spend(customer=line.customer, months=tariff("precancel.avg_bill_months"),
                                                       on_date=timezone.localdate())
        if line_roaming_open(line) or (average is not None and average > tariff("precancel.avg_bill_threshold")):
            extra = tariff("precancel.extra_prepayment")
            if extra > 0:
                charges.append(Charge("precancel.extra_prepayment", _("Extra prepayment at pre-cancellation"),
                                      "prepayment", extra))
    return charges


@transaction.atomic
def line_precancel(*, actor: Staff, line: Line, retention: RetentionInput, documents_checked=(),
                   agent: AgentInput | None = None, agreement_signed: bool = False, method: str = "cash",
                   tendered=None) -> PrecancelResult:
    """Pre-cancel a line, or record that the customer stays (retention accepted).

    Raises NotPermitted, NotDesignatedHallError, LineStateError (suspended for arrears, already pending or
    cancelled), LineBusyError, DocumentsMissingError, AgentNotAllowedError, AgentRequiredError,
    DomainError (no retention offer recorded), AgreementNotSignedError, TenderedTooLittleError.
    """
    if actor.hall is None or not actor.hall.designated_for_cancellation or not actor.has_perm("orders.precancel_line"):
        raise NotDesignatedHallError()
    line = line_lock(line)
    ensure_state(line, K.PRECANCEL, line.precancel)
    ensure_not_busy(line)
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent, agent_allowed=False,
                                                documents_checked=documents_checked)
    if not (retention.offer or "").strip():
        raise DomainError(_("Record the retention offer made to the customer."), field="retention_offer")
    if retention.reason not in RetentionAttempt.Reason.values:
        raise DomainError(_("Choose the reason for leaving."), field="retention_reason")
    reason = RetentionAttempt.Reason(retention.reason)

    if retention.accepted:
        order = order_open(actor=actor, kind=K.PRECANCEL, line=line, documents=documents, agent=agent_identity,
                           details={"outcome": "retained", "reason": reason.value})
        _retention(actor=actor, order=order, line=line, retention=retention, reason=reason)
        order_finish(order=order)
        line_audit(actor=actor, order=order, line=line, action="line.retained", after={"offer": retention.offer[:100]},
                   reason=reason.value)
        return PrecancelResult(order=order, retained=True)

    charges = precancel_charges(line=line)
    plan_change_drop(actor=actor, line=line, reason=_("Line pre-cancelled"))
    before = line.status
    now = timezone.now()
    until = months_after(timezone.localdate(), tariff("precancel.window_months"))
    order = order_open(actor=actor, kind=K.PRECANCEL, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed, charges=charges,
                       details={"outcome": "precancelled", "reason": reason.value, "until": until.isoformat(),
                                "before": before})
    payment = order_collect(actor=actor, order=order, account=line.account, line=line, charges=charges,
                            method=method, tendered=tendered)
    line.precancel(when=now, until=until)
    line.save(update_fields=["status", "precancelled_at", "precancel_until", "cancellation_due_at", "updated_at"])
    secondary_cards_detach(actor=actor, line=line, reason="left", reference=order.reference)
    number_freeze(actor=actor, msisdn=line.msisdn, reason="precancel", until_cancelled=True)
    _retention(actor=actor, order=order, line=line, retention=retention, reason=reason)
    order_finish(order=order, payment=payment.payment if payment else None,
                 work_order={"action": WorkOrder.Action.SUSPEND, "payload": {"reason": "precancel"}})
    line_audit(actor=actor, order=order, line=line, action="line.precancel", before={"status": before},
               after={"status": line.status, "until": until.isoformat(),
                      "paid": str(payment.payment.amount) if payment else "0.00"}, reason=reason.value)
    return PrecancelResult(order=order, retained=False)


def _retention(*, actor: Staff, order, line, retention: RetentionInput, reason) -> RetentionAttempt:
    return RetentionAttempt.objects.create(
        order=order, line=line, customer=line.customer, reason=reason, reason_detail=retention.reason_detail[:200],
        offer=retention.offer.strip()[:200], other_brands=retention.other_brands[:200], accepted=retention.accepted,
        priority_on_return=not retention.accepted, staff=actor)


@transaction.atomic
def line_reopen(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                agreement_signed: bool = False) -> Order:
    """Re-open a pre-cancelled line during its window, or when the customer takes the number back at
    formal cancellation (重开): the line is active again, its number is its own again, the network
    resumes it.

    Raises LineStateError, LineBusyError, DocumentsMissingError, AgentNotAllowedError,
    AgentRequiredError, AgreementNotSignedError.
    """
    line = line_lock(line)
    ensure_state(line, K.REOPEN, line.reopen)
    ensure_not_busy(line)
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent, agent_allowed=False,
                                                documents_checked=documents_checked)
    order = order_open(actor=actor, kind=K.REOPEN, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed,
                       details={"precancelled_at": line.precancelled_at.isoformat() if line.precancelled_at else None})
    line.reopen()
    line.save(update_fields=["status", "precancelled_at", "precancel_until", "cancellation_due_at", "updated_at"])
    number_unfreeze(actor=actor, msisdn=line.msisdn, reason="reopen")
    order_finish(order=order, work_order={"action": WorkOrder.Action.RESUME, "payload": {"reason": "reopen"}})
    line_audit(actor=actor, order=order, line=line, action="line.reopen",
               before={"status": Line.Status.PENDING_CANCELLATION}, after={"status": line.status})
    return order


@transaction.atomic
def line_mark_cancellation_due(*, actor: Staff, line_id: int) -> Line | None:
    """Mark one line whose pre-cancellation window has ended as due for formal cancellation (the timed
    job, item by item). Safe to run twice and beside the counters: a line locked right now is skipped,
    one already marked or re-opened is left alone. Returns None when nothing was done."""
    line = lock(Line.objects.filter(pk=line_id), skip_locked=True).first()
    today = timezone.localdate()
    if (line is None or line.status != Line.Status.PENDING_CANCELLATION or line.cancellation_due_at is not None
            or line.precancel_until is None or line.precancel_until > today):
        return None
    line.mark_cancellation_due(when=timezone.now())
    line.save(update_fields=["cancellation_due_at", "updated_at"])
    audit_record(actor=actor, action="line.cancellation_due", target=line,
                 after={"precancel_until": line.precancel_until.isoformat()})
    return line


def lines_mark_cancellation_due(*, actor: Staff, limit: int = 5000) -> int:
    """Mark every line whose window has ended, each in its own transaction. Returns how many."""
    due = list(Line.objects.filter(status=Line.Status.PENDING_CANCELLATION, cancellation_due_at__isnull=True,
                                   precancel_until__lte=timezone.localdate())
               .order_by("precancel_until", "pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if line_mark_cancellation_due(actor=actor, line_id=pk) is not None)

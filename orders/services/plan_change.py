"""Plan change (套餐变更, process 10): a line moves to another main plan.

- By default the new plan takes effect on the first of next month (次月生效); where the tariff parameter
  `plan_change.immediate` allows it, the customer may take it from today, and the month is billed on
  each plan for its days (billing/rating_rules.py).
- The new plan must be a main plan on sale on the day it takes effect; the line must be active or
  suspended on request; a line under a premium number's agreement (保底消费) cannot move to a plan whose
  monthly fee is below the agreed minimum monthly spend while the agreement runs.
- One pending change per line: a second one is **refused** (cancel the pending one first, so that the
  customer signs for exactly one change). A pending change can be cancelled at the counter before its day
  (its fees are given back); a pre-cancellation, a formal cancellation or a port-out drops it.
- Billing reads the change from the day it is agreed (billing.services.plans): the month's turn only moves
  `Line.plan` and sends the change to the network (work order `change_plan`). The timed job applies each
  change once, each in its own transaction, so a second run or a run killed half-way is harmless.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.services.plans import line_plan_pin, line_plan_schedule, line_plan_unschedule
from billing.services.rating import sharing_lines_locked
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock
from boss.models import Staff
from boss.months import month_add, month_start
from boss.tariffs import tariff
from catalog.errors import ProductUnavailableError
from catalog.models import Business, Plan
from catalog.selectors import plan_in_force
from catalog.services.quote import quote_price
from customers.models import Line, LineCommitment
from orders.errors import (
    NothingToDoError,
    PlanBelowMinimumSpendError,
    PlanChangeImmediateError,
    PlanChangeNotPendingError,
    PlanChangePendingError,
)
from orders.models import Order, PlanChange
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import (
    Charge,
    ensure_not_busy,
    ensure_state,
    line_audit,
    line_lock,
    order_collect,
    order_finish,
    order_open,
    order_refund,
)
from orders.services.secondary_cards import secondary_limit_check
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

K = Order.Kind


@dataclass(frozen=True)
class PlanChangeQuote:
    plan: Plan
    effective_on: date
    charges: list[Charge]
    minimum_spend: object  # the agreed minimum monthly spend in force on that day, or None


def plan_change_effective_on(*, immediate: bool, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today if immediate else month_add(month_start(today), 1)


def plan_change_pending(line: Line) -> PlanChange | None:
    return PlanChange.objects.select_related("new_plan", "old_plan").filter(
        line=line, state=PlanChange.State.PENDING).first()


def plan_change_quote(*, line: Line, plan_code: str, immediate: bool = False) -> PlanChangeQuote:
    """What a change to `plan_code` means for the line: the plan, its first day, the counter's fees, and
    the premium agreement's minimum it must respect. Raises ProductUnavailableError, DomainError (not a main
    plan), PlanChangeImmediateError, NothingToDoError, PlanBelowMinimumSpendError."""
    if immediate and not tariff("plan_change.immediate"):
        raise PlanChangeImmediateError()
    effective = plan_change_effective_on(immediate=immediate)
    try:
        plan = plan_in_force(code=(plan_code or "").strip(), on_date=effective)
    except ProductUnavailableError as exc:
        raise ProductUnavailableError(
            _("This plan is not on sale on %(day)s.") % {"day": effective.isoformat()}, field="plan",
            **exc.params) from None
    if plan.kind != Plan.Kind.MAIN:
        raise DomainError(_("Choose a main plan."), field="plan")
    if plan.pk == line.plan_id:
        raise NothingToDoError(_("The line is already on this plan."), field="plan")
    secondary_limit_check(line=line, plan=plan)
    commitment = (LineCommitment.objects.filter(line=line, since__lte=effective, ended_on__isnull=True)
                  .filter(Q(until__isnull=True) | Q(until__gte=effective)).order_by("-monthly_amount").first())
    if commitment is not None and plan.monthly_fee < commitment.monthly_amount:
        raise PlanBelowMinimumSpendError(
            _("The premium number's agreement requires a minimum monthly spend of ¥%(minimum)s until %(until)s: "
              "choose a plan of at least that monthly fee.")
            % {"minimum": commitment.monthly_amount, "until": commitment.until or _("the number is given up")},
            minimum=str(commitment.monthly_amount), plan=plan.code,
                                         until=commitment.until.isoformat() if commitment.until else "")
    with translation.override("zh-hans"):
        quote = quote_price(business=Business.PLAN_CHANGE, product_code=plan.code, on_date=effective)
    charges = [Charge(q.code, q.item, "fee", q.amount, fee_type=q.fee_type)
               for q in quote.lines if q.kind == "fee" and q.amount > 0]
    return PlanChangeQuote(plan=plan, effective_on=effective, charges=charges,
                           minimum_spend=commitment.monthly_amount if commitment else None)


@transaction.atomic
def line_plan_change(*, actor: Staff, line: Line, plan: str, immediate: bool = False, documents_checked=(),
                     agent: AgentInput | None = None, agreement_signed: bool = False, method: str = "cash",
                     tendered=None) -> Order:
    """Change the line's main plan (套餐变更) from the first of next month, or from today where allowed.

    Raises LineStateError, PlanChangePendingError, ProductUnavailableError, DomainError (not a main plan),
    NothingToDoError, PlanChangeImmediateError, PlanBelowMinimumSpendError, SecondaryCardLimitError (the
    new plan takes fewer secondary cards than the line has), LineBusyError (at once only),
    DocumentsMissingError, AgreementNotSignedError, TenderedTooLittleError.
    """
    if immediate:
        # The month is rated again at once (_prepaid_recharge), with every line that shares an allowance with
        # this one (secondary cards): those lines are locked now, with it, in id order, and not after the
        # account that pays the fee, the draft and the ledger (the one lock order: the lines first).
        sharing_lines_locked([line.pk], month_start(plan_change_effective_on(immediate=True)))
    line = line_lock(line)
    ensure_state(line, K.PLAN_CHANGE)
    pending = plan_change_pending(line)
    if pending is not None:
        raise PlanChangePendingError(
            _("A change to %(plan)s from %(day)s is already pending on this line: cancel it first, then agree "
              "the new one.") % {"plan": pending.new_plan.name, "day": pending.effective_on.isoformat()},
            plan=pending.new_plan.name, effective=pending.effective_on.isoformat())
    quote = plan_change_quote(line=line, plan_code=plan, immediate=immediate)
    if immediate:
        ensure_not_busy(line)
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                documents_checked=documents_checked)
    old_plan = line.plan
    order = order_open(actor=actor, kind=K.PLAN_CHANGE, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed, charges=quote.charges,
                       details={"old_plan": old_plan.code, "old_plan_name": old_plan.name, "plan": quote.plan.code,
                                "plan_name": quote.plan.name, "effective_on": quote.effective_on.isoformat(),
                                "immediate": bool(immediate), "monthly_fee": str(quote.plan.monthly_fee),
                                **({"minimum_spend": str(quote.minimum_spend)} if quote.minimum_spend else {})})
    payment = order_collect(actor=actor, order=order, account=line.account, line=line, charges=quote.charges,
                            method=method, tendered=tendered)
    if immediate:
        line_plan_pin(actor=actor, line=line, before=quote.effective_on, reason=f"{order.reference} before")
    period = line_plan_schedule(actor=actor, line=line, plan=quote.plan, since=quote.effective_on,
                                reason=order.reference)
    change = PlanChange.objects.create(line=line, order=order, old_plan=old_plan, new_plan=quote.plan,
                                       effective_on=quote.effective_on, immediate=bool(immediate), period=period)
    order_finish(order=order, payment=payment.payment if payment else None)
    line_audit(actor=actor, order=order, line=line, action="line.plan_change.request",
               before={"plan": old_plan.code},
               after={"plan": quote.plan.code, "effective_on": quote.effective_on.isoformat(),
                      "immediate": bool(immediate)})
    if immediate:
        _apply(actor=actor, change=change, line=line)
        _prepaid_recharge(actor=actor, line=line, on=quote.effective_on)
    return order


@transaction.atomic
def line_plan_change_cancel(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                            agreement_signed: bool = False) -> Order:
    """Cancel the line's pending plan change before it takes effect: the line stays on its plan, the fees
    of the change are given back (red-letter documents). Raises PlanChangeNotPendingError, LineStateError,
    DocumentsMissingError, AgreementNotSignedError."""
    line = line_lock(line)
    ensure_state(line, K.PLAN_CHANGE_CANCEL)
    change = _pending_locked(line)
    if change is None or change.effective_on <= timezone.localdate():
        raise PlanChangeNotPendingError()
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                documents_checked=documents_checked)
    order = order_open(actor=actor, kind=K.PLAN_CHANGE_CANCEL, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed,
                       details={"plan": change.new_plan.code, "plan_name": change.new_plan.name,
                                "effective_on": change.effective_on.isoformat(), "change_order": change.order_id})
    _cancel(actor=actor, change=change, reason=_("Cancelled at the customer's request"), refund=True)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=line, action="line.plan_change.cancel",
               before={"pending": change.new_plan.code, "effective_on": change.effective_on.isoformat()},
               after={"plan": line.plan.code})
    return order


def plan_change_drop(*, actor: Staff, line: Line, reason: str) -> PlanChange | None:
    """The line leaves (pre-cancellation, cancellation, port-out): its pending change is cancelled in the
    caller's transaction (the line locked), its fees given back. Returns the change dropped, or None."""
    change = _pending_locked(line)
    if change is None:
        return None
    _cancel(actor=actor, change=change, reason=reason, refund=True)
    return change


def plan_changes_apply(*, actor: Staff, today: date | None = None) -> int:
    """The month's turn: apply every pending change whose day has come, each in its own transaction
    (lock the line, then the change; a change applied or cancelled meanwhile is skipped). A line that has
    left meanwhile (pending cancellation, cancelled) has its change cancelled. Returns changes applied."""
    today = today or timezone.localdate()
    due = list(PlanChange.objects.filter(state=PlanChange.State.PENDING, effective_on__lte=today)
               .order_by("effective_on", "pk").values_list("pk", "line_id"))
    applied = 0
    for pk, line_id in due:
        with transaction.atomic():
            line = line_lock(line_id)
            change = lock(PlanChange.objects.filter(pk=pk, state=PlanChange.State.PENDING)).first()
            if change is None:
                continue
            if line.status in (Line.Status.PENDING_CANCELLATION, Line.Status.CANCELLED):
                _cancel(actor=actor, change=change, reason=_("The line has left"), refund=False)
                continue
            _apply(actor=actor, change=change, line=line)
            applied += 1
    audit_record(actor=actor, action="plan_change.apply_due", target=None,
                 after={"day": today.isoformat(), "due": len(due), "applied": applied})
    return applied


# --------------------------------------------------------------------------------------------------


def _pending_locked(line: Line) -> PlanChange | None:
    change = lock(PlanChange.objects.filter(line=line, state=PlanChange.State.PENDING)).first()
    if change is not None:
        change = PlanChange.objects.select_related("new_plan", "old_plan", "order", "period").get(pk=change.pk)
    return change


def _apply(*, actor: Staff, change: PlanChange, line: Line) -> None:
    """The change takes effect: `Line.plan` moves (the days before it pinned to the old plan for billing),
    the network is told."""
    line_plan_pin(actor=actor, line=line, before=change.effective_on, reason=f"{change.order.reference} before")
    before = line.plan.code
    line.plan = change.new_plan
    line.save(update_fields=["plan", "updated_at"])
    change.apply(when=timezone.now())
    change.save(update_fields=["state", "applied_at", "updated_at"])
    work_order_create(action=WorkOrder.Action.CHANGE_PLAN, msisdn=line.msisdn, line=line, hall=change.order.hall,
                      payload={"plan": change.new_plan.code, "network": change.new_plan.network},
                      reference=change.order.reference)
    audit_record(actor=actor, action="line.plan_change", target=line, before={"plan": before},
                 after={"plan": change.new_plan.code, "order": change.order_id,
                        "effective_on": change.effective_on.isoformat()})


def _cancel(*, actor: Staff, change: PlanChange, reason: str, refund: bool) -> None:
    period = change.period
    change.cancel(when=timezone.now(), reason=reason)
    change.period = None
    change.save(update_fields=["state", "cancelled_at", "cancel_reason", "period", "updated_at"])
    if period is not None:
        line_plan_unschedule(row=period)
    if refund and change.order.payment_id:
        order_refund(actor=actor, order=change.order, reason=reason)
    audit_record(actor=actor, action="line.plan_change.dropped", target=change.line, reason=reason,
                 before={"pending": change.new_plan.code, "effective_on": change.effective_on.isoformat()},
                 after={"order": change.order_id, "refunded": bool(refund and change.order.payment_id)})


def _prepaid_recharge(*, actor: Staff, line: Line, on: date) -> None:
    """A prepaid line changed at once pays (or gets back) the month's difference now, like every change of
    what the month costs (billing/rating_rules.py, "Prepaid")."""
    from billing.services.charges import LineInfo
    from billing.services.prepaid import prepaid_charge_lines
    from billing.services.rating import billed_line_ids, rate_lines

    info = LineInfo.of(Line.objects.select_related("account").get(pk=line.pk))
    period = month_start(on)
    if line.pk in billed_line_ids([line.pk], period):
        return
    rate_lines([info], period)
    if info.realtime_prepaid:
        prepaid_charge_lines(actor=actor, lines=[info], period=period)

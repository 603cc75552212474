"""Formal cancellation (正式销号, process 4) and the recovery of fees that arise after it.

At any hall, with the owner's ID (no agent for a private customer). Only a line pending cancellation
(待销停机) is cancelled: it is settled directly. In one transaction: the customer tops up what the
deposit does not cover, the deposit is applied to the arrears, the rest is refunded in cash from the
rep's drawer, with their documents (billing.services.settlement); the subscription ends; the number
starts its cool-down (`number.cooldown_days`, then the thaw job frees it); the delete work order goes to
the network. A line that shares its account with other live lines leaves the account to them.
The customer may instead take the number back (re-open, orders.services.precancel.line_reopen).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import Document
from billing.selectors import account_money
from billing.services.payments import Allocation, payment_receive
from billing.services.settlement import SettlementPreview, account_settle, settlement_preview
from boss.locks import lock_by_key
from boss.models import Staff
from customers.models import Account, Line, LineCommitment
from customers.services.commitments import commitment_audit, line_commitments_end
from inventory.services.numbers import number_freeze
from orders.errors import LineAlreadyCancelledError, NothingToDoError
from orders.models import Order
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import (
    Charge,
    ensure_not_busy,
    ensure_state,
    line_audit,
    line_lock,
    order_finish,
    order_open,
)
from orders.services.order_links import order_commitments_link
from orders.services.plan_change import plan_change_drop
from orders.services.secondary_cards import secondary_cards_detach
from provisioning.models import WorkOrder

K = Order.Kind


@dataclass(frozen=True)
class CancelResult:
    order: Order
    settlement: SettlementPreview | None
    documents: list[Document]


def account_shared(line: Line) -> bool:
    """Other live lines pay from the same account: it stays open for them and is not settled."""
    return Line.objects.filter(account_id=line.account_id).exclude(pk=line.pk).exclude(
        status=Line.Status.CANCELLED).exists()


def cancel_preview(*, line: Line) -> SettlementPreview | None:
    """What settling the line's account means now (None when the account stays with other lines)."""
    return None if account_shared(line) else settlement_preview(account=line.account)


def settlement_details(preview: SettlementPreview | None) -> dict:
    if preview is None:
        return {"settled": False}
    return {"settled": True, **{k: str(getattr(preview, k)) for k in (
        "balance", "deposit", "arrears", "credit", "deposit_applied", "top_up", "refund")}}


def commitments_ended(order: Order) -> dict:
    """The commitments the end of the line ended, for the order's audit event."""
    return {"commitment_ended": order.details["commitment_ended"]} if order.details.get("commitment_ended") else {}


def settle_and_end(*, actor: Staff, line: Line, order_kind: str, documents, agent_identity, agreement_signed: bool,
                   method: str, tendered, end_line, details: dict | None = None):
    """The common end of a line (formal cancellation, leaving the network): lock the account, open the
    order, settle, end the line (`end_line(line, now)`), delete it on the network. Returns
    (order, preview, settlement result or None)."""
    account = lock_by_key(Account, line.account_id)
    preview = cancel_preview(line=line)
    charges = []
    if preview is not None and preview.top_up > 0:
        with translation.override("zh-hans"):
            charges.append(Charge("settlement.top_up", _("Telecommunication charges"), "arrears", preview.top_up))
    order = order_open(actor=actor, kind=order_kind, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed, charges=charges,
                       details={**settlement_details(preview), **(details or {})})
    plan_change_drop(actor=actor, line=line, reason=str(Order.Kind(order_kind).label))
    secondary_cards_detach(actor=actor, line=line, reason="left", reference=order.reference)
    result = (account_settle(actor=actor, account=account, line=line, method=method, tendered=tendered,
                             reference=order.reference) if preview is not None else None)
    end_line(line, timezone.now())
    # The line leaves its number: a premium number's minimum spend ends with it (the bill of this month
    # still counts the days before). Early-termination penalties are not charged (not in scope).
    reason = LineCommitment.EndReason.PORTED_OUT if order_kind == K.PORT_OUT else LineCommitment.EndReason.CANCELLED
    ended = line_commitments_end(line=line, reason=reason, on=timezone.localdate())
    if ended:
        order.details["commitment_ended"] = [commitment_audit(c) for c in ended]
        order_commitments_link(order, ended=ended)
    order_finish(order=order, payment=result.payment if result else None,
                 work_order={"action": WorkOrder.Action.DELETE_SUBSCRIBER, "payload": {"reason": order_kind}})
    if result is not None and result.unreceipted_refund:
        order.details["unreceipted_refund"] = str(result.unreceipted_refund)
        order.save(update_fields=["details", "updated_at"])
    return order, preview, result


@transaction.atomic
def line_cancel(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                agreement_signed: bool = False, method: str = "cash", tendered=None) -> CancelResult:
    """Formally cancel a pre-cancelled line and settle its account, all in one transaction.

    Raises LineAlreadyCancelledError (only fee recovery is possible), LineStateError (not pre-cancelled),
    LineBusyError, DocumentsMissingError, AgentNotAllowedError, AgentRequiredError, AgreementNotSignedError,
    TenderedTooLittleError (the top-up), InsufficientBalanceError (not enough cash in the drawer for the
    refund).
    """
    line = line_lock(line)
    if line.status == Line.Status.CANCELLED:
        raise LineAlreadyCancelledError(msisdn=line.msisdn)
    ensure_state(line, K.CANCEL, line.cancel)
    ensure_not_busy(line)
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent, agent_allowed=False,
                                                documents_checked=documents_checked)

    def end(line, now):
        line.cancel(when=now)
        line.save(update_fields=["status", "cancelled_at", "updated_at"])
        number_freeze(actor=actor, msisdn=line.msisdn, reason="cancel")

    order, preview, result = settle_and_end(actor=actor, line=line, order_kind=K.CANCEL, documents=documents,
                                            agent_identity=agent_identity, agreement_signed=agreement_signed,
                                            method=method, tendered=tendered, end_line=end)
    line_audit(actor=actor, order=order, line=line, action="line.cancel",
               before={"status": Line.Status.PENDING_CANCELLATION},
               after={"status": line.status, **settlement_details(preview), **commitments_ended(order)})
    return CancelResult(order=order, settlement=preview, documents=result.documents if result else [])


@transaction.atomic
def line_cancel_fee_recover(*, actor: Staff, line: Line, method: str = "cash", tendered=None) -> Order:
    """Recover the fees of a cancelled line that arose after its cancellation (late usage billed
    afterwards, 销号费用回收): the account's arrears, invoiced. Nothing else is possible on a cancelled line.

    Raises LineStateError, NothingToDoError (no arrears), TenderedTooLittleError.
    """
    line = line_lock(line)
    ensure_state(line, K.CANCEL_FEE_RECOVERY)
    account = lock_by_key(Account, line.account_id)
    arrears = account_money(account).arrears
    if arrears <= 0:
        raise NothingToDoError(_("This cancelled line's account owes nothing."))
    with translation.override("zh-hans"):
        item = _("Charges after cancellation")
    order = order_open(actor=actor, kind=K.CANCEL_FEE_RECOVERY, line=line,
                       charges=[Charge("cancel.fee_recovery", item, "arrears", arrears)])
    paid = payment_receive(actor=actor, account=account, method=method, tendered=tendered, line=line,
                           reference=order.reference, allocations=[Allocation("arrears", item, arrears)])
    order_finish(order=order, payment=paid.payment)
    line_audit(actor=actor, order=order, line=line, action="line.cancel_fee_recover", after={"paid": str(arrears)})
    return order

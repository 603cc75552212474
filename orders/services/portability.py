"""Number portability (携号转网, domain-rules A6): the eligibility check and leaving the network.

The check evaluates exactly the five conditions of the MIIT rules and explains each one that fails; it
adds none of its own (forbidden to operators). Leaving the network (离网) here is the number porting out
to another operator: only an eligible line, settled like a formal cancellation, the subscription ended,
the number recorded as the other operator's (never sold here again), the network told to delete it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.selectors import account_money
from boss.errors import DomainError
from boss.models import Staff
from boss.tariffs import tariff
from customers.models import Line
from inventory.models import Operator
from inventory.services.numbers import number_port_out
from orders.errors import NotEligibleError
from orders.models import Order
from orders.services.cancellation import CancelResult, commitments_ended, settle_and_end, settlement_details
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import ensure_not_busy, ensure_state, line_audit, line_lock

K = Order.Kind


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    met: bool
    explanation: str  # why it fails, and what to do (empty when met)


@dataclass(frozen=True)
class Portability:
    conditions: tuple[Condition, ...]

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]


def line_portability(*, line: Line, now=None) -> Portability:
    """The five conditions of A6 for this line, each met or explained."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    identity = line.customer.identity
    real_name = identity.checked_at is not None and not line.reverification_required
    normal = line.status == Line.Status.ACTIVE
    arrears = account_money(line.account).arrears
    agreement_until = line.premium_agreement_until
    bound = agreement_until is not None and agreement_until >= today
    min_days = tariff("portability.min_days")
    days = (now - line.activated_at).days if line.activated_at else 0
    conditions = (
        Condition("real_name", _("Real-name registered with us"), real_name,
                  "" if real_name else _("The owner's identity has not been verified (or must be verified again): "
                                         "verify it at the counter first.")),
        Condition("normal_use", _("In normal use (not reported lost, not suspended)"), normal,
                  "" if normal else _("The line is “%(state)s”: it must be active.")
                  % {"state": line.get_status_display()}),
        Condition("charges_settled", _("Billed charges settled"), arrears == 0,
                  "" if arrears == 0 else _("Arrears of ¥%(amount)s are unpaid: pay them first.")
                  % {"amount": f"{arrears:.2f}"}),
        Condition("no_binding_agreement", _("No agreement binding a minimum time"), not bound,
                  "" if not bound else _("The premium-number agreement runs until %(date)s: it must have ended "
                                         "(or be ended) first.")
                  % {"date": agreement_until.isoformat() if agreement_until else ""}),
        Condition("min_days", _("In service at least %(days)s days") % {"days": min_days}, days >= min_days,
                  "" if days >= min_days else _("In service %(days)s days; possible from %(date)s.")
                  % {"days": days,
                     "date": (timezone.localdate(line.activated_at) + timedelta(days=min_days)).isoformat()
                     if line.activated_at else "—"}),
    )
    return Portability(conditions=conditions)


@transaction.atomic
def line_port_out(*, actor: Staff, line: Line, operator: str, documents_checked=(), agent: AgentInput | None = None,
                  agreement_signed: bool = False, method: str = "cash", tendered=None) -> CancelResult:
    """The number leaves for another operator (离网 by porting out): eligible lines only, settled like a
    formal cancellation, in one transaction.

    Raises LineStateError, LineBusyError, NotEligibleError (with every failed condition), DomainError
    (receiving operator), DocumentsMissingError, AgreementNotSignedError, TenderedTooLittleError,
    InsufficientBalanceError.
    """
    if operator not in Operator.values or operator == Operator.CMCC:
        raise DomainError(_("Choose the operator the number moves to."), field="operator")
    line = line_lock(line)
    ensure_state(line, K.PORT_OUT, line.port_out)
    ensure_not_busy(line)
    check = line_portability(line=line)
    if not check.eligible:
        raise NotEligibleError(
            _("The number cannot port out: %(reasons)s") % {"reasons": "；".join(c.explanation for c in check.failed)},
            failed=[c.code for c in check.failed])
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                documents_checked=documents_checked)

    def end(line, now):
        line.port_out(when=now, to=operator)
        line.save(update_fields=["status", "cancelled_at", "ported_out_at", "ported_out_to", "updated_at"])
        number_port_out(actor=actor, msisdn=line.msisdn, operator=operator)

    order, preview, result = settle_and_end(actor=actor, line=line, order_kind=K.PORT_OUT, documents=documents,
                                            agent_identity=agent_identity, agreement_signed=agreement_signed,
                                            method=method, tendered=tendered, end_line=end,
                                            details={"operator": operator})
    line_audit(actor=actor, order=order, line=line, action="line.port_out", before={"status": Line.Status.ACTIVE},
               after={"status": line.status, "operator": operator, **settlement_details(preview),
                      **commitments_ended(order)})
    return CancelResult(order=order, settlement=preview, documents=result.documents if result else [])

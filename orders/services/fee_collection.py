"""Fee collection (话费收取, process 2): find the line, confirm the amount, collect (唱收唱付) in cash, by
bank card or with a recharge card, hand over the invoice. A payment that brings a line suspended for
arrears back within its credit limit restores it: the resume work order is written in the same
transaction, and the network's completion reactivates the line (within the 48 hours of the rules)."""

from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from billing.models import PaymentMethod
from billing.selectors import account_money
from billing.services.ledger import ledger_account_prepaid_cards
from billing.services.payments import PaymentResult, payment_collect
from boss.audit import audit_record
from customers.models import Line
from orders.errors import LineNotServiceableError
from orders.services.stock import recharge_card_redeem
from provisioning import hooks
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

RESTORE_REASON = "arrears_cleared"


def line_restorable(*, line: Line, balance: Decimal) -> bool:
    """A line suspended for arrears may be restored once its balance is back at or above minus its
    account's credit limit."""
    return line.status == Line.Status.SUSPENDED_ARREARS and balance >= -line.account.credit_limit


@transaction.atomic
def line_fee_collect(*, actor, line: Line, method: str, amount=None, tendered=None, recharge_serial: str = "",
                     recharge_pin: str = "") -> PaymentResult:
    """Collect money for a line's account (arrears first, then prepayment). With a recharge card the
    amount is the card's face value and the card is used exactly once.

    Raises LineNotServiceableError, InvalidAmountError, TenderedTooLittleError, RechargeCardInvalid,
    RechargeCardUsed, RechargeCardUnusable.
    """
    line = Line.objects.select_for_update(no_key=True).select_related("account").get(pk=line.pk)
    if line.status == Line.Status.CANCELLED:
        raise LineNotServiceableError(msisdn=line.msisdn)
    source, item = None, None
    if method == PaymentMethod.RECHARGE_CARD:
        card = recharge_card_redeem(actor=actor, serial=recharge_serial, pin=recharge_pin, msisdn=line.msisdn)
        amount, tendered, source = card.face_value, None, ledger_account_prepaid_cards()
        with translation.override("zh-hans"):
            item = _("Recharge card %(serial)s") % {"serial": card.serial[-6:]}
    result = payment_collect(actor=actor, account=line.account, amount=amount, method=method, tendered=tendered,
                             line=line, reference=f"line:{line.pk}", source=source, item=item)
    if line_restorable(line=line, balance=account_money(line.account).balance) and not _restore_pending(line):
        work_order_create(action=WorkOrder.Action.RESUME, msisdn=line.msisdn, line=line, hall=actor.hall,
                          payload={"reason": RESTORE_REASON}, reference=f"payment:{result.payment.pk}")
        audit_record(actor=actor, action="line.restore_requested", target=line,
                     after={"payment": result.payment.pk, "reason": RESTORE_REASON})
    return result


def _restore_pending(line: Line) -> bool:
    return WorkOrder.objects.filter(line=line, action=WorkOrder.Action.RESUME,
                                    state__in=[WorkOrder.State.READY, WorkOrder.State.RUNNING],
                                    payload__reason=RESTORE_REASON).exists()


@hooks.on_complete(WorkOrder.Action.RESUME)
def _restored(*, actor, work_order) -> None:
    """The network resumed a line suspended for arrears: it is active again."""
    if work_order.payload.get("reason") != RESTORE_REASON or not work_order.line_id:
        return
    line = Line.objects.select_for_update().get(pk=work_order.line_id)
    if line.status == Line.Status.SUSPENDED_ARREARS:
        line.restore_from_arrears()
        line.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="line.restore", target=line, after={"status": line.status})

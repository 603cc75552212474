"""Fee collection (话费收取, process 2): find the line, confirm the amount, collect (唱收唱付) in cash, by
bank card or with a recharge card, hand over the invoice. A payment that brings the account back within its
credit limit restores its lines suspended for arrears at once, with their resume work orders written in the
same transaction (billing's arrears rule; well inside the 48 hours of the rules)."""

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from billing.models import PaymentMethod
from billing.services.arrears import arrears_lines_restore
from billing.services.ledger import ledger_account_prepaid_cards
from billing.services.payments import PaymentResult, payment_collect
from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.prepared import Prepared
from customers.models import Account, Line
from inventory.services.stock import recharge_card_redeem
from orders.errors import LineNotServiceableError

# Every fee collection locks the served line with its account's lines suspended for arrears, in key order: compiled
# once per process (boss/prepared.py; issue 20).
_LINES_LOCKED = Prepared(lambda pk, account: lock(Line.objects.filter(
    Q(pk=pk) | Q(account_id=account, status=Line.Status.SUSPENDED_ARREARS)).order_by("pk")), int, int)


@transaction.atomic
def line_fee_collect(*, actor: Staff, line: Line, method: str, amount=None, tendered=None, recharge_serial: str = "",
                     recharge_pin: str = "") -> PaymentResult:
    """Collect money for a line's account (arrears first, then prepayment). With a recharge card the
    amount is the card's face value and the card is used exactly once.

    Raises LineNotServiceableError, InvalidAmountError, TenderedTooLittleError, RechargeCardInvalidError,
    RechargeCardUsedError, RechargeCardUnusableError.
    """
    # The one lock order: the lines (the served one and the account's lines a payment may restore), then the
    # account, then the recharge card. The lines are locked without a join (boss/locks.py). The account is the
    # one the caller read; a transfer that moved the line since is seen under the line's lock, and then the
    # suspended lines of its new account are locked too (the line itself can move no more).
    def lines_locked(account_id: int) -> tuple[Line, list[Line]]:
        locked = _LINES_LOCKED(line.pk, account_id)
        return next(ln for ln in locked if ln.pk == line.pk), locked

    served_line, locked = lines_locked(line.account_id)
    if served_line.account_id != line.account_id:
        served_line, locked = lines_locked(served_line.account_id)
    line = served_line
    suspended = [ln for ln in locked if ln.account_id == line.account_id and ln.status == Line.Status.SUSPENDED_ARREARS]
    line.account = lock_by_key(Account, line.account_id)
    if line.status == Line.Status.CANCELLED:
        raise LineNotServiceableError(msisdn=line.msisdn)
    source, item = None, None
    if method == PaymentMethod.RECHARGE_CARD:
        card = recharge_card_redeem(actor=actor, serial=recharge_serial, pin=recharge_pin, msisdn=line.msisdn)
        amount, tendered, source = card.face_value, None, ledger_account_prepaid_cards()
        with translation.override("zh-hans"):
            item = _("Recharge card %(serial)s") % {"serial": card.serial[-6:]}
    result = payment_collect(actor=actor, account=line.account, amount=amount, method=method, tendered=tendered,
                             line=line, reference=f"line:{line.pk}", source=source, item=item, account_locked=True)
    # One rule and one way to restore (billing's arrears module): every line of the account suspended for
    # arrears comes back with its resume work order once the account is within its credit limit.
    restored = arrears_lines_restore(actor=actor, account=line.account, money=result.money_after, suspended=suspended)
    if restored:
        audit_record(actor=actor, action="line.restore_requested", target=line,
                     after={"payment": result.payment.pk, "lines": [ln.msisdn for ln in restored]})
    return result

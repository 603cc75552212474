"""Move a line to another account of the same customer (改帐务, process 10's customer data change).

- The target is another account of the line's owner, or a new cash (prepaid) account opened for it.
- No move with arrears: neither the account the line leaves nor the one it joins may owe anything.
- The accounts keep their balance, deposit and history; a bank-collection mandate is the account's, so the
  line is collected by the mandate of the account it joins (and leaves the old one's). The month's charges
  not yet posted are billed to the new account; what the old one paid in advance stays paid.
- The line must be active or suspended on request; documents, agreement, one audit event; no network
  change (billing data only), so no work order.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from billing.selectors import account_money
from boss.locks import lock
from boss.models import Staff
from customers.models import Account, Line
from customers.services.accounts import account_open, line_account_move
from orders.errors import AccountArrearsError
from orders.models import Order
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import ensure_state, line_audit, line_lock, order_finish, order_open

K = Order.Kind


@transaction.atomic
def line_account_change(*, actor: Staff, line: Line, account: int | None = None, new_account: bool = False,
                        documents_checked=(), agent: AgentInput | None = None,
                        agreement_signed: bool = False) -> Order:
    """Move the line to `account` (an id of another account of its owner) or, with `new_account`, to a new
    cash account. Raises AccountNotOwnError, AccountArrearsError, LineStateError, DocumentsMissingError,
    AgreementNotSignedError."""
    from customers.errors import AccountNotOwnError

    if bool(account) == bool(new_account):
        raise AccountNotOwnError(_("Choose the account the line moves to, or a new cash account."))
    line = line_lock(line)
    ensure_state(line, K.ACCOUNT_MOVE)
    # Both accounts locked in id order (the global order: line, then accounts).
    ids = sorted({line.account_id, *([int(account)] if account else [])})
    locked = {a.pk: a for a in lock(Account.objects.filter(pk__in=ids).order_by("pk"))}
    target = locked.get(int(account)) if account else None
    if account and (target is None or target.customer_id != line.customer_id or target.pk == line.account_id):
        raise AccountNotOwnError()
    for each in [locked[line.account_id], *([target] if target else [])]:
        arrears = account_money(each).arrears
        if arrears > 0:
            raise AccountArrearsError(
                _("Account %(account)s owes ¥%(arrears)s: the line moves only when both accounts owe nothing "
                  "(collect the fees first).") % {"account": each.pk, "arrears": arrears},
                account=each.pk, arrears=str(arrears))
    documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                documents_checked=documents_checked)
    if target is None:
        target = account_open(customer=line.customer)
    order = order_open(actor=actor, kind=K.ACCOUNT_MOVE, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed,
                       details={"from_account": line.account_id, "to_account": target.pk,
                                "new_account": bool(new_account),
                                "payment_method": target.payment_method,
                                "bank_account": target.masked_bank_account})
    old = line_account_move(line=line, account=target)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=line, action="line.account_move", before={"account": old.pk},
               after={"account": target.pk, "payment_method": target.payment_method,
                      "bank_account": target.masked_bank_account})
    return order


def account_choices(line: Line) -> list[Account]:
    """The other accounts of the line's owner (what the screen offers)."""
    return list(Account.objects.filter(customer_id=line.customer_id).exclude(pk=line.account_id).order_by("pk"))

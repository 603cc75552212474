"""Money received at the counter: one ledger transaction, one Payment row, and its documents.

`payment_receive` is the one way money comes in. Each part of the amount is an Allocation that says
where it goes: a fee to revenue (invoiced, 发票), a prepayment to the customer's balance (receipt, 收据),
a deposit to the account's deposit (receipt), or billed arrears to the customer's balance (invoice). So
no money is invoiced twice and deposits, which are not revenue, never get an invoice (domain-rules A7).

`payment_collect` is fee collection (话费收取, process 2): arrears first, the rest prepayment.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from billing.errors import InvalidAmountError, TenderedTooLittleError
from billing.models import Document, Payment, PaymentMethod
from billing.selectors import account_money
from billing.services.documents import DocLine, document_issue
from billing.services.ledger import (
    Posting,
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    ledger_account_deposit,
    ledger_account_revenue,
    money,
    transaction_post,
)
from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff
from boss.money import ZERO
from customers.models import Account
from customers.money import AccountMoney

COUNTER_METHODS = (PaymentMethod.CASH, PaymentMethod.BANK_CARD)


@dataclass(frozen=True)
class Allocation:
    """Where one part of a payment goes. kind: fee (revenue of `fee_type`, invoiced), arrears (clears
    billed charges, invoiced), prepayment (balance, receipt), deposit (held, receipt)."""

    kind: str
    item: str
    amount: Decimal
    fee_type: str = ""

    INVOICED = ("fee", "arrears")


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    documents: list[Document] = field(default_factory=list)
    applied_to_arrears: Decimal = ZERO
    prepaid: Decimal = ZERO
    money_after: AccountMoney | None = None  # the account's money once paid (fee collection), under its lock

    @property
    def change(self) -> Decimal | None:
        return self.payment.change


def _tender(method: str, amount: Decimal, tendered) -> tuple[Decimal | None, Decimal | None]:
    """(tendered, change) for cash (唱收唱付); (None, None) for a card."""
    if method != PaymentMethod.CASH:
        return None, None
    tendered = money(tendered if tendered is not None else amount)
    if tendered < amount:
        raise TenderedTooLittleError(due=str(amount), tendered=str(tendered))
    return tendered, tendered - amount


def _posting(account: Account, allocation: Allocation) -> Posting:
    if allocation.kind == "fee":
        return credit(ledger_account_revenue(fee_type=allocation.fee_type or "other"), allocation.amount)
    if allocation.kind == "deposit":
        return credit(ledger_account_deposit(account=account), allocation.amount)
    return credit(ledger_account_customer(account=account), allocation.amount)  # arrears, prepayment


def payment_receive(*, actor: Staff, account: Account, method: str, allocations: list[Allocation], tendered=None,
                    line=None, reference: str = "", source=None) -> PaymentResult:
    """Receive money for an account in the CALLER's transaction (the calling process audits).

    `source` (a LedgerAccount) replaces the rep's drawer as the debited side, e.g. recharge cards sold
    earlier. Raises InvalidAmountError, TenderedTooLittleError.
    """
    if not method:      # the screens choose no method for the customer (ui.md): they must say
        raise InvalidAmountError(_("Choose how the customer pays."), field="method")
    if method not in PaymentMethod.values:
        raise InvalidAmountError(_("This payment method is not taken at the counter here."), field="method")
    allocations = [a for a in allocations if money(a.amount) != ZERO]
    if not allocations or any(money(a.amount) < ZERO for a in allocations):
        raise InvalidAmountError(field="amount")
    amount = sum((money(a.amount) for a in allocations), ZERO)
    tendered, change = _tender(method, amount, tendered)
    source = source or ledger_account_cash_drawer(staff=actor, method=method)
    tx = transaction_post(actor=actor, kind=f"payment.{method}", reference=reference,
                          postings=[debit(source, amount)] + [_posting(account, a) for a in allocations],
                          memo=line.msisdn if line else "")
    payment = Payment.objects.create(account=account, line=line, method=method, amount=amount, tendered=tendered,
                                     change=change, reference=reference, ledger_transaction=tx, actor=actor,
                                     hall=actor.hall)
    msisdn = line.msisdn if line else ""
    documents = []
    for kind, wanted in ((Document.Kind.INVOICE, True), (Document.Kind.RECEIPT, False)):
        lines = [DocLine(a.item, a.amount) for a in allocations if (a.kind in Allocation.INVOICED) == wanted]
        if lines:
            documents.append(document_issue(actor=actor, kind=kind, customer_id=account.customer_id, msisdn=msisdn,
                                            payment=payment, reference=reference, lines=lines))
    return PaymentResult(payment=payment, documents=documents)


@transaction.atomic
def payment_collect(*, actor: Staff, account: Account, amount, method: str, tendered=None, line=None,
                    reference: str = "", source=None, item: str | None = None,
                    account_locked: bool = False) -> PaymentResult:
    """Collect money for an account (fee collection): arrears first (invoice), the rest prepayment
    (receipt), into the rep's drawer (or `source`). `account_locked`: the caller has locked `account`
    (SELECT ... FOR UPDATE) in this transaction, so it is not read again.

    Raises InvalidAmountError, TenderedTooLittleError.
    """
    amount = money(amount)
    if amount <= ZERO:
        raise InvalidAmountError(field="amount")
    if source is None and method not in COUNTER_METHODS:
        raise InvalidAmountError(_("This payment method is not taken at the counter here."), field="method")
    # Serialise payments of one account so the arrears/prepayment split is computed on a settled balance.
    if not account_locked:
        account = lock_by_key(Account, account.pk)
    before = account_money(account)
    applied = min(amount, before.arrears)
    prepaid = amount - applied
    with translation.override("zh-hans"):  # printed documents are in Chinese
        allocations = [Allocation("arrears", _("Telecommunication charges"), applied),
                       Allocation("prepayment", item or _("Prepaid charges"), prepaid)]
    result = payment_receive(actor=actor, account=account, method=method, allocations=allocations,
                             tendered=tendered, line=line, reference=reference, source=source)
    audit_record(actor=actor, action="payment.collect", target=result.payment,
                 before={"balance": str(before.balance)},
                 after={"amount": str(amount), "method": method, "arrears_cleared": str(applied),
                        "prepaid": str(prepaid), "documents": [d.display_number for d in result.documents]})
    # The whole amount went to the account's balance (arrears, then prepayment): its money now, without
    # summing the ledger again.
    return PaymentResult(payment=result.payment, documents=result.documents, applied_to_arrears=applied,
                         prepaid=prepaid, money_after=AccountMoney(balance=before.balance + amount,
                                                                   deposit=before.deposit))

"""Fee collection (话费收取, process 2): money received for an account, posted to the ledger, with its
documents. A payment first clears arrears (billed charges: an invoice) and the rest is prepayment (a
receipt), so no money is ever invoiced twice (domain-rules A7)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from billing.errors import InvalidAmountError, TenderedTooLittleError
from billing.models import ZERO, Account, Document, Payment, PaymentMethod
from billing.selectors import account_money
from billing.services.documents import DocLine, document_issue
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    money,
    transaction_post,
)
from boss.audit import audit_record


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    applied_to_arrears: Decimal
    prepaid: Decimal
    documents: list[Document] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        return self.payment.change


@transaction.atomic
def payment_collect(*, actor, account: Account, amount, method: str, tendered=None, line=None,
                    reference: str = "") -> PaymentResult:
    """Collect money for an account: cash into the rep's drawer (or the card terminal's), credited to the
    account's balance; arrears first (invoice), the rest as prepayment (receipt).

    Raises InvalidAmountError, TenderedTooLittleError.
    """
    amount = money(amount)
    if amount <= ZERO:
        raise InvalidAmountError(field="amount")
    if method not in PaymentMethod.values or method in (PaymentMethod.RECHARGE_CARD, PaymentMethod.BANK_COLLECTION):
        raise InvalidAmountError(_("This payment method is not taken at the counter here."), field="method")
    change = None
    if method == PaymentMethod.CASH:
        tendered = money(tendered if tendered is not None else amount)
        if tendered < amount:
            raise TenderedTooLittleError(due=str(amount), tendered=str(tendered))
        change = tendered - amount
    else:
        tendered = None

    # Serialise payments of one account so the arrears/prepayment split is computed on a settled balance.
    account = Account.objects.select_for_update().select_related("customer").get(pk=account.pk)
    before = account_money(account)
    applied = min(amount, before.arrears)
    prepaid = amount - applied

    tx = transaction_post(actor=actor, kind=f"payment.{method}", reference=reference,
                          postings=[debit(ledger_account_cash_drawer(staff=actor, method=method), amount),
                                    credit(ledger_account_customer(account=account), amount)],
                          memo=line.msisdn if line else "")
    payment = Payment.objects.create(account=account, line=line, method=method, amount=amount, tendered=tendered,
                                     change=change, reference=reference, ledger_transaction=tx, actor=actor,
                                     hall=actor.hall)
    documents = []
    msisdn = line.msisdn if line else ""
    with translation.override("zh-hans"):  # printed documents are in Chinese
        if applied > ZERO:
            documents.append(document_issue(actor=actor, kind=Document.Kind.INVOICE, customer=account.customer,
                                            msisdn=msisdn, payment=payment, reference=reference,
                                            lines=[DocLine(_("Telecommunication charges"), applied)]))
        if prepaid > ZERO:
            documents.append(document_issue(actor=actor, kind=Document.Kind.RECEIPT, customer=account.customer,
                                            msisdn=msisdn, payment=payment, reference=reference,
                                            lines=[DocLine(_("Prepaid charges"), prepaid)]))
    audit_record(actor=actor, action="payment.collect", target=payment, reason="",
                 before={"balance": str(before.balance)},
                 after={"amount": str(amount), "method": method, "arrears_cleared": str(applied),
                        "prepaid": str(prepaid), "documents": [d.display_number for d in documents]})
    return PaymentResult(payment=payment, applied_to_arrears=applied, prepaid=prepaid, documents=documents)

"""Settling an account when its line leaves (正式销号, process 4; domain-rules A7, A11), and moving held
deposits. Called inside the calling process's transaction, which audits.

"All fees settled" means: the arrears are paid and what is left of the customer's money is refunded,
in one transaction. The deposit (押金) is applied to the arrears first; if it does not cover them the
customer first tops up the rest (预存款销话费), then the deposit is applied. What remains (prepaid
balance and unused deposit) is paid back in cash from the rep's drawer.

Documents, so that every yuan keeps a true paper trail:
- the top-up pays telecom charges: an invoice (发票);
- deposit applied to arrears turns receipted money into paid charges: a red-letter receipt (红字收据)
  for the deposit consumed and an invoice for the charges it paid;
- money refunded was receipted when it came in (prepayments and deposits are not revenue): red-letter
  receipts against the account's receipts, newest first. Invoiced money (fees, charges) is never refunded
  here, so no red-letter invoice arises.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from billing.models import Document, Payment
from billing.selectors import account_money
from billing.services.documents import DocLine, document_issue, document_red_letter
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    ledger_account_deposit,
    transaction_post,
)
from billing.services.payments import Allocation, payment_receive
from boss.models import Staff
from boss.money import ZERO
from customers.models import Account


@dataclass(frozen=True)
class SettlementPreview:
    """What settling an account means now: arrears, deposit, prepaid credit, and what follows."""

    balance: Decimal
    deposit: Decimal

    @property
    def arrears(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def deposit_applied(self) -> Decimal:
        return min(self.deposit, self.arrears)

    @property
    def top_up(self) -> Decimal:
        """What the customer pays first when the deposit does not cover the arrears."""
        return self.arrears - self.deposit_applied

    @property
    def refund(self) -> Decimal:
        return self.credit + self.deposit - self.deposit_applied


@dataclass
class SettlementResult:
    preview: SettlementPreview
    payment: Payment | None = None
    documents: list[Document] = field(default_factory=list)
    unreceipted_refund: Decimal = ZERO  # refunded money no receipt was found for (recorded, not lettered)


def settlement_preview(*, account: Account) -> SettlementPreview:
    money = account_money(account)
    return SettlementPreview(balance=money.balance, deposit=money.deposit)


def _receipts_open(account: Account) -> list[tuple[Document, Decimal]]:
    """The account's blue receipts with what is not yet red-lettered, newest first."""
    receipts = (Document.objects.filter(payment__account=account, kind=Document.Kind.RECEIPT, reversal_of__isnull=True)
                .prefetch_related("reversals").order_by("-id"))
    out = []
    for receipt in receipts:
        left = receipt.total + sum((r.total for r in receipt.reversals.all()), ZERO)
        if left > 0:
            out.append((receipt, left))
    return out


def _red_letter_receipts(*, actor: Staff, account: Account, amount: Decimal, item: str, reference: str,
                         open_receipts: list) -> tuple[list[Document], Decimal]:
    """Red-letter `amount` over the open receipts (consumed in place). Returns the documents and what no
    receipt covered."""
    documents = []
    while amount > 0 and open_receipts:
        receipt, left = open_receipts[0]
        part = min(left, amount)
        documents.append(document_red_letter(actor=actor, original=receipt, amount=part, item=item,
                                             reference=reference))
        amount -= part
        if part == left:
            open_receipts.pop(0)
        else:
            open_receipts[0] = (receipt, left - part)
    return documents, amount


def account_settle(*, actor: Staff, account: Account, line=None, method: str = "cash", tendered=None,
                   reference: str = "") -> SettlementResult:
    """Settle an account to zero in the CALLER's transaction (the calling process locks, checks and
    audits): top-up of what the deposit does not cover, deposit applied to arrears, refund of the rest
    in cash from the actor's drawer, with their documents.

    Raises TenderedTooLittleError (top-up), InsufficientBalanceError (the drawer has not enough cash
    for the refund), InvalidAmountError.
    """
    preview = settlement_preview(account=account)
    result = SettlementResult(preview=preview)
    customer_acct, deposit_acct = ledger_account_customer(account=account), ledger_account_deposit(account=account)
    msisdn = line.msisdn if line else ""
    open_receipts = _receipts_open(account)
    with translation.override("zh-hans"):  # the documents are printed in Chinese
        charges = _("Telecommunication charges")
        if preview.top_up > 0:
            paid = payment_receive(actor=actor, account=account, method=method, tendered=tendered, line=line,
                                   reference=reference, allocations=[Allocation("arrears", charges, preview.top_up)])
            result.payment = paid.payment
            result.documents += paid.documents
        if preview.deposit_applied > 0:
            transaction_post(actor=actor, kind="settlement.deposit_applied", reference=reference, memo=msisdn,
                             postings=[debit(deposit_acct, preview.deposit_applied),
                                       credit(customer_acct, preview.deposit_applied)])
            lettered, _rest = _red_letter_receipts(actor=actor, account=account, amount=preview.deposit_applied,
                                                   item=_("Deposit applied to charges"), reference=reference,
                                                   open_receipts=open_receipts)
            result.documents += lettered
            result.documents.append(document_issue(
                actor=actor, kind=Document.Kind.INVOICE, customer_id=account.customer_id, msisdn=msisdn,
                reference=reference, lines=[DocLine(_("Telecommunication charges paid from the deposit"),
                                                    preview.deposit_applied)]))
        if preview.refund > 0:
            postings = [credit(ledger_account_cash_drawer(staff=actor, method="cash"), preview.refund)]
            if preview.credit > 0:
                postings.append(debit(customer_acct, preview.credit))
            if preview.deposit - preview.deposit_applied > 0:
                postings.append(debit(deposit_acct, preview.deposit - preview.deposit_applied))
            transaction_post(actor=actor, kind="settlement.refund", reference=reference, memo=msisdn,
                             postings=postings)
            lettered, rest = _red_letter_receipts(actor=actor, account=account, amount=preview.refund,
                                                  item=_("Refund at cancellation"), reference=reference,
                                                  open_receipts=open_receipts)
            result.documents += lettered
            result.unreceipted_refund = rest
    return result


def deposit_release(*, actor: Staff, account: Account, amount: Decimal, reference: str = "", memo: str = ""):
    """Move held deposit back to the account's prepaid balance (e.g. international roaming closed), in
    the CALLER's transaction. Both were receipted and neither is revenue, so no document changes.
    Raises InsufficientBalanceError, InvalidAmountError."""
    return transaction_post(actor=actor, kind="deposit.release", reference=reference, memo=memo,
                            postings=[debit(ledger_account_deposit(account=account), amount),
                                      credit(ledger_account_customer(account=account), amount)])

"""Refund of an over-deducted bank collection (BOSS 退费, process 6), across three roles.

1. Requested: a complaint at the counter or the hotline (complaint intake calls `refund_request` with the
   complaint's number), or the account room itself (corporate accounts are handled there).
2. Decided by the account room: it checks the deduction (which collection, how much was over-deducted,
   never more than was collected and not yet refunded) and approves an amount (≤ over-deducted) or
   rejects with a reason.
3. Paid: a private account is paid in cash at a counter by a rep after printing the cash refund form
   (现金退费表) and checking the three documents (customer's ID, bank account holder's ID, passbook); a
   corporate account is paid back to its bank account by the account room. The approver never pays
   (four-eyes, checked here and by a database constraint); paid ≤ approved ≤ over-deducted; the case
   row is locked, so two counters paying at once: exactly one succeeds.

Paying posts the refund (the customer's balance gives back what the collection credited: debit the
customer, credit the drawer or the bank), red-letters the collection's documents (the receipt of any
amount taken beyond the arrears first, then the invoice), and takes back the points the refunded
invoiced money earned. The result is kept on the case, which the complaint points to
(`complaint.refund_case`) and which the hotline reads through the API; listeners (the complaint) hear
of each decision and payment through billing.refund_outcomes.
"""

from decimal import Decimal

import django_fsm as fsm
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.errors import (
    BillingInputError,
    FourEyesError,
    RefundCapError,
    RefundStateError,
    SeparationOfDutiesError,
)
from billing.models import BankCollectionItem, Document, RefundCase
from billing.refund_outcomes import refund_outcome_notify
from billing.services.documents import document_red_letter_by_issuer
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_bank_clearing,
    ledger_account_cash_drawer,
    ledger_account_customer,
    money,
    transaction_post,
)
from billing.services.points import points_for, points_take_back
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Staff
from boss.money import ZERO
from customers.models import Account

# The three documents the rep checks before paying cash (process 6 step 3).
DOCUMENTS = {
    "customer_id": gettext_lazy("Customer's identity document"),
    "holder_id": gettext_lazy("Bank account holder's identity document"),
    "passbook": gettext_lazy("Bank passbook"),
}


def _lock(case: RefundCase) -> RefundCase:
    lock_by_key(RefundCase, case.pk)
    return RefundCase.objects.select_related("account", "collection_item").get(pk=case.pk)


@transaction.atomic
def refund_request(*, actor: Staff, account: Account, line=None, complaint_number: str = "",
                   description: str = "") -> RefundCase:
    """Open a refund case for an account paying by bank collection; its latest collected item is
    proposed to the account room. Raises BillingInputError."""
    if account.payment_method != Account.PaymentMethod.BANK:
        raise BillingInputError(_("This account does not pay by bank collection: there is no deduction to refund."),
                                field="msisdn")
    item = (BankCollectionItem.objects.filter(account=account, status=BankCollectionItem.Status.PAID)
            .order_by("-period", "-pk").first())
    # The case belongs to the requesting rep's hall, else (hotline, account room) to the line's.
    hall_id = actor.hall_id or (line.hall_id if line is not None else None)
    case = RefundCase.objects.create(account=account, line=line, complaint_number=complaint_number,
                                     collection_item=item, hall_id=hall_id,
                                     description=(description or "")[:500], requested_by=actor)
    case.number = f"TF{timezone.localdate():%Y%m%d}{case.pk:06d}"
    case.save(update_fields=["number"])
    audit_record(actor=actor, action="refund.request", target=case,
                 after={"account": account.pk, "complaint": complaint_number or None,
                        "collection": str(item) if item else None})
    return case


def _refundable(item: BankCollectionItem, *, excluding: RefundCase) -> Decimal:
    """What of a collection may still be refunded: collected minus what other cases approved or paid."""
    taken = (RefundCase.objects.filter(collection_item=item, status__in=[RefundCase.Status.APPROVED,
                                                                          RefundCase.Status.PAID])
             .exclude(pk=excluding.pk)
             .aggregate(s=Sum("approved_amount", filter=Q(status=RefundCase.Status.APPROVED)),
                        p=Sum("paid_amount", filter=Q(status=RefundCase.Status.PAID))))
    return (item.paid_amount or ZERO) - (taken["s"] or ZERO) - (taken["p"] or ZERO)


@transaction.atomic
def refund_decide(*, actor: Staff, case: RefundCase, approve: bool, over_deducted, amount=None, note: str = "",
                  collection_item: BankCollectionItem | None = None) -> RefundCase:
    """The account room's decision: the over-deducted amount found for a collection, then approve an
    amount up to it, or reject with the reason.

    Raises RefundStateError, BillingInputError, RefundCapError.
    """
    case = _lock(case)
    if not fsm.can_proceed(case.approve):
        raise RefundStateError(status=case.status)
    if actor.pk == case.requested_by_id:
        raise SeparationOfDutiesError()
    item = collection_item or case.collection_item
    if item is None or item.account_id != case.account_id or item.status != BankCollectionItem.Status.PAID:
        raise BillingInputError(_("Choose a collection of this account that the bank paid."), field="collection_item")
    item = lock_by_key(BankCollectionItem, item.pk)
    over = money(over_deducted)
    if over <= ZERO:
        raise BillingInputError(_("Enter the amount found over-deducted."), field="over_deducted")
    available = _refundable(item, excluding=case)
    if over > available:
        raise RefundCapError(_("At most %(available)s of this collection can still be refunded.")
                             % {"available": f"¥{available:.2f}"}, field="over_deducted", available=str(available))
    note = (note or "").strip()
    now = timezone.now()
    if approve:
        approved = money(amount) if amount is not None else over
        if approved <= ZERO or approved > over:
            raise RefundCapError(_("The refund must be more than zero and at most the over-deducted amount."),
                                 field="amount", over_deducted=str(over))
        case.approve(by=actor, when=now, over_deducted=over, amount=approved, note=note[:300])
    else:
        if not note:
            raise BillingInputError(_("Give the reason for rejecting the refund."), field="note")
        case.reject(by=actor, when=now, over_deducted=over, note=note[:300])
    case.collection_item = item
    case.save()
    refund_outcome_notify(case=case, outcome="approved" if approve else "rejected",
                          note=(f"¥{case.approved_amount:.2f}" if approve else note))
    audit_record(actor=actor, action="refund.approve" if approve else "refund.reject", target=case, reason=note,
                 after={"over_deducted": str(over), "approved": str(case.approved_amount or ""),
                        "complaint": case.complaint_number or None})
    return case


@transaction.atomic
def refund_form_print(*, actor: Staff, case: RefundCase) -> bool:
    """Record a print of the cash refund form; returns True when it is a copy (补打). Raises RefundStateError."""
    case = _lock(case)
    if case.status not in (RefundCase.Status.APPROVED, RefundCase.Status.PAID):
        raise RefundStateError(_("The refund form is printed once the account room has approved the refund."))
    copy = case.form_prints > 0
    case.form_prints += 1
    case.save(update_fields=["form_prints"])
    audit_record(actor=actor, action="refund.form_reprint" if copy else "refund.form_print", target=case,
                 after={"copy": copy})
    return copy


def refund_form_pdf(*, case: RefundCase, copy: bool) -> bytes:
    """The cash refund form (现金退费表), always in Chinese, with the amount in capital numerals."""
    from boss.money import yuan_capital
    from boss.pdf import render_pdf

    with translation.override("zh-hans"):
        return render_pdf("billing/pdf/refund_form.html", {
            "case": case, "copy": copy, "amount": case.approved_amount,
            "capital": yuan_capital(case.approved_amount or ZERO), "documents": list(DOCUMENTS.values()),
            "item": case.collection_item, "customer": case.account.customer,
        })


def _red_letters(*, actor: Staff, case: RefundCase, amount: Decimal) -> tuple[list[Document], Decimal]:
    """Red-letter the collection's documents for `amount`: the receipt (money taken beyond the arrears)
    first, then the invoice. Returns the red documents and the invoiced part refunded."""
    payment = case.collection_item.payment if case.collection_item else None
    if payment is None:
        return [], ZERO
    blue = sorted(payment.documents.filter(reversal_of__isnull=True),
                  key=lambda d: (d.kind != Document.Kind.RECEIPT, d.pk))
    left, invoiced, reds = amount, ZERO, []
    with translation.override("zh-hans"):
        for doc in blue:
            if left <= ZERO:
                break
            available = doc.total + sum((r.total for r in doc.reversals.all()), ZERO)
            part = min(left, available)
            if part <= ZERO:
                continue
            reds.append(document_red_letter_by_issuer(
                actor=actor, original=doc, amount=part, reference=case.number or "",
                item=_("Refund of over-deducted bank collection %(case)s") % {"case": case.number}))
            left -= part
            if doc.kind == Document.Kind.INVOICE:
                invoiced += part
    return reds, invoiced


@transaction.atomic
def refund_pay(*, actor: Staff, case: RefundCase, amount, documents=()) -> RefundCase:
    """Pay an approved refund: cash at the counter (private account: form printed, the three documents
    checked) or back to the bank (corporate account). Never by the approver; never more than approved.

    Raises RefundStateError, FourEyesError, RefundCapError, BillingInputError, NotPermitted,
    InsufficientBalanceError (the rep's drawer has not that much cash).
    """
    # The one lock order: the account, then the case and its collection.
    account = lock_by_key(Account, RefundCase.objects.values_list("account_id",
                                                                                flat=True).get(pk=case.pk))
    case = _lock(case)
    if case.status == RefundCase.Status.PAID:
        raise RefundStateError(_("This refund has already been paid."), status=case.status)
    if not fsm.can_proceed(case.pay):
        raise RefundStateError(status=case.status)
    if actor.pk == case.decided_by_id:
        raise FourEyesError()
    if actor.pk == case.requested_by_id:
        raise SeparationOfDutiesError()
    amount = money(amount)
    if amount <= ZERO or amount > case.approved_amount:
        raise RefundCapError(_("At most the approved %(approved)s can be paid.")
                             % {"approved": f"¥{case.approved_amount:.2f}"}, approved=str(case.approved_amount))
    item = lock_by_key(BankCollectionItem, case.collection_item_id)
    if amount > _refundable(item, excluding=case):
        raise RefundCapError(_("This collection has been refunded already."), field="amount")
    documents = sorted(set(documents or ()))
    if account.corporate:
        method, source, hall = RefundCase.Method.BANK, ledger_account_bank_clearing(bank=account.bank_code), None
    else:
        if actor.hall_id is None:
            raise NotPermitted(_("A cash refund is paid at a hall counter."))
        if case.hall_id is not None and actor.hall_id != case.hall_id:
            raise NotPermitted(_("This refund is paid at the hall where it was requested."))
        if case.form_prints == 0:
            raise RefundStateError(_("Print the cash refund form for the customer first."))
        missing = [str(label) for key, label in DOCUMENTS.items() if key not in documents]
        if missing:
            raise BillingInputError(_("Check these documents first: %(missing)s") % {"missing": "、".join(missing)},
                                    field="documents")
        method, source, hall = RefundCase.Method.CASH, ledger_account_cash_drawer(staff=actor), actor.hall
    tx = transaction_post(actor=actor, kind="refund.bank_collection", reference=case.number or "",
                          memo=_("Refund of over-deducted bank collection %(case)s") % {"case": case.number},
                          postings=[debit(ledger_account_customer(account=account), amount), credit(source, amount)])
    reds, invoiced = _red_letters(actor=actor, case=case, amount=amount)
    points = points_take_back(customer_id=account.customer_id, bill_ids=item.bills, points=points_for(invoiced),
                              reference=case.number or "")
    case.pay(by=actor, when=timezone.now(), amount=amount, way=method, documents=documents, hall=hall)
    case.ledger_transaction, case.points_taken = tx, points
    case.save()
    refund_outcome_notify(case=case, outcome="paid", note=f"¥{amount:.2f} {case.get_method_display()}")
    audit_record(actor=actor, action="refund.pay", target=case,
                 after={"amount": str(amount), "method": method, "red_letters": [d.display_number for d in reds],
                        "points_taken": points, "complaint": case.complaint_number or None})
    return case

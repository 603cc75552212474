"""Bill adjustments after billing (调帐, issue 16): a credit or a debit on a billed month, requested at the
counter or by the account room, decided by another account-room clerk (four-eyes: here and a database
check). Approved, it is posted as its own balanced ledger transaction between the account's balance and the
revenue account `revenue:adjustment` (the bill and its rows are never changed), and a credit red-letters the
invoices that took this line's money since the bill (newest first, never more than each has left), so no
money stays invoiced that the customer no longer owes. What is left of a credit with no invoice behind it
(a bill not paid yet, or paid from a receipted prepayment) needs no document: the balance shows it."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.errors import AdjustmentStateError, BillingInputError, FourEyesError
from billing.models import Bill, BillAdjustment, Document
from billing.services.documents import document_red_letter_by_issuer
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_customer,
    ledger_account_revenue,
    transaction_post,
)
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Staff
from boss.money import CENT, ZERO
from customers.models import Account

Kind, Status = BillAdjustment.Kind, BillAdjustment.Status


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        amount = ZERO
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise BillingInputError(_("Enter an amount in yuan above zero, e.g. 12.50."), field="amount")
    return amount


def _credited(bill: Bill, *, excluding=None) -> Decimal:
    qs = BillAdjustment.objects.filter(bill=bill, kind=Kind.CREDIT, status__in=[Status.REQUESTED, Status.APPROVED])
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


@transaction.atomic
def bill_adjustment_request(*, actor: Staff, bill: Bill, kind: str, amount, reason: str) -> BillAdjustment:
    """Ask for an adjustment of a billed month. A credit never takes the bill below zero with the credits
    already asked or approved. Raises NotPermitted, BillingInputError."""
    if not actor.has_perm("billing.request_billadjustment"):
        raise NotPermitted(_("You may not request bill adjustments."))
    if kind not in Kind.values:
        raise BillingInputError(_("Choose credit or debit."), field="kind")
    value = _amount(amount)
    text = " ".join((reason or "").split())
    if not text:
        raise BillingInputError(_("Say why the bill is adjusted."), field="reason")
    lock_by_key(Account, bill.account_id)   # credits of one bill asked one at a time
    if kind == Kind.CREDIT and value > bill.total - _credited(bill):
        raise BillingInputError(
            _("A credit cannot exceed what is left of the bill: %(left)s.") % {"left": bill.total - _credited(bill)},
            field="amount")
    adjustment = BillAdjustment.objects.create(bill=bill, kind=kind, amount=value, reason=text[:200],
                                               requested_by=actor)
    audit_record(actor=actor, action="bill.adjustment_request", target=bill, reason=adjustment.reason,
                 after={"adjustment": adjustment.pk, "kind": kind, "amount": str(value),
                        "period": f"{bill.period:%Y-%m}"})
    return adjustment


def _red_letters(*, actor: Staff, adjustment: BillAdjustment, bill: Bill) -> list[Document]:
    """Red-letter up to the credit from the invoices that took this line's money since the bill."""
    left, issued = adjustment.amount, []
    invoices = (Document.objects.filter(kind=Document.Kind.INVOICE, reversal_of__isnull=True,
                                        customer_id=bill.customer_id, msisdn=bill.line.msisdn,
                                        issued_at__gte=bill.created_at)
                .select_related("hall").order_by("-issued_at", "-pk"))
    for invoice in invoices:
        if left <= 0:
            break
        already = -sum((d.total for d in invoice.reversals.all()), ZERO)
        available = invoice.total - already
        if available <= 0:
            continue
        part = min(left, available)
        issued.append(document_red_letter_by_issuer(
            actor=actor, original=invoice, amount=part, reference=adjustment.reference,
            item=_("Bill adjustment %(period)s") % {"period": f"{bill.period:%Y-%m}"}))
        left -= part
    return issued


@transaction.atomic
def bill_adjustment_decide(*, actor: Staff, adjustment: BillAdjustment, approve: bool,
                           note: str = "") -> BillAdjustment:
    """Another account-room clerk approves (posts it: one balanced transaction, red-letters where a credit
    was invoiced) or rejects it (a reason required). Raises NotPermitted, FourEyesError (the requester),
    AdjustmentStateError (decided already), BillingInputError."""
    if not actor.has_perm("billing.approve_billadjustment"):
        raise NotPermitted(_("Only the account room approves bill adjustments."))
    bill_account = BillAdjustment.objects.values_list("bill__account_id", flat=True).get(pk=adjustment.pk)
    lock_by_key(Account, bill_account)
    adjustment = lock_by_key(BillAdjustment, adjustment.pk)
    if adjustment.status != Status.REQUESTED:
        raise AdjustmentStateError()
    if actor.pk == adjustment.requested_by_id:
        raise FourEyesError(_("Whoever asked for a bill adjustment may not approve it: another clerk does."))
    text = " ".join((note or "").split())[:200]
    if not approve and not text:
        raise BillingInputError(_("Say why the adjustment is rejected."), field="note")
    bill = Bill.objects.select_related("line", "account").get(pk=adjustment.bill_id)
    documents: list[Document] = []
    if approve:
        customer, revenue = ledger_account_customer(account=bill.account), ledger_account_revenue(fee_type="adjustment")
        postings = ([debit(revenue, adjustment.amount), credit(customer, adjustment.amount)]
                    if adjustment.kind == Kind.CREDIT else
                    [debit(customer, adjustment.amount), credit(revenue, adjustment.amount)])
        adjustment.ledger_transaction = transaction_post(
            actor=actor, kind="bill_adjustment", postings=postings, reference=adjustment.reference,
            memo=f"{bill.period:%Y-%m} {adjustment.reason}")
        if adjustment.kind == Kind.CREDIT:
            documents = _red_letters(actor=actor, adjustment=adjustment, bill=bill)
    adjustment.status = Status.APPROVED if approve else Status.REJECTED
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = actor, timezone.now(), text
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "ledger_transaction",
                                   "updated_at"])
    audit_record(actor=actor, action="bill.adjustment_approve" if approve else "bill.adjustment_reject",
                 target=bill, reason=text, after={"adjustment": adjustment.pk, "kind": adjustment.kind,
                                                  "amount": str(adjustment.amount),
                                                  "red_letters": [d.display_number for d in documents]})
    return adjustment


def bill_adjustment_pdf(*, adjustment: BillAdjustment) -> bytes:
    """The adjustment slip (调帐单) of issue 16, always in Chinese: the bill, the direction and amount in figures
    and in capital numerals, the reason, who asked and who decided, and the ledger transaction it posted."""
    from django.utils import translation

    from boss.money import yuan_capital
    from boss.pdf import render_pdf

    with translation.override("zh-hans"):
        return render_pdf("billing/pdf/bill_adjustment.html", {
            "a": adjustment, "line": adjustment.bill.line, "customer": adjustment.bill.line.customer,
            "capital": yuan_capital(adjustment.amount)})

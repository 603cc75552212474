"""Receipts (收据) and invoices (发票): numbers unique and gap-free per hall, kind and series, allocated
under a row lock; immutable; red-letter documents for reversals; every print recorded, copies marked
补打 (domain-rules A7)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from billing.errors import RedLetterTooLargeError
from billing.models import Document, DocumentPrint, DocumentSequence
from billing.selectors import payment_balance_after
from billing.services.ledger import money
from boss import server_prepared
from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff
from boss.money import ZERO

DEFAULT_SERIES = "A"


@dataclass(frozen=True)
class DocLine:
    item: str
    amount: Decimal


# One statement takes the number: the UPDATE locks the sequence row until the transaction ends (as the lock
# helper's FOR NO KEY UPDATE would: a second counter waits, then numbers after it) and returns the number
# taken; a rolled-back transaction gives it back. A locking read and an UPDATE were two queries for every
# document of every payment (issue 20).
_TAKE_NUMBER = (f"UPDATE {DocumentSequence._meta.db_table} SET next_number = next_number + 1 "
                "WHERE hall_id = %s AND kind = %s AND series = %s RETURNING next_number - 1")
server_prepared.stable(_TAKE_NUMBER)   # by the sequence's unique key: its plan does not turn on the values


def _next_number(*, hall, kind: str, series: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NUMBER, [hall.pk, kind, series])
        row = cursor.fetchone()
        if row is None:  # a hall's very first document of a kind
            DocumentSequence.objects.get_or_create(hall=hall, kind=kind, series=series)
            cursor.execute(_TAKE_NUMBER, [hall.pk, kind, series])
            row = cursor.fetchone()
    return row[0]


def document_issue(*, actor: Staff, kind: str, lines: list[DocLine], hall=None, customer_id: int | None = None,
                   msisdn: str = "", payment=None, reference: str = "", reversal_of: Document | None = None,
                   series: str = DEFAULT_SERIES) -> Document:
    """Issue a document in the caller's transaction (the calling process audits the whole operation). The
    customer is given by id: the document only points at it (no read of the customer row)."""
    hall = hall or actor.hall
    total = sum((money(line.amount) for line in lines), ZERO)
    return Document.objects.create(
        kind=kind, hall=hall, series=series, number=_next_number(hall=hall, kind=kind, series=series),
        customer_id=customer_id, msisdn=msisdn, payment=payment, reference=reference, reversal_of=reversal_of,
        lines=[{"item": line.item, "amount": f"{money(line.amount):.2f}"} for line in lines], total=total,
        actor=actor,
    )


def document_red_letter(*, actor: Staff, original: Document, amount: Decimal, item: str, reference: str = "",
                        payment=None) -> Document:
    """A red-letter (红字) document cancelling `amount` of `original`, in the caller's transaction.
    The red amounts of one document never exceed it.

    Raises RedLetterTooLargeError."""
    return _red_letter(actor=actor, original=original, amount=amount, item=item, reference=reference,
                       payment=payment, hall=None)


def document_red_letter_by_issuer(*, actor: Staff, original: Document, amount: Decimal, item: str, reference: str = "",
                                  payment=None) -> Document:
    """`document_red_letter` issued by the hall that issued the original (a refund paid elsewhere, or by
    the account room, which has no hall of its own). Raises RedLetterTooLargeError."""
    return _red_letter(actor=actor, original=original, amount=amount, item=item, reference=reference,
                       payment=payment, hall=original.hall)


def _red_letter(*, actor: Staff, original: Document, amount: Decimal, item: str, reference: str, payment,
                hall) -> Document:
    original = lock_by_key(Document, original.pk)
    amount = money(amount)
    already = -sum((d.total for d in original.reversals.all()), ZERO)
    if amount <= ZERO or already + amount > original.total:
        raise RedLetterTooLargeError(original=original.display_number, available=str(original.total - already))
    return document_issue(actor=actor, kind=original.kind, lines=[DocLine(item, -amount)],
                          customer_id=original.customer_id,
                          msisdn=original.msisdn, payment=payment, reference=reference or original.reference,
                          reversal_of=original, hall=hall)


@transaction.atomic
def document_print(*, actor: Staff, document: Document, reason: str = "") -> DocumentPrint:
    """Record one print. The first is the original; every later one is a copy (补打), audited."""
    copy = DocumentPrint.objects.filter(document=document).exists()
    printed = DocumentPrint.objects.create(document=document, copy=copy, reason=reason[:200], printed_by=actor)
    audit_record(actor=actor, action="document.reprint" if copy else "document.print", target=document,
                 reason=reason, after={"copy": copy})
    return printed


def document_pdf(*, document: Document, copy: bool) -> bytes:
    """The document as a Chinese PDF (always Simplified Chinese: it is a legal paper for the customer)."""
    from boss.money import yuan_capital
    from boss.pdf import render_pdf

    payment = document.payment
    with translation.override("zh-hans"):
        return render_pdf("billing/pdf/document.html", {
            "document": document, "copy": copy, "capital": yuan_capital(document.total),
            "title": _document_title(document),
            "balance_after": payment_balance_after(payment) if payment and not document.reversal_of_id else None,
        })


def _document_title(document: Document) -> str:
    if document.kind == Document.Kind.INVOICE:
        return _("Red-letter invoice") if document.reversal_of_id else _("Invoice")
    return _("Red-letter receipt") if document.reversal_of_id else _("Receipt")

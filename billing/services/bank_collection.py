"""Bank collection (银行托收): the month's collection batch per bank, exported as a file; the bank's result
file imported: paid amounts posted (bank clearing → the customer's balance, an invoice for the arrears
and a receipt for anything taken beyond them), rejected ones left in arrears with the bank's reason.

Export file (UTF-8 CSV, one header line), one line per account asked:
    item,account,bank_account_number,account_holder,amount,month
    BC00000012,4711,6222020200112233445,张三,58.00,2026-10

Result file from the bank (UTF-8 CSV, one header line):
    item,result,amount,reason
    BC00000012,paid,58.00,
    BC00000013,rejected,,余额不足
result is `paid` (amount = what was debited, may differ from what was asked) or `rejected` (reason).
Each line is its own transaction; a line already answered the same way is skipped as a duplicate, so a
result file imported twice (or after a crash) posts nothing twice. Bad lines are reported by number.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import django_fsm as fsm
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.errors import BillingInputError, CollectionFileError
from billing.models import BankCollectionBatch, BankCollectionItem, Bill, BillRun, Document, Payment, PaymentMethod
from billing.selectors import accounts_money
from billing.services.documents import DocLine, document_issue
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_bank_clearing,
    ledger_account_customer,
    money,
    transaction_post,
)
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.money import ZERO
from boss.months import month_start
from customers.models import Account

EXPORT_HEADER = ["item", "account", "bank_account_number", "account_holder", "amount", "month"]
RESULT_HEADER = ["item", "result", "amount", "reason"]


def item_code(item: BankCollectionItem) -> str:
    return str(item)


@transaction.atomic
def bank_collection_create(*, actor: Staff, period: date) -> list[BankCollectionBatch]:
    """Make the month's batches: every account paying by bank with arrears, one batch per bank. Run again,
    it adds only accounts not asked yet for the month (batches already answered are left alone).

    Raises BillingInputError (the month's bill run is not finished).
    """
    period = month_start(period)
    run = BillRun.objects.filter(period=period).first()
    if run is None or run.status == BillRun.Status.RUNNING:
        raise BillingInputError(_("Collect a month only after its bill run has finished."), field="period")
    asked = BankCollectionItem.objects.filter(account=OuterRef("pk"), period=period)
    accounts = list(Account.objects.filter(payment_method=Account.PaymentMethod.BANK).exclude(bank_code="")
                    .exclude(Exists(asked)).order_by("pk"))
    money_by_account = accounts_money(accounts)
    owing = [a for a in accounts if money_by_account[a.pk].arrears > ZERO]
    bills = defaultdict(list)
    for bill in (Bill.objects.filter(account__in=owing, settlement__isnull=True).order_by("account_id", "-period")
                 .only("pk", "account_id", "total")):
        bills[bill.account_id].append(bill)
    batches: dict[str, BankCollectionBatch] = {}
    items = []
    for account in owing:
        batch = batches.get(account.bank_code)
        if batch is None:
            batch, _created = BankCollectionBatch.objects.get_or_create(
                period=period, bank_code=account.bank_code, defaults={"created_by": actor})
            batches[account.bank_code] = batch
        if batch.status != BankCollectionBatch.Status.EXPORTED:
            continue
        arrears, covered, bill_ids = money_by_account[account.pk].arrears, ZERO, []
        for bill in bills[account.pk]:   # the unpaid bills this collection pays, newest first
            if covered >= arrears:
                break
            covered += bill.total
            bill_ids.append(bill.pk)
        items.append(BankCollectionItem(batch=batch, account=account, period=period, amount=arrears, bills=bill_ids))
    BankCollectionItem.objects.bulk_create(items)
    for batch in batches.values():
        rows = list(batch.items.values_list("amount", flat=True))
        batch.item_count, batch.total = len(rows), sum(rows, ZERO)
        batch.save(update_fields=["item_count", "total"])
    audit_record(actor=actor, action="bank_collection.create", target=None,
                 after={"period": f"{period:%Y-%m}", "batches": len(batches), "items": len(items)})
    return sorted(batches.values(), key=lambda b: b.bank_code)


@transaction.atomic
def bank_collection_export(*, actor: Staff, batch: BankCollectionBatch) -> str:
    """The file for the bank (full bank account numbers: it leaves the system, so it is audited).

    Not a bulk export of personal data under the second-approver rule (boss.exports, issue 12): the file is
    the collection itself, sent to the bank that holds these accounts under each holder's own direct-debit
    mandate, by the account room whose work it is (`billing.manage_bank_collection`); its content is fixed by
    the batch (no filter to choose whom it lists), and the bank already knows every account in it. Holding it
    for a second approver would delay the month's collection without protecting anyone. Each download is
    audited with the batch and its item count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    count = 0
    for item in batch.items.select_related("account").order_by("pk"):
        a = item.account
        writer.writerow([item_code(item), a.pk, a.bank_account_number, a.bank_account_holder, f"{item.amount:.2f}",
                         f"{item.period:%Y-%m}"])
        count += 1
    audit_record(actor=actor, action="bank_collection.export", target=batch, after={"items": count})
    return out.getvalue()


def _home_hall(account: Account):
    """The hall that issues an account's collection documents: where its (first) line was opened."""
    from customers.models import Line

    line = Line.objects.filter(account=account).select_related("hall").order_by("pk").first()
    return (line.hall, line.msisdn) if line else (None, "")


@transaction.atomic
def bank_collection_item_answer(*, actor: Staff, item: BankCollectionItem, paid: bool, amount=None,
                                reason: str = "") -> BankCollectionItem:
    """Record the bank's answer for one account. Paid: post it, issue the documents, settle the bills it
    pays, restore lines suspended for arrears. Rejected: keep the reason; the arrears stay.
    The same answer twice is a no-op; a different one for an answered item is refused.

    Raises CollectionFileError.
    """
    from billing.services.arrears import arrears_lines_restore
    from billing.services.points import bills_settle_accounts
    from customers.models import Line

    # The one lock order: the account's lines, the account, the item (ledger postings last).
    list(lock(Line.objects.filter(account_id=item.account_id).order_by("pk")))
    account = lock_by_key(Account, item.account_id)
    item = lock_by_key(BankCollectionItem, item.pk)
    amount = money(amount) if paid else None
    if not fsm.can_proceed(item.collect if paid else item.reject):   # answered already
        same = (item.status == BankCollectionItem.Status.PAID) == paid and (not paid or item.paid_amount == amount)
        if same:
            return item
        raise CollectionFileError(_("%(item)s was already answered differently.") % {"item": item_code(item)})
    now = timezone.now()
    if paid:
        if amount <= ZERO:
            raise CollectionFileError(_("A paid item needs the amount debited."))
        tx = transaction_post(actor=actor, kind="payment.bank_collection", reference=f"collection:{item.pk}",
                              postings=[debit(ledger_account_bank_clearing(bank=account.bank_code), amount),
                                        credit(ledger_account_customer(account=account), amount)],
                              memo=item_code(item))
        hall, msisdn = _home_hall(account)
        payment = Payment.objects.create(account=account, method=PaymentMethod.BANK_COLLECTION, amount=amount,
                                         reference=f"collection:{item.pk}", ledger_transaction=tx, actor=actor,
                                         hall=hall)
        if hall is not None:
            invoiced = min(amount, item.amount)
            with translation.override("zh-hans"):  # printed documents are in Chinese
                document_issue(actor=actor, kind=Document.Kind.INVOICE, hall=hall, customer_id=account.customer_id,
                               msisdn=msisdn, payment=payment, reference=f"collection:{item.pk}",
                               lines=[DocLine(_("Telecommunication charges (bank collection %(month)s)")
                                              % {"month": f"{item.period:%Y-%m}"}, invoiced)])
                if amount > invoiced:
                    document_issue(actor=actor, kind=Document.Kind.RECEIPT, hall=hall, customer_id=account.customer_id,
                                   msisdn=msisdn, payment=payment, reference=f"collection:{item.pk}",
                                   lines=[DocLine(_("Prepaid charges (collected beyond the amount due)"),
                                                  amount - invoiced)])
        item.collect(amount=amount, payment=payment, when=now)
        bills_settle_accounts(account_ids=[account.pk])
        restored = arrears_lines_restore(actor=actor, account=account)
    else:
        reason = (reason or "").strip()
        if not reason:
            raise CollectionFileError(_("A rejected item needs the bank's reason."))
        item.reject(reason=reason, when=now)
        restored = []
    item.save(update_fields=["status", "paid_amount", "payment", "reason", "answered_at"])
    audit_record(actor=actor, action="bank_collection.answer", target=account,
                 after={"item": item_code(item), "status": item.status, "amount": str(amount) if paid else None,
                        "reason": item.reason, "restored": [ln.msisdn for ln in restored]})
    return item


@dataclass
class ResultImport:
    paid: int = 0
    rejected: int = 0
    duplicates: int = 0
    paid_total: Decimal = ZERO
    errors: list = field(default_factory=list)   # [{"line": n, "error": "..."}]


def bank_collection_result_import(*, actor: Staff, batch: BankCollectionBatch, text: str) -> ResultImport:
    """Import the bank's result file for a batch, line by line (each its own transaction)."""
    result = ResultImport()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != RESULT_HEADER:
        raise CollectionFileError(_("The first line must be the header: %(h)s") % {"h": ",".join(RESULT_HEADER)},
                                  field="file")
    items = {item_code(i): i for i in batch.items.all()}
    for line_no, row in enumerate(reader, start=2):
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(RESULT_HEADER):
            result.errors.append({"line": line_no, "error": _("expected %(n)d fields") % {"n": len(RESULT_HEADER)}})
            continue
        code, outcome, amount, reason = (v.strip() for v in row)
        item = items.get(code)
        if item is None:
            result.errors.append({"line": line_no, "error": _("%(item)s is not in this batch") % {"item": code[:20]}})
            continue
        if outcome not in ("paid", "rejected"):
            result.errors.append({"line": line_no, "error": _("the result must be paid or rejected")})
            continue
        try:
            value = Decimal(amount) if outcome == "paid" else None
        except InvalidOperation:
            result.errors.append({"line": line_no, "error": _("bad amount")})
            continue
        before = item.status
        try:
            answered = bank_collection_item_answer(actor=actor, item=item, paid=outcome == "paid", amount=value,
                                                   reason=reason)
        except DomainError as exc:  # a bad amount, an item answered differently: reported by line
            result.errors.append({"line": line_no, "error": str(exc.message)})
            continue
        if before != BankCollectionItem.Status.PENDING or answered.answered_at is None:
            result.duplicates += 1
        elif answered.status == BankCollectionItem.Status.PAID:
            result.paid += 1
            result.paid_total += answered.paid_amount or ZERO
        else:
            result.rejected += 1
        items[code] = answered
    with transaction.atomic():
        batch = lock_by_key(BankCollectionBatch, batch.pk)
        # A file imported again into an answered batch changes nothing: it stays answered since the first time.
        if fsm.can_proceed(batch.answer) and not batch.items.filter(status=BankCollectionItem.Status.PENDING).exists():
            batch.answer(when=timezone.now())
            batch.save(update_fields=["status", "answered_at"])
        audit_record(actor=actor, action="bank_collection.result_import", target=batch,
                     after={"paid": result.paid, "rejected": result.rejected, "duplicates": result.duplicates,
                            "paid_total": str(result.paid_total), "errors": len(result.errors)})
    return result

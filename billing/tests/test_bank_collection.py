"""Bank collection: batches per bank after the bill run, the export file, the bank's result imported (paid
posted with documents, bills settled and lines restored; rejected left in arrears with the reason),
imported twice without posting twice, bad lines reported by number."""

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import BillingInputError, CollectionFileError
from billing.models import (
    BankCollectionBatch,
    BankCollectionItem,
    BillSettlement,
    Document,
    LedgerTransaction,
    PointsLot,
)
from billing.selectors import account_balance, account_money, ledger_check_balanced
from billing.services.bank_collection import (
    bank_collection_create,
    bank_collection_export,
    bank_collection_item_answer,
    bank_collection_result_import,
)
from billing.services.ledger import ledger_account_bank_clearing
from boss.models import AuditEvent

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = date(2025, 3, 1)


@pytest.fixture
def batch(bank_line, billed_month, clerk):
    bank_line("13800138000", bank="ICBC")
    bank_line("13800138001", bank="ICBC")
    bank_line("13800138002", bank="CCB")
    billed_month(MARCH)
    return {b.bank_code: b for b in bank_collection_create(actor=clerk, period=MARCH)}


def result_file(*rows):
    return "item,result,amount,reason\n" + "".join(",".join(r) + "\n" for r in rows)


def test_one_batch_per_bank_for_the_accounts_in_arrears_after_the_bill_run(batch, make_line, clerk):
    assert sorted(batch) == ["CCB", "ICBC"]
    assert (batch["ICBC"].item_count, batch["ICBC"].total) == (2, D("116.00"))
    item = batch["CCB"].items.get()
    assert item.amount == D("58.00") and len(item.bills) == 1
    again = bank_collection_create(actor=clerk, period=MARCH)     # run twice: nothing new
    assert BankCollectionItem.objects.count() == 3 and len(again) == 0


def test_a_month_is_collected_only_after_its_bill_run(bank_line, clerk):
    bank_line("13800138000")
    with pytest.raises(BillingInputError) as exc:
        bank_collection_create(actor=clerk, period=MARCH)
    assert exc.value.field == "period" and not BankCollectionBatch.objects.exists()


def test_the_export_file_has_the_full_bank_account_and_is_audited(batch, clerk):
    text = bank_collection_export(actor=clerk, batch=batch["CCB"])
    lines = text.splitlines()
    item = batch["CCB"].items.get()
    assert lines[0] == "item,account,bank_account_number,account_holder,amount,month"
    assert lines[1] == f"{item},{item.account_id},{item.account.bank_account_number},张三,58.00,2025-03"
    assert AuditEvent.objects.filter(action="bank_collection.export").count() == 1


def test_paid_items_are_posted_with_an_invoice_settled_and_earn_points(batch, clerk):
    item = batch["CCB"].items.get()
    result = bank_collection_result_import(actor=clerk, batch=batch["CCB"],
                                           text=result_file((str(item), "paid", "58.00", "")))
    assert (result.paid, result.rejected, result.errors) == (1, 0, [])
    item.refresh_from_db()
    assert item.status == "paid" and item.payment.method == "bank_collection"
    assert account_money(item.account).balance == D("0.00")
    assert account_balance(ledger_account_bank_clearing(bank="CCB")) == D("58.00")
    docs = list(Document.objects.filter(payment=item.payment))
    assert [(d.kind, d.total) for d in docs] == [("invoice", D("58.00"))]
    assert BillSettlement.objects.filter(bill__account=item.account).count() == 1
    assert PointsLot.objects.get(customer=item.account.customer).points == 58
    assert BankCollectionBatch.objects.get(pk=batch["CCB"].pk).status == "answered"


def test_an_over_deduction_gets_a_receipt_for_what_was_taken_beyond_the_arrears(batch, clerk):
    item = batch["CCB"].items.get()
    bank_collection_result_import(actor=clerk, batch=batch["CCB"], text=result_file((str(item), "paid", "80.00", "")))
    kinds = sorted((d.kind, d.total) for d in Document.objects.filter(payment__collection_item=item))
    assert kinds == [("invoice", D("58.00")), ("receipt", D("22.00"))]
    assert account_money(item.account).balance == D("22.00")


def test_rejected_items_stay_in_arrears_with_the_bank_reason(batch, clerk):
    a, b = batch["ICBC"].items.order_by("pk")
    result = bank_collection_result_import(actor=clerk, batch=batch["ICBC"], text=result_file(
        (str(a), "paid", "58.00", ""), (str(b), "rejected", "", "余额不足")))
    assert (result.paid, result.rejected) == (1, 1)
    b.refresh_from_db()
    assert (b.status, b.reason) == ("rejected", "余额不足")
    assert account_money(b.account).balance == D("-58.00")
    assert not BillSettlement.objects.filter(bill__account=b.account).exists()


def test_a_result_file_imported_twice_posts_nothing_twice(batch, clerk):
    item = batch["CCB"].items.get()
    text = result_file((str(item), "paid", "58.00", ""))
    bank_collection_result_import(actor=clerk, batch=batch["CCB"], text=text)
    before = (LedgerTransaction.objects.count(), Document.objects.count(), PointsLot.objects.count())
    again = bank_collection_result_import(actor=clerk, batch=batch["CCB"], text=text)
    assert (again.paid, again.duplicates) == (0, 1)
    assert (LedgerTransaction.objects.count(), Document.objects.count(), PointsLot.objects.count()) == before
    assert ledger_check_balanced() == []


def test_a_batch_is_answered_once_every_item_is_and_stays_so_on_a_second_import(batch, clerk):
    a, b = batch["ICBC"].items.order_by("pk")
    bank_collection_result_import(actor=clerk, batch=batch["ICBC"], text=result_file((str(a), "paid", "58.00", "")))
    assert BankCollectionBatch.objects.get(pk=batch["ICBC"].pk).status == "exported"   # b is still pending
    text = result_file((str(a), "paid", "58.00", ""), (str(b), "rejected", "", "余额不足"))
    bank_collection_result_import(actor=clerk, batch=batch["ICBC"], text=text)
    answered = BankCollectionBatch.objects.get(pk=batch["ICBC"].pk)
    assert answered.status == "answered" and answered.answered_at is not None
    again = bank_collection_result_import(actor=clerk, batch=batch["ICBC"], text=text)
    assert again.duplicates == 2 and again.errors == []
    assert BankCollectionBatch.objects.get(pk=answered.pk).answered_at == answered.answered_at
    assert AuditEvent.objects.filter(action="bank_collection.result_import").count() == 3


def test_bad_lines_are_reported_by_number_and_the_good_ones_kept(batch, clerk):
    a, b = batch["ICBC"].items.order_by("pk")
    result = bank_collection_result_import(actor=clerk, batch=batch["ICBC"], text=result_file(
        ("BC99999999", "paid", "1.00", ""),
        (str(a), "maybe", "", ""),
        (str(a), "paid", "abc", ""),
        (str(b), "rejected", "", ""),          # no reason
        (str(a), "paid", "58.00", ""),
        (str(a), "paid", "57.00", ""),         # answered differently
    ))
    assert result.paid == 1
    assert [e["line"] for e in result.errors] == [2, 3, 4, 5, 7]
    b.refresh_from_db()
    assert b.status == "pending"


def test_a_wrong_header_is_refused_and_nothing_is_posted(batch, clerk):
    with pytest.raises(CollectionFileError):
        bank_collection_result_import(actor=clerk, batch=batch["CCB"], text="id,ok\nX,1\n")
    assert not BankCollectionItem.objects.exclude(status="pending").exists()


def test_a_collection_restores_a_line_suspended_for_arrears(bank_line, billed_month, clerk, system):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from billing.services.arrears import arrears_scan
    from provisioning.models import WorkOrder

    line = bank_line("13800138000", bank="CCB")
    billed_month(MARCH)
    arrears_scan(actor=system)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    line.refresh_from_db()
    assert line.status == "suspended_arrears"
    (batch,) = bank_collection_create(actor=clerk, period=MARCH)
    bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True, amount=D("58.00"))
    line.refresh_from_db()
    assert line.status == "active" and WorkOrder.objects.filter(action="resume", line=line).count() == 1

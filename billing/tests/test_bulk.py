"""Bulk inserts of the batch jobs (billing/services/bulk.py): the values come back as given, ids in the order of
the rows, and the ledger's balance trigger still refuses an unbalanced batch (COPY on PostgreSQL)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from billing.models import LedgerEntry, LedgerTransaction
from billing.services.bulk import copy_text, insert_rows
from billing.services.ledger import ledger_account_cash_drawer, ledger_account_revenue

pytestmark = pytest.mark.django_db
D = Decimal


def test_rows_come_back_as_given_with_their_ids_in_order(rep):
    now = timezone.now()
    memos = ["tab\there", "line\nend\r", "back\\slash \\N", "中文 话费 10月", ""]
    ids = insert_rows(LedgerTransaction, ["kind", "memo", "reference", "actor", "hall", "booked_on", "created_at"],
                      [("bulk", memo, f"r{i}", rep.pk, None, date(2026, 10, 31), now) for i, memo in enumerate(memos)],
                      returning=True)
    assert ids == sorted(ids) and len(set(ids)) == len(memos)
    rows = LedgerTransaction.objects.in_bulk(ids)
    assert [(rows[pk].memo, rows[pk].reference) for pk in ids] == [(m, f"r{i}") for i, m in enumerate(memos)]
    assert {(r.hall_id, r.booked_on) for r in rows.values()} == {(None, date(2026, 10, 31))}


def test_an_insert_without_returning_gives_no_ids(rep):
    drawer, revenue = ledger_account_cash_drawer(staff=rep), ledger_account_revenue(fee_type="sim_card")
    [tx] = insert_rows(LedgerTransaction, ["kind", "memo", "reference", "actor", "booked_on", "created_at"],
                       [("bulk", "", "", rep.pk, date(2026, 10, 31), timezone.now())], returning=True)
    assert insert_rows(LedgerEntry, ["transaction", "account", "amount"],
                       [(tx, drawer.pk, D("1.25")), (tx, revenue.pk, D("-1.25"))]) == []
    assert sorted(LedgerEntry.objects.filter(transaction_id=tx).values_list("amount", flat=True)) == [D("-1.25"),
                                                                                                       D("1.25")]


@pytest.mark.postgres
def test_the_balance_trigger_refuses_an_unbalanced_bulk_insert(rep):
    drawer, revenue = ledger_account_cash_drawer(staff=rep), ledger_account_revenue(fee_type="sim_card")
    tx = LedgerTransaction.objects.create(kind="raw", actor=rep)
    with pytest.raises(DatabaseError, match="not balanced"), transaction.atomic():
        insert_rows(LedgerEntry, ["transaction", "account", "amount"],
                    [(tx.pk, drawer.pk, D("5.00")), (tx.pk, revenue.pk, D("-4.00"))])
    assert LedgerEntry.objects.count() == 0


def test_copy_text_of_each_kind_of_value():
    assert [copy_text(v) for v in (None, True, False, 7, D("-1.50"), date(2026, 10, 1), "a\tb\\")] == [
        "\\N", "t", "f", "7", "-1.50", "2026-10-01", "a\\tb\\\\"]
    with pytest.raises(TypeError):
        copy_text(1.5)

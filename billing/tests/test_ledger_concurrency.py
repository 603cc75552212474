"""Real concurrent transactions on PostgreSQL: no lost update, floors hold, one reversal wins."""

from decimal import Decimal

import pytest

from billing.errors import AlreadyReversedError, InsufficientBalanceError
from billing.models import LedgerTransaction
from billing.selectors import account_balance, ledger_check_balanced
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_bank_clearing,
    ledger_account_cash_drawer,
    ledger_account_revenue,
    transaction_post,
    transaction_reverse,
)
from boss.tests.threads import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_twenty_threads_posting_to_the_same_accounts_lose_nothing(rep):
    drawer = ledger_account_cash_drawer(staff=rep)
    revenue = ledger_account_revenue(fee_type="monthly")
    bank = ledger_account_bank_clearing(bank="ICBC")

    def post(i):
        for _ in range(5):
            transaction_post(actor=rep, kind="pay", postings=[debit(drawer, D("1.10")), debit(bank, D("2.00")),
                                                              credit(revenue, D("3.10"))])
        return i

    outcomes, errors = run_concurrently(20, post)
    assert not errors and len(outcomes) == 20
    assert account_balance(drawer) == D("110.00")
    assert account_balance(bank) == D("200.00")
    assert account_balance(revenue) == D("310.00")
    assert ledger_check_balanced() == []


def test_concurrent_spending_never_takes_a_floor_account_below_zero(rep):
    drawer = ledger_account_cash_drawer(staff=rep)
    revenue = ledger_account_revenue(fee_type="monthly")
    transaction_post(actor=rep, kind="in", postings=[debit(drawer, D("100.00")), credit(revenue, D("100.00"))])

    def spend(i):
        return transaction_post(actor=rep, kind="out", postings=[credit(drawer, D("10.00")), debit(revenue,
                                                                                                   D("10.00"))])

    outcomes, errors = run_concurrently(20, spend)
    assert len(outcomes) == 10
    assert len(errors) == 10 and all(isinstance(e, InsufficientBalanceError) for e in errors)
    assert account_balance(drawer) == D("0.00")


def test_every_transaction_reversed_twice_concurrently_is_reversed_once(rep):
    drawer = ledger_account_cash_drawer(staff=rep, method="pos")
    revenue = ledger_account_revenue(fee_type="monthly")
    originals = [transaction_post(actor=rep, kind="pay", postings=[debit(drawer, D("5.00")),
                                                                   credit(revenue, D("5.00"))])
                 for _ in range(10)]

    def reverse(i):
        return transaction_reverse(actor=rep, tx=originals[i // 2])

    outcomes, errors = run_concurrently(20, reverse)
    assert len(outcomes) == 10 and len(errors) == 10
    assert all(isinstance(e, AlreadyReversedError) for e in errors)
    assert account_balance(drawer) == D("0.00") and account_balance(revenue) == D("0.00")
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 10

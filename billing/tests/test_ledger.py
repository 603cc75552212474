from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from billing.errors import (
    AlreadyReversedError,
    InsufficientBalanceError,
    InvalidAmountError,
    UnbalancedTransactionError,
)
from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.selectors import account_balance, account_balances, ledger_check_balanced
from billing.services.ledger import (
    Posting,
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_revenue,
    transaction_post,
    transaction_reverse,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def drawer(rep):
    return ledger_account_cash_drawer(staff=rep)


@pytest.fixture
def revenue():
    return ledger_account_revenue(fee_type="sim_card")


def _counts():
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count()


def test_a_balanced_transaction_is_posted_and_balances_are_sums(rep, drawer, revenue):
    tx = transaction_post(actor=rep, kind="payment.cash", postings=[debit(drawer, D("30.00")),
                                                                    credit(revenue, D("30.00"))],
                          reference="order:1")
    assert tx.entries.count() == 2 and tx.hall == rep.hall
    assert account_balance(drawer) == D("30.00")  # an asset: debits raise it
    assert account_balance(revenue) == D("30.00")  # revenue: credits raise it
    assert account_balances([drawer, revenue]) == {drawer.pk: D("30.00"), revenue.pk: D("30.00")}
    assert ledger_check_balanced() == []


@pytest.mark.parametrize("postings", [
    lambda d, r: [debit(d, D("30.00")), credit(r, D("29.99"))],
    lambda d, r: [debit(d, D("30.00"))],
    lambda d, r: [],
])
def test_unbalanced_transactions_are_refused_and_nothing_is_written(rep, drawer, revenue, postings):
    with pytest.raises(UnbalancedTransactionError) as exc:
        transaction_post(actor=rep, kind="x", postings=postings(drawer, revenue))
    assert exc.value.code == "unbalanced_transaction"
    assert _counts() == (0, 0)


@pytest.mark.parametrize("amount", [D("0.001"), D("0"), 1.5, "abc", D("NaN"), D("1e20")])
def test_bad_amounts_are_refused_and_nothing_is_written(rep, drawer, revenue, amount):
    with pytest.raises(InvalidAmountError):
        transaction_post(actor=rep, kind="x", postings=[Posting(drawer, amount), Posting(revenue, amount)])
    assert _counts() == (0, 0)


def test_a_non_negative_account_cannot_go_below_zero(rep, drawer, revenue):
    transaction_post(actor=rep, kind="in", postings=[debit(drawer, D("10.00")), credit(revenue, D("10.00"))])
    with pytest.raises(InsufficientBalanceError) as exc:
        transaction_post(actor=rep, kind="out", postings=[credit(drawer, D("10.01")), debit(revenue, D("10.01"))])
    assert exc.value.params["balance"] == "10.00"
    assert account_balance(drawer) == D("10.00") and _counts() == (1, 2)
    transaction_post(actor=rep, kind="out", postings=[credit(drawer, D("10.00")), debit(revenue, D("10.00"))])
    assert account_balance(drawer) == D("0.00")


def test_reversal_mirrors_the_original_and_happens_once(rep, drawer, revenue):
    tx = transaction_post(actor=rep, kind="payment.cash", postings=[debit(drawer, D("30.00")),
                                                                    credit(revenue, D("30.00"))])
    rev = transaction_reverse(actor=rep, tx=tx)
    assert rev.reverses == tx and rev.kind == "payment.cash.reversal"
    assert account_balance(drawer) == D("0.00") and account_balance(revenue) == D("0.00")
    with pytest.raises(AlreadyReversedError):
        transaction_reverse(actor=rep, tx=tx)
    with pytest.raises(AlreadyReversedError):
        transaction_reverse(actor=rep, tx=rev)  # a reversal is corrected by a new posting, not reversed
    assert _counts() == (2, 4)


def test_ledger_rows_are_immutable_through_the_orm(rep, drawer, revenue):
    tx = transaction_post(actor=rep, kind="x", postings=[debit(drawer, D("1.00")), credit(revenue, D("1.00"))])
    entry = tx.entries.first()
    entry.amount = D("2.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        tx.delete()


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_ledger_rows(rep, drawer, revenue):
    tx = transaction_post(actor=rep, kind="x", postings=[debit(drawer, D("1.00")), credit(revenue, D("1.00"))])
    for sql, arg in [("UPDATE billing_ledgerentry SET amount = 5 WHERE transaction_id = %s", tx.pk),
                     ("DELETE FROM billing_ledgerentry WHERE transaction_id = %s", tx.pk),
                     ("UPDATE billing_ledgertransaction SET memo = 'x' WHERE id = %s", tx.pk)]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [arg])
    assert account_balance(drawer) == D("1.00")


@pytest.mark.postgres
def test_the_database_refuses_an_unbalanced_insert_that_bypasses_the_service(rep, drawer, revenue):
    tx = LedgerTransaction.objects.create(kind="raw", actor=rep)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.bulk_create([LedgerEntry(transaction=tx, account=drawer, amount=D("5.00")),
                                         LedgerEntry(transaction=tx, account=revenue, amount=D("-4.00"))])
    assert LedgerEntry.objects.count() == 0


def test_accounts_are_found_by_code_not_duplicated(rep):
    assert ledger_account_cash_drawer(staff=rep) == ledger_account_cash_drawer(staff=rep)
    assert LedgerAccount.objects.filter(kind=LedgerAccount.Kind.CASH_DRAWER).count() == 1
    assert ledger_account_cash_drawer(staff=rep).non_negative is True
    assert ledger_account_cash_drawer(staff=rep, method="pos").non_negative is False


def test_account_money_reads_balance_and_deposit_of_a_billing_account(rep, drawer):
    from billing.selectors import account_money, accounts_money
    from billing.services.ledger import ledger_account_customer, ledger_account_deposit
    from customers.models import Account, Customer, CustomerIdentity

    identity = CustomerIdentity.objects.create(doc_type="resident_id", number="11010519491231002X", name="张三")
    customer = Customer.objects.create(kind="individual", name="张三", identity=identity)
    account = Account.objects.create(customer=customer)
    other = Account.objects.create(customer=customer)
    transaction_post(actor=rep, kind="payment.cash", postings=[
        debit(drawer, D("150.00")), credit(ledger_account_customer(account=account), D("50.00")),
        credit(ledger_account_deposit(account=account), D("100.00"))])
    transaction_post(actor=rep, kind="bill", postings=[
        debit(ledger_account_customer(account=other), D("20.00")), credit(ledger_account_revenue(fee_type="monthly"),
                                                                          D("20.00"))])
    money = account_money(account)
    assert (money.balance, money.deposit, money.arrears) == (D("50.00"), D("100.00"), D("0"))
    both = accounts_money([account, other])
    assert both[other.pk].balance == D("-20.00") and both[other.pk].arrears == D("20.00")


@pytest.mark.parametrize("joined_up_to", [100, 0])
def test_many_accounts_read_as_a_range_give_only_their_own_money(rep, drawer, monkeypatch, joined_up_to):
    """Dense ids are read as a range (ids_q): an account inside the range that was not asked for is not in the
    answer, and its money is in no one else's; an account with no entries has none. The same with the join of a
    few accounts and with the subqueries of many (ACCOUNTS_JOINED)."""
    from billing import selectors
    from billing.selectors import accounts_money, unbilled_charges

    monkeypatch.setattr(selectors, "ACCOUNTS_JOINED", joined_up_to)
    from billing.services.ledger import ledger_account_customer, ledger_account_deposit
    from customers.models import Account, Customer, CustomerIdentity

    identity = CustomerIdentity.objects.create(doc_type="resident_id", number="11010519491231002X", name="张三")
    customer = Customer.objects.create(kind="individual", name="张三", identity=identity)
    first, middle, last = (Account.objects.create(customer=customer) for _ in range(3))
    for account, amount in ((first, D("10.00")), (middle, D("500.00"))):
        transaction_post(actor=rep, kind="payment.cash", postings=[
            debit(drawer, amount * 2), credit(ledger_account_customer(account=account), amount),
            credit(ledger_account_deposit(account=account), amount)])
    money = accounts_money([first.pk, last.pk])
    assert set(money) == {first.pk, last.pk}
    assert (money[first.pk].balance, money[first.pk].deposit) == (D("10.00"), D("10.00"))
    assert (money[last.pk].balance, money[last.pk].deposit) == (D("0"), D("0"))
    assert unbilled_charges([first.pk, last.pk]) == {}


def test_the_balance_accounts_of_many_billing_accounts_are_theirs_alone_and_made_where_missing():
    """Read as a range of billing accounts (ids_q) with the balance kind: an account in the range that was not
    asked for is not returned; one with no ledger account yet gets it, once."""
    from billing.services.ledger import ledger_account_customer, ledger_account_deposit, ledger_accounts_customer_many
    from customers.models import Account, Customer, CustomerIdentity

    identity = CustomerIdentity.objects.create(doc_type="resident_id", number="11010519491231002X", name="张三")
    customer = Customer.objects.create(kind="individual", name="张三", identity=identity)
    first, middle, last = (Account.objects.create(customer=customer) for _ in range(3))
    known = {a.pk: ledger_account_customer(account=a) for a in (first, middle)}
    ledger_account_deposit(account=first)   # another kind of the same billing account: not its balance
    found = ledger_accounts_customer_many(account_ids={first.pk, last.pk})
    assert set(found) == {first.pk, last.pk} and found[first.pk].pk == known[first.pk].pk
    assert found[last.pk].code == f"customer:{last.pk}" and found[last.pk].kind == "customer"
    assert ledger_accounts_customer_many(account_ids=[last.pk])[last.pk].pk == found[last.pk].pk
    assert LedgerAccount.objects.filter(billing_account=last).count() == 1

"""Property tests (hypothesis): any sequence of postings and reversals keeps every transaction balanced
and every balance equal to the sum of its entries, checked against a reference model kept in plain
Python (TigerBeetle's auditor idea, domain-rules B3)."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from billing.errors import AlreadyReversedError, InsufficientBalanceError
from billing.models import LedgerAccount, LedgerEntry
from billing.selectors import account_balances, ledger_check_balanced
from billing.services.ledger import Posting, transaction_post, transaction_reverse

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)


@pytest.mark.django_db
def test_ledger_state_machine(rep):
    accounts = [
        LedgerAccount.objects.create(code=f"acct:{i}", kind=kind, non_negative=floor)
        for i, (kind, floor) in enumerate([
            (LedgerAccount.Kind.CASH_DRAWER, True), (LedgerAccount.Kind.BANK_CLEARING, False),
            (LedgerAccount.Kind.CUSTOMER, False), (LedgerAccount.Kind.DEPOSIT, True),
            (LedgerAccount.Kind.REVENUE, False),
        ])
    ]

    class Ledger(RuleBasedStateMachine):
        transactions = Bundle("transactions")

        def __init__(self):
            super().__init__()
            # Each example runs in a savepoint that teardown() rolls back, so examples replay alike.
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.model = {a.pk: Decimal("0.00") for a in accounts}  # signed sums (debit +)
            self.reversed = set()
            self.postings = {}

        def _floor_ok(self, delta):
            for account in accounts:
                if account.non_negative and account.pk in delta:
                    new = account.normal(self.model[account.pk] + delta[account.pk])
                    if new < 0 and account.normal(delta[account.pk]) < 0:
                        return False
            return True

        @rule(target=transactions, data=st.data(), n=st.integers(min_value=2, max_value=4))
        def post(self, data, n):
            chosen = data.draw(st.lists(st.sampled_from(accounts), min_size=n, max_size=n))
            parts = data.draw(st.lists(amounts, min_size=n - 1, max_size=n - 1))
            signed = [a if data.draw(st.booleans()) else -a for a in parts]
            if sum(signed) == 0:
                return None  # the last leg would be zero: not a transaction
            signed.append(-sum(signed))
            postings = [Posting(acc, amt) for acc, amt in zip(chosen, signed, strict=True)]
            delta = {}
            for p in postings:
                delta[p.account.pk] = delta.get(p.account.pk, Decimal("0")) + p.amount
            try:
                tx = transaction_post(actor=rep, kind="prop", postings=postings)
            except InsufficientBalanceError:
                assert not self._floor_ok(delta)
                return None
            assert self._floor_ok(delta)
            for pk, d in delta.items():
                self.model[pk] += d
            self.postings[tx.pk] = delta
            return tx

        @rule(tx=transactions)
        def reverse(self, tx):
            if tx is None:
                return
            delta = {pk: -d for pk, d in self.postings[tx.pk].items()}
            try:
                rev = transaction_reverse(actor=rep, tx=tx)
            except AlreadyReversedError:
                assert tx.pk in self.reversed
                return
            except InsufficientBalanceError:
                assert not self._floor_ok(delta)
                return
            assert tx.pk not in self.reversed
            self.reversed.add(tx.pk)
            for pk, d in delta.items():
                self.model[pk] += d
            self.postings[rev.pk] = delta

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        @invariant()
        def balances_match_the_model(self):
            balances = account_balances(accounts)
            for account in accounts:
                assert balances[account.pk] == account.normal(self.model[account.pk])
                if account.non_negative:
                    assert balances[account.pk] >= 0

        @invariant()
        def every_transaction_is_balanced(self):
            unbalanced = ledger_check_balanced()
            assert unbalanced == [], [(e.transaction_id, e.account_id, e.amount) for e in
                                      LedgerEntry.objects.filter(transaction__in=unbalanced)]
            assert sum(LedgerEntry.objects.values_list("amount", flat=True), Decimal("0")) == 0  # exact, in Python

    Ledger.TestCase.settings = settings(max_examples=60, stateful_step_count=15, deadline=None,
                                        suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                               HealthCheck.too_slow])
    runner = Ledger.TestCase("runTest")
    runner.runTest()

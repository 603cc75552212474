"""Ledger accounts kept per process by their code (issue 20): read once, then served without a query until the
time runs out; never kept from a transaction that rolled back."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.models import LedgerAccount
from billing.services import ledger
from billing.services.ledger import ledger_account_cache_clear, ledger_account_cash_drawer, ledger_account_revenue
from boss.server_prepared import original

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.BOSS_LEDGER_ACCOUNT_CACHE_SECONDS = 60
    ledger_account_cache_clear()
    yield
    ledger_account_cache_clear()


def test_an_account_read_in_a_committed_transaction_is_served_without_a_query(
        kept, rep, django_capture_on_commit_callbacks, django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        first = ledger_account_cash_drawer(staff=rep)
    with django_assert_num_queries(0):
        again = ledger_account_cash_drawer(staff=rep)
    assert again is not first  # each caller gets its own instance
    assert (again.pk, again.code, again.kind, again.staff_id, again.hall_id, again.non_negative) == (
        first.pk, first.code, first.kind, first.staff_id, first.hall_id, first.non_negative)
    assert again._state.adding is False and again._state.db == "default"


def test_an_account_created_in_a_transaction_that_rolled_back_is_not_kept(
        kept, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            ledger_account_revenue(fee_type="cached_fee")
            raise RuntimeError("rolled back")
    assert not LedgerAccount.objects.filter(code="revenue:cached_fee").exists()
    with CaptureQueriesContext(connection) as queries:
        created = ledger_account_revenue(fee_type="cached_fee")
    assert any(original(q["sql"]).startswith("INSERT") for q in queries)  # read and created again, not served kept
    assert LedgerAccount.objects.filter(pk=created.pk).exists()


def test_the_kept_account_is_read_again_once_its_time_runs_out(
        kept, rep, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_account_cash_drawer(staff=rep)
    clock = ledger.time.monotonic() + 61
    monkeypatch.setattr(ledger.time, "monotonic", lambda: clock)
    with django_assert_num_queries(1):
        ledger_account_cash_drawer(staff=rep)


def test_with_no_time_set_every_read_queries(rep, settings, django_capture_on_commit_callbacks,
                                             django_assert_num_queries):
    settings.BOSS_LEDGER_ACCOUNT_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        ledger_account_cash_drawer(staff=rep)
    with django_assert_num_queries(1):
        ledger_account_cash_drawer(staff=rep)


def test_an_account_another_counter_created_a_moment_ago_is_found_and_the_transaction_goes_on(
        kept, monkeypatch):
    """The read found nothing, then another counter's first use committed the row: the INSERT meets the unique code
    in its savepoint, the row is read again, and the posting's transaction can go on."""
    theirs = LedgerAccount.objects.create(code="revenue:raced_fee", kind=LedgerAccount.Kind.REVENUE,
                                          subtype="raced_fee", name="revenue:raced_fee")
    read = ledger._ACCOUNT_BY_CODE
    calls = []

    class ReadBeforeTheirCommit:
        def __call__(self, code):
            calls.append(code)
            return [] if len(calls) == 1 else read(code)

        def one(self, code):
            calls.append(code)
            return read.one(code)

    monkeypatch.setattr(ledger, "_ACCOUNT_BY_CODE", ReadBeforeTheirCommit())
    with transaction.atomic():
        mine = ledger_account_revenue(fee_type="raced_fee")
        assert LedgerAccount.objects.filter(code="revenue:raced_fee").count() == 1   # the transaction goes on
    assert mine.pk == theirs.pk and calls == ["revenue:raced_fee", "revenue:raced_fee"]

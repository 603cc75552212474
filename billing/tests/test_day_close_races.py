"""The daily close against itself and against payments, on PostgreSQL with real concurrent transactions:
two closes of one drawer at once (one wins, the other is refused cleanly, one close row), and payments
racing a close (each lands either before the close, counted in it, or on the next business day; never in
the closed day after its count)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import DrawerClose, LedgerTransaction
from billing.selectors import ledger_check_balanced
from billing.services.day_close import drawer_close
from billing.services.payments import payment_collect
from boss.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(*calls):
    """Run each call on its own connection, started together; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except DomainError as exc:
            errors[i] = exc
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


def test_two_closes_of_one_drawer_at_once_one_wins(rep, make_account):
    payment_collect(actor=rep, account=make_account(), amount=Decimal("50.00"), method="cash")
    for _round in range(3):
        DrawerClose.objects.filter(staff=rep).update(status=DrawerClose.Status.REOPENED)
        results, errors = _together(*[lambda: drawer_close(actor=rep, denominations={"50": 1})] * 2)
        assert sorted(e.code if e else "" for e in errors) == ["", "drawer_closed"], errors
        assert DrawerClose.objects.filter(staff=rep).exclude(status="reopened").count() == 1


def test_payments_racing_a_close_land_before_it_or_on_the_next_day(rep, make_account):
    accounts = [make_account() for _ in range(6)]
    today = timezone.localdate()
    payment_collect(actor=rep, account=accounts[0], amount=Decimal("10.00"), method="cash")

    def pay(account):
        return lambda: payment_collect(actor=rep, account=account, amount=Decimal("10.00"), method="cash")

    def close():
        return drawer_close(actor=rep, denominations={"10": 1}, reason="点钞时尚未收齐")

    results, errors = _together(close, *[pay(a) for a in accounts[1:]])
    assert errors == [None] * 6, errors
    closed = DrawerClose.objects.get(staff=rep)
    in_day = sum(p.payment.amount for p in results[1:] if p.payment.ledger_transaction.booked_on == today)
    later = [p for p in results[1:] if p.payment.ledger_transaction.booked_on != today]
    assert all(p.payment.ledger_transaction.booked_on == today + timedelta(days=1) for p in later)
    assert closed.cash_in == Decimal("10.00") + in_day == closed.ledger_cash
    assert ledger_check_balanced() == []
    assert LedgerTransaction.objects.filter(kind="drawer.difference").count() == (1 if closed.difference else 0)

"""The daily close (日结): a rep's drawer against the ledger, differences posted (never edited) and approved,
the hall's close with the bank deposit, postings after a close landing on the next business day, a posting
into a closed day refused, re-opening audited, and every refusal writing nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.errors import (
    BillingInputError,
    DayClosedError,
    DayNotClosedError,
    DepositMismatchError,
    DifferencePendingError,
    DrawerClosedError,
    DrawersOpenError,
    FourEyesError,
)
from billing.models import DrawerClose, HallDayClose, LedgerTransaction
from billing.selectors import account_balance, ledger_check_balanced
from billing.services.day_close import (
    denominations_total,
    drawer_close,
    drawer_difference_approve,
    hall_day_close,
    hall_day_reopen,
    hall_day_state,
)
from billing.services.ledger import credit, debit, ledger_account_cash_drawer, ledger_account_suspense, transaction_post
from billing.services.payments import payment_collect
from boss.errors import NotPermitted
from boss.models import AuditEvent


@pytest.fixture
def store(make_staff):
    return make_staff("store_manager", username="store")


@pytest.fixture
def manager(make_staff):
    return make_staff("manager", username="boss", hall=None)


@pytest.fixture
def take(make_account):
    """take(rep, amount, method="cash") → money collected into the rep's drawer."""
    def run(rep, amount, method="cash"):
        return payment_collect(actor=rep, account=make_account(), amount=Decimal(amount), method=method)
    return run


def _written():
    return (LedgerTransaction.objects.count(), DrawerClose.objects.count(), HallDayClose.objects.count(),
            AuditEvent.objects.filter(action__in=["drawer.close", "hall_day.close", "hall_day.reopen",
                                                  "drawer.difference_approve"]).count())


def test_denominations_are_counted_and_checked():
    assert denominations_total({"100": 2, "50": "1", "0.5": 3, "0.1": 0}) == ({"100": 2, "50": 1, "0.5": 3},
                                                                              Decimal("251.50"))
    for bad in ({"3": 1}, {"100": -1}, {"100": "x"}):
        with pytest.raises(BillingInputError) as exc:
            denominations_total(bad)
        assert exc.value.field == "denominations"


def test_a_drawer_that_matches_closes_without_a_posting(rep, take):
    take(rep, "120.00")
    take(rep, "30.00", method="bank_card")
    before = LedgerTransaction.objects.count()
    close = drawer_close(actor=rep, denominations={"100": 1, "20": 1})
    assert close.status == DrawerClose.Status.CLOSED
    assert (close.counted_cash, close.ledger_cash, close.difference) == (Decimal("120.00"),) * 2 + (Decimal("0"),)
    assert close.cash_in == Decimal("120.00") and close.card_total == Decimal("30.00")
    assert close.invoices + close.receipts == 2 and close.receipts_total == Decimal("150.00")
    assert LedgerTransaction.objects.count() == before
    assert AuditEvent.objects.filter(action="drawer.close", target_id=str(close.pk)).exists()


def test_a_shortage_is_posted_as_an_entry_and_waits_for_approval(rep, store, take):
    take(rep, "120.00")
    cash = ledger_account_cash_drawer(staff=rep)
    close = drawer_close(actor=rep, denominations={"100": 1, "10": 1}, reason="找零多给了10元")
    assert close.status == DrawerClose.Status.PENDING and close.difference == Decimal("-10.00")
    tx = close.difference_transaction
    assert tx.kind == "drawer.difference" and tx.booked_on == timezone.localdate()
    assert account_balance(cash) == Decimal("110.00")          # the ledger now says what was counted
    assert ledger_check_balanced() == []
    with pytest.raises(NotPermitted):
        drawer_difference_approve(actor=rep, close=close)
    approved = drawer_difference_approve(actor=store, close=close)
    assert approved.status == DrawerClose.Status.CLOSED and approved.approved_by == store


def test_a_difference_needs_a_reason_and_a_refused_close_writes_nothing(rep, take):
    take(rep, "120.00")
    before = _written()
    with pytest.raises(BillingInputError) as exc:
        drawer_close(actor=rep, denominations={"100": 1})
    assert exc.value.field == "reason" and str(exc.value.message)
    assert _written() == before


def test_a_store_manager_does_not_approve_their_own_difference(store, make_staff, take):
    take(store, "50.00")
    close = drawer_close(actor=store, denominations={"20": 2}, reason="少10元")
    with pytest.raises(FourEyesError):
        drawer_difference_approve(actor=store, close=close)
    other = make_staff("store_manager", username="store_b")
    assert drawer_difference_approve(actor=other, close=close).status == DrawerClose.Status.CLOSED


def test_a_drawer_closes_once_and_the_second_close_writes_nothing(rep, take):
    take(rep, "20.00")
    drawer_close(actor=rep, denominations={"20": 1})
    before = _written()
    with pytest.raises(DrawerClosedError) as exc:
        drawer_close(actor=rep, denominations={"20": 1})
    assert exc.value.code == "drawer_closed"
    assert _written() == before


def test_after_the_drawer_close_the_reps_postings_land_on_the_next_day(rep, take):
    take(rep, "20.00")
    drawer_close(actor=rep, denominations={"20": 1})
    later = take(rep, "5.00")
    today = timezone.localdate()
    assert later.payment.ledger_transaction.booked_on == today + timedelta(days=1)
    # ... and the day's figures of the closed day do not change
    assert hall_day_state(hall=rep.hall, day=today).closes[0].cash_in == Decimal("20.00")


def test_a_posting_into_a_closed_day_is_refused(rep, take):
    take(rep, "20.00")
    drawer_close(actor=rep, denominations={"20": 1})
    cash = ledger_account_cash_drawer(staff=rep)
    before = LedgerTransaction.objects.count()
    with pytest.raises(DayClosedError) as exc:
        transaction_post(actor=rep, kind="test", booked_on=timezone.localdate(),
                         postings=[debit(cash, "1.00"), credit(ledger_account_suspense(), "1.00")])
    assert exc.value.code == "day_closed" and exc.value.params == {"day": timezone.localdate().isoformat()}
    assert LedgerTransaction.objects.count() == before


def test_the_hall_closes_when_every_drawer_is_closed_and_the_cash_goes_to_the_bank(rep, store, make_staff, take):
    rep2 = make_staff("sales_rep", username="rep_b")
    take(rep, "120.00")
    take(rep2, "80.00")
    take(rep2, "30.00", method="bank_card")
    drawer_close(actor=rep, denominations={"100": 1, "20": 1})
    before = _written()
    with pytest.raises(DrawersOpenError) as exc:
        hall_day_close(actor=store, hall=rep.hall, deposit_amount="120.00", deposit_slip="DS1", carried_by="刘洋")
    assert exc.value.params["staff"] == [rep2.display_name]
    assert _written() == before

    close2 = drawer_close(actor=rep2, denominations={"50": 1, "20": 1}, reason="少10元")
    with pytest.raises(DifferencePendingError):
        hall_day_close(actor=store, hall=rep.hall, deposit_amount="190.00", deposit_slip="DS1", carried_by="刘洋")
    drawer_difference_approve(actor=store, close=close2)
    with pytest.raises(DepositMismatchError) as exc:
        hall_day_close(actor=store, hall=rep.hall, deposit_amount="200.00", deposit_slip="DS1", carried_by="刘洋")
    assert exc.value.params["expected"] == "190.00" and exc.value.field == "deposit_amount"
    with pytest.raises(BillingInputError) as exc:
        hall_day_close(actor=store, hall=rep.hall, deposit_amount="190.00", deposit_slip="", carried_by="刘洋")
    assert exc.value.field == "deposit_slip"
    assert HallDayClose.objects.count() == 0

    day = hall_day_close(actor=store, hall=rep.hall, deposit_amount="190.00", deposit_slip="DS1", carried_by="刘洋")
    assert day.deposit_transaction.kind == "hall.deposit" and day.cash_total == Decimal("190.00")
    assert account_balance(ledger_account_cash_drawer(staff=rep)) == Decimal("0.00")
    assert account_balance(ledger_account_cash_drawer(staff=rep2)) == Decimal("0.00")
    assert ledger_check_balanced() == []
    with pytest.raises(DayClosedError):
        hall_day_close(actor=store, hall=rep.hall, deposit_amount="0", deposit_slip="", carried_by="")
    # Nobody posts into the hall's closed day: a colleague who had not worked today lands on tomorrow.
    rep3 = make_staff("sales_rep", username="rep_c")
    assert take(rep3, "5.00").payment.ledger_transaction.booked_on == timezone.localdate() + timedelta(days=1)


def test_only_the_own_hall_and_the_right_role(rep, store, other_hall, make_staff, take):
    outsider = make_staff("store_manager", username="store_x", hall=other_hall)
    with pytest.raises(NotPermitted):
        hall_day_close(actor=outsider, hall=rep.hall, deposit_amount="0")
    with pytest.raises(NotPermitted):
        hall_day_close(actor=rep, hall=rep.hall, deposit_amount="0")
    with pytest.raises(NotPermitted):
        hall_day_reopen(actor=store, hall=rep.hall, day=timezone.localdate(), reason="x")
    assert _written() == (LedgerTransaction.objects.count(), 0, 0, 0)


def test_reopening_is_a_managers_audited_act_and_the_day_closes_again(rep, store, manager, take):
    today = timezone.localdate()
    take(rep, "20.00")
    drawer_close(actor=rep, denominations={"20": 1})
    hall_day_close(actor=store, hall=rep.hall, deposit_amount="20.00", deposit_slip="DS1", carried_by="刘洋")
    with pytest.raises(BillingInputError):
        hall_day_reopen(actor=manager, hall=rep.hall, day=today, reason=" ")
    with pytest.raises(DayNotClosedError):
        hall_day_reopen(actor=manager, hall=rep.hall, day=today - timedelta(days=1), reason="补录")
    reopened = hall_day_reopen(actor=manager, hall=rep.hall, day=today, reason="漏录一笔缴费")
    assert reopened.state == HallDayClose.State.REOPENED
    event = AuditEvent.objects.get(action="hall_day.reopen")
    assert event.reason == "漏录一笔缴费" and event.actor == manager
    assert DrawerClose.objects.get().status == DrawerClose.Status.REOPENED
    # The rep books on the day again, closes again; the hall hands in only the new cash.
    late = take(rep, "7.00")
    assert late.payment.ledger_transaction.booked_on == today
    drawer_close(actor=rep, denominations={"5": 1, "1": 2})
    state = hall_day_state(hall=rep.hall, day=today)
    assert state.deposit_due == Decimal("7.00")
    again = hall_day_close(actor=store, hall=rep.hall, deposit_amount="7.00", deposit_slip="DS2", carried_by="刘洋")
    assert again.state == HallDayClose.State.CLOSED and HallDayClose.objects.filter(hall=rep.hall).count() == 2
    assert ledger_check_balanced() == []


def test_a_day_without_cash_closes_without_a_slip(store):
    close = hall_day_close(actor=store, hall=store.hall, deposit_amount="0")
    assert close.deposit_transaction is None and close.deposit_amount == Decimal("0")


def test_a_future_day_is_not_closed(rep):
    with pytest.raises(BillingInputError) as exc:
        drawer_close(actor=rep, denominations={}, day=timezone.localdate() + timedelta(days=1))
    assert exc.value.field == "day"
    assert DrawerClose.objects.count() == 0


def test_a_past_day_is_closed_on_what_the_ledger_held_at_its_end(rep, take):
    yesterday = timezone.localdate() - timedelta(days=1)
    cash = ledger_account_cash_drawer(staff=rep)
    transaction_post(actor=rep, kind="test.cash", booked_on=yesterday,
                     postings=[debit(cash, "30.00"), credit(ledger_account_suspense(), "30.00")])
    take(rep, "20.00")   # today's money is not yesterday's
    close = drawer_close(actor=rep, denominations={"20": 1, "10": 1}, day=yesterday)
    assert (close.ledger_cash, close.difference) == (Decimal("30.00"), Decimal("0.00"))
    assert hall_day_state(hall=rep.hall, day=yesterday).deposit_due == Decimal("30.00")


def test_the_drawers_to_close_are_those_with_a_posting_that_day_or_cash_at_its_end(rep, make_staff, take):
    today = timezone.localdate()
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    card, late = make_staff("sales_rep", username="rep_card"), make_staff("sales_rep", username="rep_late")

    def book(person, day, amount, method="cash"):
        transaction_post(actor=person, kind="test.cash", booked_on=day, postings=[
            debit(ledger_account_cash_drawer(staff=person, method=method), amount),
            credit(ledger_account_suspense(), amount)])

    book(rep, before, "30.00")                     # cash carried over: still to close yesterday
    book(card, yesterday, "50.00", "bank_card")    # no cash, but a posting that day
    take(late, "20.00")                            # cash booked after yesterday only

    def open_on(day):
        return {s.username for s in hall_day_state(hall=rep.hall, day=day).open_staff}

    assert open_on(yesterday) == {rep.username, "rep_card"}
    assert open_on(before) == {rep.username}
    assert open_on(today) == {rep.username, "rep_late"}

"""Reads other processes build on: what an account owes (oldest first, then the current month), the spend
from bills for recommendations, points balance and expiry."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from billing.models import PointsEntry, PointsLot
from billing.selectors import account_amount_due, customer_average_monthly_spend, points_summary
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_revenue, transaction_post
from billing.services.payments import payment_collect
from billing.services.points import bills_settle, points_expire
from boss.months import month_start

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal


def opened_this_month():
    return datetime.combine(month_start(timezone.localdate()), datetime.min.time(), tzinfo=SH)


def test_amount_due_of_a_paid_up_prepaid_account_is_nothing(make_line, rep, system):
    from billing.services.prepaid import prepaid_charges_sync

    line = make_line("13800138000", activated_at=opened_this_month())
    payment_collect(actor=rep, account=line.account, amount=D("100.00"), method="cash")
    prepaid_charges_sync(actor=system)
    assert account_amount_due(line.account) == []


def test_real_time_charges_the_balance_did_not_cover_are_due_this_month(make_line, system):
    from billing.services.prepaid import prepaid_charges_sync

    # prepaid, no money: the month's fee taken in advance makes arrears
    line = make_line("13800138000", activated_at=opened_this_month())
    prepaid_charges_sync(actor=system)
    items = account_amount_due(line.account)
    assert [(i.kind, i.period, i.amount) for i in items] == [
        ("current", month_start(timezone.localdate()), D("58.00"))]


def test_arrears_older_than_any_bill_come_first(make_line, make_account, system):
    line = make_line("13800138000", account=make_account(realtime_prepaid=False))
    transaction_post(actor=system, kind="migration", postings=[
        debit(ledger_account_customer(account=line.account), D("12.00")),
        credit(ledger_account_revenue(fee_type="monthly"), D("12.00"))])
    items = account_amount_due(line.account)
    assert (items[0].kind, items[0].amount) == ("other", D("12.00"))
    assert items[-1].kind == "current"      # this month's fee, not posted yet for a monthly-paying account


def test_spend_for_recommendations_is_the_average_of_the_months_with_bills(make_line, make_account, billed_month):
    line = make_line("13800138000", account=make_account(realtime_prepaid=False),
                     activated_at=datetime(2024, 1, 1, tzinfo=SH))
    assert customer_average_monthly_spend(customer=line.customer, months=3, on_date=date(2025, 4, 15)) is None
    billed_month(date(2025, 2, 1))
    billed_month(date(2025, 3, 1))
    assert customer_average_monthly_spend(customer=line.customer, months=3, on_date=date(2025, 4, 15)) == D("58.00")


def test_points_expire_at_the_end_of_their_month_and_leave_the_balance(make_line, make_account, billed_month, rep,
                                                                        system):
    line = make_line("13800138000", account=make_account(realtime_prepaid=False),
                     activated_at=datetime(2024, 1, 1, tzinfo=SH))
    billed_month(date(2025, 3, 1))
    payment_collect(actor=rep, account=line.account, amount=D("58.00"), method="cash")
    bills_settle(actor=system)
    lot = PointsLot.objects.get()
    assert points_summary(customer=line.customer).balance == 58
    assert points_expire(actor=system, today=lot.expires_on) == 0          # still valid on its last day
    day_after = lot.expires_on + timedelta(days=1)
    with time_machine.travel(datetime.combine(day_after, datetime.min.time(), tzinfo=SH) + timedelta(hours=1)):
        assert points_summary(customer=line.customer).balance == 0       # never counted once expired
        assert points_expire(actor=system) == 58
        assert points_expire(actor=system) == 0                          # safe to run twice
    lot.refresh_from_db()
    assert lot.remaining == 0 and PointsEntry.objects.filter(kind="expire").get().delta == -58


def test_current_charges_the_balance_covers_are_not_due(make_line, make_account, rep):
    # issue 11 item 8: a monthly-paying account's charges not posted yet are taken from its balance
    line = make_line("13800138000", account=make_account(realtime_prepaid=False))
    charges = sum(i.amount for i in account_amount_due(line.account))
    assert charges > D("20.00")
    payment_collect(actor=rep, account=line.account, amount=D("20.00"), method="cash")
    assert sum(i.amount for i in account_amount_due(line.account)) == charges - D("20.00")
    payment_collect(actor=rep, account=line.account, amount=charges, method="cash")
    assert account_amount_due(line.account) == []


def test_ledger_account_list_sums_and_counts_each_accounts_entries(clerk, make_account, system):
    from billing.models import LedgerAccount
    from billing.selectors import ledger_account_list_for_actor

    customer = ledger_account_customer(account=make_account())
    revenue = ledger_account_revenue(fee_type="monthly")
    idle = ledger_account_revenue(fee_type="idle-fee")
    for amount in ("10.00", "2.50"):
        transaction_post(actor=system, kind="test", postings=[debit(customer, D(amount)), credit(revenue, D(amount))])
    rows = {a.pk: a for a in ledger_account_list_for_actor(actor=clerk)}
    assert (rows[customer.pk].signed_sum, rows[customer.pk].entry_count) == (D("12.50"), 2)
    assert (rows[revenue.pk].signed_sum, rows[revenue.pk].entry_count) == (D("-12.50"), 2)
    assert (rows[idle.pk].signed_sum, rows[idle.pk].entry_count) == (None, 0)
    assert LedgerAccount.objects.get(pk=revenue.pk).get_kind_display() == LedgerAccount.Kind.REVENUE.label


def test_ledger_account_list_counts_its_pages_without_reading_the_ledger(clerk):
    """The list's page count is the accounts' count: summing every entry to count the accounts grows with the
    ledger (every payment adds two entries), while the page itself sums only the entries of its own rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.selectors import ledger_account_list_for_actor

    ledger_account_revenue(fee_type="monthly")
    with CaptureQueriesContext(connection) as captured:
        ledger_account_list_for_actor(actor=clerk).count()
    [count] = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    assert "ledgerentry" not in count


def test_a_ledger_accounts_kind_label_comes_without_copying_every_choice(monkeypatch):
    """Django's generated get_kind_display() copies every choice into a hashable dict (translating each label)
    on every call, a fifth of the ledger account list's time; the model's own looks the label up."""
    from django.db.models import base

    from billing.models import LedgerAccount

    monkeypatch.setattr(base, "make_hashable", lambda value: pytest.fail("Django's generated display used"))
    assert LedgerAccount(kind=LedgerAccount.Kind.DEPOSIT).get_kind_display() == LedgerAccount.Kind.DEPOSIT.label
    assert LedgerAccount(kind="retired").get_kind_display() == "retired"

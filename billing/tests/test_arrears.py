"""Arrears: a reminder first, suspension with a SUSPEND work order after the reminder hours, redlisted
customers exempt, cases closed when the money comes back, lines restored with a RESUME work order, and
the restore rule in one place (`line_may_restore`)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from billing.models import ArrearsCase
from billing.services.arrears import (
    account_below_limit,
    arrears_lines_restore,
    arrears_scan,
    line_may_restore,
)
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_revenue, transaction_post
from billing.services.payments import payment_collect
from boss.locks import lock
from boss.models import AuditEvent
from notifications.models import SmsMessage
from provisioning.models import WorkOrder

pytestmark = pytest.mark.django_db
D = Decimal


def charge(actor, account, amount):
    transaction_post(actor=actor, kind="bill", postings=[debit(ledger_account_customer(account=account), amount),
                                                         credit(ledger_account_revenue(fee_type="monthly"), amount)])


@pytest.fixture
def owing(make_line, make_account, system):
    """A line whose account is 30 yuan below zero with no credit limit."""
    line = make_line("13800138000", account=make_account(realtime_prepaid=False))
    charge(system, line.account, D("30.00"))
    return line


def status(line):
    line.refresh_from_db()
    return line.status


def test_a_line_below_its_credit_limit_is_reminded_then_suspended_after_the_reminder_hours(system, owing):
    result = arrears_scan(actor=system)
    case = ArrearsCase.objects.get()
    assert (result.reminded, result.suspended) == (1, 0) and case.status == "reminded"
    assert case.balance_at_reminder == D("-30.00") and case.suspend_after == case.reminded_at + timedelta(hours=24)
    assert status(owing) == "active"
    # The reminder is a text message to the line, queued with the case (the outbox sends it once).
    sms = SmsMessage.objects.get()
    assert (sms.template, sms.msisdn, sms.key) == ("billing.arrears_reminder", "13800138000",
                                                   f"billing.arrears-reminder:{case.pk}:13800138000")
    assert "欠费30.00元" in sms.body and "停机" in sms.body
    assert arrears_scan(actor=system).reminded == 0    # one case per account: not reminded twice
    assert SmsMessage.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        result = arrears_scan(actor=system)
    assert result.suspended == 1 and status(owing) == "suspended_arrears"
    case.refresh_from_db()
    assert case.status == "suspended" and case.suspended_lines == ["13800138000"]
    wo = WorkOrder.objects.get()
    assert (wo.action, wo.msisdn, wo.line_id, wo.reference) == (
        "suspend", "13800138000", owing.pk, f"arrears:{case.pk}")
    assert AuditEvent.objects.filter(action="arrears.suspend").count() == 1


def test_the_credit_limit_is_respected(system, make_line, make_account):
    line = make_line("13800138000", account=make_account(realtime_prepaid=False, credit_limit=D("50.00")))
    charge(system, line.account, D("30.00"))
    assert arrears_scan(actor=system).reminded == 0 and not account_below_limit(line.account)
    charge(system, line.account, D("20.01"))
    assert arrears_scan(actor=system).reminded == 1


def test_redlisted_customers_are_never_reminded_nor_suspended(system, owing):
    from customers.models import CustomerClass

    CustomerClass.objects.create(customer=owing.customer, kind="redlist", reason="重要客户", since=date(2020, 1, 1))
    result = arrears_scan(actor=system)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    assert result.reminded == 0 and not ArrearsCase.objects.exists() and not SmsMessage.objects.exists()
    assert status(owing) == "active" and not WorkOrder.objects.exists()


def test_a_customer_redlisted_after_the_reminder_is_not_suspended(system, owing):
    from customers.models import CustomerClass

    arrears_scan(actor=system)
    CustomerClass.objects.create(customer=owing.customer, kind="redlist", reason="重要客户", since=date(2020, 1, 1))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    assert status(owing) == "active" and ArrearsCase.objects.get().close_reason == "redlisted"
    assert not WorkOrder.objects.exists()


def test_paying_within_the_reminder_hours_closes_the_case_without_suspension(system, owing, rep):
    arrears_scan(actor=system)
    payment_collect(actor=rep, account=owing.account, amount=D("30.00"), method="cash")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    assert status(owing) == "active" and not WorkOrder.objects.exists()
    assert ArrearsCase.objects.get().status == "closed"


def test_a_payment_that_clears_the_arrears_restores_the_line_with_a_resume_work_order(system, owing, rep):
    arrears_scan(actor=system)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    assert not line_may_restore(owing)
    payment_collect(actor=rep, account=owing.account, amount=D("10.00"), method="cash")
    owing.refresh_from_db()
    assert not line_may_restore(owing)
    assert arrears_lines_restore(actor=rep, account=owing.account) == []     # still 20 below
    payment_collect(actor=rep, account=owing.account, amount=D("20.00"), method="cash")
    owing.refresh_from_db()
    assert line_may_restore(owing)
    restored = arrears_lines_restore(actor=rep, account=owing.account)
    assert [ln.msisdn for ln in restored] == ["13800138000"] and status(owing) == "active"
    assert list(WorkOrder.objects.order_by("pk").values_list("action", flat=True)) == ["suspend", "resume"]
    assert ArrearsCase.objects.get().status == "closed"


def test_the_scan_restores_lines_whose_money_came_back_another_way(system, owing, rep):
    arrears_scan(actor=system)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    payment_collect(actor=rep, account=owing.account, amount=D("30.00"), method="cash")   # no restore called
    result = arrears_scan(actor=system)
    assert result.closed == 1 and status(owing) == "active"
    assert WorkOrder.objects.filter(action="resume").count() == 1


def test_only_active_lines_are_suspended(system, make_line, make_account):
    account = make_account(realtime_prepaid=False)
    active = make_line("13800138000", account=account)
    lost = make_line("13800138001", account=account, status="suspended_loss")
    charge(system, account, D("5.00"))
    arrears_scan(actor=system)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        arrears_scan(actor=system)
    assert (status(active), status(lost)) == ("suspended_arrears", "suspended_loss")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_job_never_waits_for_a_counter_holding_the_line(system, owing):
    """A counter holds the line (serving the customer): the job skips the account this time."""
    import threading

    from django.db import connection, transaction

    from customers.models import Line

    arrears_scan(actor=system)
    held, release = threading.Event(), threading.Event()

    def counter():
        try:
            with transaction.atomic():
                lock(Line.objects.all()).get(pk=owing.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=counter)
    thread.start()
    held.wait(5)
    try:
        with time_machine.travel(timezone.now() + timedelta(hours=25)):
            result = arrears_scan(actor=system)
    finally:
        release.set()
        thread.join()
    assert result.busy == 1 and status(owing) == "active"
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert arrears_scan(actor=system).suspended == 1
    assert status(owing) == "suspended_arrears"

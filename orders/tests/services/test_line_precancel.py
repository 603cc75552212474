"""Pre-cancellation (预销号), retention, re-opening, and the window's timed job over its edges."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from billing.models import Document, LedgerTransaction
from billing.selectors import account_money, ledger_check_balanced
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_suspense, transaction_post
from billing.tests.factories import bill_record
from boss.models import AuditEvent
from boss.months import month_add, month_start, months_after
from boss.permissions import system_actor
from customers.models import Line
from inventory.models import NumberResource
from orders.errors import AgentNotAllowedError, LineStateError, NotDesignatedHallError
from orders.models import Order, RetentionAttempt
from orders.services.documents import AgentInput
from orders.services.precancel import (
    RetentionInput,
    line_precancel,
    line_reopen,
    lines_mark_cancellation_due,
)
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal
TZ = ZoneInfo("Asia/Shanghai")
LEAVES = RetentionInput(reason="moving", offer="神州行保号套餐 8元", other_brands="动感地带", accepted=False)


def snapshot(line):
    line = Line.objects.get(pk=line.pk)
    return (line.status, line.precancel_until, NumberResource.objects.get(msisdn=line.msisdn).status,
            Order.objects.count(), LedgerTransaction.objects.count(), WorkOrder.objects.count(),
            RetentionAttempt.objects.count(), AuditEvent.objects.filter(action__startswith="line.").count())


def precancel(w, **kwargs):
    params = {"actor": w.manager, "line": w.line, "retention": LEAVES, "documents_checked": ["id_original"],
              "agreement_signed": True}
    params.update(kwargs)
    return line_precancel(**params)


def test_a_leaving_customer_is_pre_cancelled_suspended_and_the_number_frozen(live):
    result = precancel(live)
    line = Line.objects.get(pk=live.line.pk)
    assert not result.retained and result.order.kind == "precancel" and result.order.state == "provisioning"
    assert line.status == "pending_cancellation" and line.precancelled_at is not None
    assert line.precancel_until == months_after(timezone.localdate(), 3)
    number = NumberResource.objects.get(msisdn=line.msisdn)
    assert number.status == "frozen" and number.frozen_until is None  # held for the line during the window
    wo = WorkOrder.objects.get(reference=result.order.reference)
    assert wo.action == "suspend" and wo.payload == {"reason": "precancel"}
    attempt = RetentionAttempt.objects.get(order=result.order)
    assert not attempt.accepted and attempt.priority_on_return and attempt.staff == live.manager
    assert AuditEvent.objects.filter(action="line.precancel", target_id=str(line.pk)).count() == 1
    assert result.order.agreement_signed_at is not None
    work_orders_run()
    result.order.refresh_from_db()
    assert result.order.state == "completed"
    assert Line.objects.get(pk=line.pk).status == "pending_cancellation"


def test_a_retained_customer_keeps_the_line_and_the_attempt_is_recorded(live):
    before = snapshot(live.line)
    result = precancel(live, retention=RetentionInput(reason="price", offer="5G智享128元八折", accepted=True))
    assert result.retained and result.order.state == "completed"
    after = snapshot(live.line)
    assert after[:3] == before[:3]  # line and number untouched
    assert after[4:6] == before[4:6]  # no money, no work order
    attempt = RetentionAttempt.objects.get(order=result.order)
    assert attempt.accepted and not attempt.priority_on_return and attempt.offer == "5G智享128元八折"


@pytest.mark.parametrize("case", ["not_designated", "sales_rep"])
def test_only_a_customer_manager_at_a_designated_hall(live, case):
    actor = live.manager
    if case == "not_designated":
        live.rep.hall.designated_for_cancellation = False
        live.rep.hall.save()
        actor.refresh_from_db()
    else:
        actor = live.rep
    before = snapshot(live.line)
    with pytest.raises(NotDesignatedHallError) as exc:
        precancel(live, actor=actor)
    assert exc.value.code == "hall_not_designated" and snapshot(live.line) == before


def test_refused_for_a_line_suspended_for_arrears_and_nothing_changes(live):
    line = Line.objects.get(pk=live.line.pk)
    line.suspend_for_arrears()
    line.save()
    before = snapshot(line)
    with pytest.raises(LineStateError) as exc:
        precancel(live)
    assert exc.value.code == "line_state" and exc.value.params["status"] == "suspended_arrears"
    assert "欠费" in str(exc.value.message) or "arrears" in str(exc.value.message)
    assert snapshot(line) == before


def test_a_private_customer_cannot_send_an_agent(live):
    before = snapshot(live.line)
    with pytest.raises(AgentNotAllowedError) as exc:
        precancel(live, agent=AgentInput("resident_id", "11010519491231002X", "王代办"),
                  documents_checked=["id_original", "agent_id"])
    assert exc.value.code == "agent_not_allowed" and snapshot(live.line) == before


def test_documents_and_the_retention_offer_are_required(live):
    before = snapshot(live.line)
    with pytest.raises(Exception) as exc:
        precancel(live, documents_checked=[])
    assert exc.value.code == "documents_missing"
    with pytest.raises(Exception) as exc:
        precancel(live, retention=RetentionInput(reason="moving", offer=" ", accepted=False))
    assert exc.value.params.get("field", exc.value.field) == "retention_offer"
    assert snapshot(live.line) == before


def test_roaming_open_means_the_extra_prepayment_is_collected_on_a_receipt(live):
    line = live.open_line("13912345671", features=["INTL_ROAM"])
    live.line = line
    result = precancel(live, tendered=D("50.00"))
    lines = {ol.code: ol for ol in result.order.lines.all()}
    assert lines["precancel.extra_prepayment"].amount == D("30.00") and result.order.amount_due == D("30.00")
    payment = result.order.payment
    assert payment.amount == D("30.00") and payment.change == D("20.00")
    assert [d.kind for d in payment.documents.all()] == ["receipt"]
    assert account_money(line.account).balance == D("130.00")
    assert ledger_check_balanced() == []


def test_an_average_bill_above_the_threshold_means_the_extra_prepayment(live):
    this_month = month_start(timezone.localdate())
    for back, total in ((1, "200.00"), (2, "160.00"), (3, "180.00"), (4, "10.00")):   # the 4th month is not read
        bill_record(line=live.line, period=month_add(this_month, -back), total=total)
    result = precancel(live)
    assert result.order.amount_due == D("30.00")


def test_no_extra_prepayment_without_roaming_and_with_an_unknown_average(live):
    result = precancel(live)
    assert result.order.amount_due == D("0.00") and result.order.payment is None


def test_arrears_are_collected_at_pre_cancellation_and_invoiced(live):
    account = live.line.account
    transaction_post(actor=system_actor(), kind="usage", postings=[
        debit(ledger_account_customer(account=account), D("150.00")), credit(ledger_account_suspense(), D("150.00"))])
    assert account_money(account).arrears == D("50.00")
    result = precancel(live, tendered=D("50.00"))
    assert result.order.amount_due == D("50.00")
    assert [d.kind for d in result.order.payment.documents.all()] == ["invoice"]
    assert account_money(account).balance == D("0.00")


def test_reopen_during_the_window_makes_the_line_and_its_number_its_own_again(live):
    precancel(live)
    work_orders_run()
    order = line_reopen(actor=live.rep, line=live.line, documents_checked=["id_original"], agreement_signed=True)
    line = Line.objects.get(pk=live.line.pk)
    assert line.status == "active" and line.precancel_until is None
    assert NumberResource.objects.get(msisdn=line.msisdn).status == "assigned"
    assert WorkOrder.objects.get(reference=order.reference).action == "resume"
    work_orders_run()
    order.refresh_from_db()
    assert order.state == "completed"


def test_reopen_is_refused_for_an_active_line(live):
    before = snapshot(live.line)
    with pytest.raises(LineStateError):
        line_reopen(actor=live.rep, line=live.line, documents_checked=["id_original"], agreement_signed=True)
    assert snapshot(live.line) == before


def test_a_pre_cancellation_on_30_november_is_due_on_the_last_day_of_february(live):
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ)):
        live.line = Line.objects.get(pk=live.line.pk)
        precancel(live)
    line = Line.objects.get(pk=live.line.pk)
    assert line.precancel_until == date(2027, 2, 28)
    with time_machine.travel(datetime(2027, 2, 27, 23, 59, tzinfo=TZ)):
        assert lines_mark_cancellation_due(actor=system_actor()) == 0
    assert Line.objects.get(pk=line.pk).cancellation_due_at is None
    with time_machine.travel(datetime(2027, 2, 28, 0, 20, tzinfo=TZ)):
        assert lines_mark_cancellation_due(actor=system_actor()) == 1
        assert lines_mark_cancellation_due(actor=system_actor()) == 0  # run twice: nothing the second time
    line = Line.objects.get(pk=line.pk)
    assert line.status == "pending_cancellation" and line.cancellation_due_at is not None
    assert AuditEvent.objects.filter(action="line.cancellation_due").count() == 1
    with time_machine.travel(datetime(2027, 3, 2, 1, 0, tzinfo=TZ)):
        assert lines_mark_cancellation_due(actor=system_actor()) == 0


def test_the_job_leaves_a_re_opened_line_alone(live):
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ)):
        precancel(live)
        work_orders_run()
        line_reopen(actor=live.rep, line=live.line, documents_checked=["id_original"], agreement_signed=True)
    with time_machine.travel(datetime(2027, 3, 1, 1, 0, tzinfo=TZ)):
        assert lines_mark_cancellation_due(actor=system_actor()) == 0
    assert Line.objects.get(pk=live.line.pk).status == "active"


def test_the_pre_cancelled_number_is_not_sold_during_the_window(live):
    from inventory.errors import NumberUnavailableError
    from inventory.services.numbers import number_reserve, numbers_thaw_due

    precancel(live)
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert numbers_thaw_due(actor=system_actor()) == 0  # frozen without an end: never thawed by the job
        with pytest.raises(NumberUnavailableError):
            number_reserve(actor=live.rep, msisdn=live.line.msisdn)
    assert Document.objects.filter(reversal_of__isnull=False).count() == 0

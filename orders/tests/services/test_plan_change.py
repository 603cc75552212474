"""Plan change (套餐变更): from the first of next month by default, at once and prorated where the tariff
allows; one pending change; cancellable before its day; a premium number's minimum spend respected; the
month's turn applies it once (time travel over 31 Jan → 1 Feb and 28/29 Feb); the bill run and the
prepaid charges bill each day on its plan; every refusal writes nothing."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing.models import Bill, LedgerTransaction, LinePlanPeriod
from billing.selectors import ledger_check_balanced
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.charges import LineInfo, line_month_items, line_months_load
from boss.errors import DomainError
from boss.models import AuditEvent, TariffParameter
from boss.permissions import system_actor
from boss.tariffs import tariff_cache_clear
from catalog.models import OneTimeFee
from catalog.tests.factories import PlanFactory
from customers.models import Line, LineCommitment
from orders.errors import (
    LineStateError,
    PlanBelowMinimumSpendError,
    PlanChangeImmediateError,
    PlanChangeNotPendingError,
    PlanChangePendingError,
)
from orders.models import Order, PlanChange
from orders.services.plan_change import line_plan_change, line_plan_change_cancel, plan_changes_apply
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.models import HlrSubscriber, WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal
TZ = ZoneInfo("Asia/Shanghai")
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


@pytest.fixture
def plans(live):
    """Two more main plans on sale: 68 and 188 yuan a month (the line is on 128)."""
    return {"68": PlanFactory(code="4G68", name="畅享68元", monthly_fee="68.00", valid_from=date(2024, 1, 1)),
            "188": PlanFactory(code="5G188", name="5G尊享188元", monthly_fee="188.00", valid_from=date(2024, 1, 1))}


def immediate_allowed():
    TariffParameter.objects.update_or_create(key="plan_change.immediate", defaults={"value": "true"})
    tariff_cache_clear()


def fresh(line):
    return Line.objects.select_related("plan").get(pk=line.pk)


def written():
    return (Order.objects.count(), PlanChange.objects.count(), LinePlanPeriod.objects.count(),
            AuditEvent.objects.count(), LedgerTransaction.objects.count(), WorkOrder.objects.count())


def at(y, m, d, h=10, mi=0):
    return time_machine.travel(datetime(y, m, d, h, mi, tzinfo=TZ), tick=False)


def test_a_change_takes_effect_on_the_first_of_next_month_once_at_the_turn_of_31_january(live, plans):
    with at(2027, 1, 20):
        order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
    change = PlanChange.objects.get(order=order)
    assert (order.kind, order.state, change.state, change.effective_on) == (
        "plan_change", "completed", "pending", date(2027, 2, 1))
    assert order.details["plan"] == "4G68" and order.agreement_signed and fresh(live.line).plan.code == "5G128"
    with at(2027, 1, 31, 23, 59):
        assert plan_changes_apply(actor=system_actor()) == 0
    assert fresh(live.line).plan.code == "5G128"
    with at(2027, 2, 1, 0, 10):
        assert plan_changes_apply(actor=system_actor()) == 1
        assert plan_changes_apply(actor=system_actor()) == 0          # run twice: applied once
        work_orders_run()
    line = fresh(live.line)
    assert line.plan.code == "4G68" and PlanChange.objects.get(pk=change.pk).state == "applied"
    wo = WorkOrder.objects.get(action="change_plan")
    assert wo.state == "done" and wo.reference == order.reference and wo.payload["plan"] == "4G68"
    assert HlrSubscriber.objects.get(msisdn=line.msisdn).plan == "4G68"
    assert AuditEvent.objects.filter(action="line.plan_change", target_id=str(line.pk)).count() == 1
    # January is billed on the old plan although the bill run comes after the turn; February on the new one.
    jan = line_months_load([LineInfo.of(line)], date(2027, 1, 1))[line.pk]
    feb = line_months_load([LineInfo.of(line)], date(2027, 2, 1))[line.pk]
    assert [(i.name, i.days, i.amount) for i in line_month_items(jan) if i.fee_type == "monthly"] == [
        ("5G智享128元", 31, D("128.00"))]
    assert [(i.name, i.days, i.amount) for i in line_month_items(feb) if i.fee_type == "monthly"] == [
        ("畅享68元", 28, D("68.00"))]


def test_the_bill_run_after_the_turn_charges_each_month_on_its_plan(live, plans):
    with at(2027, 1, 20):
        line_plan_change(actor=live.rep, line=live.line, plan="5G188", **DOCS)
    with at(2027, 2, 1, 0, 10):
        plan_changes_apply(actor=system_actor())
    with at(2027, 2, 2, 2, 0):
        bill_run_execute(actor=system_actor(), run=bill_run_start(actor=system_actor(), period=date(2027, 1, 1)))
    with at(2027, 3, 2, 2, 0):
        bill_run_execute(actor=system_actor(), run=bill_run_start(actor=system_actor(), period=date(2027, 2, 1)))
    jan, feb = (Bill.objects.get(line=live.line, period=date(2027, m, 1)) for m in (1, 2))
    assert [(i.name, i.amount) for i in jan.items.filter(fee_type="monthly")] == [("5G智享128元", D("128.00"))]
    assert [(i.name, i.amount) for i in feb.items.filter(fee_type="monthly")] == [("5G尊享188元", D("188.00"))]
    assert jan.plan.code == "5G128" and feb.plan.code == "5G188" and ledger_check_balanced() == []


def test_a_change_agreed_on_28_february_takes_effect_on_1_march(live, plans):
    with at(2027, 2, 28, 18):
        line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
        assert plan_changes_apply(actor=system_actor()) == 0
    assert PlanChange.objects.get().effective_on == date(2027, 3, 1)
    with at(2027, 3, 1, 0, 10):
        assert plan_changes_apply(actor=system_actor()) == 1
    assert fresh(live.line).plan.code == "4G68"


def test_an_immediate_change_on_15_february_of_a_leap_year_prorates_each_plan_by_its_days(live, plans):
    immediate_allowed()
    with at(2028, 2, 15):
        order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", immediate=True, **DOCS)
        assert plan_changes_apply(actor=system_actor()) == 0         # already applied at the counter
    change = PlanChange.objects.get(order=order)
    assert (change.state, change.effective_on, fresh(live.line).plan.code) == ("applied", date(2028, 2, 15), "4G68")
    feb = line_months_load([LineInfo.of(fresh(live.line))], date(2028, 2, 1))[live.line.pk]
    # 128 × 14/29 = 61.79 (1-14 Feb), 68 × 15/29 = 35.17 (15-29 Feb)
    assert [(i.name, i.days, i.amount) for i in line_month_items(feb) if i.fee_type == "monthly"] == [
        ("5G智享128元", 14, D("61.79")), ("畅享68元", 15, D("35.17"))]
    jan = line_months_load([LineInfo.of(fresh(live.line))], date(2028, 1, 1))[live.line.pk]
    assert [i.amount for i in line_month_items(jan) if i.fee_type == "monthly"] == [D("128.00")]


def test_an_immediate_change_is_refused_unless_the_tariff_allows_it_and_writes_nothing(live, plans):
    before = written()
    with pytest.raises(PlanChangeImmediateError) as exc:
        line_plan_change(actor=live.rep, line=live.line, plan="4G68", immediate=True, **DOCS)
    assert exc.value.code == "plan_change_immediate" and exc.value.field == "immediate"
    assert "次月" in str(exc.value.message) or "next month" in str(exc.value.message)
    assert written() == before


def test_a_second_pending_change_is_refused_until_the_first_is_cancelled(live, plans):
    with at(2027, 1, 10):
        first = line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
        before = written()
        with pytest.raises(PlanChangePendingError) as exc:
            line_plan_change(actor=live.rep, line=live.line, plan="5G188", **DOCS)
        assert exc.value.code == "plan_change_pending" and "畅享68元" in str(exc.value.message)
        assert written() == before
        cancel = line_plan_change_cancel(actor=live.rep, line=live.line, **DOCS)
        assert cancel.kind == "plan_change_cancel" and cancel.details["change_order"] == first.pk
        assert PlanChange.objects.get(order=first).state == "cancelled" and not LinePlanPeriod.objects.exists()
        line_plan_change(actor=live.rep, line=live.line, plan="5G188", **DOCS)
    with at(2027, 2, 1, 0, 10):
        assert plan_changes_apply(actor=system_actor()) == 1
    assert fresh(live.line).plan.code == "5G188"


def test_cancelling_with_nothing_pending_is_refused_and_writes_nothing(live, plans):
    before = written()
    with pytest.raises(PlanChangeNotPendingError):
        line_plan_change_cancel(actor=live.rep, line=live.line, **DOCS)
    assert written() == before


def test_the_fees_of_a_cancelled_change_are_given_back_with_a_red_letter_document(live, plans):
    from billing.models import Document

    OneTimeFee.objects.create(code="PLANCHG", name="套餐变更手续费", business="plan_change", kind="service",
                              amount="5.00", valid_from=date(2020, 1, 1))
    with at(2027, 1, 10):
        order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", tendered=D("5.00"), **DOCS)
        assert order.amount_due == D("5.00") and order.payment is not None
        line_plan_change_cancel(actor=live.rep, line=live.line, **DOCS)
    red = Document.objects.filter(reversal_of__payment=order.payment)
    assert [d.total for d in red] == [D("-5.00")] and ledger_check_balanced() == []


@pytest.mark.parametrize("plan, code", [("NOPE", "product_unavailable"), ("5G128", "nothing_to_do")])
def test_an_unknown_plan_or_the_same_plan_is_refused_and_writes_nothing(live, plans, plan, code):
    before = written()
    with pytest.raises(DomainError) as exc:
        line_plan_change(actor=live.rep, line=live.line, plan=plan, **DOCS)
    assert exc.value.code == code and written() == before


def test_a_line_suspended_for_arrears_cannot_change_plan(live, plans):
    Line.objects.filter(pk=live.line.pk).update(status="suspended_arrears")
    before = written()
    with pytest.raises(LineStateError) as exc:
        line_plan_change(actor=live.rep, line=fresh(live.line), plan="4G68", **DOCS)
    assert exc.value.code == "line_state" and written() == before


def test_an_unsigned_agreement_or_missing_documents_write_nothing(live, plans):
    from orders.errors import AgreementNotSignedError, DocumentsMissingError

    before = written()
    with pytest.raises(AgreementNotSignedError):
        line_plan_change(actor=live.rep, line=live.line, plan="4G68", documents_checked=["id_original"])
    with pytest.raises(DocumentsMissingError):
        line_plan_change(actor=live.rep, line=live.line, plan="4G68", agreement_signed=True)
    assert written() == before


def test_during_a_premium_agreement_the_line_cannot_go_below_its_minimum_spend(live, plans):
    LineCommitment.objects.create(line=live.line, msisdn=live.line.msisdn, monthly_amount=D("100.00"),
                                  agreement_months=24, since=date(2026, 1, 1), until=date(2028, 12, 31))
    before = written()
    with at(2027, 5, 10):
        with pytest.raises(PlanBelowMinimumSpendError) as exc:
            line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
        assert exc.value.code == "plan_below_minimum_spend" and "100.00" in str(exc.value.message)
        assert written() == before
        line_plan_change(actor=live.rep, line=live.line, plan="5G188", **DOCS)   # above the minimum: allowed
    with at(2029, 1, 10):   # the agreement is over: the cheaper plan is possible
        PlanChange.objects.update(state="applied")
        line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)


def test_a_pre_cancellation_before_the_turn_drops_the_pending_change(live, plans):
    with at(2027, 1, 10):
        order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
        line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号套餐", False),
                       **DOCS)
    change = PlanChange.objects.get(order=order)
    assert change.state == "cancelled" and change.period is None and not LinePlanPeriod.objects.filter(
        plan__code="4G68").exists()
    with at(2027, 2, 1, 0, 10):
        assert plan_changes_apply(actor=system_actor()) == 0
    assert fresh(live.line).plan.code == "5G128"
    feb = line_months_load([LineInfo.of(fresh(live.line))], date(2027, 2, 1))[live.line.pk]
    assert feb.plan.code == "5G128"


def test_the_turn_cancels_the_change_of_a_line_that_left_another_way(live, plans):
    with at(2027, 1, 10):
        order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
    Line.objects.filter(pk=live.line.pk).update(status="pending_cancellation")
    with at(2027, 2, 1, 0, 10):
        assert plan_changes_apply(actor=system_actor()) == 0
    assert PlanChange.objects.get(order=order).state == "cancelled" and fresh(live.line).plan.code == "5G128"


def test_a_prepaid_line_changed_at_once_pays_the_difference_of_the_month_now(live, plans):
    from billing.models import PrepaidCharge

    immediate_allowed()
    line = fresh(live.line)
    assert line.account.realtime_prepaid
    with at(2028, 2, 15):
        from billing.services.prepaid import prepaid_charges_sync

        prepaid_charges_sync(actor=system_actor())
        taken = sum(c.amount for c in PrepaidCharge.objects.filter(line=line, period=date(2028, 2, 1),
                                                                   fee_type="monthly"))
        assert taken == D("128.00")
        line_plan_change(actor=live.rep, line=line, plan="4G68", immediate=True, **DOCS)
    taken = sum(c.amount for c in PrepaidCharge.objects.filter(line=line, period=date(2028, 2, 1), fee_type="monthly"))
    assert taken == D("96.96") and ledger_check_balanced() == []    # 61.79 + 35.17: 31.04 given back

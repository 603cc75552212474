"""Formal cancellation (正式销号) with its settlement, fee recovery, the cool-down over its edges, and a
fault-injection test: the line, the ledger and the number are all unchanged or all settled."""

from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from billing.errors import InsufficientBalanceError
from billing.models import Document, LedgerEntry, LedgerTransaction, Payment
from billing.selectors import account_balance, account_money, ledger_check_balanced
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    ledger_account_suspense,
    transaction_post,
)
from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Line
from inventory.models import NumberResource
from inventory.services.numbers import number_reserve, numbers_thaw_due
from orders.errors import LineAlreadyCancelledError, LineStateError, NothingToDoError
from orders.models import Order
from orders.services.cancellation import line_cancel, line_cancel_fee_recover
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal
TZ = ZoneInfo("Asia/Shanghai")


def usage(account, amount):
    """Charges as the bill run posts them from usage: here straight to the ledger."""
    transaction_post(actor=system_actor(), kind="usage", postings=[
        debit(ledger_account_customer(account=account), D(amount)), credit(ledger_account_suspense(), D(amount))])


def precancelled(w):
    line_precancel(actor=w.manager, line=w.line, documents_checked=["id_original"], agreement_signed=True,
                   retention=RetentionInput(reason="moving", offer="保号套餐", accepted=False))
    work_orders_run()
    return Line.objects.get(pk=w.line.pk)


def cancel(w, **kwargs):
    params = {"actor": w.rep, "line": w.line, "documents_checked": ["id_original"], "agreement_signed": True}
    params.update(kwargs)
    return line_cancel(**params)


def world(line):
    """Everything formal cancellation may touch, to compare before and after."""
    line = Line.objects.get(pk=line.pk)
    number = NumberResource.objects.get(msisdn=line.msisdn)
    return {"line": (line.status, line.cancelled_at), "number": (number.status, number.frozen_until),
            "ledger": (LedgerTransaction.objects.count(), LedgerEntry.objects.count()),
            "money": account_money(line.account), "documents": Document.objects.count(),
            "payments": Payment.objects.count(), "orders": Order.objects.count(),
            "work_orders": WorkOrder.objects.count(),
            "audit": AuditEvent.objects.filter(action__in=["line.cancel", "number.freeze"]).count()}


def test_prepaid_credit_is_refunded_in_cash_with_a_red_letter_receipt(live):
    live.line = precancelled(live)
    drawer = ledger_account_cash_drawer(staff=live.rep)
    in_drawer = account_balance(drawer)
    result = cancel(live)
    line = Line.objects.get(pk=live.line.pk)
    assert line.status == "cancelled" and line.cancelled_at is not None
    assert result.settlement.refund == D("100.00") and result.settlement.top_up == 0
    assert account_money(line.account) == account_money(line.account).__class__(balance=D("0.00"), deposit=D("0.00"))
    assert account_balance(drawer) == in_drawer - D("100.00")
    red = [d for d in result.documents if d.reversal_of_id]
    assert [(d.kind, d.total) for d in red] == [("receipt", D("-100.00"))]
    number = NumberResource.objects.get(msisdn=line.msisdn)
    assert number.status == "frozen" and number.frozen_until is not None
    assert abs(number.frozen_until - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert WorkOrder.objects.get(reference=result.order.reference).action == "delete_subscriber"
    assert result.order.details["refund"] == "100.00"
    assert ledger_check_balanced() == []
    assert AuditEvent.objects.filter(action="line.cancel").count() == 1
    work_orders_run()
    result.order.refresh_from_db()
    assert result.order.state == "completed"


def test_the_deposit_is_applied_to_arrears_and_the_rest_refunded(live):
    live.line = live.open_line("13912345671", features=["INTL_ROAM"])  # 100 prepaid + 500 deposit
    live.line = precancelled(live)  # roaming open: 30 extra prepayment
    usage(live.line.account, "180.00")  # balance -50
    result = cancel(live)
    s = result.settlement
    assert (s.arrears, s.deposit, s.deposit_applied, s.top_up, s.refund) == (D("50.00"), D("500.00"), D("50.00"),
                                                                             D("0.00"), D("450.00"))
    assert account_money(live.line.account).balance == 0 and account_money(live.line.account).deposit == 0
    invoices = [d for d in result.documents if d.kind == "invoice"]
    assert [d.total for d in invoices] == [D("50.00")]  # the charges the deposit paid
    red_total = sum(d.total for d in result.documents if d.reversal_of_id)
    assert red_total == D("-500.00")  # 50 applied + 450 refunded, all receipted money
    assert ledger_check_balanced() == []


def test_arrears_beyond_the_deposit_are_topped_up_first(live):
    live.line = precancelled(live)
    usage(live.line.account, "180.00")  # balance -80, no deposit
    before = world(live.line)
    with pytest.raises(Exception) as exc:
        cancel(live, tendered=D("50.00"))
    assert exc.value.code == "tendered_too_little" and world(live.line) == before
    result = cancel(live, tendered=D("100.00"))
    assert result.settlement.top_up == D("80.00") and result.settlement.refund == 0
    assert result.order.payment.amount == D("80.00") and result.order.payment.change == D("20.00")
    assert [d.kind for d in result.documents] == ["invoice"]
    assert account_money(live.line.account).balance == 0


def test_an_active_line_is_pre_cancelled_first(live):
    before = world(live.line)
    with pytest.raises(LineStateError) as exc:
        cancel(live)
    assert exc.value.code == "line_state" and world(live.line) == before


def test_a_cancelled_line_allows_only_fee_recovery(live):
    live.line = precancelled(live)
    cancel(live)
    work_orders_run()
    before = world(live.line)
    with pytest.raises(LineAlreadyCancelledError) as exc:
        cancel(live)
    assert exc.value.code == "line_already_cancelled" and world(live.line) == before
    with pytest.raises(NothingToDoError):
        line_cancel_fee_recover(actor=live.rep, line=live.line)
    usage(live.line.account, "12.50")  # a late usage record billed after cancellation
    order = line_cancel_fee_recover(actor=live.rep, line=live.line, tendered=D("20.00"))
    assert order.kind == "cancel_fee_recovery" and order.payment.amount == D("12.50")
    assert [d.kind for d in order.payment.documents.all()] == ["invoice"]
    assert account_money(live.line.account).balance == 0


def test_fee_recovery_is_refused_for_a_live_line(live):
    with pytest.raises(LineStateError):
        line_cancel_fee_recover(actor=live.rep, line=live.line)


def test_not_enough_cash_in_the_drawer_refuses_and_changes_nothing(live, make_staff):
    live.line = precancelled(live)
    other = make_staff("sales_rep", username="rep_empty_drawer")
    before = world(live.line)
    with pytest.raises(InsufficientBalanceError):
        cancel(live, actor=other)
    assert world(live.line) == before


def test_a_line_sharing_its_account_leaves_the_money_to_the_other_lines(live):
    other = live.open_line("13912345671")
    Line.objects.filter(pk=other.pk).update(account=live.line.account)
    live.line = precancelled(live)
    result = cancel(live)
    assert result.settlement is None and result.order.details["settled"] is False
    assert account_money(live.line.account).balance == D("100.00")  # not refunded: the other line keeps it


# --------------------------------------------------------------------------------------------------
# Fault injection: each step of the settlement fails in turn; all or nothing
# --------------------------------------------------------------------------------------------------

STEPS = [
    "orders.services.cancellation.order_open",
    "billing.services.settlement.transaction_post",
    "billing.services.settlement.document_red_letter",
    "billing.services.settlement.document_issue",
    "billing.services.settlement.payment_receive",
    "orders.services.cancellation.number_freeze",
    "orders.services.lifecycle.work_order_create",
    "orders.services.cancellation.line_audit",
]


class BoomError(Exception):
    pass


@pytest.mark.parametrize("step", STEPS)
def test_cancellation_failing_at_any_step_changes_nothing_then_settles_fully(live, step):
    live.line = live.open_line("13912345671", features=["INTL_ROAM"])
    live.line = precancelled(live)
    # Arrears beyond the deposit exercise the top-up; smaller ones the deposit applied and the refund.
    top_up = step.endswith("payment_receive")
    usage(live.line.account, "700.00" if top_up else "150.00")
    before = world(live.line)
    with mock.patch(step, side_effect=BoomError(step)), pytest.raises(BoomError):
        cancel(live, tendered=D("200.00"))
    assert world(live.line) == before  # the line, the ledger and the number: unchanged

    result = cancel(live, tendered=D("200.00"))
    after = world(live.line)
    assert after["line"][0] == "cancelled" and after["number"][0] == "frozen" and after["number"][1] is not None
    assert after["money"].balance == 0 and after["money"].deposit == 0
    assert ledger_check_balanced() == []
    assert result.settlement.top_up == (D("70.00") if top_up else 0)  # 130 prepaid + 500 deposit - 700


# --------------------------------------------------------------------------------------------------
# The cool-down over its edges
# --------------------------------------------------------------------------------------------------


def test_the_cool_down_ends_at_month_end_and_the_number_returns_to_the_pool_once(live):
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ), tick=False):
        live.line = precancelled(live)
        cancel(live)
    number = NumberResource.objects.get(msisdn=live.line.msisdn)
    assert timezone.localtime(number.frozen_until) == datetime(2027, 2, 28, 10, 0, tzinfo=TZ)
    with time_machine.travel(datetime(2027, 2, 28, 9, 59, tzinfo=TZ)):
        assert numbers_thaw_due(actor=system_actor()) == 0
        with pytest.raises(Exception) as exc:
            number_reserve(actor=live.rep, msisdn=number.msisdn)
        assert exc.value.code == "number_unavailable"  # no number is sold during its cool-down
    with time_machine.travel(datetime(2027, 2, 28, 10, 1, tzinfo=TZ)):
        assert numbers_thaw_due(actor=system_actor()) == 1
        assert numbers_thaw_due(actor=system_actor()) == 0  # run twice: nothing the second time
        assert NumberResource.objects.get(pk=number.pk).status == "free"
        number_reserve(actor=live.rep, msisdn=number.msisdn)

from datetime import date
from decimal import Decimal

import pytest

from billing.models import Payment
from billing.selectors import account_money, ledger_check_balanced
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_revenue, transaction_post
from boss.tests.threads import run_concurrently
from customers.tests.factories import LineFactory
from inventory.models import RechargeCard
from inventory.services.stock import recharge_pin_hash
from orders.services.fee_collection import line_fee_collect
from provisioning.adapters import get_adapter
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

D = Decimal
PIN = "1234567890123456"


@pytest.fixture
def line(db, rep, settings):
    settings.BOSS_NETWORK_ADAPTER_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0}
    get_adapter.cache_clear()
    return LineFactory(msisdn="13800138000", hall=rep.hall)


def _arrears(rep, line, amount):
    transaction_post(actor=rep, kind="bill", postings=[debit(ledger_account_customer(account=line.account), amount),
                                                       credit(ledger_account_revenue(fee_type="monthly"), amount)])


def _card(rep, serial="CARD0000000001", face="50.00"):
    return RechargeCard.objects.create(serial=serial, pin_hash=recharge_pin_hash(serial=serial, pin=PIN),
                                       face_value=D(face), valid_until=date(2099, 1, 1), hall=rep.hall)


@pytest.mark.django_db
def test_cash_clears_arrears_with_an_invoice_and_restores_a_suspended_line(rep, line):
    from customers.models import Line

    Line.objects.filter(pk=line.pk).update(status="suspended_arrears")
    _arrears(rep, line, D("80.00"))
    result = line_fee_collect(actor=rep, line=line, method="cash", amount=D("100.00"), tendered=D("100.00"))
    assert result.applied_to_arrears == D("80.00") and result.prepaid == D("20.00")
    wo = WorkOrder.objects.get(line=line, action="resume")
    assert wo.payload == {"reason": "arrears_cleared"}
    from provisioning.models import HlrSubscriber

    HlrSubscriber.objects.create(msisdn=line.msisdn, status="suspended")
    work_orders_run()
    line.refresh_from_db()
    assert line.status == "active"


@pytest.mark.django_db
def test_paying_at_one_line_restores_every_line_of_the_account_suspended_for_arrears(rep, line):
    from customers.models import Line

    other = LineFactory(msisdn="13800138001", customer=line.customer, account=line.account, hall=rep.hall,
                        status="suspended_arrears")
    Line.objects.filter(pk=line.pk).update(status="suspended_arrears")
    _arrears(rep, line, D("30.00"))
    line_fee_collect(actor=rep, line=line, method="cash", amount=D("30.00"))
    assert set(WorkOrder.objects.filter(action="resume").values_list("line__msisdn", flat=True)) == {
        line.msisdn, other.msisdn}


@pytest.mark.django_db
def test_a_line_moved_to_another_account_since_it_was_read_is_paid_and_restored_on_its_new_account(rep, line):
    """The counter read the line, then a transfer moved it to another account, whose other line is suspended
    for arrears: the money goes to the account the line has now, and that account's suspended lines come back."""
    from customers.models import Account, Line

    stale = Line.objects.get(pk=line.pk)
    new_account = Account.objects.create(customer=line.customer)
    sibling = LineFactory(msisdn="13800138002", customer=line.customer, account=new_account, hall=rep.hall,
                          status="suspended_arrears")
    Line.objects.filter(pk=line.pk).update(account=new_account)
    _arrears(rep, sibling, D("20.00"))
    result = line_fee_collect(actor=rep, line=stale, method="cash", amount=D("20.00"))
    assert result.payment.account_id == new_account.pk and result.applied_to_arrears == D("20.00")
    assert account_money(new_account).balance == D("0.00")
    assert list(WorkOrder.objects.filter(action="resume").values_list("line__msisdn", flat=True)) == [sibling.msisdn]


@pytest.mark.django_db
def test_a_payment_that_leaves_arrears_does_not_restore(rep, line):
    from customers.models import Line

    Line.objects.filter(pk=line.pk).update(status="suspended_arrears")
    _arrears(rep, line, D("80.00"))
    line_fee_collect(actor=rep, line=line, method="cash", amount=D("50.00"))
    assert not WorkOrder.objects.filter(line=line).exists()
    line_fee_collect(actor=rep, line=line, method="cash", amount=D("30.00"))
    line_fee_collect(actor=rep, line=line, method="cash", amount=D("1.00"))
    assert WorkOrder.objects.filter(line=line, action="resume").count() == 1  # one restore, not one per payment


@pytest.mark.django_db
def test_recharge_card_pays_its_face_value_once(rep, line):
    card = _card(rep)
    result = line_fee_collect(actor=rep, line=line, method="recharge_card", recharge_serial=card.serial,
                              recharge_pin=PIN)
    assert result.payment.amount == D("50.00") and account_money(line.account).balance == D("50.00")
    assert [d.kind for d in result.documents] == ["receipt"]
    with pytest.raises(Exception) as exc:
        line_fee_collect(actor=rep, line=line, method="recharge_card", recharge_serial=card.serial, recharge_pin=PIN)
    assert exc.value.code == "recharge_card_used"
    assert Payment.objects.count() == 1 and ledger_check_balanced() == []


@pytest.mark.django_db
def test_wrong_pin_and_cancelled_line_are_refused_and_write_nothing(rep, line):
    card = _card(rep)
    with pytest.raises(Exception) as exc:
        line_fee_collect(actor=rep, line=line, method="recharge_card", recharge_serial=card.serial,
                         recharge_pin="0000000000000000")
    assert exc.value.code == "recharge_card_invalid"
    card.refresh_from_db()
    assert card.status == "active"
    cancelled = LineFactory(msisdn="13800138001", status="cancelled")
    with pytest.raises(Exception) as exc:
        line_fee_collect(actor=rep, line=cancelled, method="cash", amount=D("10"))
    assert exc.value.code == "line_not_serviceable"
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_fee_collection_takes_a_constant_number_of_queries(rep, line, django_assert_max_num_queries):
    line_fee_collect(actor=rep, line=line, method="cash", amount=D("10"))
    with django_assert_max_num_queries(30):
        line_fee_collect(actor=rep, line=line, method="cash", amount=D("10"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_recharge_card_used_at_two_counters_at_once_pays_once(rep, line, make_staff):
    card = _card(rep)
    reps = [rep] + [make_staff("sales_rep", username=f"r{i}") for i in range(5)]

    def use(i):
        return line_fee_collect(actor=reps[i], line=line, method="recharge_card", recharge_serial=card.serial,
                                recharge_pin=PIN)

    outcomes, errors = run_concurrently(6, use)
    assert len(outcomes) == 1 and len(errors) == 5
    assert {e.code for e in errors} == {"recharge_card_used"}
    assert Payment.objects.count() == 1 and account_money(line.account).balance == D("50.00")

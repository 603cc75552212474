from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Document, LedgerTransaction, Payment
from billing.selectors import account_balance, account_money, ledger_check_balanced
from billing.services.ledger import ledger_account_cash_drawer, ledger_account_deposit
from boss.models import AuditEvent
from customers.models import Line, LineFeature
from customers.tests.factories import CustomerClassFactory
from inventory.models import NumberResource, SimCard
from orders.models import Order
from orders.services.documents import AgentInput
from orders.services.open_account import (
    BankInput,
    order_cancel_draft,
    order_open_account_create,
    order_open_account_pay,
)
from provisioning.models import HlrSubscriber, WorkOrder
from provisioning.services import work_order_rollback, work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal


def _create(w, **kwargs):
    params = {"actor": w.rep, "customer": w.customer, "msisdn": "13912345670", "product_code": "5G128",
              "sim_capacity": "usim", "documents_checked": ["id_original", "id_copy"], "service_password": "428571"}
    params.update(kwargs)
    return order_open_account_create(**params)


def _nothing_committed():
    return (Line.objects.count(), Payment.objects.count(), LedgerTransaction.objects.count(),
            WorkOrder.objects.count(), Document.objects.count())


def test_pre_input_records_a_draft_with_itemised_fees_and_takes_nothing(opening):
    opening.reserve()
    order = _create(opening)
    assert order.state == "draft" and order.amount_due == sum(line.amount for line in order.lines.all())
    kinds = {line.kind for line in order.lines.all()}
    assert "prepayment" in kinds and "fee" in kinds
    assert _nothing_committed() == (0, 0, 0, 0, 0)
    assert NumberResource.objects.get(msisdn="13912345670").status == "reserved"
    assert "428571" not in str(order.details)  # only the hash is kept
    assert AuditEvent.objects.filter(action="order.open_account.create").count() == 1


def test_payment_commits_line_number_sim_money_documents_and_work_order_then_completion_activates(opening):
    opening.reserve()
    order = _create(opening)
    with CaptureQueriesContext(connection):
        order = order_open_account_pay(actor=opening.rep, order=order, method="cash",
                                       tendered=order.amount_due + D("50"), agreement_signed=True)
    assert order.state == "provisioning" and order.payment.change == D("50.00")
    line = order.line
    assert line.status == "pending_activation" and line.iccid == opening.sims[0].iccid and line.service_password
    assert NumberResource.objects.get(msisdn="13912345670").status == "assigned"
    assert SimCard.objects.get(iccid=line.iccid).status == "assigned"
    documents = {d.kind for d in order.payment.documents.all()}
    assert documents == {"invoice", "receipt"}
    assert account_balance(ledger_account_cash_drawer(staff=opening.rep)) == order.amount_due
    assert account_money(line.account).balance == D("100.00")  # the opening prepayment
    assert ledger_check_balanced() == []
    assert WorkOrder.objects.get(reference=order.reference).state == "ready"

    work_orders_run()
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.state == "completed" and line.status == "active" and line.activated_at is not None
    assert HlrSubscriber.objects.filter(msisdn="13912345670", iccid=line.iccid).exists()


def test_the_commit_takes_a_constant_number_of_queries(opening, django_assert_max_num_queries):
    opening.reserve()
    order = _create(opening)
    with CaptureQueriesContext(connection) as first:
        order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    # A second opening with features and more stock must not cost more queries.
    opening.reserve("13912345671")
    order2 = _create(opening, msisdn="13912345671", features=["INTL_ROAM"])
    with django_assert_max_num_queries(len(first.captured_queries) + 2):
        order_open_account_pay(actor=opening.rep, order=order2, method="cash", agreement_signed=True)
    assert len(first.captured_queries) <= 80


def test_a_premium_number_carries_its_selection_fee_and_pre_deposit(opening):
    opening.reserve("13912358888")
    order = _create(opening, msisdn="13912358888")
    codes = {line.code: line for line in order.lines.all()}
    assert "grade.pre_deposit" in codes and codes["grade.pre_deposit"].kind == "prepayment"
    assert any(line.kind == "fee" and line.fee_type == "number_selection" for line in order.lines.all())


def test_roaming_needs_a_held_deposit_that_is_not_spendable(opening):
    opening.reserve()
    order = _create(opening, features=["INTL_ROAM"])
    deposit = [line for line in order.lines.all() if line.kind == "deposit"]
    assert deposit and deposit[0].amount == D("500.00")
    order = order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    assert account_balance(ledger_account_deposit(account=order.line.account)) == D("500.00")
    assert LineFeature.objects.filter(line=order.line, feature=opening.roaming).exists()


def test_bank_collection_private_needs_passbook_holder_and_their_identity(opening):
    opening.reserve()
    bank = BankInput(bank_code="ICBC", account_number="6222021234567890123", account_holder="王小明",
                     holder_doc_type="resident_id", holder_doc_number="11010519491231002X")
    with pytest.raises(Exception) as exc:
        _create(opening, payment_method="bank", bank=bank)
    assert exc.value.code == "documents_missing" and set(exc.value.params["missing"]) == {"passbook", "holder_id"}
    order = _create(opening, payment_method="bank", bank=bank,
                    documents_checked=["id_original", "passbook", "holder_id"])
    order = order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    account = order.line.account
    assert account.payment_method == "bank" and account.bank_holder_identity.number == "11010519491231002X"
    assert not account.realtime_prepaid


def test_corporate_account_needs_an_organization_and_a_bank_confirmation(opening):
    bank = BankInput(bank_code="CCB", account_number="44001234567890", account_holder="福州测试有限公司")
    docs = ["unit_letter", "licence", "seal_card"]
    opening.reserve(customer=opening.organization)
    with pytest.raises(Exception) as exc:
        _create(opening, payment_method="corporate", bank=bank, documents_checked=docs)  # an individual
    assert exc.value.code == "corporate_account_individual"
    with pytest.raises(Exception) as exc:
        _create(opening, customer=opening.organization, payment_method="corporate", bank=bank, documents_checked=docs)
    assert exc.value.code == "bank_not_confirmed"
    confirmed = BankInput(bank_code="CCB", account_number="44001234567890", account_holder="福州测试有限公司",
                          confirmed_by="建行柜员 李经理")
    order = _create(opening, customer=opening.organization, payment_method="corporate", bank=confirmed,
                    documents_checked=docs)
    assert not any(line.kind in ("prepayment", "deposit") for line in order.lines.all())  # no deposit
    assert order.details["bank"]["confirmed_by"] == "建行柜员 李经理" and order.details["bank"]["confirmed_at"]


def test_an_agent_is_recorded_with_their_own_identity(opening):
    opening.reserve()
    agent = AgentInput(doc_type="resident_id", number="440524188001010014", name="李代办")
    with pytest.raises(Exception) as exc:
        _create(opening, agent=agent)
    assert exc.value.code == "documents_missing"
    order = _create(opening, agent=agent, documents_checked=["id_original", "agent_id"])
    assert order.agent.number == "440524188001010014"


def test_a_minor_opens_only_with_a_guardian_recorded_as_the_agent(opening):
    from datetime import date

    from customers.models import CustomerIdentity
    from customers.tests.factories import resident_id

    today = date.today()
    CustomerIdentity.objects.filter(pk=opening.customer.identity_id).update(
        number=resident_id(7, born=date(today.year - 15, 1, 1)))
    opening.customer.refresh_from_db()
    opening.reserve()
    with pytest.raises(Exception) as exc:
        _create(opening)
    assert exc.value.code == "guardian_required" and "16" in str(exc.value)
    assert Order.objects.count() == 0 and _nothing_committed() == (0, 0, 0, 0, 0)
    guardian = AgentInput(doc_type="resident_id", number="440524188001010014", name="李代办")
    order = _create(opening, agent=guardian, documents_checked=["id_original", "agent_id"])
    assert order.agent.number == "440524188001010014"


@pytest.mark.parametrize("kwargs, code", [
    ({"documents_checked": []}, "documents_missing"),
    ({"service_password": "123456"}, "trivial_service_password"),
    ({"msisdn": "13912345671"}, "reservation_not_found"),
    ({"product_code": "NOPE"}, "product_unavailable"),
    ({"sim_capacity": "64k"}, "sim_unavailable"),
    ({"payment_method": "bank"}, "documents_missing"),
])
def test_refusals_at_pre_input_write_nothing(opening, kwargs, code):
    opening.reserve()
    with pytest.raises(Exception) as exc:
        _create(opening, **kwargs)
    assert getattr(exc.value, "code", None) == code, exc.value
    assert Order.objects.count() == 0 and _nothing_committed() == (0, 0, 0, 0, 0)


def test_a_blacklisted_customer_is_refused_unless_a_manager_overrides(opening, make_staff):
    CustomerClassFactory(customer=opening.customer, kind="blacklist", reason="恶意欠费")
    opening.reserve()
    with pytest.raises(Exception) as exc:
        _create(opening)
    assert exc.value.code == "customer_blacklisted" and Order.objects.count() == 0
    manager = make_staff("store_manager", username="sm")
    order = _create(opening, blacklist_override_by=manager, override_reason="欠费已结清，经理批准")
    assert order.blacklist_override_by == manager
    assert AuditEvent.objects.filter(action="customer.blacklist_override").exists()


def test_an_unverified_identity_is_refused(opening):
    opening.customer.identity.checked_at = None
    opening.customer.identity.save()
    opening.reserve()
    with pytest.raises(Exception) as exc:
        _create(opening)
    assert exc.value.code == "identity_not_verified"


def test_the_sixth_line_of_an_identity_is_refused_at_payment_even_when_the_draft_passed(opening):
    from customers.tests.factories import LineFactory

    opening.reserve()
    order = _create(opening)
    for i in range(5):
        LineFactory(customer=opening.customer, msisdn=f"1370000000{i}")
    with pytest.raises(Exception) as exc:
        order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    assert exc.value.code == "identity_line_limit"
    order.refresh_from_db()
    assert order.state == "draft" and Payment.objects.count() == 0 and WorkOrder.objects.count() == 0
    assert NumberResource.objects.get(msisdn="13912345670").status == "reserved"


def test_payment_refusals_write_nothing(opening):
    opening.reserve()
    order = _create(opening)
    with pytest.raises(Exception) as exc:
        order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=False)
    assert exc.value.code == "agreement_not_signed"
    with pytest.raises(Exception) as exc:
        order_open_account_pay(actor=opening.rep, order=order, method="cash", tendered=D("1"), agreement_signed=True)
    assert exc.value.code == "tendered_too_little"
    assert _nothing_committed() == (0, 0, 0, 0, 0)
    order = order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    with pytest.raises(Exception) as exc:
        order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    assert exc.value.code == "order_state"


def test_an_abandoned_draft_leaves_nothing_and_its_number_is_released(opening):
    opening.reserve()
    order = _create(opening)
    order = order_cancel_draft(actor=opening.rep, order=order, reason="客户放弃")
    assert order.state == "cancelled" and _nothing_committed() == (0, 0, 0, 0, 0)
    assert NumberResource.objects.get(msisdn="13912345670").effective_status() == "free"


def test_a_failed_opening_rolled_back_releases_the_number_and_refunds_by_reversal(opening, make_staff):
    opening.reserve()
    order = _create(opening)
    order = order_open_account_pay(actor=opening.rep, order=order, method="cash", agreement_signed=True)
    wo = WorkOrder.objects.get(reference=order.reference)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5)
    manager = make_staff("store_manager", username="sm")
    work_order_rollback(actor=manager, work_order=wo, reason="HLR故障")
    order.refresh_from_db()
    line = Line.objects.get(pk=order.line_id)
    assert order.state == "cancelled" and line.status == "cancelled"
    assert NumberResource.objects.get(msisdn="13912345670").status == "free"
    assert SimCard.objects.get(iccid=line.iccid).status == "in_stock"
    assert account_balance(ledger_account_cash_drawer(staff=opening.rep)) == D("0.00")
    assert account_money(line.account).balance == D("0.00")
    reds = Document.objects.filter(reversal_of__isnull=False)
    assert reds.count() == 2 and sum(d.total for d in reds) == -order.amount_due
    assert ledger_check_balanced() == []

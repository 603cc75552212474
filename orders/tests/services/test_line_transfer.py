"""Transfer of ownership (过户): the new owner's opening checks, old arrears first, the new real-time prepaid
account with its minimum prepayment, history and points with the old owner."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerTransaction
from billing.selectors import account_money, ledger_check_balanced
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_suspense, transaction_post
from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Account, CustomerClass, Line
from customers.passwords import service_password_check
from customers.tests.factories import CustomerFactory, IdentityFactory, LineFactory, resident_id
from orders.models import Order
from orders.services.documents import AgentInput
from orders.services.transfer import CorporateInput, line_transfer

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def buyer(db):
    return CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))


def snapshot(line):
    line = Line.objects.get(pk=line.pk)
    return (line.customer_id, line.account_id, line.service_password, Account.objects.count(), Order.objects.count(),
            LedgerTransaction.objects.count(), AuditEvent.objects.filter(action="line.transfer").count())


def transfer(w, new_customer, **kwargs):
    params = {"actor": w.rep, "line": w.line, "new_customer": new_customer, "service_password": "582946",
              "documents_checked": ["id_original"], "new_documents_checked": ["id_original"],
              "agreement_signed": True}
    params.update(kwargs)
    return line_transfer(**params)


def test_the_line_moves_to_a_new_prepaid_account_and_the_old_one_keeps_its_history(live, buyer):
    old_account, old_customer = live.line.account, live.line.customer
    old_money = account_money(old_account)
    order = transfer(live, buyer, tendered=D("300.00"))
    line = Line.objects.get(pk=live.line.pk)
    assert line.customer == buyer and line.account != old_account and line.owner_since == timezone.localdate()
    assert line.account.customer == buyer and line.account.realtime_prepaid and not line.account.corporate
    assert account_money(line.account).balance == D("200.00")  # the minimum prepayment
    assert account_money(old_account) == old_money  # the old owner's money and ledger stay with them
    assert old_account.customer == old_customer
    assert service_password_check("582946", line.service_password)  # the old owner's password is gone
    assert order.kind == "transfer" and order.state == "completed" and order.customer == buyer
    assert order.details["old_customer"] == old_customer.pk and order.payment.change == D("100.00")
    assert [d.kind for d in order.payment.documents.all()] == ["receipt"]
    assert line.status == "active" and AuditEvent.objects.filter(action="line.transfer").count() == 1
    assert ledger_check_balanced() == []


def test_international_long_distance_means_the_higher_minimum(live, buyer):
    from catalog.tests.factories import FeatureFactory

    FeatureFactory(code="LD-INTL", name="国际长途", kind="long_distance", level=2)
    live.line = live.open_line("13912345671", features=["LD-INTL"])
    order = transfer(live, buyer)
    assert order.amount_due == D("500.00")
    with pytest.raises(Exception) as exc:
        transfer(live, CustomerFactory(identity=IdentityFactory(checked_at=timezone.now())), prepayment=D("300.00"))
    assert exc.value.code == "amount_too_small"


def test_a_corporate_account_pays_no_deposit(live):
    org = live.organization
    corporate = CorporateInput(bank_code="ICBC", account_number="1234567890", account_holder=org.name,
                               confirmed_by="工行王经理")
    agent = AgentInput("resident_id", "11010519491231002X", "王代办")
    order = transfer(live, org, corporate=corporate, new_agent=agent,
                     new_documents_checked=["unit_letter", "licence", "seal_card", "agent_id"])
    line = Line.objects.get(pk=live.line.pk)
    assert order.amount_due == 0 and line.account.corporate and not line.account.realtime_prepaid


@pytest.mark.parametrize("case,code", [
    ("unverified", "identity_not_verified"), ("blacklisted", "customer_blacklisted"),
    ("limit", "identity_line_limit"), ("arrears", "arrears_outstanding"), ("same_owner", "domain_error"),
    ("old_documents", "documents_missing"), ("password", "trivial_service_password"),
    ("corporate_individual", "corporate_account_individual"), ("unsigned", "agreement_not_signed"),
    ("minor", "guardian_required"),
])
def test_refusals_write_nothing(live, buyer, case, code):
    kwargs = {}
    new = buyer
    if case == "unverified":
        new = CustomerFactory(identity=IdentityFactory(checked_at=None))
    elif case == "blacklisted":
        CustomerClass.objects.create(customer=buyer, kind="blacklist", reason="欠费逃逸", since=timezone.localdate())
    elif case == "limit":
        for _ in range(5):
            LineFactory(customer=buyer)
    elif case == "arrears":
        transaction_post(actor=system_actor(), kind="usage", postings=[
            debit(ledger_account_customer(account=live.line.account), D("130.00")),
            credit(ledger_account_suspense(), D("130.00"))])
    elif case == "same_owner":
        new = live.line.customer
    elif case == "old_documents":
        kwargs["documents_checked"] = []
    elif case == "password":
        kwargs["service_password"] = "123456"
    elif case == "corporate_individual":
        kwargs["corporate"] = CorporateInput("ICBC", "1", "x", "y")
    elif case == "unsigned":
        kwargs["agreement_signed"] = False
    elif case == "minor":
        born = timezone.localdate().replace(month=1, day=1) - timedelta(days=365 * 15)
        new = CustomerFactory(identity=IdentityFactory(number=resident_id(8, born=born), checked_at=timezone.now()))
    before = snapshot(live.line)
    with pytest.raises(Exception) as exc:
        transfer(live, new, **kwargs)
    assert getattr(exc.value, "code", None) == code, exc.value
    assert snapshot(live.line) == before


def test_a_manager_may_override_the_blacklist_and_it_is_recorded(live, buyer, make_staff):
    CustomerClass.objects.create(customer=buyer, kind="blacklist", reason="测试", since=timezone.localdate())
    manager = make_staff("store_manager", username="sm_a")
    order = transfer(live, buyer, blacklist_override_by=manager, override_reason="欠费已结清，经理批准")
    assert order.blacklist_override_by == manager
    assert AuditEvent.objects.filter(action="customer.blacklist_override").count() == 1


def test_a_bank_collection_account_needs_the_old_holders_id(live, buyer):
    Account.objects.filter(pk=live.line.account_id).update(payment_method="bank", realtime_prepaid=False)
    with pytest.raises(Exception) as exc:
        transfer(live, buyer)
    assert exc.value.code == "documents_missing" and exc.value.params["missing"] == ["holder_id"]
    transfer(live, buyer, documents_checked=["id_original", "holder_id"])


def test_a_line_pending_cancellation_cannot_be_transferred(live, buyer):
    from orders.services.precancel import RetentionInput, line_precancel

    line_precancel(actor=live.manager, line=live.line, documents_checked=["id_original"], agreement_signed=True,
                   retention=RetentionInput(reason="moving", offer="保号", accepted=False))
    before = snapshot(live.line)
    with pytest.raises(Exception) as exc:
        transfer(live, buyer)
    assert exc.value.code == "line_state" and snapshot(live.line) == before


def test_a_minor_new_owner_takes_over_with_a_guardian_as_the_agent(live):
    born = timezone.localdate().replace(month=1, day=1) - timedelta(days=365 * 15)
    minor = CustomerFactory(identity=IdentityFactory(number=resident_id(9, born=born), checked_at=timezone.now()))
    order = transfer(live, minor, new_agent=AgentInput("resident_id", "11010519491231002X", "王监护"),
                     new_documents_checked=["id_original", "agent_id"], tendered=D("200.00"))
    assert order.agent.number == "11010519491231002X"
    assert Line.objects.get(pk=live.line.pk).customer == minor

"""Move a line to another account of its owner (改帐务): no move with arrears on either account, the
bank-collection mandate stays with its account (the line is collected by the one it joins), a new cash
account on request; every refusal writes nothing; screen and API."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from billing.selectors import account_money
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_suspense, transaction_post
from boss.errors import DomainError
from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Account, Line
from customers.services.accounts import BankDetails, account_open
from customers.tests.factories import CustomerFactory
from orders.errors import AccountArrearsError, LineStateError
from orders.models import Order
from orders.services.account_move import line_account_change

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}
D = Decimal


@pytest.fixture
def bank_account(live):
    return account_open(customer=live.line.customer, bank=BankDetails(
        bank_code="ICBC", account_number="6222020200112233445", account_holder="张三"))


def owe(account, amount):
    transaction_post(actor=system_actor(), kind="usage", postings=[
        debit(ledger_account_customer(account=account), D(amount)), credit(ledger_account_suspense(), D(amount))])


def written():
    return Order.objects.count(), Account.objects.count(), AuditEvent.objects.count(), list(
        Line.objects.values_list("account_id", flat=True).order_by("pk"))


def test_the_line_moves_to_the_owners_bank_account_and_is_collected_by_its_mandate(live, bank_account):
    old = live.line.account
    money_before = account_money(old)
    order = line_account_change(actor=live.rep, line=live.line, account=bank_account.pk, **DOCS)
    line = Line.objects.select_related("account").get(pk=live.line.pk)
    assert line.account == bank_account and line.account.payment_method == "bank"
    assert line.account.bank_account_number == "6222020200112233445"      # the mandate is the account's
    assert Account.objects.get(pk=old.pk).bank_account_number == ""
    assert account_money(old) == money_before                               # the money stays with its account
    assert (order.kind, order.state, order.details["to_account"]) == ("account_move", "completed", bank_account.pk)
    event = AuditEvent.objects.get(action="line.account_move")
    assert "6222020200112233445" not in str(event.after)                    # masked


def test_a_new_cash_account_is_opened_on_request(live):
    order = line_account_change(actor=live.rep, line=live.line, new_account=True, **DOCS)
    line = Line.objects.select_related("account").get(pk=live.line.pk)
    assert line.account.pk == order.details["to_account"] and line.account.payment_method == "cash"
    assert line.account.customer_id == live.line.customer_id


@pytest.mark.parametrize("where", ["from", "to"])
def test_no_move_with_arrears_on_either_account(live, bank_account, where):
    owe(live.line.account if where == "from" else bank_account, "20.00" if where == "to" else "500.00")
    before = written()
    with pytest.raises(AccountArrearsError) as exc:
        line_account_change(actor=live.rep, line=live.line, account=bank_account.pk, **DOCS)
    assert exc.value.code == "account_arrears" and "¥" in str(exc.value.message)
    assert written() == before


def test_another_customers_account_or_none_is_refused_and_writes_nothing(live):
    stranger = account_open(customer=CustomerFactory())
    before = written()
    for kwargs in ({"account": stranger.pk}, {}, {"account": live.line.account_id}):
        with pytest.raises(DomainError) as exc:
            line_account_change(actor=live.rep, line=live.line, **kwargs, **DOCS)
        assert exc.value.code == "account_not_own"
    assert written() == before


def test_a_line_suspended_for_arrears_does_not_move(live, bank_account):
    Line.objects.filter(pk=live.line.pk).update(status="suspended_arrears")
    before = written()
    with pytest.raises(LineStateError):
        line_account_change(actor=live.rep, line=Line.objects.get(pk=live.line.pk), account=bank_account.pk, **DOCS)
    assert written() == before


def test_account_move_on_the_screen_and_through_the_api(live, bank_account, client):
    client.force_login(live.rep)
    url = reverse("orders:line_process", args=[live.line.msisdn, "account"])
    form = client.get(url).content.decode()
    assert "6222020200112233445" not in form and "3445" in form        # the bank account is shown masked
    assert '<option value="" selected>' in form                         # nothing chosen for the customer
    assert client.post(url, {"idempotency_key": "am-1", "account": "", **DOCS}).status_code == 400
    api = APIClient()
    api.force_authenticate(live.rep)
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/account", {"account": bank_account.pk, **DOCS},
                        format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    assert Line.objects.get(pk=live.line.pk).account_id == bank_account.pk

"""ui.md: how the customer pays is the customer's to say. The opening's payment method (step 2), its confirm
step, fee collection and the change of payment method start with nothing chosen; sent without a choice they
are refused at the field in Chinese with nothing written. The signed box stands before its label on one
line."""

import re

import pytest
from django.urls import reverse

from billing.models import LedgerTransaction, Payment
from customers.tests.factories import LineFactory
from orders.models import Order

pytestmark = pytest.mark.django_db

CHOOSE = "请选择客户的付款方式。"


def _checked(html: str, name: str) -> list[str]:
    """The values of the radio buttons named `name` that come checked."""
    radios = re.finditer(rf'<input type="radio" name="{name}"[^>]*>', html)
    return [m.group(0) for m in radios if " checked" in m.group(0)]


def _field_error(html: str, name: str) -> str:
    """The text of the field block holding the input named `name` (its errors included)."""
    start = html.index(f'name="{name}"')
    block = html[html.rindex('<div class="field', 0, start):]
    return block[:block.index("</div>", block.index("errorlist") if "errorlist" in block[:3000] else 0) + 6]


@pytest.fixture
def counter(client, opening):
    client.force_login(opening.rep)
    return client


def _draft(opening):
    from orders.services.open_account import order_open_account_create

    opening.reserve()
    return order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn="13912345670",
                                     product_code="5G128", sim_capacity="usim", documents_checked=["id_original"],
                                     service_password="428571")


def test_the_confirm_step_chooses_no_method_and_refuses_without_one(counter, opening):
    order = _draft(opening)
    url = reverse("orders:order_confirm", args=[order.pk])
    html = counter.get(url).content.decode()
    assert 'name="method"' in html and _checked(html, "method") == []
    # the signed box stands before its label, on one line
    assert re.search(r'<div class="field field-check">\s*<label for="id_agreement_signed"><input type="checkbox"',
                     html)
    ledger = LedgerTransaction.objects.count()
    response = counter.post(url, {"tendered": "50000", "agreement_signed": "on", "idempotency_key": "k-pay"})
    html = response.content.decode()
    assert response.status_code == 400 and CHOOSE in _field_error(html, "method")
    order.refresh_from_db()
    assert order.state == Order.State.DRAFT and Payment.objects.count() == 0
    assert LedgerTransaction.objects.count() == ledger
    paid = counter.post(url, {"method": "cash", "tendered": "50000", "agreement_signed": "on",
                              "idempotency_key": "k-pay2"})
    assert paid.status_code == 302 and Payment.objects.count() == 1


def test_the_opening_s_payment_method_is_the_customer_s_answer(counter, opening):
    opening.reserve()
    url = reverse("orders:open_account_product", args=[opening.customer.pk])
    html = counter.get(url).content.decode()
    assert _checked(html, "payment_method") == []
    response = counter.post(url, {"msisdn": "13912345670", "product": "5G128", "sim_capacity": "usim",
                                  "documents_checked": ["id_original"], "service_password": "428571",
                                  "idempotency_key": "k-step2"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择客户每月的付费方式：现金（预付费）或银行托收。" in _field_error(html, "payment_method")
    assert Order.objects.count() == 0


def test_fee_collection_chooses_no_method_and_refuses_without_one(counter, opening):
    LineFactory(msisdn="13800138000", hall=opening.rep.hall)
    url = reverse("orders:fee_collection") + "?msisdn=13800138000"
    html = counter.get(url).content.decode()
    assert 'name="method"' in html and _checked(html, "method") == []
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    response = counter.post(url, {"amount": "20.00", "tendered": "20", "idempotency_key": key})
    assert response.status_code == 400 and CHOOSE in _field_error(response.content.decode(), "method")
    assert Payment.objects.count() == 0


def test_the_change_of_payment_method_chooses_nothing(counter, live):
    html = counter.get(reverse("orders:line_process", args=[live.line.msisdn, "payment-method"])).content.decode()
    assert 'name="payment_method"' in html and _checked(html, "payment_method") == []

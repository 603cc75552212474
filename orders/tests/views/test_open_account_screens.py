"""The three screens of an opening, the order page, fee collection, documents: status codes, the flow
through the real views, refusals shown at the field, query counts."""

import pytest
from django.urls import reverse

from billing.models import Payment
from boss.models import AuditEvent
from customers.tests.factories import LineFactory
from orders.models import Order
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(client, opening):
    client.force_login(opening.rep)
    return client


def _product_form(opening, **extra):
    data = {"msisdn": "13912345670", "product": "5G128", "sim_capacity": "usim", "payment_method": "cash",
            "documents_checked": ["id_original"], "service_password": "428571", "idempotency_key": "k-step2",
            "features": []}
    data.update(extra)
    return data


def test_step_one_finds_a_customer_by_id_number_by_post(counter, opening):
    response = counter.post(reverse("orders:open_account"), {"action": "find", "q": opening.customer.identity.number})
    html = response.content.decode()
    assert response.status_code == 200 and reverse("orders:open_account_product", args=[opening.customer.pk]) in html
    assert opening.customer.identity.number not in html  # masked


def test_step_one_registers_a_new_customer_and_goes_on(counter, opening):
    data = {"action": "create", "doc_type": "resident_id", "number": "440524188001010014", "name": "陈新客",
            "address": "广东省汕头市潮阳区新华路1号", "check_method": "card_reader", "contact_phone": "13500135000",
            "contact_address": "广州市天河区", "idempotency_key": "k-new"}
    response = counter.post(reverse("orders:open_account"), data)
    assert response.status_code == 302 and "/open-account/" in response.url


def test_the_whole_flow_through_the_screens(counter, opening):
    customer = opening.customer
    step2 = reverse("orders:open_account_product", args=[customer.pk])
    assert counter.get(step2).status_code == 200
    numbers = counter.get(reverse("orders:open_account_numbers", args=[customer.pk]), {"ending": "8888"},
                          HTTP_HX_REQUEST="true")
    assert "13912358888" in numbers.content.decode()
    reserved = counter.post(reverse("orders:open_account_reserve", args=[customer.pk]), {"msisdn": "13912358888"},
                            HTTP_HX_REQUEST="true")
    assert 'value="13912358888"' in reserved.content.decode() and reserved["HX-Trigger"] == "numberChosen"
    quote = counter.get(reverse("orders:open_account_quote", args=[customer.pk]),
                        {"product": "5G128", "msisdn": "13912358888", "sim_capacity": "usim"}, HTTP_HX_REQUEST="true")
    assert "选号费" in quote.content.decode() or "number" in quote.content.decode().lower()

    response = counter.post(step2, _product_form(opening, msisdn="13912358888"))
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    confirm = counter.get(response.url)
    assert confirm.status_code == 200 and "客户服务协议" in confirm.content.decode()
    pdf = counter.get(reverse("orders:order_agreement", args=[order.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="order.agreement_print").exists()

    unsigned = counter.post(response.url, {"method": "cash", "tendered": "50000", "idempotency_key": "k-pay0"})
    assert unsigned.status_code == 400 and "签字" in unsigned.content.decode()
    paid = counter.post(response.url, {"method": "cash", "tendered": "50000", "agreement_signed": "on",
                                       "idempotency_key": "k-pay"})
    assert paid.status_code == 302 and paid.url == reverse("orders:order_detail", args=[order.pk])
    again = counter.post(response.url, {"method": "cash", "tendered": "50000", "agreement_signed": "on",
                                        "idempotency_key": "k-pay"})
    assert again.status_code == 302 and Payment.objects.count() == 1  # a resubmitted form pays once
    detail = counter.get(paid.url).content.decode()
    assert "施工中" in detail
    work_orders_run()
    detail = counter.get(paid.url, HTTP_HX_REQUEST="true").content.decode()
    assert "已竣工" in detail and "hx-trigger" not in detail  # no more polling once completed
    document = Payment.objects.get().documents.first()
    first = counter.get(reverse("orders:document_pdf", args=[document.pk]))
    assert first.status_code == 200
    assert AuditEvent.objects.filter(action="document.print").count() == 1
    counter.get(reverse("orders:document_pdf", args=[document.pk]))
    assert AuditEvent.objects.filter(action="document.reprint").count() == 1


def test_a_refusal_shows_at_the_field_and_keeps_what_was_typed(counter, opening):
    opening.reserve()
    response = counter.post(reverse("orders:open_account_product", args=[opening.customer.pk]),
                            _product_form(opening, documents_checked=[], bank_account_holder="王五"))
    html = response.content.decode()
    assert response.status_code == 400 and "请先核验这些证件" in html and 'value="王五"' in html
    assert Order.objects.count() == 0


def test_fee_collection_screen(counter, opening):
    line = LineFactory(msisdn="13800138000", hall=opening.rep.hall)
    url = reverse("orders:fee_collection") + "?msisdn=13800138000"
    page = counter.get(url)
    assert page.status_code == 200 and "13800138000" in page.content.decode()
    response = counter.post(url, {"method": "cash", "amount": "30.00", "tendered": "50", "idempotency_key": "k1"})
    assert response.status_code == 302
    result = counter.get(response.url).content.decode()
    assert "¥20.00" in result and "收据" in result
    again = counter.post(url, {"method": "cash", "amount": "30.00", "tendered": "50", "idempotency_key": "k1"})
    assert again.url == response.url and Payment.objects.filter(line=line).count() == 1
    bad = counter.post(url, {"method": "cash", "amount": "35.00", "tendered": "20", "idempotency_key": "k2"})
    assert bad.status_code == 400 and "实收现金少于应收金额" in bad.content.decode()
    unknown = counter.get(reverse("orders:fee_collection") + "?msisdn=13700000000")
    assert unknown.status_code == 200 and "13700000000" in unknown.content.decode()


def test_fee_collection_page_query_count_is_constant(counter, opening, django_assert_max_num_queries):
    LineFactory(msisdn="13800138000", hall=opening.rep.hall)
    with django_assert_max_num_queries(25):
        counter.get(reverse("orders:fee_collection") + "?msisdn=13800138000")


def test_order_page_query_count_is_constant(counter, opening, django_assert_max_num_queries):
    opening.reserve()
    counter.post(reverse("orders:open_account_product", args=[opening.customer.pk]), _product_form(opening))
    order = Order.objects.get()
    with django_assert_max_num_queries(25):
        counter.get(reverse("orders:order_detail", args=[order.pk]))


@pytest.mark.parametrize("role, status", [("sales_rep", 200), ("store_manager", 200), ("customer_manager", 200),
                                          ("account_clerk", 403), ("complaint_reviewer", 403), ("manager", 403)])
def test_who_may_open_accounts_and_collect_fees(client, make_staff, role, status):
    client.force_login(make_staff(role, username=f"u_{role}"))
    assert client.get(reverse("orders:open_account")).status_code == status
    assert client.get(reverse("orders:fee_collection")).status_code == status

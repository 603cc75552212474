"""The counter's requests in a fixed number of queries (issue 20: the server time of each one at a time is
kept by its query count). Through the API as the counters call it: token authentication, the staff
member's permission set kept per process (boss/backends.py), an Idempotency-Key where money or a number
moves. benchmarks/counter_profile.py measures the same requests' time on a loaded database."""

import uuid
from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from billing.models import Payment
from billing.services.ledger import ledger_account_cache_clear
from boss.backends import permission_cache_clear
from customers.identity import resident_id_compose
from customers.models import Customer
from inventory.models import NumberReservation
from orders.models import Order

pytestmark = pytest.mark.django_db

# The most queries each request may run (PostgreSQL and SQLite alike). On the benchmark database before
# issue 20: 22, 19, 31, 76, 6 and 39.
MAX_QUERIES = {"reservation": 17, "customer registration": 11, "pre-input": 25, "payment": 57, "line read": 4,
               "fee collection": 25}


@pytest.fixture
def counter(live, settings):
    settings.BOSS_PERMISSION_CACHE_SECONDS = 10
    settings.BOSS_LEDGER_ACCOUNT_CACHE_SECONDS = 60
    permission_cache_clear()
    ledger_account_cache_clear()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=live.rep).key}")
    assert client.get(f"/api/v1/lines/{live.line.msisdn}").status_code == 200  # the process is warm
    yield client
    permission_cache_clear()
    ledger_account_cache_clear()


def _key():
    return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}


def test_each_counter_request_runs_a_fixed_number_of_queries(counter, live, django_assert_max_num_queries,
                                                             django_capture_on_commit_callbacks):
    def measured(name, send):
        # each request commits, as at the counter: what a process keeps after a commit is kept here too
        with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(MAX_QUERIES[name]):
            return send()

    reserved = measured("reservation", lambda: counter.post("/api/v1/numbers/13912345671/reservation", {},
                                                             format="json", **_key()))
    assert reserved.status_code == 201, reserved.json()
    number = resident_id_compose("440106", date(1988, 3, 14), 123)
    customer = measured("customer registration", lambda: counter.post("/api/v1/customers", {
        "kind": "individual", "name": "王测试",
        "identity": {"type": "resident_id", "number": number, "address": "广东省广州市天河区体育西路1号"},
        "contact_phone": "13900001111", "contact_address": "广州市天河区"}, format="json"))
    assert customer.status_code == 201, customer.json()
    order = measured("pre-input", lambda: counter.post("/api/v1/orders/open-account", {
        "customer_id": customer.json()["id"], "msisdn": "13912345671", "product_code": "5G128",
        "sim_capacity": "usim", "payment_method": "cash", "documents_checked": ["id_original"],
        "service_password": "428571"}, format="json", **_key()))
    assert order.status_code == 201, order.json()
    paid = measured("payment", lambda: counter.post(f"/api/v1/orders/{order.json()['order_id']}/payment",
                                                    {"method": "cash", "tendered": order.json()["amount_due"]},
                                                    format="json", **_key()))
    assert paid.status_code == 200, paid.json()
    line = measured("line read", lambda: counter.get(f"/api/v1/lines/{live.line.msisdn}"))
    assert line.status_code == 200
    fee = measured("fee collection", lambda: counter.post(f"/api/v1/lines/{live.line.msisdn}/payments",
                                                          {"amount": "50.00", "method": "cash", "tendered": "100.00"},
                                                          format="json", **_key()))
    assert fee.status_code == 201, fee.json()
    # the work itself was done, once
    assert NumberReservation.objects.filter(number__msisdn="13912345671", state="converted").count() == 1
    assert Customer.objects.filter(pk=customer.json()["id"]).exists()
    assert Order.objects.get(pk=order.json()["order_id"]).state == "provisioning"
    assert Payment.objects.filter(line=live.line, amount="50.00").count() == 1

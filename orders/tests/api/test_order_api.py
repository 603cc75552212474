"""The fixed endpoints of api.md for opening an account, paying, the order, the line and fee collection."""

import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from billing.models import Payment
from orders.models import Order
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(opening):
    client = APIClient()
    client.force_authenticate(opening.rep)
    return client


def _open(api, opening, HTTP_IDEMPOTENCY_KEY=None, **extra):  # noqa: N803 (the header's name)
    headers = {"HTTP_IDEMPOTENCY_KEY": HTTP_IDEMPOTENCY_KEY} if HTTP_IDEMPOTENCY_KEY else {}
    body = {"customer_id": opening.customer.pk, "msisdn": "13912345670", "product_code": "5G128",
            "sim_capacity": "usim", "payment_method": "cash", "documents_checked": ["id_original"],
            "service_password": "428571", **extra}
    return api.post("/api/v1/orders/open-account", body, format="json", **headers)


def test_open_pay_follow_to_completion(api, opening):
    opening.reserve()
    response = _open(api, opening)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and Decimal(body["amount_due"]) > 0 and body["lines"]
    key = str(uuid.uuid4())
    paid = api.post(f"/api/v1/orders/{body['order_id']}/payment", {"method": "cash", "tendered": "1000.00"},
                    format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert paid.status_code == 200, paid.json()
    result = paid.json()
    assert result["state"] == "provisioning" and result["paid"] == body["amount_due"]
    assert Decimal(result["change"]) == Decimal("1000.00") - Decimal(body["amount_due"])
    assert {d["kind"] for d in result["documents"]} == {"invoice", "receipt"}

    again = api.post(f"/api/v1/orders/{body['order_id']}/payment", {"method": "cash", "tendered": "1000.00"},
                     format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again.json() == result and again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    reused = api.post(f"/api/v1/orders/{body['order_id']}/payment", {"method": "bank_card"}, format="json",
                      HTTP_IDEMPOTENCY_KEY=key)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"

    work_orders_run()
    status = api.get(f"/api/v1/orders/{body['order_id']}").json()
    assert status["state"] == "completed" and status["subscription"] == {"msisdn": "13912345670", "state": "active"}
    assert status["work_orders"][0]["state"] == "done"

    line = api.get("/api/v1/lines/13912345670").json()
    assert line["state"] == "active" and line["balance"] == "100.00" and line["product"]["code"] == "5G128"
    assert "*" in line["owner"]["identity"] and line["owner"]["name"] == opening.customer.name   # the rep's rule

    pdf = api.get(result["documents"][0]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_payment_without_a_key_is_refused(api, opening):
    opening.reserve()
    order_id = _open(api, opening).json()["order_id"]
    response = api.post(f"/api/v1/orders/{order_id}/payment", {"method": "cash"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert Order.objects.get(pk=order_id).state == "draft"


def test_a_suggested_service_password_is_returned_once(api, opening):
    opening.reserve()
    response = _open(api, opening, service_password="")
    assert response.status_code == 201 and len(response.json()["initial_service_password"]) == 6


def test_the_generated_password_is_never_stored_for_replays(api, opening):
    """Issue 12 item 5: the idempotency table keeps no secret; a replay says the password was shown."""
    import json

    from boss.models import IdempotencyKey

    opening.reserve()
    first = _open(api, opening, service_password="", HTTP_IDEMPOTENCY_KEY="open-1")
    password = first.json()["initial_service_password"]
    assert first.status_code == 201 and len(password) == 6
    stored = IdempotencyKey.objects.get(key="open-1")
    assert password not in json.dumps(stored.response) and "initial_service_password" not in stored.response
    again = _open(api, opening, service_password="", HTTP_IDEMPOTENCY_KEY="open-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    body = again.json()
    assert "initial_service_password" not in body and body["secrets_already_shown"] == ["initial_service_password"]
    assert body["order_id"] == first.json()["order_id"] and Order.objects.count() == 1


@pytest.mark.parametrize("body, code", [
    ({"documents_checked": []}, "documents_missing"),
    ({"msisdn": "13912345671"}, "reservation_not_found"),
    ({"payment_method": "cheque"}, "invalid"),
    ({"customer_id": 999999}, "customer_not_found"),
    ({"features": ["NOPE"]}, "feature_unavailable"),
    ({"bank": "x", "payment_method": "bank"}, "invalid"),
])
def test_refusals_are_4xx_with_codes_and_write_nothing(api, opening, body, code):
    opening.reserve()
    response = _open(api, opening, **body)
    assert 400 <= response.status_code < 500 and response.json()["code"] == code, response.json()
    assert Order.objects.count() == 0


def test_fee_collection_api(api, opening):
    opening.reserve()
    order_id = _open(api, opening).json()["order_id"]
    api.post(f"/api/v1/orders/{order_id}/payment", {"method": "cash"}, format="json",
             HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    key = str(uuid.uuid4())
    paid = api.post("/api/v1/lines/13912345670/payments", {"amount": "50.00", "method": "cash", "tendered": "100"},
                    format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert paid.status_code == 201 and paid.json()["change"] == "50.00" and paid.json()["prepaid"] == "50.00"
    assert api.post("/api/v1/lines/13912345670/payments", {"amount": "50.00", "method": "cash", "tendered": "100"},
                    format="json", HTTP_IDEMPOTENCY_KEY=key).json() == paid.json()
    assert Payment.objects.count() == 2
    refused = api.post("/api/v1/lines/13912345670/payments", {"method": "cash"}, format="json",
                       HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert refused.status_code == 400 and "amount" in refused.json()["fields"]
    unknown = api.get("/api/v1/lines/13700000000")
    assert unknown.status_code == 404 and unknown.json()["code"] == "number_not_found"


def test_another_halls_order_is_404(api, opening, make_staff, other_hall):
    opening.reserve()
    order_id = _open(api, opening).json()["order_id"]
    client = APIClient()
    client.force_authenticate(make_staff("sales_rep", username="rep_b", hall=other_hall))
    assert client.get(f"/api/v1/orders/{order_id}").status_code == 404


def test_roles_without_the_process_cannot_open(opening, make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("complaint_reviewer", username="rv", hall=None))
    assert client.post("/api/v1/orders/open-account", {}, format="json").status_code == 403

"""`POST /api/v1/lines/{msisdn}/<process>` and the line queries: the same services as the screens, errors as
`{"code", "message", "params"}` with 4xx, Idempotency-Key for money and resources, hall scope."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Document
from customers.models import Line
from customers.tests.factories import CustomerFactory, IdentityFactory
from orders.models import Order
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(live):
    return client_for(live.rep)


def test_precancel_then_cancel_through_the_api(live):
    manager = client_for(live.manager)
    url = f"/api/v1/lines/{live.line.msisdn}/precancel"
    body = {"retention_reason": "moving", "retention_offer": "保号套餐", **DOCS}
    assert manager.post(url, body, format="json").status_code == 400  # money-moving: the key is required
    key = str(uuid.uuid4())
    first = manager.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.json()
    again = manager.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert first.json()["type"] == "precancel" and first.json()["subscription"]["state"] == "pending_cancellation"
    work_orders_run()
    cancelled = client_for(live.rep).post(f"/api/v1/lines/{live.line.msisdn}/cancel", {**DOCS, "method": "cash"},
                                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert cancelled.status_code == 201, cancelled.json()
    assert {d["kind"] for d in cancelled.json()["documents"]} <= {"receipt", "invoice"}
    assert Line.objects.get(pk=live.line.pk).status == "cancelled"


def test_a_wrong_state_is_a_409_with_a_stable_code_and_a_message(api, live):
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/unlock", DOCS, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "line_state" and body["message"] and body["params"]["status"] == "active"


def test_bad_input_is_a_400_with_fields_never_a_500(api, live):
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/long-distance", {"level": 7}, format="json")
    assert response.status_code == 400 and "level" in response.json().get("fields", {})
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/payment-method", {"payment_method": "gold"}, format="json")
    assert response.status_code == 400
    response = api.post("/api/v1/lines/19999999999/suspension", DOCS, format="json")
    assert response.status_code == 404


def test_the_rep_may_not_pre_cancel(api, live):
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/precancel", {}, format="json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 403


def test_services_and_portability_queries(api, live):
    services = api.get(f"/api/v1/lines/{live.line.msisdn}/services").json()
    slugs = [s["process"] for s in services["services"]]
    assert services["state"] == "active" and "report-loss" in slugs and "unlock" not in slugs
    assert "precancel" not in slugs and "transfer" in slugs
    check = api.get(f"/api/v1/lines/{live.line.msisdn}/portability").json()
    assert check["eligible"] is False and len(check["conditions"]) == 5
    failed = [c for c in check["conditions"] if not c["met"]]
    assert [c["code"] for c in failed] == ["min_days"] and failed[0]["explanation"]
    Line.objects.filter(pk=live.line.pk).update(activated_at=timezone.now() - timedelta(days=130))
    assert api.get(f"/api/v1/lines/{live.line.msisdn}/portability").json()["eligible"] is True


def test_transfer_and_sim_through_the_api(api, live):
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now()))
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/transfer", {
        "new_customer": buyer.pk, "service_password": "582946", "new_documents_checked": ["id_original"],
        "tendered": "200.00", **DOCS}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    assert Line.objects.get(pk=live.line.pk).customer == buyer
    sim = api.post(f"/api/v1/lines/{live.line.msisdn}/sim", {"sim_capacity": "usim", **DOCS}, format="json",
                   HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert sim.status_code == 201 and sim.json()["work_orders"][0]["action"] == "change_sim"


def test_invoice_reprint_answers_with_the_pdf(api, live):
    document = Document.objects.filter(customer=live.line.customer).first()
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/invoice-reprint",
                        {"document_id": document.pk, "reason": "遗失"}, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert Order.objects.filter(kind="invoice_reprint").count() == 1
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/invoice-reprint", {"document_id": 999999, "reason": "x"},
                        format="json")
    assert response.status_code == 404 and response.json()["code"] == "document_not_found"

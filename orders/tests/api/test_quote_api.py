"""Quotes and recommendations endpoints."""

from decimal import Decimal

import pytest

from catalog.tests.factories import OfferFactory, PlanFactory
from orders.models import RecommendationOutcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(reference):
    return PlanFactory(code="5G-128", name="5G智享128", monthly_fee=Decimal("128.00"))


def test_quote_of_the_fixed_shape(api, plan, premium):
    response = api.post("/api/v1/quotes", {"business": "open_account", "product_code": plan.code,
                                           "msisdn": premium.msisdn, "sim_capacity": "usim"}, format="json")
    body = response.json()
    assert response.status_code == 200
    assert [(line["item"], line["amount"]) for line in body["lines"]] == [
        ("SIM卡费（USIM）", "30.00"), ("选号费（特级靓号）", "2000.00"), ("预存款", "100.00"),
        ("靓号预存话费（特级靓号）", "3000.00")]
    assert body["total"] == "5130.00" and body["monthly_total"] == "128.00" and body["agreement_months"] == 36


@pytest.mark.parametrize("body, status, code", [
    ({"business": "open_account", "product_code": "NOPE"}, 400, "product_unavailable"),
    ({"business": "open_account", "product_code": "5G-128", "features": ["NOPE"]}, 400, "feature_unavailable"),
    ({"business": "open_account", "product_code": "5G-128", "msisdn": "13800000000"}, 404, "number_not_found"),
    ({"business": "teleport", "product_code": "5G-128"}, 400, "invalid"),
    ({"business": "open_account", "product_code": "5G-128", "msisdn": "abc"}, 400, "invalid"),
    ({"business": "open_account", "product_code": "5G-128", "date": "2026-13-01"}, 400, "invalid"),
])
def test_quote_refusals_are_4xx_with_a_code(api, plan, body, status, code):
    response = api.post("/api/v1/quotes", body, format="json")
    assert response.status_code == status and response.json()["code"] == code


def test_recommendations_and_the_outcome(api, customer, reference):
    OfferFactory(code="DATA1G", name="流量加油包", product=PlanFactory(code="D1", name="流量包"))
    offers = api.get(f"/api/v1/customers/{customer.pk}/recommendations").json()
    assert [o["offer"] for o in offers] == ["DATA1G"]
    response = api.post("/api/v1/recommendations/outcomes", {"customer_id": customer.pk, "offer": "DATA1G",
                                                             "accepted": True}, format="json")
    assert response.status_code == 201 and RecommendationOutcome.objects.get().accepted is True
    assert api.get("/api/v1/customers/999999/recommendations").status_code == 404
    bad = api.post("/api/v1/recommendations/outcomes", {"customer_id": customer.pk, "offer": "NOPE", "accepted": True},
                   format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "offer_unavailable"


def test_idempotency_key_header_is_documented_in_the_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "Idempotency-Key" in schema and "/api/v1/numbers/{msisdn}/reservation" in schema

"""Quotes, recommendations, stock and catalog endpoints."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from orders.models import RecommendationOutcome, SimCard
from orders.tests.factories import OfferFactory, PlanFactory

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


def test_stock_lists_are_hall_scoped_and_never_show_pins(api, rep, other_hall):
    from datetime import date

    from orders.models import RechargeCard

    SimCard.objects.create(iccid="89860000000000000001", imsi="460000000000001", capacity="usim", hall=rep.hall)
    SimCard.objects.create(iccid="89860000000000000002", imsi="460000000000002", capacity="usim", hall=other_hall)
    RechargeCard.objects.create(serial="10000000000000001", pin_hash="hmac_sha256$x", face_value="50.00",
                                hall=rep.hall, valid_until=date(2030, 1, 1))
    assert [s["iccid"] for s in api.get("/api/v1/stock/sims").json()["results"]] == ["89860000000000000001"]
    cards = api.get("/api/v1/stock/recharge-cards").json()["results"]
    assert cards[0]["serial"] == "10000000000000001" and "pin" not in str(cards)
    summary = api.get("/api/v1/stock/summary").json()
    assert summary["sims"] == [{"hall": rep.hall.code, "status": "in_stock", "count": 1, "capacity": "usim"}]


def test_stock_import_through_the_api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("store_manager", username="sm"))
    upload = SimpleUploadedFile("d.csv", b"iccid,imsi,capacity\n89860000000000000001,460000000000001,usim\nx,y,z\n")
    body = client.post("/api/v1/stock/imports", {"kind": "sim", "file": upload}, format="multipart").json()
    assert (body["created_count"], body["error_count"], body["errors"][0][0]) == (1, 1, 3)
    bad = client.post("/api/v1/stock/imports", {"kind": "gold", "file": SimpleUploadedFile("d.csv", b"a")},
                      format="multipart")
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]


def test_products_and_features(api, plan):
    products = api.get("/api/v1/products", {"network": "5g"}).json()["results"]
    assert [p["code"] for p in products] == [plan.code] and products[0]["monthly_fee"] == "128.00"
    assert api.get("/api/v1/features").status_code == 200


def test_idempotency_key_header_is_documented_in_the_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "Idempotency-Key" in schema and "/api/v1/numbers/{msisdn}/reservation" in schema

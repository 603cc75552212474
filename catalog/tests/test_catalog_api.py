"""The catalog endpoints: products and features."""

from decimal import Decimal

import pytest

from catalog.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(reference):
    return PlanFactory(code="5G-128", name="5G智享128", monthly_fee=Decimal("128.00"))


def test_products_and_features(api, plan):
    products = api.get("/api/v1/products", {"network": "5g"}).json()["results"]
    assert [p["code"] for p in products] == [plan.code] and products[0]["monthly_fee"] == "128.00"
    assert api.get("/api/v1/features").status_code == 200

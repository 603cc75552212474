"""The portal's API fuzzed like the staff API (tests/test_api_fuzz.py), but as a signed-in customer (a fresh
customer token per case, so a generated sign-out does not end the others): no generated request, valid or not,
gets a 5xx, and every answer conforms to the schema."""

import os
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import postgres_only_module

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "12"))


postgres_only_module()


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


OPENAPI = _schema()
schema = schemathesis.openapi.from_dict(OPENAPI).include(path_regex="^/api/v1/portal/")
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def new_token(module_committed_db):
    """A customer with a live line at a redemption hall (points, a gift in stock); a new token on each call."""
    from datetime import timedelta

    from django.utils import timezone

    from billing.models import PointsEntry, PointsLot
    from billing.services.points import points_expiry
    from boss.demo import load as load_kernel_demo
    from boss.models import Hall
    from customers.tests.factories import LineFactory
    from inventory.models import Gift, GiftStock
    from portal.services.tokens import customer_token_issue

    load_kernel_demo()
    hall = Hall.objects.get(code="GZ-ZS01")
    Hall.objects.filter(pk=hall.pk).update(redemption_hall=True)
    line = LineFactory(msisdn="13912399001", hall=hall)
    today = timezone.localdate()
    gift = Gift.objects.create(code="FUZZMUG", name="保温杯", points=100, valid_from=today - timedelta(days=1))
    GiftStock.objects.create(gift=gift, hall=hall, quantity=1000)
    lot = PointsLot.objects.create(customer=line.customer, earned_on=today, points=100000, remaining=100000,
                                   expires_on=points_expiry(today))
    PointsEntry.objects.create(customer=line.customer, lot=lot, kind=PointsEntry.Kind.ACCRUE, delta=100000,
                               reference="fuzz")
    return lambda: customer_token_issue(line=line)


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_customer_request_gets_a_server_error(case, new_token):
    case.call_and_validate(headers={"Authorization": f"Customer {new_token()}", "Idempotency-Key": str(uuid.uuid4())},
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])


@pytest.mark.django_db
def test_every_operation_is_fuzzed(request):
    """Every operation of the portal's API is one case of the fuzz."""
    operations = {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
                  if path.startswith("/api/v1/portal/")
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    fuzzed = {item.name.split("[", 1)[1][:-1] for item in request.session.items
              if item.originalname == "test_no_customer_request_gets_a_server_error" and item.path == request.path}
    assert len(operations) >= 20 and fuzzed == operations

"""The partner API fuzzed like the staff API (tests/test_api_fuzz.py), but with a partner key holding
every scope: no generated request, valid or not, gets a 5xx, and every answer has a status, a content type
and a body the schema declares for its operation."""

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

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "25"))


postgres_only_module()


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


OPENAPI = _schema()
schema = schemathesis.openapi.from_dict(OPENAPI).include(path_regex="^/api/v1/partner/")
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def partner_key(module_committed_db):
    """One partner of each kind and its key per module and worker (module_committed_db), with a rate limit
    the fuzz never reaches."""
    from boss.models import TariffParameter
    from boss.tariffs import tariff_cache_clear
    from boss.tests.factories import StaffFactory
    from partners.services import partner_create, partner_key_issue

    TariffParameter.objects.update_or_create(key="partner.api_calls_per_minute", defaults={"value": "100000"})
    tariff_cache_clear()

    admin = StaffFactory(role="admin", username="fuzz_admin")
    partner = partner_create(actor=admin, name="联通", category="operator", interface_number="OP-FUZZ",
                             receives_blacklist=True)
    channel = partner_create(actor=admin, name="代办商", category="agent", interface_number="AG-FUZZ")
    return {"blacklist": partner_key_issue(actor=admin, partner=partner,
                                           scopes=["blacklist.push", "blacklist.read"])[1],
            "discount": partner_key_issue(actor=admin, partner=channel, scopes=["discount.request"])[1]}


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_partner_request_gets_a_server_error(case, partner_key):
    key = partner_key["discount" if "/discount-requests" in case.path else "blacklist"]
    case.call_and_validate(headers={"Authorization": f"PartnerKey {key}",
                                    "Idempotency-Key": str(uuid.uuid4())},
                        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                response_schema_conformance])


@pytest.mark.django_db
def test_every_operation_is_fuzzed(request):
    """Every operation of the partner API is one case of the fuzz. (The test also asks for the test database,
    which module_committed_db does not.)"""
    operations = {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
                  if path.startswith("/api/v1/partner/")
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    fuzzed = {item.name.split("[", 1)[1][:-1] for item in request.session.items
              if item.originalname == "test_no_partner_request_gets_a_server_error" and item.path == request.path}
    assert operations and fuzzed == operations

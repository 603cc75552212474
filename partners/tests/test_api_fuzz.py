"""The partner API fuzzed like the staff API (tests/test_api_fuzz.py), but with a partner key holding
every scope: no generated request, valid or not, gets a 5xx."""

import os
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "25"))


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_schema()).include(path_regex="^/api/v1/partner/")
schema.app = get_wsgi_application()


@pytest.fixture
def partner_key(transactional_db):
    from boss.tests.factories import StaffFactory
    from partners.services import partner_create, partner_key_issue

    admin = StaffFactory(role="admin", username="fuzz_admin")
    partner = partner_create(actor=admin, name="联通", category="operator", interface_number="OP-FUZZ",
                             receives_blacklist=True)
    return partner_key_issue(actor=admin, partner=partner, scopes=["blacklist.push", "blacklist.read"])[1]


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_partner_request_gets_a_server_error(case, partner_key, set_tariff):
    set_tariff("partner.api_calls_per_minute", "100000")
    case.call_and_validate(headers={"Authorization": f"PartnerKey {partner_key}",
                                    "Idempotency-Key": str(uuid.uuid4())}, checks=[not_a_server_error])

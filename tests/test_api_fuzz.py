"""Bad input never gets a 500 (domain-rules B9): Schemathesis generates requests from the OpenAPI
schema for every operation, valid and invalid, and sends them as a staff user holding every counter and
back-office role (so most requests get past the permission check into the validation and the services).
Any 5xx fails the test. The number of examples per operation is kept small for the CI budget; raise
BOSS_FUZZ_EXAMPLES to fuzz longer by hand."""

import os
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "12"))
RANDOM = os.environ.get("BOSS_FUZZ_RANDOM") == "1"


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def token(transactional_db):
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from boss.demo import load as load_kernel_demo
    from boss.models import Hall, Staff

    load_kernel_demo()
    user = Staff.objects.create(username="fuzzer", hall=Hall.objects.get(code="GZ-ZS01"))
    user.groups.set(Group.objects.exclude(name="admin"))
    return Token.objects.create(user=user).key


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}", "Idempotency-Key": str(uuid.uuid4())},
                           checks=[not_a_server_error])

"""Bad input never gets a 500 (domain-rules B9): Schemathesis generates requests from the OpenAPI
schema for every operation, valid and invalid, and sends them as a staff user holding every counter and
back-office role (so most requests get past the permission check into the validation and the services).
Any 5xx fails the test. The number of examples per operation is kept small for the CI budget; raise
BOSS_FUZZ_EXAMPLES to fuzz longer by hand.

The fuzzing user is made once per module and worker (module_committed_db): every request commits as in
production, and the state the operations leave behind is shared by the ones after them."""

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

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "8"))
RANDOM = os.environ.get("BOSS_FUZZ_RANDOM") == "1"


postgres_only_module()


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


OPENAPI = _schema()
schema = schemathesis.openapi.from_dict(OPENAPI)
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def token(module_committed_db):
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
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])


@pytest.mark.django_db
def test_every_operation_is_fuzzed(request):
    """Every operation of the staff API is one case of the fuzz. (The test also asks for the test database,
    which module_committed_db does not.)"""
    operations = {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    items = [item for item in request.session.items
             if item.originalname == "test_no_request_gets_a_server_error" and item.path == request.path]
    fuzzed = {item.name.split("[", 1)[1][:-1] for item in items}
    assert operations and fuzzed == operations
    # Each has Schemathesis's coverage cases, made when it runs (conftest.py) or made already.
    assert {getattr(item.obj, "coverage_cases", None) for item in items} <= {"to make", "made"}

"""The device API fuzzed like the staff API (tests/test_api_fuzz.py), but with the secrets of a ticket machine
and a display (each case sent once with each): no generated request, valid or not, gets a 5xx, and every answer
conforms to the schema."""

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

EXAMPLES = int(os.environ.get("BOSS_FUZZ_EXAMPLES", "25"))


def _schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


OPENAPI = _schema()
schema = schemathesis.openapi.from_dict(OPENAPI).include(path_regex="^/api/v1/hall/device")
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def secrets(module_committed_db):
    """A ticket machine and a display of the demo hall, with a rate limit the fuzz never reaches."""
    from boss.demo import load as load_kernel_demo
    from boss.models import Hall, TariffParameter
    from boss.tariffs import tariff_cache_clear
    from hall.services.devices import hall_device_install

    load_kernel_demo()
    TariffParameter.objects.update_or_create(key="queue.device_api_calls_per_minute", defaults={"value": "100000"})
    tariff_cache_clear()
    hall = Hall.objects.get(code="GZ-ZS01")
    return [hall_device_install(hall_id=hall.pk, kind=kind, name=f"fuzz {kind}", secret=f"fuzz-{kind}-secret")[1]
            for kind in ("ticket_machine", "display")]


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_device_request_gets_a_server_error(case, secrets):
    for secret in secrets:
        case.call_and_validate(headers={"Authorization": f"Device {secret}", "Idempotency-Key": str(uuid.uuid4())},
                               checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                       response_schema_conformance])


@pytest.mark.django_db
def test_every_operation_is_fuzzed(request):
    """Every operation of the device API is one case of the fuzz."""
    operations = {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
                  if path.startswith("/api/v1/hall/device")
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    fuzzed = {item.name.split("[", 1)[1][:-1] for item in request.session.items
              if item.originalname == "test_no_device_request_gets_a_server_error" and item.path == request.path}
    assert len(operations) == 4 and fuzzed == operations

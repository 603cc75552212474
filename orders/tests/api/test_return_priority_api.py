"""The fixed reservation endpoint of api.md for a returning customer (process 3.2): same shapes; the service
lets the customer take back a former number in cool-down, for longer, and refuses everyone else."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inventory.models import NumberReservation
from orders.tests.factories import CustomerFactory
from orders.tests.returning import leave

pytestmark = pytest.mark.django_db


@pytest.fixture
def former(live):
    leave(live)
    return live.line.msisdn


def _reserve(api, msisdn, customer_id):
    return api.post(f"/api/v1/numbers/{msisdn}/reservation", {"customer_id": customer_id}, format="json",
                    HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_the_returning_customer_takes_back_the_former_number_through_the_api(api, live, former, set_tariff):
    set_tariff("number.reservation_minutes", "30")
    before = timezone.now()
    response = _reserve(api, former, live.customer.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"msisdn", "reserved_until", "customer_id"} and body["customer_id"] == live.customer.pk
    assert parse_datetime(body["reserved_until"]) - before > timedelta(minutes=59)  # twice the usual


def test_another_customer_gets_a_clean_409_and_nothing_is_written(api, live, former):
    response = _reserve(api, former, CustomerFactory().pk)
    assert response.status_code == 409 and response.json()["code"] == "number_unavailable"
    assert not NumberReservation.objects.filter(number__msisdn=former, state="active").exists()

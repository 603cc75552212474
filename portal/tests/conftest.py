"""The portal's test world: two customers with a live line each (opened through the real process, service
password 428571), and `portal_client(line)`: a test client signed in through the real sign-in (number and
password, then the code read from the SMS outbox, as the phone would)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from customers.tests.factories import CustomerFactory, IdentityFactory

PASSWORD = "428571"
OTHER_NUMBER = "13912358888"


def sms_code(msisdn: str) -> str:
    """The newest code, as the phone has it: from the simulated gateway once sent (the outbox keeps it
    masked then), else from the message still waiting in the outbox."""
    from notifications.models import SimulatedSms, SmsMessage

    message = SmsMessage.objects.filter(msisdn=msisdn, template="portal.signin_code").order_by("-pk").first()
    sent = SimulatedSms.objects.filter(key=message.key).values_list("body", flat=True).first()
    return re.search(r"\d{6}", sent or message.body).group(0)


@pytest.fixture
def mine(live):
    """The signed-in customer's line."""
    return live.line


@pytest.fixture
def theirs(live):
    """Another customer's line (in the same hall)."""
    from django.utils import timezone

    other = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now()))
    return live.open_line(OTHER_NUMBER, customer=other)


def codes_aged(line) -> None:
    """As if the line's earlier sign-ins were an hour ago: a test that signs one line in again (a second
    client, a token beside the screens) is not held by the resend wait or the codes' cap per hour (those are
    tested in test_rate_limits.py)."""
    from datetime import timedelta

    from django.db.models import F

    from portal.models import SignInCode

    SignInCode.objects.filter(line=line).update(created_at=F("created_at") - timedelta(hours=1))


def sign_in(client: Client, line, password: str = PASSWORD) -> Client:
    codes_aged(line)
    response = client.post(reverse("portal:signin"), {"msisdn": line.msisdn, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("portal:signin_code"), {"code": sms_code(line.msisdn)})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    return client


@pytest.fixture
def portal_client(db):
    def make(line, **kwargs) -> Client:
        return sign_in(Client(**kwargs), line)

    return make


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counts live in the cache (per customer): each test starts with none."""
    from django.core.cache import cache

    cache.clear()

"""MFA (issue 12, ASVS 4.3.1): the admin, managers and the account room pass a TOTP code (or a one-time
recovery code) before anything else; enrolment, verification and failures are audited; other roles are not
asked; demo users of these roles come enrolled."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from boss.models import AuditEvent
from boss.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.BOSS_MFA_REQUIRED = True


def _login(client, user):
    response = client.post("/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_manager_enrols_an_authenticator_then_reaches_the_counter(client, make_staff):
    manager = make_staff("manager", username="mgr_a", hall=None)
    _login(client, manager)
    assert client.get("/").url.startswith("/mfa/")                          # nothing before the second step
    api = client.get("/api/v1/refunds")
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    page = client.get("/mfa/").content.decode()
    assert 'data-testid="mfa-secret"' in page
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = client.post("/mfa/", {"code": f"{(totp(device.bin_key) + 1) % 1000000:06d}", "next": "/"})
    assert wrong.status_code == 200 and "不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(actor=manager, action="auth.mfa_failed").count() == 1
    assert client.get("/").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):   # the failure's throttle
        done = client.post("/mfa/", {"code": f"{totp(device.bin_key):06d}", "next": "/"})
    codes = re.findall(r"<code>(\d{8})</code>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=manager, action="auth.mfa_enrol").exists()
    device.refresh_from_db()
    assert device.confirmed


def test_at_the_next_login_a_code_or_a_recovery_code_once(client, make_staff):
    from boss.mfa import recovery_codes_renew

    clerk = make_staff("account_clerk", username="clerk_m", hall=None)
    device = TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    codes = recovery_codes_renew(clerk)
    _login(client, clerk)
    assert client.post("/mfa/", {"code": codes[0], "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    _login(client, clerk)
    refused = client.post("/mfa/", {"code": codes[0], "next": "/"})          # a recovery code works once
    assert refused.status_code == 200 and client.get("/").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):   # after the throttle
        assert client.post("/mfa/", {"code": f"{totp(device.bin_key):06d}", "next": "/"}).status_code == 302
    methods = list(AuditEvent.objects.filter(actor=clerk, action="auth.mfa_verify").order_by("pk")
                   .values_list("after__method", flat=True))
    assert methods == ["recovery_code", "totp"]
    assert AuditEvent.objects.filter(actor=clerk, action="auth.mfa_failed").count() == 1


def test_roles_without_mfa_are_not_asked(client, rep):
    _login(client, rep)
    assert client.get("/").status_code == 200


def test_demo_users_of_those_roles_come_enrolled_and_the_demo_command_gives_their_code(client, settings):
    from io import StringIO

    from django.core.management import call_command

    from boss.demo import DEMO_PASSWORD, load

    load()
    assert set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)) == {
        "account1", "manager1", "admin1"}
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", "manager1", stdout=out)
    client.post("/login/", {"username": "manager1", "password": DEMO_PASSWORD})
    assert client.post("/mfa/", {"code": out.getvalue().strip(), "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200


def test_an_api_token_for_a_role_with_mfa_needs_the_session_verified_by_the_second_factor(client, make_staff):
    """A token skips the second step on every later call, so a manager gets one only from their own session
    verified with the authenticator app: the password alone is refused and issues nothing."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    manager = make_staff("manager", username="mgr_token", hall=None)
    other = make_staff("manager", username="mgr_other", hall=None)
    device = TOTPDevice.objects.create(user=manager, name="authenticator", confirmed=True)
    body = {"username": manager.username, "password": TEST_PASSWORD}
    refused = APIClient().post("/api/v1/auth/token", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "mfa_required"
    assert "第二步登录" in refused.json()["message"] and not Token.objects.exists()
    _login(client, manager)                                                  # signed in, not yet verified
    refused = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 403 and not Token.objects.exists()
    assert client.post("/mfa/", {"code": f"{totp(device.bin_key):06d}", "next": "/"}).status_code == 302
    other_body = {"username": other.username, "password": TEST_PASSWORD}    # the session is not the other's
    assert client.post("/api/v1/auth/token", other_body, content_type="application/json").status_code == 403
    issued = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert issued.status_code == 200 and Token.objects.get(user=manager).key == issued.json()["token"]
    assert not Token.objects.filter(user=other).exists()


def test_an_api_token_for_a_role_without_mfa_needs_only_the_password(rep):
    from rest_framework.test import APIClient

    issued = APIClient().post("/api/v1/auth/token", {"username": rep.username, "password": TEST_PASSWORD},
                              format="json")
    assert issued.status_code == 200 and issued.json()["token"]

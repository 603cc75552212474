"""Sign-in (issue 17): number + service password, then a one-time SMS code; expiry, single use, lockout per
number and per client address, no user enumeration, session separate from the staff's, no fixation."""

import logging
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from boss.models import AuditEvent
from notifications.models import SmsMessage
from portal.middleware import PORTAL_COOKIE
from portal.models import SignInCode, SignInFailure
from portal.session import SEEN
from portal.tests.conftest import PASSWORD, sign_in, sms_code

SIGNIN = "/portal/signin/"
CODE = "/portal/signin/code/"


def start(client, msisdn, password=PASSWORD, **extra):
    return client.post(SIGNIN, {"msisdn": msisdn, "password": password}, **extra)


def test_sign_in_with_password_and_sms_code(client, mine):
    response = start(client, mine.msisdn)
    assert response.status_code == 302 and response["Location"].startswith(CODE)
    sms = SmsMessage.objects.get(template="portal.signin_code")
    assert sms.msisdn == mine.msisdn and sms.hall is None   # no hall's outbox screen lists the code
    code = sms_code(mine.msisdn)
    record = SignInCode.objects.get()
    assert code not in record.code_hash and len(record.code_hash) == 64   # a keyed hash, never the code
    assert client.get("/portal/").status_code == 302                       # not signed in before the code
    response = client.post(CODE, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    page = client.get("/portal/")
    assert page.status_code == 200 and mine.msisdn in page.content.decode()
    event = AuditEvent.objects.get(action="portal.signin")
    assert event.actor.username == "web" and event.target_id == str(mine.pk)
    assert SignInCode.objects.get().used_at is not None


def test_unknown_number_and_wrong_password_get_the_same_answer(client, mine):
    wrong = start(client, mine.msisdn, password="135792")
    unknown = start(Client(), "13700000001", password=PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert "手机号码或服务密码不正确" in wrong.content.decode()
    assert not SmsMessage.objects.exists() and not SignInCode.objects.exists()
    assert SignInFailure.objects.filter(subject_kind="number").count() == 2


def test_the_sms_code_is_single_use(client, mine):
    start(client, mine.msisdn)
    code = sms_code(mine.msisdn)
    record = SignInCode.objects.get()
    assert client.post(CODE, {"code": code}).status_code == 302
    other = Client()
    other.post(SIGNIN, {"msisdn": mine.msisdn, "password": PASSWORD})
    session = other.session
    session["portal.pending_code"] = record.pk   # replay the used code's id in another session
    session.save()
    other.cookies[PORTAL_COOKIE] = session.session_key
    response = other.post(CODE, {"code": code})
    assert response.status_code == 400 and "请重新登录" in response.content.decode()
    assert other.get("/portal/").status_code == 302


def test_the_sms_code_expires(client, mine, set_tariff):
    start(client, mine.msisdn)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(CODE, {"code": sms_code(mine.msisdn)})
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert not AuditEvent.objects.filter(action="portal.signin").exists()
    assert client.get("/portal/").status_code == 302


def test_a_code_dies_after_its_wrong_tries(client, mine):
    start(client, mine.msisdn)
    code = sms_code(mine.msisdn)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400 and SignInCode.objects.get().used_at is None
    assert client.get("/portal/").status_code == 302


def test_lockout_per_number_shows_the_time_and_holds_even_the_right_password(client, mine, set_tariff):
    set_tariff("portal.max_failures", "3")
    for _ in range(3):
        assert start(client, mine.msisdn, password="135792").status_code == 400
    response = start(Client(REMOTE_ADDR="10.0.0.9"), mine.msisdn)   # right password, another address
    assert response.status_code == 429
    until = timezone.localtime(SignInFailure.objects.latest("failed_at").failed_at + timedelta(minutes=15))
    assert f"{until:%H:%M}" in response.content.decode()
    assert not SmsMessage.objects.exists()


def test_lockout_per_client_address(client, live, set_tariff):
    set_tariff("portal.max_failures_per_address", "4")
    for i in range(4):
        start(client, f"1370000000{i}", password="135792")
    response = start(client, live.line.msisdn)
    assert response.status_code == 429 and not SmsMessage.objects.exists()
    assert start(Client(REMOTE_ADDR="10.1.1.1"), live.line.msisdn).status_code == 302


def test_a_success_clears_the_numbers_failures(client, mine, set_tariff):
    set_tariff("portal.max_failures", "3")
    start(client, mine.msisdn, password="135792")
    start(client, mine.msisdn, password="135792")
    sign_in(client, mine)
    assert not SignInFailure.objects.filter(subject_kind="number").exists()


def test_new_session_key_at_sign_in(client, mine):
    start(client, mine.msisdn)
    before = client.cookies[PORTAL_COOKIE].value
    client.post(CODE, {"code": sms_code(mine.msisdn)})
    after = client.cookies[PORTAL_COOKIE].value
    assert before != after
    fixed = Client()
    fixed.cookies[PORTAL_COOKIE] = before      # the key an attacker planted before sign-in is worth nothing
    assert fixed.get("/portal/").status_code == 302


def test_portal_session_is_not_the_staff_session(client, mine, rep):
    client.force_login(rep)
    assert client.get("/portal/").status_code == 302               # a rep is not a customer
    sign_in(client, mine)
    cookie = client.cookies[PORTAL_COOKIE]
    assert cookie["path"] == "/portal/" and cookie["httponly"]
    customer = Client()
    sign_in(customer, mine)
    assert customer.get("/").status_code == 302                    # a customer is not a rep
    assert customer.get("/customers/").status_code in (302, 404)
    assert "sessionid" not in customer.cookies


def test_idle_timeout_signs_out(client, mine, set_tariff):
    sign_in(client, mine)
    assert client.get("/portal/").status_code == 200
    session = client.session
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore(client.cookies[PORTAL_COOKIE].value)
    store[SEEN] = int(time.time()) - 11 * 60
    store.save()
    response = client.get("/portal/")
    assert response.status_code == 302 and "expired=1" in response["Location"]
    assert client.get("/portal/").status_code == 302
    assert session is not None


def test_csrf_is_enforced_on_the_portal(mine):
    client = Client(enforce_csrf_checks=True)
    assert start(client, mine.msisdn).status_code == 403
    assert not SmsMessage.objects.exists()


def test_security_headers(client, mine):
    response = client.get(SIGNIN)
    csp = response["Content-Security-Policy"]
    script = next(part for part in csp.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()   # no inline script anywhere


def test_no_number_or_code_in_logs(client, mine, caplog):
    caplog.set_level(logging.DEBUG)
    start(client, mine.msisdn, password="135792")
    start(client, mine.msisdn)
    code = sms_code(mine.msisdn)
    client.post(CODE, {"code": code})
    text = caplog.text
    assert mine.msisdn not in text and code not in text and PASSWORD not in text


def test_simulated_gateway_shows_the_code_in_development(client, mine):
    from notifications.services import notifications_run

    start(client, mine.msisdn)
    assert "simulated-sms" not in client.get(CODE).content.decode()   # not sent yet
    notifications_run()
    page = client.get(CODE).content.decode()
    assert "simulated-sms" in page and sms_code(mine.msisdn) in page


def test_the_outbox_keeps_no_code_once_it_is_sent(client, mine):
    """The outbox row holds the code only while it waits to be sent; afterwards its text is masked (and the
    sign-in still works with the code the phone received)."""
    import re

    from notifications.services import notifications_run

    start(client, mine.msisdn)
    notifications_run()
    code = sms_code(mine.msisdn)          # from the phone (the simulated gateway)
    row = SmsMessage.objects.get(template="portal.signin_code")
    assert row.state == SmsMessage.State.DELIVERED
    assert code not in row.body and code not in row.redacted_body
    assert not re.search(r"\d{6}", row.body) and "******" in row.body
    assert client.post(CODE, {"code": code}).status_code == 302


def test_resend_waits_and_retires_the_first_code(client, mine):
    start(client, mine.msisdn)
    first = sms_code(mine.msisdn)
    assert client.post("/portal/signin/code/resend/").status_code == 429
    SignInCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert client.post("/portal/signin/code/resend/").status_code == 302
    second = sms_code(mine.msisdn)
    assert SignInCode.objects.count() == 2
    if first != second:
        assert client.post(CODE, {"code": first}).status_code == 400
    assert client.post(CODE, {"code": second}).status_code == 302


def test_sign_out(client, mine):
    sign_in(client, mine)
    response = client.post("/portal/signout/")
    assert response.status_code == 302 and response["Location"] == "/portal/signin/"
    assert client.get("/portal/").status_code == 302
    assert AuditEvent.objects.filter(action="portal.signout").count() == 1


def test_the_kiosks_own_sign_out_after_a_time_without_use_says_so_on_the_sign_in_page(client, mine):
    sign_in(client, mine)
    response = client.post("/portal/signout/", {"idle": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/signin/?expired=1"
    assert "您因长时间未操作已退出" in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.signout").count() == 1


@pytest.mark.parametrize("msisdn", ["", "abc", "1380013800", "\u200b13800138000"])
def test_bad_numbers_are_refused_clearly(client, db, msisdn):
    response = start(client, msisdn)
    assert response.status_code == 400 and response.context["form"].errors


def _hash_work(call) -> dict[str, int]:
    """How many times each password-hash primitive runs during `call()`: the keyed hash's HMAC (what a line's
    service password is stored as), Django's password check and PBKDF2 (the slow hash)."""
    from unittest import mock

    import django.contrib.auth.hashers

    import boss.keyed_hash
    import customers.passwords

    with mock.patch.object(boss.keyed_hash, "_digest", wraps=boss.keyed_hash._digest) as digest, \
            mock.patch.object(customers.passwords, "check_password",
                              wraps=customers.passwords.check_password) as check, \
            mock.patch.object(django.contrib.auth.hashers, "pbkdf2",
                              wraps=django.contrib.auth.hashers.pbkdf2) as pbkdf2:
        call()
    return {"keyed": digest.call_count, "check_password": check.call_count, "pbkdf2": pbkdf2.call_count}


@pytest.mark.parametrize("channel", ["web", "api"])
def test_an_unknown_number_costs_the_same_hash_work_as_a_wrong_password(mine, channel, settings):
    """No timing enumeration, with the production password hashers (not the tests' MD5): an unknown number's
    password is checked against a keyed hash like a real line's, the same HMAC once, never the slow PBKDF2."""
    from django.conf import global_settings
    from rest_framework.test import APIClient

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS   # production's: PBKDF2 first

    def attempt(msisdn):
        if channel == "web":
            response = start(Client(), msisdn, password="135792")
            assert response.status_code == 400 and "手机号码或服务密码不正确" in response.content.decode()
        else:
            response = APIClient().post("/api/v1/portal/signin", {"msisdn": msisdn, "password": "135792"},
                                        format="json")
            assert response.status_code == 400, response.content

    attempt("13700000009")   # the dummy hash is made on the first unknown number of the process
    unknown = _hash_work(lambda: attempt("13700000001"))
    known = _hash_work(lambda: attempt(mine.msisdn))
    assert known == {"keyed": 1, "check_password": 0, "pbkdf2": 0}
    assert unknown == known
    assert not SmsMessage.objects.exists()


def test_lockout_per_client_address_behind_the_tls_proxy(live, set_tariff, settings):
    """Production sits behind a TLS proxy: every request's REMOTE_ADDR is the proxy's. With the proxy trusted
    (BOSS_TRUSTED_PROXIES) the lockout is the client's from X-Forwarded-For: one client's failures lock it, not
    the other customers coming through the same proxy; a client cannot pick its address by writing the header."""
    settings.BOSS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    set_tariff("portal.max_failures_per_address", "4")
    attacker = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for i in range(4):
        start(attacker, f"1370000000{i}", password="135792")
    locked = start(attacker, live.line.msisdn)
    assert locked.status_code == 429 and "失败次数过多：登录已锁定至" in locked.content.decode()
    spoofing = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert start(spoofing, live.line.msisdn).status_code == 429        # its own entry is not believed
    assert not SmsMessage.objects.exists()
    other = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert start(other, live.line.msisdn).status_code == 302           # another customer through the same proxy
    assert SignInFailure.objects.filter(subject_kind="address").values("subject").distinct().count() == 1

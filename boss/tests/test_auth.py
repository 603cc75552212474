"""Login, lockout (django-axes), password rules, session lifetime, token login (ASVS 2.x, 3.3)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from boss.models import AuditEvent, Staff
from boss.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1")


def test_rep_logs_in_and_lands_on_the_chinese_counter_home(client, rep):
    response = _login(client, rep.username, TEST_PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    text = home.content.decode()
    assert "今日工作" in text and rep.hall.name in text and "营销代表" in text
    assert AuditEvent.objects.filter(action="auth.login", actor=rep).exists()


def test_wrong_password_is_refused_and_audited(client, rep):
    response = _login(client, rep.username, "wrong-password-123")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", after__username=rep.username).exists()


def test_five_failures_lock_the_user_at_that_ip_even_with_the_right_password(client, rep):
    for _ in range(5):
        _login(client, rep.username, "wrong-password-123")
    response = _login(client, rep.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # Another computer of the hall (another IP) is not locked out by one rep's typos.
    other = client.post(reverse("login"), {"username": rep.username, "password": TEST_PASSWORD},
                        REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_behind_a_trusted_proxy_the_lockout_is_the_clients_not_the_proxys(client, rep, settings):
    """Behind the TLS proxy every request comes from the proxy's address: one rep's typos must not lock the
    whole hall out, and a client cannot unlock itself by writing another address into X-Forwarded-For."""
    settings.BOSS_TRUSTED_PROXIES = ["10.9.0.0/16"]
    via_proxy = {"REMOTE_ADDR": "10.9.0.1"}
    for _ in range(5):
        client.post(reverse("login"), {"username": rep.username, "password": "wrong-password-123"},
                    HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    locked = client.post(reverse("login"), {"username": rep.username, "password": TEST_PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **via_proxy)
    assert locked.status_code == 429
    other = client.post(reverse("login"), {"username": rep.username, "password": TEST_PASSWORD},
                        HTTP_X_FORWARDED_FOR="203.0.113.8", **via_proxy)
    assert other.status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, rep):
    for _ in range(5):
        _login(client, rep.username, "wrong-password-123")
    assert _login(client, rep.username, TEST_PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(client, rep.username, TEST_PASSWORD).status_code == 302


def test_system_account_cannot_log_in(client):
    from boss.permissions import system_actor

    actor = system_actor()
    actor.set_password(TEST_PASSWORD)
    actor.is_active = True
    actor.save()
    assert _login(client, "system", TEST_PASSWORD).status_code == 200


@pytest.mark.parametrize("password", ["short-pw-1", "123456789012345", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_twelve_character_password_is_accepted():
    validate_password("Hall-Counter-7")


def test_idle_timeout_is_thirty_minutes_and_slides(settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_idle_session_expires(client, rep):
    _login(client, rep.username, TEST_PASSWORD)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_absolute_cap_logs_out_after_twelve_hours_even_when_active(client, rep):
    _login(client, rep.username, TEST_PASSWORD)
    start = timezone.now()
    for hours in range(1, 13):  # a request every 25 minutes keeps the idle timer alive
        for quarter in range(0, 60, 25):
            with time_machine.travel(start + timedelta(hours=hours - 1, minutes=quarter)):
                assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=10)):
        response = client.get(reverse("home"))
    assert response.status_code == 302


def test_token_login_and_use(rep):
    client = APIClient()
    response = client.post("/api/v1/auth/token", {"username": rep.username, "password": TEST_PASSWORD},
                           format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == rep.username and me.json()["roles"] == ["sales_rep"]


def test_token_login_with_wrong_password_is_a_clear_400(rep):
    response = APIClient().post("/api/v1/auth/token", {"username": rep.username, "password": "nope-nope-nope"},
                                format="json")
    assert response.status_code == 400 and response.json()["code"] == "authentication_failed"


def test_token_login_is_locked_out_too(rep):
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        client.post("/api/v1/auth/token", {"username": rep.username, "password": "nope-nope-nope"}, format="json")
    response = client.post("/api/v1/auth/token", {"username": rep.username, "password": TEST_PASSWORD},
                           format="json")
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_language_switch_is_per_user(client, rep):
    client.force_login(rep)
    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    rep.refresh_from_db()
    assert rep.language == "en"
    assert "Today's work" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("query, refused", [
    ("11010519491231002X", True), ("E12345678", True), ("H12345678", True), ("91350100M000100Y43", True),
    ("13800138000", False), ("张三", False), ("138 0013", False),
])
def test_identity_numbers_are_never_searched_by_get(client, rep, query, refused):
    client.force_login(rep)
    response = client.get("/search/", {"q": query})
    assert ("不要在地址栏中输入" in response.content.decode()) == refused


def test_a_token_request_reads_the_staff_member_and_hall_in_one_query(rep, django_assert_num_queries):
    from boss.api.authentication import StaffTokenAuthentication

    token = Token.objects.create(user=rep)
    with django_assert_num_queries(1):
        user, found = StaffTokenAuthentication().authenticate_credentials(token.key)
        assert (user.pk, user.hall.code, found.key, user.is_active) == (rep.pk, rep.hall.code, token.key, True)
    assert user.last_login == rep.last_login and user.date_joined == rep.date_joined   # the ORM's conversions
    assert found.created == Token.objects.get(pk=token.pk).created


@pytest.mark.parametrize("case, language, message", [
    ("unknown key", "en", "Invalid token."), ("deactivated", "en", "User inactive or deleted."),
    ("unknown key", "zh-hans", "认证令牌无效。"), ("deactivated", "zh-hans", "用户未激活或者已删除。")])
def test_an_unknown_token_or_a_deactivated_user_is_a_401_with_drfs_message(rep, case, language, message):
    token = Token.objects.create(user=rep)
    if case == "deactivated":
        Staff.objects.filter(pk=rep.pk).update(is_active=False)
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key if case == 'deactivated' else 'x' * 40}")
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert response.json()["message"] == message


def test_a_staff_member_without_a_hall_authenticates_by_token(make_staff):
    from boss.api.authentication import token_staff

    staff = make_staff("manager", username="no_hall_user", hall=None)
    token = Token.objects.create(user=staff)
    _token, user = token_staff(token.key)
    assert user.pk == staff.pk and user.hall is None

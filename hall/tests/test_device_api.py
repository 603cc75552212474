"""The device API for hardware ticket machines and displays: the device's secret is its only key (no staff
token or session; a switched-off device is refused at once), each kind calls only its own interfaces, a ticket
machine's repeated request returns the same ticket, the display's board, the rate limit, bad input a clear 4xx
with nothing written."""

import uuid

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from customers.tests.factories import CustomerFactory, LineFactory
from hall.models import Ticket, TicketSequence
from hall.services import ticket_call_next, ticket_take
from hall.services.devices import hall_device_revoke
from hall.tests.conftest import make_device

pytestmark = pytest.mark.django_db
API = "/api/v1/hall/device"


def call(client, method, path, device=None, data=None, header=None, **extra):
    if header is None and device is not None:
        header = f"Device {device.token}"
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    if method == "post":
        return client.post(API + path, data or {}, content_type="application/json", **extra)
    return client.get(API + path, **extra)


def test_a_device_says_who_it_is_and_a_machine_gets_its_businesses(client, machine, screen):
    answer = call(client, "get", "", machine)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["id"], body["kind"], body["kind_label"], body["hall_name"]) == (
        machine.pk, "ticket_machine", "取号机", machine.hall.name)
    assert [(b["code"], b["letter"], b["label"]) for b in body["businesses"]] == [
        ("counter", "A", "柜台业务"), ("payment", "B", "缴费"), ("complaint", "C", "投诉"),
        ("vip", "V", "大客户（VIP）")]
    assert call(client, "get", "", screen).json()["businesses"] == []
    machine.refresh_from_db()
    assert machine.last_seen_at is not None


def test_a_machine_takes_a_ticket_and_follows_it(client, machine, rep, django_assert_max_num_queries):
    ticket_take(device=machine, business="counter")
    with django_assert_max_num_queries(12):
        answer = call(client, "post", "/tickets", machine, {"business": "counter"})
    assert answer.status_code == 201
    body = answer.json()
    assert (body["number"], body["business_label"], body["people_ahead"], body["big_customer"], body["state_label"]) \
        == ("A002", "柜台业务", 1, False, "等候中")
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.device == machine and ticket.request_key == ""
    ticket_call_next(actor=rep, window="3")
    followed = call(client, "get", f"/tickets/{ticket.pk}", machine).json()
    assert followed["people_ahead"] == 0 and followed["state"] == "waiting"


def test_a_big_customer_is_recognised_and_the_number_is_not_kept(client, machine, hall, make_vip):
    line = LineFactory(customer=CustomerFactory(), hall=hall, msisdn="13800138123")
    make_vip(line.customer, 2)
    body = call(client, "post", "/tickets", machine, {"business": "vip", "msisdn": line.msisdn}).json()
    assert body["number"] == "V001" and body["big_customer"] is True
    assert line.msisdn not in str(Ticket.objects.filter(pk=body["id"]).values().get())


def test_a_repeated_request_returns_the_same_ticket(client, machine):
    key = str(uuid.uuid4())
    first = call(client, "post", "/tickets", machine, {"business": "payment"}, HTTP_IDEMPOTENCY_KEY=key)
    again = call(client, "post", "/tickets", machine, {"business": "payment"}, HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200) and again["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"] and first.json()["number"] == "B001"
    other = call(client, "post", "/tickets", machine, {"business": "counter"}, HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert other.json()["message"] == "此请求编号已用于另一笔不同的请求。"
    assert Ticket.objects.count() == 1 and not TicketSequence.objects.filter(prefix="A", last__gt=0).exists()
    # Another machine may use the same key: keys are per device.
    second = make_device(machine.hall, "ticket_machine", "取号机2", "tm-token-2")
    assert call(client, "post", "/tickets", second, {"business": "payment"}, HTTP_IDEMPOTENCY_KEY=key).json()[
        "number"] == "B002"


@pytest.mark.parametrize("data, key, code, message", [
    ({}, None, "invalid", "business"),
    ({"business": "lottery"}, None, "invalid", "business"),
    ({"business": "vip"}, None, "vip_not_recognised", "不是大客户"),
    ({"business": "vip", "msisdn": "13900000000"}, None, "vip_not_recognised", "不是大客户"),
    ({"business": "counter", "msisdn": "1390000"}, None, "msisdn_invalid", "11 位手机号码"),
    ({"business": "counter", "msisdn": "一三九"}, None, "msisdn_invalid", "11 位手机号码"),
    ({"business": "counter"}, "k" * 65, "invalid", "请求编号无效"),
])
def test_bad_requests_are_refused_and_take_no_ticket(client, machine, data, key, code, message):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    answer = call(client, "post", "/tickets", machine, data, **extra)
    assert 400 <= answer.status_code < 500, answer.content
    body = answer.json()
    assert body["code"] == code and (message in body["message"] or message in str(body.get("fields"))), body
    assert not Ticket.objects.exists() and not TicketSequence.objects.filter(last__gt=0).exists()


def test_the_display_reads_its_board(client, screen, machine, rep, django_assert_max_num_queries):
    from hall.models import Announcement

    ticket_take(device=machine, business="counter")
    ticket_take(device=machine, business="payment")
    ticket_call_next(actor=rep, window="5")
    now = timezone.now()
    Announcement.objects.create(title="五一营业时间", body="照常营业", kind="notice", audience="customers",
                                valid_from=now - timezone.timedelta(hours=1), valid_until=now + timezone.timedelta(
                                    hours=1), created_by=rep)
    with django_assert_max_num_queries(8):
        answer = call(client, "get", "/board", screen)
    body = answer.json()
    assert answer.status_code == 200 and body["waiting"] == 1 and body["refresh_seconds"] == 3
    assert [(c["number"], c["window"], c["business_label"]) for c in body["called"]] == [("A001", "5", "柜台业务")]
    assert [(a["title"], a["kind_label"]) for a in body["announcements"]] == [("五一营业时间", "通知")]


def test_each_kind_calls_only_its_own_interfaces(client, machine, screen):
    board = call(client, "get", "/board", machine)
    assert board.status_code == 403 and board.json()["code"] == "not_permitted"
    take = call(client, "post", "/tickets", screen, {"business": "counter"})
    assert take.status_code == 403 and not Ticket.objects.exists()
    ticket = ticket_take(device=machine, business="counter")
    assert call(client, "get", f"/tickets/{ticket.pk}", screen).status_code == 403


def test_a_machine_sees_only_todays_tickets_of_its_hall(client, machine, other_hall):
    elsewhere = make_device(other_hall, "ticket_machine", "取号机", "tm-other")
    theirs = ticket_take(device=elsewhere, business="counter")
    answer = call(client, "get", f"/tickets/{theirs.pk}", machine)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    Ticket.objects.filter(pk=theirs.pk).update(hall=machine.hall, day=timezone.localdate() - timezone.timedelta(1))
    assert call(client, "get", f"/tickets/{theirs.pk}", machine).status_code == 404


@pytest.mark.parametrize("header", [None, "Device", "Device a b", "Device nope", "Device 不是密钥", "Token abc",
                                    "Device " + "x" * 200])
def test_no_or_a_bad_secret_is_refused(client, machine, header):
    answer = call(client, "post", "/tickets", None, {"business": "counter"}, header=header)
    assert answer.status_code == 401 and answer.json()["code"] in ("not_authenticated", "authentication_failed")
    assert not Ticket.objects.exists()


def test_a_switched_off_device_is_refused_at_once(client, machine, make_staff):
    assert call(client, "get", "", machine).status_code == 200
    hall_device_revoke(actor=make_staff("store_manager"), device_id=machine.pk)
    answer = call(client, "post", "/tickets", machine, {"business": "counter"})
    assert answer.status_code == 401 and answer.json()["message"] == "该取号机或显示屏不存在或已停用。"
    assert not Ticket.objects.exists()


def test_staff_tokens_sessions_and_device_secrets_never_mix(client, machine, rep):
    token = Token.objects.create(user=rep).key
    assert call(client, "get", "/board", None, header=f"Token {token}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Device {machine.token}").status_code in (401, 403)
    client.force_login(rep)
    assert call(client, "post", "/tickets", None, {"business": "counter"}).status_code == 401
    assert not Ticket.objects.exists()


def test_a_device_is_rate_limited(client, machine, set_tariff):
    from django.core.cache import cache

    cache.clear()
    set_tariff("queue.device_api_calls_per_minute", "3")
    statuses = [call(client, "get", "", machine).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()

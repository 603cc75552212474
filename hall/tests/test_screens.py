"""The hall floor's screens: the ticket machine and the display without login (by their secret address), the
counter's queue panel, the statistics, announcements on the home and the display, within their validity."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boss.models import AuditEvent
from hall.models import Announcement, AnnouncementAcknowledgement, Business, HallDevice, Ticket
from hall.services import ticket_call_next, ticket_finish, ticket_take

pytestmark = pytest.mark.django_db


def test_the_ticket_machine_gives_a_ticket_and_preselects_nothing(client, machine):
    url = reverse("hall:ticket_machine", args=[machine.token])
    page = client.get(url).content.decode()
    assert "checked" not in page and "selected" not in page
    response = client.post(url, {"business": Business.PAYMENT, "msisdn": ""})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("hall:ticket_print", args=[machine.token, ticket.pk])
    printed = client.get(response.url).content.decode()
    assert "B001" in printed and "缴费" in printed and "前面还有 0 人" in printed


def test_the_ticket_machine_explains_a_refusal_and_writes_nothing(client, machine):
    response = client.post(reverse("hall:ticket_machine", args=[machine.token]), {"business": Business.VIP,
                                                                                  "msisdn": "13900000000"})
    assert response.status_code == 200
    assert "不是大客户" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("token", ["no-such-token", "display-token-1"])
def test_an_unknown_or_wrong_device_address_is_404(client, machine, screen, token):
    assert client.get(reverse("hall:ticket_machine", args=[token])).status_code == 404
    assert client.post(reverse("hall:ticket_machine", args=[token]), {"business": "counter"}).status_code == 404
    assert not Ticket.objects.exists()


def test_a_switched_off_display_is_404(client, screen):
    HallDevice.objects.filter(pk=screen.pk).update(active=False)
    assert client.get(reverse("hall:display", args=[screen.token])).status_code == 404


def test_the_counter_calls_and_the_display_shows_it(logged_in, machine, screen, rep):
    client = Client()
    ticket_take(device=machine, business=Business.COUNTER)
    response = logged_in.post(reverse("hall:call_next"), {"window": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "A001" in response.content.decode()
    board = client.get(reverse("hall:display", args=[screen.token]), HTTP_HX_REQUEST="true").content.decode()
    assert "请 A001 号到 3 号窗口" in board
    home = logged_in.get(reverse("home")).content.decode()
    assert 'data-testid="serving"' in home and "A001" in home


def test_the_window_is_required_to_call(logged_in, machine):
    ticket_take(device=machine, business=Business.COUNTER)
    response = logged_in.post(reverse("hall:call_next"), {"window": ""}, HTTP_HX_REQUEST="true")
    assert "该字段是必填项" in response.content.decode()
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_statistics_for_the_store_manager(client, make_staff, machine, rep, django_assert_max_num_queries):
    for business in (Business.COUNTER, Business.PAYMENT, Business.COUNTER):
        ticket_take(device=machine, business=business)
    for _ in range(2):
        ticket = ticket_call_next(actor=rep, window="1")
        ticket_finish(actor=rep, ticket_id=ticket.pk)
    client.force_login(make_staff("store_manager", username="store_a"))
    with django_assert_max_num_queries(16):   # the frame, and one aggregate per section whatever the tickets
        page = client.get(reverse("hall:statistics")).content.decode()
    assert "按营业员" in page and "柜台业务" in page
    assert client.get(reverse("hall:statistics")).context["stats"]["total"]["tickets"] == 3


def test_the_rep_may_not_see_statistics(logged_in):
    assert logged_in.get(reverse("hall:statistics")).status_code == 403


def test_an_announcement_shows_until_it_expires_and_is_acknowledged(logged_in, make_staff, screen, rep):
    store = make_staff("store_manager", username="store_a")
    client = Client()
    client.force_login(store)
    now = timezone.localtime()
    response = client.post(reverse("hall:announcement_create"), {
        "title": "系统升级", "kind": Announcement.Kind.NOTICE, "audience": Announcement.Audience.EVERYONE,
        "body": "周六凌晨升级", "valid_from": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "valid_until": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "mandatory": "on"})
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert list(announcement.halls.all()) == [store.hall]    # a store manager publishes for their hall
    assert AuditEvent.objects.filter(action="announcement.publish").count() == 1
    home = logged_in.get(reverse("home")).content.decode()
    assert "系统升级" in home and "请确认" in home
    logged_in.post(reverse("hall:announcement_ack", args=[announcement.pk]))
    assert AnnouncementAcknowledgement.objects.filter(staff=rep).count() == 1
    assert "请确认" not in logged_in.get(reverse("home")).content.decode()
    board = reverse("hall:display", args=[screen.token])
    assert "系统升级" in logged_in.get(board).content.decode()
    with time_machine.travel(now + timedelta(hours=3)):
        assert "系统升级" not in logged_in.get(reverse("home")).content.decode()
        assert "系统升级" not in logged_in.get(board).content.decode()


def test_an_invalid_announcement_is_refused_with_its_reason(client, make_staff):
    client.force_login(make_staff("store_manager", username="store_a"))
    now = timezone.now()
    response = client.post(reverse("hall:announcement_create"), {
        "title": "活动", "kind": Announcement.Kind.CAMPAIGN, "audience": Announcement.Audience.CUSTOMERS,
        "body": "x", "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
        "valid_until": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "结束时间必须晚于开始时间" in response.content.decode()
    assert not Announcement.objects.exists() and not AuditEvent.objects.filter(action="announcement.publish").exists()


def test_announcements_of_another_hall_are_not_shown(logged_in, make_staff, other_hall):
    store = make_staff("store_manager", username="store_b", hall=other_hall)
    now = timezone.now()
    from hall.services import announcement_publish

    announcement_publish(actor=store, title="乙厅通知", body="x", kind=Announcement.Kind.NOTICE,
                         audience=Announcement.Audience.REPS, valid_from=now - timedelta(hours=1),
                         valid_until=now + timedelta(hours=1))
    assert "乙厅通知" not in logged_in.get(reverse("home")).content.decode()


def test_the_store_manager_adds_and_switches_off_a_device(client, make_staff):
    client.force_login(make_staff("store_manager", username="store_a"))
    client.post(reverse("hall:device_add"), {"kind": HallDevice.Kind.DISPLAY})
    device = HallDevice.objects.get()
    page = client.get(reverse("hall:device_list")).content.decode()   # the address, this once
    secret = re.search(r"/hall/d/([A-Za-z0-9_-]{40,})/display/", page).group(1)
    assert "设备接口最近访问" in page and "仅此一次显示" in page
    assert AuditEvent.objects.filter(action="hall_device.add").count() == 1
    # Only a keyed hash is kept; the address is not shown again.
    assert secret not in device.token_hash and device.token_hash.startswith("hmac_sha256$")
    assert secret not in client.get(reverse("hall:device_list")).content.decode()
    # The device API's calls show when the device was last heard of.
    assert client.get("/api/v1/hall/device", HTTP_AUTHORIZATION=f"Device {secret}").status_code == 200
    device.refresh_from_db()
    assert timezone.localtime(device.last_seen_at).strftime("%Y-%m-%d %H:%M") in client.get(
        reverse("hall:device_list")).content.decode()
    client.post(reverse("hall:device_revoke", args=[device.pk]))
    assert client.get(reverse("hall:display", args=[secret])).status_code == 404
    assert client.get("/api/v1/hall/device", HTTP_AUTHORIZATION=f"Device {secret}").status_code == 401


def test_no_device_secret_is_stored_or_shown(client, admin_client, machine, screen, make_staff):
    """The table holds keyed hashes only; the device list and the admin show no secret."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM hall_halldevice")
        rows = " ".join(str(value) for row in cursor.fetchall() for value in row)
    columns = [c.name for c in connection.introspection.get_table_description(connection.cursor(), "hall_halldevice")]
    assert "token" not in columns and "token_hash" in columns
    assert "tm-token-1" not in rows and "display-token-1" not in rows
    store = make_staff("store_manager", username="store_s", hall=machine.hall)
    client.force_login(store)
    pages = [client.get(reverse("hall:device_list")).content.decode(),
             admin_client.get(reverse("admin:hall_halldevice_change", args=[machine.pk])).content.decode(),
             admin_client.get(reverse("admin:hall_halldevice_changelist")).content.decode()]
    for page in pages:
        assert "tm-token-1" not in page and "display-token-1" not in page and machine.token_hash not in page


def test_a_reissued_address_kills_the_old_one(client, machine, make_staff):
    old = machine.token
    store = make_staff("store_manager", username="store_r", hall=machine.hall)
    client.force_login(store)
    assert Client().get(reverse("hall:ticket_machine", args=[old])).status_code == 200
    response = client.post(reverse("hall:device_reissue", args=[machine.pk]))
    assert response.status_code == 302
    page = client.get(reverse("hall:device_list")).content.decode()
    new = re.search(r"/hall/d/([A-Za-z0-9_-]{40,})/", page).group(1)
    assert "新地址" in page and new != old
    device = Client()
    assert device.get(reverse("hall:ticket_machine", args=[old])).status_code == 404
    assert device.get("/api/v1/hall/device", HTTP_AUTHORIZATION=f"Device {old}").status_code == 401
    assert device.get(reverse("hall:ticket_machine", args=[new])).status_code == 200
    assert device.get("/api/v1/hall/device", HTTP_AUTHORIZATION=f"Device {new}").status_code == 200
    event = AuditEvent.objects.get(action="hall_device.reissue")
    assert event.actor_id == store.pk and new not in str(event.after) and old not in str(event.after)


def test_a_switched_off_device_cannot_be_reissued_nor_another_halls(client, machine, screen, make_staff, other_hall):
    HallDevice.objects.filter(pk=screen.pk).update(active=False)
    before = {d.pk: d.token_hash for d in HallDevice.objects.all()}
    client.force_login(make_staff("store_manager", username="store_o", hall=other_hall))
    assert client.post(reverse("hall:device_reissue", args=[machine.pk])).status_code == 404
    client.force_login(make_staff("store_manager", username="store_h", hall=machine.hall))
    assert client.post(reverse("hall:device_reissue", args=[screen.pk])).status_code == 404
    assert client.get(reverse("hall:display", args=[screen.token])).status_code == 404
    assert {d.pk: d.token_hash for d in HallDevice.objects.all()} == before
    assert not AuditEvent.objects.filter(action="hall_device.reissue").exists()


def test_ticket_time_window_demo_is_idempotent(db, monkeypatch):
    import inventory.demo
    from boss.management.commands.demo_data import Command
    from hall import demo

    monkeypatch.setattr(inventory.demo, "DEMO_NUMBERS", 3000)  # the pool's size is not this test's subject

    with time_machine.travel(timezone.now().replace(hour=4, minute=0)):   # 12:00 in the hall
        Command().handle(quiet=True)
        first = Ticket.objects.count()
        demo.load()   # the hall's part of a second run (the whole demo's is tests/test_deploy.py's)
        assert Ticket.objects.count() == first > 0
        assert Ticket.objects.filter(state=Ticket.State.WAITING).exists()
        # A campaign linked to a catalogue offer, once, shown on the demo display and in the portal.
        campaign = Announcement.objects.get(kind=Announcement.Kind.CAMPAIGN)
        assert campaign.offer is not None and campaign.offer.code == "UP-5G-128"
        board = Client().get(reverse("hall:display", args=["demo-hall-display-zs01"])).content.decode()
        assert campaign.title in board and f"优惠：{campaign.offer.name}" in board
        from customers.models import Line
        from portal.tests.conftest import sign_in

        line = Line.objects.filter(status=Line.Status.ACTIVE).exclude(service_password="").order_by("pk").first()
        home = sign_in(Client(), line).get(reverse("portal:home")).content.decode()
        assert campaign.title in home and f"优惠：{campaign.offer.name}" in home


def test_no_device_page_has_an_inline_script_or_handler(client, machine, screen):
    """The site's CSP (script-src 'self') blocks inline scripts and on* handlers: the ticket would never print."""
    ticket = ticket_take(device=machine, business=Business.COUNTER)
    pages = {"machine": reverse("hall:ticket_machine", args=[machine.token]),
             "print": reverse("hall:ticket_print", args=[machine.token, ticket.pk]),
             "display": reverse("hall:display", args=[screen.token])}
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert page.count("<script") == len(re.findall(r"<script[^>]*\ssrc=", page)), name
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), name
    printed = client.get(pages["print"]).content.decode()
    assert "hall/ticket_print" in printed and ".js" in printed

"""The hall floor's screens over HTTP against fixtures: the statistics page's figures per rep, hour and business
(VIP share, no-shows, averages), a campaign without an offer refused, unread announcements first on the
counter home, and recall, transfer and skip through the counter's buttons (refusals change nothing)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from boss.models import AuditEvent
from hall.models import Announcement, AnnouncementAcknowledgement, Business, Ticket
from hall.services import ticket_take

pytestmark = pytest.mark.django_db


def _ticket(hall, number, business, hour, minute, state, *, vip=0, wait=None, service=None, by=None):
    taken = timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
    ticket = Ticket.objects.create(hall=hall, day=taken.date(), number=number, business=business, vip_level=vip,
                                   taken_at=taken)
    called = taken + timedelta(seconds=wait) if wait is not None else None
    Ticket.objects.filter(pk=ticket.pk).update(state=state, wait_seconds=wait, service_seconds=service,
                                               called_by=by, called_at=called)
    return ticket


def _section(stats, title):
    """The rows of a section by label, as the page shows them (in Chinese)."""
    with translation.override("zh-hans"):
        return {str(row["label"]): row for section in stats["sections"] if str(section["title"]) == title
                for row in section["rows"]}


def test_the_statistics_page_against_a_fixture(client, hall, make_staff):
    zhang = make_staff("sales_rep", username="rep_z", last_name="张", first_name="三")
    li = make_staff("sales_rep", username="rep_l", last_name="李", first_name="四")
    _ticket(hall, "A001", Business.COUNTER, 9, 10, Ticket.State.DONE, wait=600, service=300, by=zhang)
    _ticket(hall, "V001", Business.VIP, 9, 40, Ticket.State.DONE, vip=2, wait=60, service=900, by=zhang)
    _ticket(hall, "B001", Business.PAYMENT, 10, 5, Ticket.State.NO_SHOW, wait=120, by=li)
    _ticket(hall, "A002", Business.COUNTER, 10, 30, Ticket.State.WAITING)
    client.force_login(make_staff("store_manager", username="store_s"))
    response = client.get(reverse("hall:statistics"))
    stats = response.context["stats"]

    total = _section(stats, "合计")["全部"]
    assert (total["tickets"], total["served"], total["no_shows"], total["vip"]) == (4, 2, 1, 1)
    assert (total["vip_share"], total["avg_wait_minutes"], total["avg_service_minutes"]) == (25.0, 4.3, 10.0)
    by_rep = _section(stats, "按营业员")
    assert set(by_rep) == {"张三", "李四"}
    assert (by_rep["张三"]["tickets"], by_rep["张三"]["served"], by_rep["张三"]["vip_share"]) == (2, 2, 50.0)
    assert (by_rep["张三"]["avg_wait_minutes"], by_rep["张三"]["avg_service_minutes"]) == (5.5, 10.0)
    assert (by_rep["李四"]["no_shows"], by_rep["李四"]["avg_wait_minutes"], by_rep["李四"]["served"]) == (1, 2.0, 0)
    by_hour = _section(stats, "按取号时段")
    assert {h: (r["tickets"], r["no_shows"], r["vip_share"]) for h, r in by_hour.items()} == {
        "09:00": (2, 0, 50.0), "10:00": (2, 1, 0.0)}
    by_business = _section(stats, "按业务")
    assert {b: (r["tickets"], r["served"], r["no_shows"]) for b, r in by_business.items()} == {
        "柜台业务": (2, 1, 0), "缴费": (1, 0, 1), "大客户（VIP）": (1, 1, 0)}
    page = response.content.decode()
    assert "张三" in page and "按取号时段" in page and "25.0" in page and "10.0" in page


def test_a_campaign_without_an_offer_is_refused(client, make_staff):
    client.force_login(make_staff("store_manager", username="store_c"))
    now = timezone.localtime()
    response = client.post(reverse("hall:announcement_create"), {
        "title": "充值送流量", "kind": Announcement.Kind.CAMPAIGN, "audience": Announcement.Audience.CUSTOMERS,
        "body": "充 100 送 1GB", "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
        "valid_until": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "优惠活动须选择所推广的优惠。" in response.content.decode()
    assert not Announcement.objects.exists() and not AuditEvent.objects.filter(action="announcement.publish").exists()


def test_unread_announcements_come_first_on_the_counter_home(logged_in, rep, make_staff):
    store = make_staff("store_manager", username="store_u")
    now = timezone.now()

    def publish(title, hours_ago, mandatory=False):
        announcement = Announcement.objects.create(
            title=title, body="x", kind=Announcement.Kind.NOTICE, audience=Announcement.Audience.REPS,
            valid_from=now - timedelta(hours=hours_ago), valid_until=now + timedelta(days=1), mandatory=mandatory,
            created_by=store)
        announcement.halls.set([rep.hall])
        return announcement

    read = publish("已读的最新通知", 1)
    publish("未读的旧通知", 3)
    publish("须确认的更旧通知", 5, mandatory=True)
    AnnouncementAcknowledgement.objects.create(announcement=read, staff=rep)
    html = logged_in.get(reverse("home")).content.decode()
    panel = html[html.index('data-testid="announcements"'):]
    positions = [panel.index(title) for title in ("须确认的更旧通知", "未读的旧通知", "已读的最新通知")]
    assert positions == sorted(positions)


def test_recall_transfer_and_skip_through_the_counter_buttons(logged_in, machine, rep, make_staff, other_hall):
    colleague = make_staff("sales_rep", username="rep_t")
    elsewhere = make_staff("sales_rep", username="rep_x", hall=other_hall)
    ticket = ticket_take(device=machine, business=Business.COUNTER)
    logged_in.post(reverse("hall:call_next"), {"window": "3"}, HTTP_HX_REQUEST="true")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.SERVING and ticket.call_count == 1

    response = logged_in.post(reverse("hall:recall", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and Ticket.objects.get(pk=ticket.pk).call_count == 2

    # To a counter of another hall: refused with the reason, nothing changes.
    before = Ticket.objects.values().get(pk=ticket.pk)
    response = logged_in.post(reverse("hall:transfer", args=[ticket.pk]), {"to_staff": elsewhere.pk},
                              HTTP_HX_REQUEST="true")
    assert "请选择本厅另一个可叫号的柜台。" in response.content.decode()
    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert not AuditEvent.objects.filter(action="ticket.transfer").exists()

    response = logged_in.post(reverse("hall:transfer", args=[ticket.pk]), {"to_staff": colleague.pk})
    assert response.status_code == 302 and response.url == reverse("hall:queue")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.WAITING and ticket.for_staff == colleague
    assert AuditEvent.objects.filter(action="ticket.transfer").count() == 1

    other = Client()
    other.force_login(colleague)
    other.post(reverse("hall:call_next"), {"window": "4"}, HTTP_HX_REQUEST="true")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.SERVING and ticket.called_by == colleague and ticket.window == "4"

    # The first rep may no longer skip it: refused with the reason, nothing changes.
    before = Ticket.objects.values().get(pk=ticket.pk)
    response = logged_in.post(reverse("hall:skip", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert "这不是您正在办理的号。" in response.content.decode()
    assert Ticket.objects.values().get(pk=ticket.pk) == before

    other.post(reverse("hall:skip", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.NO_SHOW and ticket.finished_at is not None

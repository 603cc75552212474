"""Demo data of the hall floor: a ticket machine and a display in 广州中山路自营厅 (their addresses are
printed), today's tickets (served, being served, waiting, one big customer, one no-show) so the display and
the statistics show something on a fresh `make run`, two announcements and a campaign linked to a catalogue
offer (idempotent)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boss.models import Hall, Staff
from catalog.models import Offer
from customers.models import CustomerClass
from hall.models import PREFIX, Announcement, Business, HallDevice, Ticket, TicketSequence
from hall.services.devices import device_secret_hash, hall_device_install

HALL = "GZ-ZS01"
DEVICES = [(HallDevice.Kind.TICKET_MACHINE, "取号机 1", "demo-ticket-machine-zs01"),
           (HallDevice.Kind.DISPLAY, "大厅显示屏", "demo-hall-display-zs01")]
# business, minutes ago taken, minutes waited (None: still waiting), minutes served (None: being served),
# no-show, VIP
TICKETS = [
    (Business.COUNTER, 95, 6, 12, False, False), (Business.PAYMENT, 88, 4, 3, False, False),
    (Business.COUNTER, 80, 9, 15, False, False), (Business.COMPLAINT, 70, 12, None, True, False),
    (Business.PAYMENT, 60, 5, 4, False, False), (Business.VIP, 50, 1, 20, False, True),
    (Business.COUNTER, 35, 10, None, False, False), (Business.PAYMENT, 12, None, None, False, False),
    (Business.COUNTER, 8, None, None, False, False), (Business.VIP, 4, None, None, False, True),
]


@transaction.atomic
def load(stdout=None) -> int:
    hall = Hall.objects.filter(code=HALL).first()
    rep = Staff.objects.filter(username="rep1").first()
    if hall is None or rep is None:
        return 0
    for kind, name, secret in DEVICES:   # fixed demo addresses, printed below (only their hashes are kept)
        if not HallDevice.objects.filter(token_hash=device_secret_hash(secret)).exists():
            hall_device_install(hall_id=hall.pk, kind=kind, name=name, secret=secret)
    now = timezone.now()
    today = timezone.localdate(now)
    created = 0
    if not Ticket.objects.filter(hall=hall, day=today).exists():
        vip = CustomerClass.objects.filter(kind=CustomerClass.Kind.VIP, revoked_at__isnull=True).first()
        created = _tickets(hall, rep, today, now, vip)
    store = Staff.objects.filter(username="store1").first()
    if store and not Announcement.objects.exists():
        notice = Announcement.objects.create(
            title="本周六系统升级", body="本周六 00:00–04:00 营业系统升级，期间暂停受理。", kind=Announcement.Kind.NOTICE,
            audience=Announcement.Audience.REPS, valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=6),
            mandatory=True, created_by=store)
        notice.halls.set([hall])
        Announcement.objects.create(
            title="5G 新客户优惠", body="新入网客户办理 5G 套餐，前三个月月费八折。", kind=Announcement.Kind.NOTICE,
            audience=Announcement.Audience.EVERYONE, valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=30), created_by=store)
    if store:
        _campaign(store, now)
    if stdout is not None:
        stdout.write("Hall floor (广州中山路自营厅): ticket machine /hall/d/demo-ticket-machine-zs01/ · "
                     "display /hall/d/demo-hall-display-zs01/display/")
    return created


CAMPAIGN_OFFER = "UP-5G-128"


def _campaign(store, now) -> None:
    """A campaign (优惠活动) for every hall's customers and reps, linked to a catalogue offer: on the counter
    home, the hall display and the portal (added once, also to a demo database loaded before it existed)."""
    offer = Offer.objects.filter(code=CAMPAIGN_OFFER).first()
    if offer is None or Announcement.objects.filter(kind=Announcement.Kind.CAMPAIGN, offer=offer).exists():
        return
    Announcement.objects.create(
        title="4G 升 5G 智享 128", body="4G 老客户升级 5G 智享 128 元套餐：含 30GB 和 500 分钟，到厅或在网上营业厅办理。",
        kind=Announcement.Kind.CAMPAIGN, audience=Announcement.Audience.EVERYONE, offer=offer,
        valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=60), created_by=store)


def _tickets(hall, rep, today, now, vip) -> int:
    counters: dict[str, int] = {}
    for business, ago, waited, served, no_show, is_vip in TICKETS:
        taken = now - timedelta(minutes=ago)
        if taken.date() != now.date() and timezone.localdate(taken) != today:
            continue   # early in the morning: only what fits in today
        prefix = PREFIX[business]
        counters[prefix] = counters.get(prefix, 0) + 1
        ticket = Ticket(hall=hall, day=today, number=f"{prefix}{counters[prefix]:03d}", business=business,
                        taken_at=taken, customer=vip.customer if (is_vip and vip) else None,
                        vip_level=(vip.vip_level or 1) if (is_vip and vip) else 0)
        if waited is not None:
            called = taken + timedelta(minutes=waited)
            ticket.called_by, ticket.window, ticket.called_at, ticket.announced_at = rep, "3", called, called
            ticket.call_count, ticket.wait_seconds = 1, waited * 60
            ticket.call()
            if no_show:
                ticket.skip()
                ticket.finished_at = called + timedelta(minutes=2)
            elif served is not None:
                ticket.finish()
                ticket.finished_at = called + timedelta(minutes=served)
                ticket.service_seconds = served * 60
        ticket.save()
    for prefix, last in counters.items():
        TicketSequence.objects.update_or_create(hall=hall, day=today, prefix=prefix, defaults={"last": last})
    return sum(counters.values())

"""Reading the hall floor: the waiting line, the display board, announcements in force, statistics."""

from datetime import date

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.models import Hall, Staff
from hall.models import Announcement, AnnouncementAcknowledgement, Business, Ticket


def tickets_waiting(*, hall: Hall, on: date | None = None) -> QuerySet:
    on = on or timezone.localdate()
    return Ticket.objects.filter(hall=hall, day=on, state=Ticket.State.WAITING)


def display_board(*, hall: Hall, rows: int) -> dict:
    """What the hall's display shows: the tickets called last (with their counter) and how many wait."""
    today = timezone.localdate()
    called = list(Ticket.objects.filter(hall=hall, day=today, state=Ticket.State.SERVING)
                  .order_by("-announced_at", "-pk")[:rows])
    return {"called": called, "waiting": tickets_waiting(hall=hall, on=today).count()}


def _in_force(qs: QuerySet, *, hall_id, now) -> QuerySet:
    return (qs.filter(valid_from__lte=now, valid_until__gt=now)
            .filter(Q(halls__isnull=True) | Q(halls=hall_id)).distinct())


def announcements_for_staff(*, actor: Staff, now=None) -> list[Announcement]:
    """In force for the rep's hall, for staff; unread first (mandatory ones before the others), then newest."""
    now = now or timezone.now()
    acknowledged = AnnouncementAcknowledgement.objects.filter(announcement=OuterRef("pk"), staff=actor)
    qs = (_in_force(Announcement.objects.exclude(audience=Announcement.Audience.CUSTOMERS),
                    hall_id=actor.hall_id, now=now)
          .annotate(read=Exists(acknowledged)).select_related("offer")
          .order_by("read", "-mandatory", "-valid_from", "-pk"))
    return list(qs)


def announcements_for_customers(*, hall: Hall, now=None) -> list[Announcement]:
    now = now or timezone.now()
    return list(_in_force(Announcement.objects.exclude(audience=Announcement.Audience.REPS), hall_id=hall.pk,
                          now=now).select_related("offer").order_by("-valid_from", "-pk")[:5])


def _measures() -> dict:
    return {"tickets": Count("pk"), "served": Count("pk", filter=Q(state=Ticket.State.DONE)),
            "no_shows": Count("pk", filter=Q(state=Ticket.State.NO_SHOW)),
            "vip": Count("pk", filter=Q(vip_level__gt=0)),
            "avg_wait": Avg("wait_seconds"), "avg_service": Avg("service_seconds")}


def _shaped(row: dict, label) -> dict:
    """A row as shown: its label, the VIP share in per cent, the averages in minutes (one decimal)."""
    tickets = row["tickets"] or 0
    row["label"] = label
    row["vip_share"] = round(100 * row["vip"] / tickets, 1) if tickets else None
    for key in ("avg_wait", "avg_service"):
        row[f"{key}_minutes"] = round(row[key] / 60, 1) if row[key] is not None else None
    return row


def _rows(qs: QuerySet, group: tuple, label) -> list[dict]:
    return [_shaped(row, label(row)) for row in qs.values(*group).annotate(**_measures()).order_by(*group)]


def queue_statistics(*, halls: QuerySet, date_from: date, date_to: date) -> dict:
    """Waiting and service times, VIP share and no-shows for the halls and days: in total and per hall, rep,
    hour of the day and business (five aggregate queries whatever the number of tickets), each a section of
    rows with a label."""
    qs = Ticket.objects.filter(hall__in=halls, day__gte=date_from, day__lte=date_to)
    total = qs.aggregate(**_measures())
    if not total["tickets"]:
        return {"total": None, "sections": []}
    rep = ("called_by__last_name", "called_by__first_name", "called_by__username")
    return {
        "total": total,
        "sections": [
            {"title": _("In total"), "rows": [_shaped(total, _("All tickets"))]},
            {"title": _("By hall"), "rows": _rows(qs, ("hall__name",), lambda r: r["hall__name"])},
            {"title": _("By rep"), "rows": _rows(qs.filter(called_by__isnull=False), rep,
                                                lambda r: f"{r[rep[0]]}{r[rep[1]]}".strip() or r[rep[2]])},
            {"title": _("By hour taken"), "rows": _rows(qs.annotate(hour=ExtractHour("taken_at")), ("hour",),
                                                       lambda r: f"{r['hour']:02d}:00")},
            {"title": _("By business"), "rows": _rows(qs, ("business",), lambda r: Business(r["business"]).label)},
        ],
    }


def hall_choices_for(actor: Staff) -> QuerySet:
    """The halls an announcement of this actor may target: every hall for managers, else their own."""
    if actor.spans_halls:
        return Hall.objects.filter(active=True)
    return Hall.objects.filter(pk=actor.hall_id) if actor.hall_id else Hall.objects.none()


def announcement_list_for(actor: Staff) -> QuerySet:
    """The announcements a publisher manages: every one for managers, else their hall's and those for all."""
    qs = Announcement.objects.prefetch_related("halls").select_related("created_by", "offer")
    if actor.spans_halls:
        return qs
    return qs.filter(Q(halls=actor.hall_id) | Q(halls__isnull=True)).distinct()

"""The orders app's part of the global search box and of the counter home."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.errors import DomainError
from boss.home import Panel
from boss.search import SearchHit


def number_search_provider(*, actor, query: str) -> list[SearchHit]:
    """A full mobile number finds the pool's number: its grade and whether it can be reserved."""
    from customers.identity import msisdn_normalize
    from inventory.selectors import number_get

    if not actor.has_perm("inventory.view_numberresource"):
        return []
    try:
        number = number_get(msisdn=msisdn_normalize(query))
    except DomainError:
        return []
    status = number.effective_status()
    label = str(dict(number.Status.choices)[status])
    detail = " · ".join(part for part in (number.grade.name, number.pattern, label) if part)
    return [SearchHit(kind=_("Number in the pool"), title=number.msisdn, detail=detail,
                      url=reverse("orders:number_reserve", args=[number.msisdn]))]


def line_search_provider(*, actor, query: str) -> list[SearchHit]:
    """A full mobile number with a line leads to the line's screen (its comprehensive services)."""
    from customers.identity import msisdn_normalize
    from customers.models import Line

    if not actor.has_perm("orders.serve_line"):
        return []
    try:
        msisdn = msisdn_normalize(query)
    except DomainError:
        return []
    line = Line.objects.filter(msisdn=msisdn).exclude(status=Line.Status.CANCELLED).first()
    if line is None:
        return []
    return [SearchHit(kind=_("Comprehensive services"), title=line.msisdn, detail=line.get_status_display(),
                      url=reverse("orders:line_detail", args=[line.msisdn]))]


def my_reservations_panel(request):
    """Today's work: the numbers this rep holds, with the minutes left."""
    from inventory.models import NumberReservation

    user = request.user
    if not user.has_perm("inventory.reserve_number"):
        return None
    now = timezone.now()
    live = list(NumberReservation.objects.filter(reserved_by=user, state=NumberReservation.State.ACTIVE,
                                                 reserved_until__gt=now)
                .select_related("number").order_by("reserved_until")[:10])
    rows = [{"msisdn": r.number.msisdn, "minutes_left": int((r.reserved_until - now).total_seconds() // 60)}
            for r in live]
    return Panel(title=_("My reserved numbers"), template="orders/includes/home_reservations.html",
                 context={"rows": rows}, order=20)

"""The managers' console on the counter home (instead of raw action codes): today's business and cash so
far, the queue (waiting now, tickets, average wait and service, no-shows, VIP and their share), drawers
still open, failed work orders, complaints near their time limit, refunds waiting, arrears suspensions, each
with a link to act; and the rep's own work today in words a rep reads."""

from datetime import timedelta

from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import ArrearsCase, Payment, RefundCase
from billing.services.day_close import hall_day_state
from boss.home import Panel
from boss.masking import mask_msisdn
from boss.permissions import actor_spans_halls
from complaints.models import Complaint
from customers.models import Line
from hall.models import Ticket
from orders.models import Order
from provisioning.models import WorkOrder
from reports.history import demo_history_running
from reports.models import OpenDrawerReminder
from reports.selectors import DONE_STATES

NEAR_LIMIT = timedelta(hours=24)


def console_figures(actor) -> dict:
    """The console's figures for the actor's scope (their hall, or every hall): a fixed number of queries."""
    today = timezone.localdate()
    now = timezone.now()
    halls = None if actor_spans_halls(actor) else [actor.hall_id]

    def scoped(qs, field="hall_id"):
        return qs if halls is None else qs.filter(**{f"{field}__in": halls})

    orders = scoped(Order.objects.filter(state__in=DONE_STATES, paid_at__date=today)).aggregate(
        n=Count("id"), s=Sum("amount_due"))
    cash = scoped(Payment.objects.filter(ledger_transaction__booked_on=today)).aggregate(
        n=Count("id"), s=Sum("amount"), cash=Sum("amount", filter=Q(method="cash")))
    failed = scoped(WorkOrder.objects.filter(state=WorkOrder.State.FAILED)).count()
    near = scoped(Complaint.objects.exclude(status=Complaint.Status.CLOSED)
                  .filter(answer_due_at__lte=now + NEAR_LIMIT)).aggregate(
        n=Count("id"), late=Count("id", filter=Q(answer_due_at__lt=now)))
    refunds = RefundCase.objects.filter(status__in=[RefundCase.Status.REQUESTED, RefundCase.Status.APPROVED])
    if halls is not None:
        refunds = refunds.filter(line__hall_id__in=halls)
    refunds_n = refunds.count()
    arrears = ArrearsCase.objects.filter(closed_at__isnull=True, status=ArrearsCase.Status.SUSPENDED)
    if halls is not None:
        arrears = arrears.filter(account__in=Line.objects.filter(hall_id__in=halls).values("account_id"))
    queue = scoped(Ticket.objects.filter(day=today)).aggregate(
        n=Count("id"), waiting=Count("id", filter=Q(state=Ticket.State.WAITING)),
        no_shows=Count("id", filter=Q(state=Ticket.State.NO_SHOW)), vip=Count("id", filter=Q(vip_level__gt=0)),
        wait=Avg("wait_seconds"), service=Avg("service_seconds"))
    figures = {
        "queue_tickets": queue["n"] or 0, "queue_waiting": queue["waiting"] or 0,
        "queue_no_shows": queue["no_shows"] or 0, "queue_vip": queue["vip"] or 0,
        "queue_wait": round(queue["wait"] / 60, 1) if queue["wait"] is not None else None,
        "queue_service": round(queue["service"] / 60, 1) if queue["service"] is not None else None,
        "queue_vip_share": round(100 * (queue["vip"] or 0) / queue["n"], 1) if queue["n"] else None,
        "orders": orders["n"] or 0, "orders_amount": orders["s"] or 0, "payments": cash["n"] or 0,
        "payments_amount": cash["s"] or 0, "cash": cash["cash"] or 0, "failed_work_orders": failed,
        "complaints_near": near["n"] or 0, "complaints_late": near["late"] or 0, "refunds_waiting": refunds_n,
        "arrears_suspended": arrears.count(), "open_drawers": None, "day_closed": None,
    }
    if halls is not None and actor.hall is not None:
        state = hall_day_state(hall=actor.hall, day=today)
        figures["open_drawers"] = [s.display_name for s in state.open_staff]
        figures["pending_differences"] = len(state.pending)
        figures["day_closed"] = state.closed is not None
        figures["reminded"] = [r.staff.display_name for r in OpenDrawerReminder.objects.filter(
            hall_id=actor.hall_id, day=today, staff__in=state.open_staff).select_related("staff").order_by("staff_id")]
    return figures


def console_panel(request):
    user = request.user
    if not user.has_perm("reports.view_console"):
        return None
    figures = console_figures(user)
    links = {
        "business": reverse("reports:business"), "day": reverse("reports:hall_day"),
        "work_orders": reverse("provisioning:work_order_list") + "?state=failed",
        "complaints": reverse("complaints:complaint_list"), "refunds": reverse("billing:refund_list"),
        "arrears": reverse("billing:arrears_list"),
        "queue": reverse("hall:statistics") if user.has_perm("hall.view_queue_statistics") else None,
    }
    return Panel(title=_("Today at a glance"), template="reports/_console_panel.html",
                 context={"f": figures, "links": links}, order=5)


def rep_today_panel(request):
    """Today's work of the user in words: "开户 138****8000" instead of action codes."""
    user = request.user
    if not user.has_perm("boss.use_counter") or user.hall_id is None:
        return None
    today = timezone.localdate()
    orders = list(Order.objects.filter(actor=user, created_at__date=today).exclude(state=Order.State.DRAFT)
                  .only("kind", "msisdn", "state", "amount_due", "created_at").order_by("-created_at")[:15])
    rows = [{"time": timezone.localtime(o.created_at), "what": o.get_kind_display(), "msisdn": mask_msisdn(o.msisdn),
             "state": o.get_state_display(), "amount": o.amount_due} for o in orders]
    return Panel(title=_("My business today"), template="reports/_rep_today_panel.html",
                 context={"rows": rows}, order=6)


def demo_history_panel(request):
    """A note on every staff home while `make run` fills the demo history behind the server."""
    if not demo_history_running():
        return None
    return Panel(title=_("Demo history"), template="reports/_demo_history_note.html", order=0)

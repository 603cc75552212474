"""What complaints add to the kernel's counter frame: a search provider (complaint number or mobile
number) and a home panel with the user's queues."""

from django.urls import reverse
from django.utils.translation import gettext as _

from boss.home import Panel
from boss.search import SearchHit
from complaints.models import Stage
from complaints.selectors import complaint_list_for_actor, escalation_list_for_actor, queue_counts

QUEUES = [
    (Stage.REVIEW, "complaints.review_complaint", "complaints:queue_review"),
    (Stage.HANDLE, "complaints.handle_complaint", "complaints:queue_handle"),
    (Stage.CHECK, "complaints.review_complaint", "complaints:queue_check"),
    (Stage.CALLBACK, "complaints.callback_complaint", "complaints:queue_callback"),
]


def complaint_search(*, actor, query: str) -> list[SearchHit]:
    if not actor.has_perm("complaints.view_complaint"):
        return []
    compact = query.replace(" ", "")
    qs = complaint_list_for_actor(actor=actor)
    if compact[:2].upper() == "TS" and compact[2:].isdigit():
        qs = qs.filter(number__startswith=compact.upper())
    elif compact.isdigit() and len(compact) == 11:
        qs = qs.filter(line__msisdn=compact)
    else:
        return []
    return [SearchHit(kind=_("Complaint"), title=c.number,
                      detail=f"{c.category.name} · {c.get_status_display()}",
                      url=reverse("complaints:complaint_detail", args=[c.pk]),
                      badges=(_("VIP"),) if c.is_vip else ())
            for c in qs.order_by("-received_at")[:10]]


def queue_panel(request) -> Panel | None:
    user = request.user
    rows = []
    counts = None
    for stage, perm, url_name in QUEUES:
        if user.has_perm(perm):
            counts = queue_counts(actor=user) if counts is None else counts
            rows.append({"label": Stage(stage).label, "count": counts.get(stage, 0), "url": reverse(url_name)})
    escalations = None
    if user.has_perm("complaints.lead_department") or user.has_perm("complaints.receive_escalation"):
        escalations = escalation_list_for_actor(actor=user).count()
    if not rows and escalations is None:
        return None
    return Panel(title=_("My complaint queues"), template="complaints/_home_panel.html",
                 context={"rows": rows, "escalations": escalations}, order=20)

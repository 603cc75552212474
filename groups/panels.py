"""The home panels: the VPMN and group SMS worklists of the user's role with each item's age and due time."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.home import Panel
from groups.models import GroupDocumentBatch
from groups.selectors import group_sms_worklist_for_actor, vpmn_worklist_for_actor


def worklist_panel(request):
    user = request.user
    if not user.is_authenticated or not user.has_perm("groups.view_vpmnapplication"):
        return None
    rows = list(vpmn_worklist_for_actor(actor=user)
                .annotate(numbers=Count("candidates", filter=Q(candidates__callout="confirmed")))[:20])
    if not rows and not user.has_perm("groups.issue_vpmn"):
        return None
    now = timezone.now()
    items = [{"app": a,
              "due": (a.signed_at or a.created_at) + timedelta(days=1)} for a in rows]
    return Panel(title=_("VPMN worklist"), template="groups/_worklist_panel.html",
                 context={"items": items, "now": now}, order=20)


def _sms_waiting_since(app):
    st = app.State
    since = {st.ACCEPTED: app.created_at, st.HANDED_OVER: app.handed_over_at, st.BUILDING: app.received_at,
             st.PLATFORM_READY: app.platform_built_at, st.NOTICE_SENT: app.notice_sent_at}.get(app.state)
    return since or app.created_at


def _sms_due(app, since):
    """A pre-acceptance reaches the big-customer room the day it was taken; every later step within a day."""
    if app.state == app.State.ACCEPTED:
        local = timezone.localtime(app.created_at)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)
    return since + timedelta(days=1)


def group_sms_worklist_panel(request):
    user = request.user
    if not user.is_authenticated or not user.has_perm("groups.view_groupsmsapplication"):
        return None
    rows = list(group_sms_worklist_for_actor(actor=user)[:20])
    rooms = user.has_perm("groups.handle_group_sms") or user.has_perm("groups.build_group_sms_platform")
    if not rows and not rooms:
        return None
    items = []
    for app in rows:
        since = _sms_waiting_since(app)
        items.append({"app": app, "since": since, "due": _sms_due(app, since)})
    return Panel(title=_("Group SMS worklist"), template="groups/_sms_worklist_panel.html",
                 context={"items": items, "now": timezone.now()}, order=21)


def batches_panel(request):
    """The big-customer room's paperwork to sign for: each hall's VPMN archive and SMS qualification batches."""
    user = request.user
    room = user.is_authenticated and (user.has_perm("groups.issue_vpmn") or user.has_perm("groups.handle_group_sms"))
    if not room:
        return None
    from django.db.models import Prefetch

    from groups.models import GroupSmsApplication, VpmnApplication
    from groups.services.batches import batch_due_at

    batches = list(GroupDocumentBatch.objects.filter(received_at__isnull=True).select_related("hall")
                   .prefetch_related(
                       Prefetch("vpmn_applications", VpmnApplication.objects.select_related("group__customer")
                                .annotate(numbers=Count("candidates", filter=Q(candidates__callout="confirmed")))
                                .order_by("id")),
                       Prefetch("sms_applications", GroupSmsApplication.objects.select_related("group__customer")
                                .order_by("id")))
                   .order_by("period", "id")[:20])
    items = [{"batch": b, "due": batch_due_at(b),
              "vpmn": list(b.vpmn_applications.all()), "sms": list(b.sms_applications.all())} for b in batches]
    return Panel(title=_("Group paperwork to sign for"), template="groups/_batches_panel.html",
                 context={"items": items, "now": timezone.now()}, order=22)

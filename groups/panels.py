"""The home panel: the VPMN worklist of the user's role with each item's age and due time."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.home import Panel
from groups.selectors import vpmn_worklist_for_actor


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

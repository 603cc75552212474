"""What the hall floor adds to the counter home: the queue panel and the announcements in force."""

from django.utils.translation import gettext as _

from boss.home import Panel
from hall.selectors import announcements_for_staff
from hall.views.queue import queue_context


def queue_panel(request) -> Panel | None:
    if not request.user.has_perm("hall.serve_ticket") or request.user.hall_id is None:
        return None
    return Panel(title=_("Queue"), template="hall/_queue_panel_home.html", context=queue_context(request), order=5)


def announcement_panel(request) -> Panel | None:
    announcements = announcements_for_staff(actor=request.user)
    if not announcements:
        return None
    return Panel(title=_("Announcements"), template="hall/_announcements_panel.html",
                 context={"announcements": announcements}, order=6)

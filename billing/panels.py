"""What billing adds to the counter frame: a home panel with the refund steps waiting for the user, and a
search provider for refund case numbers (TF…)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from boss.home import Panel
from boss.search import SearchHit


def refund_panel(request) -> Panel | None:
    from billing.models import RefundCase

    user = request.user
    rows = []
    if user.has_perm("billing.decide_refund"):
        n = RefundCase.objects.filter(status=RefundCase.Status.REQUESTED).count()
        rows.append({"label": _("Refunds waiting for the account room"), "count": n,
                     "url": reverse("billing:refund_list") + "?status=requested"})
    if user.has_perm("billing.pay_refund") and user.hall_id:
        n = RefundCase.objects.filter(status=RefundCase.Status.APPROVED, account__corporate=False,
                                      hall_id=user.hall_id).count()
        rows.append({"label": _("Approved refunds to pay at the counter"), "count": n,
                     "url": reverse("billing:refund_list") + "?status=approved"})
    if not rows:
        return None
    return Panel(title=_("Refunds"), template="billing/_home_panel.html", context={"rows": rows}, order=40)


def refund_search(*, actor, query: str) -> list[SearchHit]:
    from billing.selectors import refund_list_for_actor

    compact = query.replace(" ", "").upper()
    if not (compact.startswith("TF") and compact[2:].isdigit() and actor.has_perm("billing.view_refundcase")):
        return []
    return [SearchHit(kind=_("Refund"), title=c.number, detail=c.get_status_display(),
                      url=reverse("billing:refund_detail", args=[c.pk]))
            for c in refund_list_for_actor(actor=actor).filter(number__startswith=compact).order_by("-pk")[:10]]

"""Announcements and campaigns: the managers' list and form, and the rep's acknowledgement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from hall.forms import AnnouncementForm
from hall.models import Announcement
from hall.selectors import announcements_for_staff, hall_choices_for
from hall.services import announcement_acknowledge, announcement_publish


def _visible(actor):
    qs = Announcement.objects.prefetch_related("halls").select_related("created_by", "offer")
    if actor.spans_halls:
        return qs
    return qs.filter(Q(halls=actor.hall_id) | Q(halls__isnull=True)).distinct()


@never_cache
@login_required
@permission_required("hall.publish_announcement", raise_exception=True)
def announcement_list(request):
    now = timezone.now()
    rows = list(_visible(request.user).order_by("-valid_from", "-pk")[:100])
    return render(request, "hall/announcement_list.html", {"announcements": rows, "now": now})


@never_cache
@login_required
@permission_required("hall.publish_announcement", raise_exception=True)
def announcement_create(request):
    halls = hall_choices_for(request.user)
    form = AnnouncementForm(request.POST or None, halls=halls)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            announcement_publish(actor=request.user, title=data["title"], body=data["body"], kind=data["kind"],
                                 audience=data["audience"], valid_from=data["valid_from"],
                                 valid_until=data["valid_until"], halls=data["halls"], offer=data["offer"],
                                 mandatory=data["mandatory"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Announcement published."))
            return redirect("hall:announcement_list")
    return render(request, "hall/announcement_form.html", {"form": form})


@require_POST
@login_required
def announcement_ack(request, pk):
    in_force = {a.pk for a in announcements_for_staff(actor=request.user)}
    if pk not in in_force:
        return redirect("home")
    announcement_acknowledge(actor=request.user, announcement=get_object_or_404(Announcement, pk=pk))
    if request.htmx:
        return render(request, "hall/_announcements_panel.html",
                      {"panel": {"context": {"announcements": announcements_for_staff(actor=request.user)}}})
    return redirect("home")

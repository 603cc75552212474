"""Announcements and campaigns: the managers' list and form, and the rep's acknowledgement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from hall.forms import AnnouncementForm
from hall.selectors import announcement_list_for, announcements_for_staff, hall_choices_for
from hall.services import announcement_acknowledge, announcement_publish


@never_cache
@login_required
@permission_required("hall.publish_announcement", raise_exception=True)
def announcement_list(request):
    now = timezone.now()
    rows = list(announcement_list_for(request.user).order_by("-valid_from", "-pk")[:100])
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
    try:
        announcement_acknowledge(actor=request.user, announcement_id=pk)
    except DomainError:
        return redirect("home")
    if request.htmx:
        return render(request, "hall/_announcements_panel.html",
                      {"panel": {"context": {"announcements": announcements_for_staff(actor=request.user)}}})
    return redirect("home")

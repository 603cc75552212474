"""The hall's devices: the ticket machine (a touch page for customers) and the display screen (a page for
the TV). They do not log in; each is reached by its secret address. And the store manager's list of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError, NotFound
from boss.forms import form_add_domain_error
from boss.tariffs import tariff
from hall.forms import TicketForm
from hall.models import Business, HallDevice, Ticket
from hall.selectors import announcements_for_customers, display_board
from hall.services.devices import hall_device_add, hall_device_revoke
from hall.services.tickets import ticket_people_ahead, ticket_take


def _device(token: str, kind: str) -> HallDevice:
    device = HallDevice.objects.select_related("hall").filter(token=token, kind=kind, active=True).first()
    if device is None:
        raise Http404
    return device


@never_cache
def ticket_machine(request, token):
    device = _device(token, HallDevice.Kind.TICKET_MACHINE)
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_take(device=device, business=form.cleaned_data["business"],
                                 msisdn=form.cleaned_data["msisdn"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect("hall:ticket_print", token=token, pk=ticket.pk)
    return render(request, "hall/ticket_machine.html", {
        "device": device, "form": form, "businesses": Business.choices,
        "keys": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "⌫"]})


@never_cache
def ticket_print(request, token, pk):
    device = _device(token, HallDevice.Kind.TICKET_MACHINE)
    ticket = get_object_or_404(Ticket, pk=pk, hall=device.hall, day=timezone.localdate())
    return render(request, "hall/ticket_print.html", {"device": device, "ticket": ticket,
                                                      "ahead": ticket_people_ahead(ticket)})


@never_cache
def display(request, token):
    device = _device(token, HallDevice.Kind.DISPLAY)
    context = {"device": device, "board": display_board(hall=device.hall, rows=tariff("queue.display_rows")),
               "announcements": announcements_for_customers(hall=device.hall), "now": timezone.localtime()}
    template = "hall/_display_board.html" if request.htmx else "hall/display.html"
    return render(request, template, context)


@never_cache
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_list(request):
    devices = HallDevice.objects.filter(hall_id=request.user.hall_id).order_by("kind", "name")
    return render(request, "hall/device_list.html", {"devices": devices, "kinds": HallDevice.Kind.choices})


@require_POST
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_add(request):
    try:
        device = hall_device_add(actor=request.user, kind=request.POST.get("kind", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s added. Open its address on the device.") % {"name": device.name})
    return redirect("hall:device_list")


@require_POST
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_revoke(request, pk):
    try:
        device = hall_device_revoke(actor=request.user, device_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("%(name)s switched off: its address no longer works.") % {"name": device.name})
    return redirect("hall:device_list")

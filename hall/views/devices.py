"""The hall's devices: the ticket machine (a touch page for customers) and the display screen (a page for
the TV). They do not log in; each is reached by its secret address. And the store manager's list of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from hall.services.devices import hall_device_add, hall_device_find, hall_device_reissue, hall_device_revoke
from hall.services.tickets import ticket_people_ahead, ticket_take

NEW_ADDRESS = "hall_new_device_address"   # the session key of a secret address shown once


def _device(token: str, kind: str) -> HallDevice:
    device = hall_device_find(secret=token, kind=kind)
    if device is None:
        raise Http404
    return device


def _device_url(device: HallDevice, secret: str) -> str:
    if device.kind == HallDevice.Kind.DISPLAY:
        return reverse("hall:display", args=[secret])
    return reverse("hall:ticket_machine", args=[secret])


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
        "device": device, "token": token, "form": form, "businesses": Business.choices,
        "keys": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "⌫"]})


@never_cache
def ticket_print(request, token, pk):
    device = _device(token, HallDevice.Kind.TICKET_MACHINE)
    ticket = get_object_or_404(Ticket, pk=pk, hall=device.hall, day=timezone.localdate())
    return render(request, "hall/ticket_print.html", {"device": device, "token": token, "ticket": ticket,
                                                      "ahead": ticket_people_ahead(ticket)})


@never_cache
def display(request, token):
    device = _device(token, HallDevice.Kind.DISPLAY)
    context = {"device": device, "token": token,
               "board": display_board(hall=device.hall, rows=tariff("queue.display_rows")),
               "announcements": announcements_for_customers(hall=device.hall), "now": timezone.localtime()}
    template = "hall/_display_board.html" if request.htmx else "hall/display.html"
    return render(request, template, context)


@never_cache
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_list(request):
    devices = HallDevice.objects.filter(hall_id=request.user.hall_id).order_by("kind", "name")
    # A new address is shown once, on the page right after adding the device or re-issuing it, then gone.
    new = request.session.pop(NEW_ADDRESS, None)
    return render(request, "hall/device_list.html", {"devices": devices, "kinds": HallDevice.Kind.choices,
                                                     "new": new})


def _show_once(request, device: HallDevice, secret: str) -> None:
    request.session[NEW_ADDRESS] = {"device_id": device.pk, "name": device.name,
                                    "url": request.build_absolute_uri(_device_url(device, secret)),
                                    "secret": secret}


@require_POST
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_add(request):
    try:
        device, secret = hall_device_add(actor=request.user, kind=request.POST.get("kind", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        _show_once(request, device, secret)
        messages.success(request, _("%(name)s added. Open its address on the device.") % {"name": device.name})
    return redirect("hall:device_list")


@require_POST
@login_required
@permission_required("hall.manage_hall_devices", raise_exception=True)
def device_reissue(request, pk):
    try:
        device, secret = hall_device_reissue(actor=request.user, device_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    _show_once(request, device, secret)
    messages.success(request, _("%(name)s has a new address: the old one no longer works.") % {"name": device.name})
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

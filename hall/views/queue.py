"""The counter's queue: call next, recall, skip, transfer, finish (the panel on the counter home and its page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from hall.forms import TransferForm, WindowForm
from hall.selectors import tickets_waiting
from hall.services import ticket_call_next, ticket_finish, ticket_recall, ticket_skip, ticket_transfer
from hall.services.tickets import ticket_serving

SESSION_WINDOW = "hall_window"


def queue_context(request) -> dict:
    user = request.user
    waiting = (tickets_waiting(hall=user.hall).aggregate(all=Count("pk"), vip=Count("pk", filter=Q(vip_level__gt=0)))
               if user.hall_id else {"all": 0, "vip": 0})
    return {
        "serving": ticket_serving(actor=user),
        "waiting_count": waiting["all"],
        "waiting_vip": waiting["vip"],
        "window_form": WindowForm(initial={"window": request.session.get(SESSION_WINDOW, "")}),
        "transfer_form": TransferForm(actor=user),
        "has_hall": user.hall_id is not None,
    }


def _answer(request):
    """The panel again (htmx) or the queue page."""
    if request.htmx:
        return render(request, "hall/_queue_panel.html", queue_context(request))
    return redirect("hall:queue")


@never_cache
@login_required
@permission_required("hall.serve_ticket", raise_exception=True)
def queue(request):
    return render(request, "hall/queue.html", queue_context(request))


@require_POST
@login_required
@permission_required("hall.serve_ticket", raise_exception=True)
def call_next(request):
    form = WindowForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["window"][0])
        return _answer(request)
    request.session[SESSION_WINDOW] = form.cleaned_data["window"]
    try:
        ticket = ticket_call_next(actor=request.user, window=form.cleaned_data["window"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if ticket is None:
            messages.info(request, _("Nobody is waiting."))
    return _answer(request)


ACTIONS = {"recall": ticket_recall, "skip": ticket_skip, "finish": ticket_finish}


def _act(request, pk, action, **kwargs):
    try:
        action(actor=request.user, ticket_id=pk, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _answer(request)


@require_POST
@login_required
@permission_required("hall.serve_ticket", raise_exception=True)
def act(request, pk, action):
    """重呼, 过号, 办结 on the ticket the rep is serving."""
    return _act(request, pk, ACTIONS[action])


@require_POST
@login_required
@permission_required("hall.serve_ticket", raise_exception=True)
def transfer(request, pk):
    form = TransferForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose another counter of this hall that serves queue tickets."))
        return _answer(request)
    return _act(request, pk, ticket_transfer, to_staff=form.cleaned_data["to_staff"])

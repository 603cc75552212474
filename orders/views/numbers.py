"""Number selection at the counter: search the free pool, reserve a number (预占), release it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.idempotency import idempotent
from catalog.selectors import selection_fees_in_force
from customers.errors import CustomerNotFoundError
from customers.selectors import customer_get, customer_search
from inventory.filtersets import NumberSearchFilterSet
from inventory.selectors import (
    CappedPaginator,
    number_get,
    number_list_free,
    number_live_reservation,
    reservation_list_for_actor,
)
from inventory.services.numbers import number_release, number_reserve
from orders.forms import NumberReserveForm
from orders.services.recommendations import recommendation_list
from orders.views.common import customer_from, querystring_without, safe_next

PAGE_SIZE = 20


@never_cache
@login_required
@permission_required("inventory.view_numberresource", raise_exception=True)
def number_search(request):
    """Free numbers by segment, ending, contains, pattern and grade; htmx swaps the results as the rep
    types, and the arrow keys walk the results (Enter opens the reservation)."""
    customer = customer_from(request)
    filterset = NumberSearchFilterSet(request.GET, queryset=number_list_free())
    page, capped = None, False
    if filterset.is_valid():
        paginator = CappedPaginator(filterset.qs, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        capped = paginator.capped
    fees = selection_fees_in_force() if page is not None else {}
    rows = [{"number": n, "selection_fee": fees.get(n.grade_id)} for n in page] if page is not None else []
    context = {"filter": filterset, "page": page, "rows": rows, "capped": capped, "customer": customer,
               "query": querystring_without(request, "page"),
               "customer_query": urlencode({"customer": customer.pk}) if customer else ""}
    partial = request.htmx and not request.htmx.boosted
    template = "orders/_number_results.html" if partial else "orders/number_search.html"
    return render(request, template, context)


@never_cache
@login_required
@permission_required("inventory.reserve_number", raise_exception=True)
def number_reserve_view(request, msisdn: str):
    """One number: its grade and what it costs; reserve it for the customer (or for nobody yet)."""
    try:
        number = number_get(msisdn=msisdn)
    except DomainError:
        raise Http404 from None
    customer = customer_from(request)
    form = NumberReserveForm(request.POST or None, initial={"customer": customer.pk if customer else None},
                             served=customer)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = _customer_chosen(request.user, form.cleaned_data)
            result = idempotent(
                actor=request.user, key=form.cleaned_data["idempotency_key"], scope="number.reserve",
                params={"msisdn": number.msisdn, "customer": chosen.pk if chosen else None},
                run=lambda: _reserve(request.user, number.msisdn, chosen))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("%(msisdn)s is reserved for you until %(until)s.") % {
                "msisdn": number.msisdn, "until": result.body["reserved_until_local"]})
            query = {"business": "open_account", "msisdn": number.msisdn}
            if result.body.get("customer"):
                query["customer"] = result.body["customer"]
            return redirect(f"{reverse('orders:quote')}?{urlencode(query)}")
    fees = selection_fees_in_force()
    context = {"number": number, "status": number.effective_status(), "form": form, "customer": customer,
               "selection_fee": fees.get(number.grade_id), "reservation": number_live_reservation(number=number)}
    if customer is not None and request.user.has_perm("catalog.view_offer"):
        context.update(recommendations=recommendation_list(customer=customer), outcome_business="open_account")
    return render(request, "orders/number_reserve.html", context, status=409 if form.errors else 200)


def _customer_chosen(actor, data: dict):
    """The customer the screen serves, or the one of the ID number typed (exactly one), or nobody."""
    if data.get("customer"):
        return customer_get(pk=data["customer"], actor=actor)
    if not data.get("identity_number"):
        return None
    found = customer_search(actor=actor, query=data["identity_number"], limit=2).customers
    if len(found) != 1 or not found[0].identity.number:
        raise CustomerNotFoundError(_("No customer has this ID number: register the customer first, or leave the "
                                      "field empty to hold the number for nobody yet."), field="identity_number")
    return found[0]


def _reserve(actor, msisdn, customer):
    reservation = number_reserve(actor=actor, msisdn=msisdn, customer=customer)
    until = timezone.localtime(reservation.reserved_until)
    return 201, {"reservation": reservation.pk, "msisdn": msisdn, "reserved_until": until.isoformat(),
                 "reserved_until_local": until.strftime("%H:%M"), "customer": customer.pk if customer else None}


@never_cache
@login_required
@permission_required("inventory.view_numberreservation", raise_exception=True)
def reservation_list(request):
    """Live reservations: a rep's own; a store manager's hall; a manager every hall."""
    reservations = list(reservation_list_for_actor(actor=request.user)[:200])
    now = timezone.now()
    rows = [{"reservation": r, "minutes_left": max(int((r.reserved_until - now).total_seconds() // 60), 0)}
            for r in reservations]
    return render(request, "orders/reservation_list.html", {"rows": rows})


@login_required
@require_POST
def number_release_view(request, msisdn: str):
    if not (request.user.has_perm("inventory.reserve_number")
            or request.user.has_perm("inventory.release_any_reservation")):
        raise PermissionDenied
    try:
        number_release(actor=request.user, msisdn=msisdn)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(msisdn)s is back in the pool.") % {"msisdn": msisdn})
    return redirect(safe_next(request, reverse("orders:reservation_list")))


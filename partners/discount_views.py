"""Discount requests on screen (process 13): the list, a partner's request made on the screen (an agent
hall's store manager for its partner, the marketing manager), the marketing manager's decision, and the
counter applying an approved one to the line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from catalog.models import Discount, in_force_q
from partners.forms import DiscountDecisionForm, DiscountRequestForm
from partners.models import DiscountRequest, Partner
from partners.selectors import discount_request_get_for_actor, discount_requests_for_actor, partner_list_for_actor
from partners.services.discounts import (
    discount_request_apply,
    discount_request_approve,
    discount_request_create,
    discount_request_refuse,
)


@login_required
@permission_required("partners.view_discountrequest", raise_exception=True)
def discount_request_list(request):
    status = request.GET.get("status", "")
    qs = discount_requests_for_actor(actor=request.user)
    if status in DiscountRequest.Status.values:
        qs = qs.filter(status=status)
    return render(request, "partners/discount_request_list.html", {
        "requests": list(qs.order_by("-created_at", "-id")[:200]), "status": status,
        "statuses": DiscountRequest.Status.choices})


def _create_form(request, data=None):
    partners = list(partner_list_for_actor(actor=request.user).filter(
        kind=Partner.Kind.CHANNEL, status=Partner.Status.ACTIVE))
    discounts = list(Discount.objects.filter(in_force_q(timezone.localdate()), active=True).order_by("name"))
    return DiscountRequestForm(data, partners=partners, discounts=discounts), {str(p.pk): p for p in partners}


@login_required
@permission_required("partners.add_discountrequest", raise_exception=True)
@never_cache
def discount_request_create_view(request):
    form, partners = _create_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = discount_request_create(actor=request.user, partner=partners[data["partner"]],
                                              discount=data["discount"], msisdn=data["msisdn"],
                                              order_reference=data["order_reference"], reason=data["reason"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The discount request is sent to the marketing manager."))
            return redirect("partners:discount_request", pk=created.pk)
    return render(request, "partners/discount_request_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@permission_required("partners.view_discountrequest", raise_exception=True)
@never_cache
def discount_request_detail(request, pk: int):
    found = discount_request_get_for_actor(actor=request.user, pk=pk)
    form = DiscountDecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("partners.decide_discountrequest"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    discount_request_approve(actor=request.user, request=found, note=data["note"])
                    messages.success(request, _("Discount request approved."))
                else:
                    discount_request_refuse(actor=request.user, request=found, note=data["note"])
                    messages.success(request, _("Discount request refused."))
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                return redirect("partners:discount_request", pk=found.pk)
    return _detail(request, found, form)


def _detail(request, found, form, *, apply_error: str = "", status: int | None = None):
    return render(request, "partners/discount_request_detail.html", {
        "req": found, "form": form, "apply_error": apply_error,
        "can_decide": request.user.has_perm("partners.decide_discountrequest"),
        "can_apply": request.user.has_perm("partners.apply_discountrequest") and request.user.hall_id is not None,
    }, status=status or (400 if form.errors else 200))


@login_required
@permission_required("partners.apply_discountrequest", raise_exception=True)
@require_POST
def discount_request_apply_view(request, pk: int):
    found = discount_request_get_for_actor(actor=request.user, pk=pk)
    try:
        discount_request_apply(actor=request.user, request=found)
    except DomainError as exc:
        return _detail(request, discount_request_get_for_actor(actor=request.user, pk=pk), DiscountDecisionForm(),
                       apply_error=str(exc.message), status=exc.status if 400 <= exc.status < 500 else 409)
    messages.success(request, _("The discount is granted to the line."))
    return redirect("partners:discount_request", pk=found.pk)

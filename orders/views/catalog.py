"""The product catalog, the live price quote (C1-F6) and the recommendations beside it (C1-F2/F4)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from catalog.models import Offer, Plan
from catalog.services.quote import quote_price
from customers.models import Line
from customers.selectors import customer_get
from inventory.selectors import number_grade
from orders.forms import QuoteForm, RecommendationOutcomeForm
from orders.models import Order
from orders.services.lifecycle import SERVICE_STATES
from orders.services.recommendations import recommendation_list, recommendation_record
from orders.views.common import customer_from, safe_next


@never_cache
@login_required
@permission_required("catalog.quote_price", raise_exception=True)
def quote_view(request):
    """The live quote: every change of the form asks again (htmx) and swaps the itemised price."""
    customer = customer_from(request)
    bound = "product" in request.GET
    form = QuoteForm(request.GET if bound else None, initial=request.GET.dict())
    quote = None
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            quote = quote_price(business=data["business"], product_code=data["product"].code,
                                on_date=data["on_date"],
                                grade=number_grade(msisdn=data["msisdn"]) if data["msisdn"] else None,
                                sim_capacity=data["sim_capacity"] or None,
                                features=[f.code for f in data["features"]], payment_method=data["payment_method"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
    context = {"form": form, "quote": quote, "customer": customer}
    if request.htmx and not request.htmx.boosted:
        return render(request, "orders/_quote_result.html", context)
    if customer is not None and request.user.has_perm("catalog.view_offer"):
        context["recommendations"] = recommendation_list(customer=customer)
        context["outcome_business"] = request.GET.get("business", "")
    return render(request, "orders/quote.html", context)


def plan_change_url(*, customer, offer) -> str | None:
    """Where an accepted offer of a main plan is carried out: the plan change of the customer's line that
    may change plan and is not on it yet (the first one), with the offer's plan filled in."""
    product = offer.product
    if product is None or product.kind != Plan.Kind.MAIN:
        return None
    line = (Line.objects.filter(customer=customer, status__in=list(SERVICE_STATES[Order.Kind.PLAN_CHANGE]))
            .exclude(plan=product).order_by("pk").first())
    if line is None:
        return None
    return (reverse("orders:line_process", kwargs={"msisdn": line.msisdn, "slug": "plan-change"})
            + "?" + urlencode({"plan": product.code}))


@login_required
@require_POST
@permission_required("orders.add_recommendationoutcome", raise_exception=True)
def recommendation_outcome_view(request):
    """Record the customer's answer to an offer, then go back to the screen it was made on."""
    form = RecommendationOutcomeForm(request.POST)
    back = safe_next(request, reverse("home"))
    if not form.is_valid():
        messages.error(request, _("The answer could not be recorded: the form was incomplete."))
        return redirect(back)
    data = form.cleaned_data
    try:
        customer = customer_get(pk=data["customer"], actor=request.user)
        offer = Offer.objects.filter(code=data["offer"]).first()
        if offer is None:
            raise DomainError(_("No such offer."))
        recommendation_record(actor=request.user, customer=customer, offer=offer, accepted=data["accepted"],
                              business=data["business"])
    except DomainError as exc:
        if request.htmx:
            return render(request, "orders/_outcome_recorded.html", {"text": exc.message, "tone": "bad"})
        messages.error(request, exc.message)
    else:
        text = (_("Recorded: the customer accepted %(offer)s.") if data["accepted"]
                else _("Recorded: the customer declined %(offer)s.")) % {"offer": offer.name}
        follow = (plan_change_url(customer=customer, offer=offer)
                  if data["accepted"] and data["business"] != "open_account" else None)
        if request.htmx:  # answered inside a process screen: keep what the rep typed there
            return render(request, "orders/_outcome_recorded.html", {"text": text, "tone": "ok", "follow": follow})
        messages.success(request, text)
        if follow:  # an accepted plan offer leads straight into the plan change of the customer's line
            return redirect(follow)
    return redirect(back)

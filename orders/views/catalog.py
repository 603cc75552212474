"""The product catalog, the live price quote (C1-F6) and the recommendations beside it (C1-F2/F4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from catalog.models import Offer
from catalog.services.quote import quote_price
from customers.selectors import customer_get
from inventory.selectors import number_grade
from orders.forms import QuoteForm, RecommendationOutcomeForm
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
        customer = customer_get(pk=data["customer"])
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
        if request.htmx:  # answered inside a process screen: keep what the rep typed there
            return render(request, "orders/_outcome_recorded.html", {"text": text, "tone": "ok"})
        messages.success(request, text)
    return redirect(back)

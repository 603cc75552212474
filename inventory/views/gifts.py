"""The gift stock screens of the redemption halls: the stock per gift, a gift's movements with the count
form, and the gift's picture."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.permissions import get_for_actor
from inventory.models import Gift, GiftStock
from inventory.selectors import gift_stock_list_for_actor, gift_stock_movements
from inventory.services.gifts import gift_stock_count


class GiftCountForm(forms.Form):
    counted = forms.IntegerField(label=gettext_lazy("counted on the shelf"), min_value=0, max_value=10_000_000)
    note = forms.CharField(label=gettext_lazy("remark"), max_length=200, required=False)


@never_cache
@login_required
@permission_required("inventory.view_giftstock", raise_exception=True)
def gift_stock_list(request):
    rows = list(gift_stock_list_for_actor(actor=request.user))
    return render(request, "inventory/gift_stock_list.html", {"rows": rows})


@never_cache
@login_required
@permission_required("inventory.view_giftstock", raise_exception=True)
def gift_stock_detail(request, pk: int):
    stock = get_for_actor(GiftStock.objects.select_related("gift", "hall").defer("gift__picture"),
                          request.user, pk=pk)
    form = None
    if request.user.has_perm("inventory.count_gift_stock"):
        form = GiftCountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                gift_stock_count(actor=request.user, gift=stock.gift, hall=stock.hall,
                                 counted=form.cleaned_data["counted"], note=form.cleaned_data["note"])
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("The count is recorded."))
                return redirect("inventory:gift_stock_detail", pk=stock.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "inventory/gift_stock_detail.html",
                  {"stock": stock, "movements": gift_stock_movements(stock=stock), "form": form},
                  status=400 if form is not None and form.errors else 200)


def gift_picture_response(pk: int) -> HttpResponse:
    """The gift's picture as stored (404 when it has none): served by the counter's screens and by the portal's
    gift page (its own door for a signed-in customer)."""
    gift = get_object_or_404(Gift.objects.only("picture", "picture_type"), pk=pk)
    if not gift.picture or not gift.picture_type:
        raise Http404
    response = HttpResponse(bytes(gift.picture), content_type=gift.picture_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@login_required
def gift_picture(request, pk: int):
    """The gift's picture (anyone logged in at the counter: it is catalogue, not personal data)."""
    return gift_picture_response(pk)

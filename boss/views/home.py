"""The counter home and the global search."""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from boss import home as home_panels
from boss.models import AuditEvent
from boss.search import search


@never_cache
@login_required
@permission_required("boss.use_counter", raise_exception=True)
def home(request):
    today = timezone.localdate()
    my_actions = (AuditEvent.objects.filter(actor=request.user, occurred_at__date=today)
                  .exclude(action__startswith="auth.").order_by("-occurred_at", "-id"))
    context = {
        "today": today,
        "my_actions": my_actions[:10],
        "my_action_count": my_actions.count(),
        "panels": home_panels.panels_for(request),
    }
    return render(request, "boss/home.html", context)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Number, customer name or ID number"), max_length=60)


@never_cache
@login_required
@permission_required("boss.use_counter", raise_exception=True)
def search_view(request):
    """GET searches by number or name; an ID number must come by POST (never in a URL, ASVS 8.3.1)."""
    data = request.POST if request.method == "POST" else request.GET
    form = SearchForm(data or None)
    hits = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if request.method == "GET" and _looks_like_identity(query):
            form.add_error("q", _("Search by ID number with the search box (it is sent privately), "
                                  "not in the address bar."))
        else:
            hits = search(actor=request.user, query=query)
    template = "boss/_search_results.html" if request.htmx else "boss/search.html"
    return render(request, template, {"form": form, "hits": hits})


def _looks_like_identity(query: str) -> bool:
    """Any identity-document shape (resident ID, credit code, passport, HMT permit): at least 8 letters and
    digits with at least 6 digits, and not a mobile number (those may be searched by GET)."""
    compact = "".join(ch for ch in query if ch.isalnum())
    digits = sum(ch.isdigit() for ch in compact)
    is_mobile = compact.isdigit() and (len(compact) == 11 or (len(compact) == 13 and compact.startswith("86")))
    return len(compact) >= 8 and digits >= 6 and not is_mobile

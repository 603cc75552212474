"""Malicious-user tracing screens: the suspects worklist, one suspect's review, statistics by day and
hall, and the request for the report of confirmed cases for the public-security partner (a bulk export:
partners.exports, approved by a second person)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.permissions import get_for_actor, restrict_to_actor
from partners.exports import tracing_period
from partners.forms import SuspectFilterForm, SuspectReviewForm, SuspectSuspendForm
from partners.models import Suspect
from partners.selectors import tracing_statistics_by_day
from partners.services.tracing import suspect_confirm, suspect_dismiss, suspect_line_suspend

EVIDENCE = {
    Suspect.Rule.SMS_BULK: gettext_lazy("Peak hour %(peak_hour)s: %(peak_sms)s SMS to %(peak_recipients)s numbers; "
                              "%(hours)s hours over the threshold, %(sms)s SMS in them"),
    Suspect.Rule.SHORT_CALLS: gettext_lazy("%(short_calls)s very short calls of %(calls)s calls, "
                                           "to %(callees)s numbers"),
    Suspect.Rule.ONE_RING: gettext_lazy("%(one_ring)s unanswered one-ring calls of %(calls)s calls, "
                                        "to %(callees)s numbers"),
    Suspect.Rule.NIGHT_CALLS: gettext_lazy("%(night_calls)s calls between 0:00 and 6:00 of %(calls)s calls, "
                                 "to %(callees)s numbers"),
}


def evidence_text(suspect: Suspect) -> str:
    try:
        return str(EVIDENCE[Suspect.Rule(suspect.rule)]) % suspect.evidence
    except (KeyError, ValueError, TypeError):
        return ""


def _suspects(actor):
    return restrict_to_actor(Suspect.objects.select_related("hall", "reviewed_by"), actor)


def _review(view):
    return login_required(permission_required("partners.review_suspect", raise_exception=True)(view))


@_review
def suspect_list(request):
    form = SuspectFilterForm(request.GET or None)
    qs = _suspects(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["day"]:
            qs = qs.filter(day=data["day"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["rule"]:
            qs = qs.filter(rule=data["rule"])
    else:
        qs = qs.filter(status=Suspect.Status.PENDING)
    rows = list(qs.order_by("-day", "msisdn", "rule")[:200])
    for suspect in rows:
        suspect.evidence_text = evidence_text(suspect)
    return render(request, "partners/suspect_list.html", {"form": form, "suspects": rows})


@_review
@never_cache
def suspect_review(request, pk: int):
    suspect = get_for_actor(Suspect.objects.select_related("line__customer__identity", "hall", "reviewed_by",
                                                           "suspension_order"),
                            request.user, pk=pk)
    form = SuspectReviewForm(request.POST or None)
    return _review_page(request, suspect, form, SuspectSuspendForm())


def _review_page(request, suspect, form, suspend_form):
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                suspect_confirm(actor=request.user, suspect=suspect, note=data["note"],
                                blacklist=data["blacklist"], report=data["report"])
                messages.success(request, _("Suspect confirmed."))
            else:
                suspect_dismiss(actor=request.user, suspect=suspect, note=data["note"])
                messages.success(request, _("Suspect dismissed."))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect("partners:suspect_list")
    suspect.evidence_text = evidence_text(suspect)
    others = (_suspects(request.user).filter(msisdn=suspect.msisdn).exclude(pk=suspect.pk)
              .order_by("-day")[:10])
    return render(request, "partners/suspect_review.html",
                  {"suspect": suspect, "form": form, "suspend_form": suspend_form, "others": others,
                   "customer": suspect.line.customer, "line": suspect.line},
                  status=400 if form.errors or suspend_form.errors else 200)


@_review
@never_cache
def suspect_suspend(request, pk: int):
    """Suspend a confirmed suspect's line (POST only; the form sits on the review page)."""
    suspect = get_for_actor(Suspect.objects.select_related("line__customer__identity", "hall", "reviewed_by",
                                                           "suspension_order"),
                            request.user, pk=pk)
    if request.method != "POST":
        return redirect("partners:suspect_review", pk=suspect.pk)
    suspend_form = SuspectSuspendForm(request.POST)
    if suspend_form.is_valid():
        try:
            suspect_line_suspend(actor=request.user, suspect=suspect, note=suspend_form.cleaned_data["note"])
        except DomainError as exc:
            form_add_domain_error(suspend_form, exc)
        else:
            messages.success(request, _("The line's suspension was sent to the network with its work order."))
            return redirect("partners:suspect_review", pk=suspect.pk)
    return _review_page(request, suspect, SuspectReviewForm(), suspend_form)


def _period(request) -> tuple[date, date]:
    return tracing_period(request.GET)


@_review
def tracing_statistics(request):
    start, end = _period(request)
    rows = tracing_statistics_by_day(_suspects(request.user), start=start, end=end)
    return render(request, "partners/tracing_statistics.html",
                  {"rows": rows, "start": start, "end": end, "rules": Suspect.Rule.choices})

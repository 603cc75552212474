"""The daily close (日结) screens: a rep closes their drawer; the store manager approves differences,
closes the hall's day with the bank deposit and prints the day report; a manager re-opens a day."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from billing.models import DrawerClose, LedgerAccount, PaymentMethod
from billing.selectors import account_balance
from billing.services.day_close import (
    DENOMINATIONS,
    drawer_close,
    drawer_day_figures,
    drawer_difference_approve,
    hall_day_close,
    hall_day_reopen,
    hall_day_state,
)
from boss.audit import audit_record
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.idempotency import idempotent
from boss.models import Hall
from boss.pdf import pdf_response, render_pdf
from boss.permissions import restrict_to_actor
from reports.forms import DrawerCloseForm, HallDayCloseForm, ReopenForm
from reports.selectors import Scope, orders_by_kind, payments_by_method, scope_split, total


def _day(value) -> date:
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return min(day, timezone.localdate())


@never_cache
@login_required
@permission_required("billing.close_own_drawer", raise_exception=True)
def drawer_close_view(request):
    user = request.user
    day = timezone.localdate()
    close = (DrawerClose.objects.filter(staff=user, day=day).exclude(status=DrawerClose.Status.REOPENED)
             .select_related("approved_by").first())
    form = DrawerCloseForm(request.POST or None)
    if request.method == "POST" and close is None and form.is_valid():
        data = form.cleaned_data

        def run():
            done = drawer_close(actor=user, denominations=form.denominations(), reason=data["reason"])
            return 200, {"id": done.pk, "difference": f"{done.difference:.2f}"}

        try:
            idempotent(actor=user, key=data["idempotency_key"], scope="reports.drawer_close",
                       params=form.params(), run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Your drawer is closed for today."))
            return redirect("reports:drawer_close")
    cash = LedgerAccount.objects.filter(staff=user, kind=LedgerAccount.Kind.CASH_DRAWER,
                                        subtype=PaymentMethod.CASH).first()
    context = {"day": day, "close": close, "form": form, "figures": drawer_day_figures(staff=user, day=day),
               "ledger_cash": account_balance(cash) if cash else None,
               "denomination_fields": [form[f"d_{d}"] for d in DENOMINATIONS]}
    return render(request, "reports/drawer_close.html", context)


def _hall_for(request) -> Hall:
    halls = restrict_to_actor(Hall.objects.filter(active=True), request.user, hall_field="pk")
    wanted = request.GET.get("hall") or request.POST.get("hall")
    if wanted and str(wanted).isdigit():
        return get_object_or_404(halls, pk=wanted)
    if request.user.hall_id:
        return get_object_or_404(halls, pk=request.user.hall_id)
    hall = halls.order_by("code").first()
    if hall is None:
        raise PermissionDenied
    return hall


@never_cache
@login_required
@permission_required("billing.view_halldayclose", raise_exception=True)
def hall_day_view(request):
    user = request.user
    hall = _hall_for(request)
    day = _day(request.GET.get("day") or request.POST.get("day"))
    close_form = HallDayCloseForm(request.POST if request.POST.get("action") == "close" else None)
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                close = get_object_or_404(DrawerClose, pk=request.POST.get("close"), hall=hall, day=day)
                drawer_difference_approve(actor=user, close=close)
                messages.success(request, _("The difference is approved."))
                return redirect(_url(hall, day))
            if action == "close" and close_form.is_valid():
                data = close_form.cleaned_data

                def run():
                    done = hall_day_close(actor=user, hall=hall, day=day, deposit_amount=data["deposit_amount"],
                                          deposit_slip=data["deposit_slip"], carried_by=data["carried_by"])
                    return 200, {"id": done.pk}

                idempotent(actor=user, key=data["idempotency_key"], scope="reports.hall_day_close",
                           params={**close_form.params(), "hall": hall.pk, "day": day}, run=run)
                messages.success(request, _("The hall's day is closed. Print the day report."))
                return redirect(_url(hall, day))
            if action == "reopen" and reopen_form.is_valid():
                hall_day_reopen(actor=user, hall=hall, day=day, reason=reopen_form.cleaned_data["reason"])
                messages.success(request, _("The day is re-opened."))
                return redirect(_url(hall, day))
        except DomainError as exc:
            form_add_domain_error(reopen_form if action == "reopen" else close_form, exc)
    state = hall_day_state(hall=hall, day=day)
    if not close_form.is_bound:
        close_form.initial["deposit_amount"] = state.deposit_due
    halls = restrict_to_actor(Hall.objects.filter(active=True), user, hall_field="pk").order_by("code")
    return render(request, "reports/hall_day.html", {
        "hall": hall, "day": day, "state": state, "close_form": close_form, "reopen_form": reopen_form,
        "halls": halls, "can_close": user.has_perm("billing.close_hall_day"),
        "can_approve": user.has_perm("billing.approve_drawer_difference"),
        "can_reopen": user.has_perm("billing.reopen_hall_day"),
    })


def _url(hall: Hall, day: date) -> str:
    return f"{reverse('reports:hall_day')}?hall={hall.pk}&day={day.isoformat()}"


def day_report_context(*, hall: Hall, day: date) -> dict:
    """The day report's figures: the hall's drawers, and its business and money read like the business report's
    (from the summary tables once the day is summarized, from the rows before: today, at the close)."""
    scope = scope_split(Scope(date_from=day, date_to=day, halls=[hall.pk]))
    state = hall_day_state(hall=hall, day=day)
    business = orders_by_kind(scope)
    payments = payments_by_method(scope)
    return {"hall": hall, "day": day, "state": state, "business": business, "business_total": total(business),
            "payments": payments, "payments_total": total(payments), "now": timezone.localtime()}


@never_cache
@login_required
@permission_required("billing.view_halldayclose", raise_exception=True)
@require_POST
def day_report_pdf(request):
    hall = _hall_for(request)
    day = _day(request.POST.get("day"))
    audit_record(actor=request.user, action="report.print", target=hall, hall=hall,
                 after={"report": "hall_day", "day": day.isoformat()})
    pdf = render_pdf("reports/day_report_pdf.html", day_report_context(hall=hall, day=day))
    return pdf_response(pdf, f"rijie-{hall.code}-{day:%Y%m%d}.pdf")

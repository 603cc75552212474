"""The monthly work plan and review of a hall: targets set by the manager, actuals from the business
report, a review note; printed as PDF (audited)."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from boss.audit import audit_record
from boss.months import month_end, month_start
from boss.pdf import pdf_response, render_pdf
from orders.models import Order
from reports.business import business_report, percent
from reports.forms import MonthPlanForm
from reports.models import HallMonthPlan
from reports.views.close import _hall_for


def _month(value) -> date:
    try:
        return date.fromisoformat(f"{value}-01") if value else month_start(timezone.localdate())
    except ValueError:
        return month_start(timezone.localdate())


def plan_context(request) -> dict:
    hall = _hall_for(request)
    month = _month(request.GET.get("month") or request.POST.get("month"))
    plan = HallMonthPlan.objects.filter(hall=hall, month=month).first()
    report = business_report(actor=request.user, date_from=month, date_to=min(month_end(month), timezone.localdate()),
                             hall=hall)
    targets = plan.targets if plan else {}
    actual = {"openings": next((r.count for r in report.by_kind if r.key == Order.Kind.OPEN_ACCOUNT), 0),
              "orders": report.orders_total.count, "payments": report.payments_total.amount}
    rows = [(key, label, targets.get(key), actual[key], percent(actual[key], Decimal(targets[key]))
             if targets.get(key) not in (None, "", 0, "0") else None)
            for key, label in (("openings", _("Openings")), ("orders", _("Business volume (orders)")),
                               ("payments", _("Money taken")))]
    return {"hall": hall, "month": month, "plan": plan, "rows": rows, "report": report}


@never_cache
@login_required
@permission_required("reports.view_hallmonthplan", raise_exception=True)
def month_plan_view(request):
    context = plan_context(request)
    hall, month, plan = context["hall"], context["month"], context["plan"]
    initial = {**(plan.targets if plan else {}), "review": plan.review if plan else ""}
    form = MonthPlanForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.has_perm("reports.change_hallmonthplan"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            targets = {k: str(data[k]) for k in ("openings", "orders", "payments") if data[k] is not None}
            with transaction.atomic():
                saved, _created = HallMonthPlan.objects.update_or_create(
                    hall=hall, month=month, defaults={"targets": targets, "review": data["review"],
                                                      "updated_by": request.user})
                audit_record(actor=request.user, action="month_plan.save", target=saved, hall=hall,
                             before={"targets": plan.targets} if plan else None, after={"targets": targets})
            messages.success(request, _("The monthly plan is saved."))
            return redirect(f"{reverse('reports:month_plan')}?hall={hall.pk}&month={month:%Y-%m}")
    context.update(form=form, can_edit=request.user.has_perm("reports.change_hallmonthplan"))
    return render(request, "reports/month_plan.html", context)


@never_cache
@login_required
@permission_required("reports.view_hallmonthplan", raise_exception=True)
def month_plan_pdf(request):
    context = plan_context(request)
    audit_record(actor=request.user, action="report.print", target=context["hall"], hall=context["hall"],
                 after={"report": "month_plan", "month": f"{context['month']:%Y-%m}"})
    context.update(now=timezone.localtime(), printed_by=request.user)
    pdf = render_pdf("reports/month_plan_pdf.html", context)
    return pdf_response(pdf, f"yuejihua-{context['hall'].code}-{context['month']:%Y%m}.pdf")

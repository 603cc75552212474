"""Bill runs, bills, itemised bills (screen and PDF), plan corrections, arrears, points."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from billing.filtersets import ArrearsCaseFilterSet, BillFilterSet
from billing.forms import BillRunStartForm, PlanCorrectionForm
from billing.models import ArrearsCase, BillRun
from billing.selectors import bill_list_for_actor, itemised_bill, line_get_for_billing, points_summary
from billing.services.bill_run import bill_run_report, bill_run_start
from billing.services.itemised import itemised_bill_pdf, itemised_bill_print
from billing.services.rating import line_plan_correct
from billing.tables import ArrearsCaseTable, BillTable
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.lists import LazyListMixin
from boss.months import month_add, month_start
from boss.pdf import pdf_response

__all__ = ["bill_run_list", "bill_run_detail", "BillListView", "itemised", "itemised_pdf", "plan_correction",
           "ArrearsCaseListView", "customer_points"]

RECORDS_PER_PAGE = 200


# --------------------------------------------------------------------------------------------------
# Bill runs
# --------------------------------------------------------------------------------------------------


@never_cache
@login_required
@permission_required("billing.view_billrun", raise_exception=True)
def bill_run_list(request):
    """The runs, newest month first, and the form to start (or resume) a month."""
    form = BillRunStartForm(initial={"period": f"{month_add(month_start(timezone.localdate()), -1):%Y-%m}"})
    if request.method == "POST":
        if not request.user.has_perm("billing.start_billrun"):
            raise PermissionDenied
        form = BillRunStartForm(request.POST)
        if form.is_valid():
            try:
                run = bill_run_start(actor=request.user, period=form.cleaned_data["period"])
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("The bill run of %(month)s is running.") % {"month": f"{run.period:%Y-%m}"})
                return redirect("billing:bill_run_detail", period=f"{run.period:%Y-%m}")
    runs = list(BillRun.objects.select_related("started_by")[:36])
    return render(request, "billing/bill_run_list.html", {"form": form, "runs": runs})


@never_cache
@login_required
@permission_required("billing.view_billrun", raise_exception=True)
def bill_run_detail(request, period):
    """The run's report (lines billed, total, per fee type, huge bills, errors); polls while running."""
    run = get_object_or_404(BillRun.objects.select_related("started_by"), period=period)
    report = bill_run_report(run)
    template = "billing/_bill_run_report.html" if request.htmx else "billing/bill_run_detail.html"
    return render(request, template, {"run": run, "report": report})


# --------------------------------------------------------------------------------------------------
# Bills and the itemised bill
# --------------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class BillListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    """Bills by number, month, huge ones (the same filters as GET /api/v1/bills)."""

    permission_required = "billing.view_bill"
    template_name = "billing/bill_list.html"
    table_class = BillTable
    filterset_class = BillFilterSet

    def get_queryset(self):
        return bill_list_for_actor(actor=self.request.user)


@never_cache
@login_required
@permission_required("billing.view_bill", raise_exception=True)
def itemised(request, line_id: int, period):
    """The itemised bill of a line for a month: the bill (or the charges so far) and every record."""
    line = line_get_for_billing(actor=request.user, line_id=line_id)
    it = itemised_bill(line=line, period=period)
    page = Paginator(it.records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    bills = list(line.bills.order_by("-period").values_list("period", flat=True)[:12])
    return render(request, "billing/itemised.html", {"it": it, "page": page, "line": line, "bills": bills})


@require_POST
@login_required
@permission_required("billing.print_itemised_bill", raise_exception=True)
def itemised_pdf(request, line_id: int, period):
    """Print the itemised bill (audited) as a Chinese PDF in a new tab."""
    line = line_get_for_billing(actor=request.user, line_id=line_id)
    if period > month_start(timezone.localdate()):
        raise Http404
    itemised_bill_print(actor=request.user, line=line, period=period)
    pdf = itemised_bill_pdf(line=line, period=period)
    return pdf_response(pdf, f"qingdan-{line.msisdn}-{period:%Y%m}.pdf")


@never_cache
@login_required
@permission_required("billing.correct_plan", raise_exception=True)
def plan_correction(request, line_id: int):
    """Correct the plan of a month not billed yet; the month is re-rated at once."""
    line = line_get_for_billing(actor=request.user, line_id=line_id)
    this_month = f"{month_start(timezone.localdate()):%Y-%m}"
    form = PlanCorrectionForm(initial={"period": this_month, "plan": line.plan_id})
    if request.method == "POST":
        form = PlanCorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                line_plan_correct(actor=request.user, line=line, plan=data["plan"], period=data["period"],
                                  reason=data["reason"])
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Plan corrected and the month re-rated."))
                return redirect("billing:itemised", line_id=line.pk, period=data["period"])
    return render(request, "billing/plan_correction.html", {"form": form, "line": line})


# --------------------------------------------------------------------------------------------------
# Arrears and points
# --------------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ArrearsCaseListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "billing.view_arrearscase"
    template_name = "billing/arrears_list.html"
    table_class = ArrearsCaseTable
    filterset_class = ArrearsCaseFilterSet

    def get_queryset(self):
        return ArrearsCase.objects.select_related("account__customer").order_by("-reminded_at", "-pk")


@never_cache
@login_required
@permission_required("billing.view_pointslot", raise_exception=True)
def customer_points(request, customer_id: int):
    """A customer's points: balance, lots with their expiry, the latest changes."""
    from customers.selectors import customer_get_for_actor

    if not request.user.has_perm("customers.view_customer"):
        raise PermissionDenied
    customer = customer_get_for_actor(actor=request.user, pk=customer_id)
    return render(request, "billing/customer_points.html",
                  {"customer": customer, "points": points_summary(customer=customer)})

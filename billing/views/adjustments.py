"""Bill adjustments after billing (调帐): asked from the itemised bill of a billed month (counter or account
room), decided on the account room's worklist by another clerk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from billing.forms import BillAdjustmentDecisionForm, BillAdjustmentForm
from billing.models import Bill, BillAdjustment
from billing.selectors import line_get_for_billing
from billing.services.adjustments import bill_adjustment_decide, bill_adjustment_pdf, bill_adjustment_request
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.pdf import pdf_response

__all__ = ["bill_adjustment_list", "bill_adjustment_new", "bill_adjustment_decide_view", "bill_adjustment_pdf_view"]


@never_cache
@login_required
@permission_required("billing.request_billadjustment", raise_exception=True)
def bill_adjustment_new(request, bill_id: int):
    bill = get_object_or_404(Bill.objects.select_related("line"), pk=bill_id)
    line_get_for_billing(actor=request.user, line_id=bill.line_id)   # the same reach as the bill itself
    form = BillAdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bill_adjustment_request(actor=request.user, bill=bill, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The adjustment is sent to the account room for approval."))
            return redirect("billing:itemised", line_id=bill.line_id, period=bill.period)
    return render(request, "billing/bill_adjustment_new.html", {"bill": bill, "form": form},
                  status=400 if form.errors else 200)


def _worklist(request, *, failed=None, failed_form=None, status=200):
    rows = list(BillAdjustment.objects.select_related("bill__line", "requested_by", "decided_by")
                .order_by("status", "-id")[:200])
    for row in rows:
        row.form = failed_form if failed is not None and row.pk == failed else \
            BillAdjustmentDecisionForm(prefix=f"a{row.pk}")
    return render(request, "billing/bill_adjustment_list.html", {
        "rows": rows, "can_decide": request.user.has_perm("billing.approve_billadjustment")}, status=status)


@never_cache
@login_required
@permission_required("billing.view_billadjustment", raise_exception=True)
def bill_adjustment_list(request):
    return _worklist(request)


@require_POST
@login_required
@permission_required("billing.approve_billadjustment", raise_exception=True)
def bill_adjustment_decide_view(request, pk: int):
    adjustment = get_object_or_404(BillAdjustment, pk=pk)
    form = BillAdjustmentDecisionForm(request.POST, prefix=f"a{pk}")
    status = 400
    if form.is_valid():
        try:
            bill_adjustment_decide(actor=request.user, adjustment=adjustment,
                                   approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
            status = exc.status if 400 <= exc.status < 500 else 409
        else:
            messages.success(request, _("Bill adjustment decided."))
            return redirect("billing:bill_adjustment_list")
    return _worklist(request, failed=pk, failed_form=form, status=status)


@never_cache
@login_required
@permission_required("billing.view_billadjustment", raise_exception=True)
def bill_adjustment_pdf_view(request, pk: int):
    """The adjustment slip (调帐单), for whoever sees the worklist and reaches the bill's line."""
    adjustment = get_object_or_404(BillAdjustment.objects.select_related(
        "bill__line__customer", "requested_by", "decided_by"), pk=pk)
    line_get_for_billing(actor=request.user, line_id=adjustment.bill.line_id)   # the same reach as the bill
    return pdf_response(bill_adjustment_pdf(adjustment=adjustment), f"tiaozhang-{adjustment.pk}.pdf")

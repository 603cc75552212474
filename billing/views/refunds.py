"""Refund screens (process 6): the cases and the account room's queue, opening a case, and the case page
with the step the user may take now: decide (account room), print the cash refund form, pay (counter)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from billing.filtersets import RefundCaseFilterSet
from billing.forms import RefundDecisionForm, RefundPayForm, RefundRequestForm
from billing.models import RefundCase
from billing.selectors import line_get_for_billing, refund_get_for_actor, refund_list_for_actor
from billing.services.refunds import (
    DOCUMENTS,
    refund_decide,
    refund_form_pdf,
    refund_form_print,
    refund_pay,
    refund_request,
)
from billing.tables import RefundCaseTable
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key
from boss.idempotency import idempotent
from boss.lists import LazyListMixin
from boss.pdf import pdf_response

__all__ = ["RefundCaseListView", "refund_new", "refund_detail", "refund_decide_view", "refund_form_view",
           "refund_pay_view"]


@method_decorator(never_cache, name="dispatch")
class RefundCaseListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    """Refund cases; `?status=requested` is the account room's queue, `?status=approved` the counter's."""

    permission_required = "billing.view_refundcase"
    template_name = "billing/refund_list.html"
    table_class = RefundCaseTable
    filterset_class = RefundCaseFilterSet

    def get_queryset(self):
        return refund_list_for_actor(actor=self.request.user).order_by("requested_at", "pk")


@never_cache
@login_required
@permission_required("billing.request_refund", raise_exception=True)
def refund_new(request):
    """Open a refund case for a line's account (the account room, or a counter without a complaint)."""
    form = RefundRequestForm(initial={"msisdn": request.GET.get("msisdn", "")[:11]})
    if request.method == "POST":
        form = RefundRequestForm(request.POST)
        if form.is_valid():
            try:
                line = line_get_for_billing(actor=request.user, msisdn=form.cleaned_data["msisdn"])
            except Http404:
                form.add_error("msisdn", _("No line has this number."))
            else:
                try:
                    case = refund_request(actor=request.user, account=line.account, line=line,
                                          description=form.cleaned_data["description"])
                except DomainError as exc:
                    form_add_domain_error(form, exc)
                else:
                    messages.success(request, _("Refund case %(number)s opened for the account room.")
                                     % {"number": case.number})
                    return redirect("billing:refund_detail", pk=case.pk)
    return render(request, "billing/refund_new.html", {"form": form})


def _steps(request, case, *, decide_form=None, pay_form=None) -> dict:
    """The forms of the steps this user may take now (by permission and state; the four-eyes rule is
    shown here and enforced by the service)."""
    user, steps = request.user, {}
    if case.status == RefundCase.Status.REQUESTED and user.has_perm("billing.decide_refund"):
        steps["decide"] = decide_form or RefundDecisionForm(case=case)
    if case.status == RefundCase.Status.APPROVED and user.has_perm("billing.pay_refund"):
        steps["print"] = not case.account.corporate
        steps["four_eyes"] = user.pk == case.decided_by_id
        # The key is kept in the session: the form Back brings back replays the payment made.
        steps["pay"] = pay_form or RefundPayForm(initial={
            "amount": case.approved_amount,
            "idempotency_key": form_key(request, f"billing.refund_pay:{case.pk}").key})
    return steps


@never_cache
@login_required
@permission_required("billing.view_refundcase", raise_exception=True)
def refund_detail(request, pk: int, **forms):
    case = refund_get_for_actor(actor=request.user, pk=pk)
    return render(request, "billing/refund_detail.html", {
        "case": case, "steps": _steps(request, case, **forms), "documents": DOCUMENTS})


@require_POST
@login_required
@permission_required("billing.decide_refund", raise_exception=True)
def refund_decide_view(request, pk: int):
    case = refund_get_for_actor(actor=request.user, pk=pk)
    form = RefundDecisionForm(request.POST, case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            refund_decide(actor=request.user, case=case, approve=data["decision"] == "approve",
                          over_deducted=data["over_deducted"], amount=data["amount"], note=data["note"],
                          collection_item=data["collection_item"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Decision recorded; the counter is told through the refund queue."))
            return redirect("billing:refund_detail", pk=case.pk)
    return refund_detail(request, pk, decide_form=form)


@require_POST
@login_required
@permission_required("billing.pay_refund", raise_exception=True)
def refund_form_view(request, pk: int):
    """Print the cash refund form (a new tab); later prints are copies (补打)."""
    case = refund_get_for_actor(actor=request.user, pk=pk)
    try:
        copy = refund_form_print(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("billing:refund_detail", pk=case.pk)
    case.refresh_from_db()
    return pdf_response(refund_form_pdf(case=case, copy=copy), f"tuifei-{case.number}.pdf")


@require_POST
@login_required
@permission_required("billing.pay_refund", raise_exception=True)
def refund_pay_view(request, pk: int):
    """Pay the refund (idempotent: a double click pays once)."""
    case = refund_get_for_actor(actor=request.user, pk=pk)
    form = RefundPayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def run():
            paid = refund_pay(actor=request.user, case=case, amount=data["amount"], documents=data["documents"])
            return 200, {"number": paid.number, "paid": f"{paid.paid_amount:.2f}"}

        try:
            result = idempotent(actor=request.user, key=data["idempotency_key"], scope="billing.refund_pay",
                                params={"case": case.pk, "amount": str(data["amount"]),
                                        "documents": sorted(data["documents"])}, run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Refund %(number)s paid: ¥%(paid)s.") % result.body)
            return redirect("billing:refund_detail", pk=case.pk)
    return refund_detail(request, pk, pay_form=form)

"""Bank collection screens (account room): the month's batches, a batch's items, its file, its result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from billing.filtersets import BankCollectionBatchFilterSet
from billing.forms import BankCollectionCreateForm, BankResultForm
from billing.models import BankCollectionBatch
from billing.services.bank_collection import (
    bank_collection_create,
    bank_collection_export,
    bank_collection_result_import,
)
from billing.tables import BankCollectionBatchTable
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.lists import LazyListMixin
from boss.months import month_add, month_start

__all__ = ["BankCollectionListView", "collection_detail", "collection_file", "collection_result"]


@method_decorator(never_cache, name="dispatch")
class BankCollectionListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    """The batches, and (account room) the form making the month's batches."""

    permission_required = "billing.view_bankcollectionbatch"
    template_name = "billing/collection_list.html"
    table_class = BankCollectionBatchTable
    filterset_class = BankCollectionBatchFilterSet

    def get_queryset(self):
        return BankCollectionBatch.objects.order_by("-period", "bank_code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        last_month = month_add(month_start(timezone.localdate()), -1)
        context.setdefault("create_form", BankCollectionCreateForm(initial={"period": f"{last_month:%Y-%m}"}))
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("billing.manage_bank_collection"):
            raise PermissionDenied
        form = BankCollectionCreateForm(request.POST)
        if form.is_valid():
            try:
                batches = bank_collection_create(actor=request.user, period=form.cleaned_data["period"])
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("%(n)d collection batches ready for the banks.") % {"n": len(batches)})
                return redirect("billing:collection_list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(create_form=form))


def _batch(pk):
    return get_object_or_404(BankCollectionBatch.objects.select_related("created_by"), pk=pk)


@never_cache
@login_required
@permission_required("billing.view_bankcollectionbatch", raise_exception=True)
def collection_detail(request, pk: int, result_form=None, result=None):
    batch = _batch(pk)
    items = batch.items.select_related("account__customer", "payment").order_by("pk")
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(request, "billing/collection_detail.html", {
        "batch": batch, "page": page, "result_form": result_form or BankResultForm(), "result": result})


@never_cache
@login_required
@permission_required("billing.manage_bank_collection", raise_exception=True)
def collection_file(request, pk: int):
    """The file for the bank (full account numbers: audited download)."""
    batch = _batch(pk)
    text = bank_collection_export(actor=request.user, batch=batch)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="collection-{batch.bank_code}-{batch.period:%Y%m}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@permission_required("billing.manage_bank_collection", raise_exception=True)
def collection_result(request, pk: int):
    """Import the bank's result file; the page shows what was posted, rejected and refused by line."""
    batch = _batch(pk)
    form = BankResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return collection_detail(request, pk, result_form=form)
    try:
        result = bank_collection_result_import(actor=request.user, batch=batch, text=form.cleaned_data["file"])
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return collection_detail(request, pk, result_form=form)
    messages.success(request, _("Result imported: %(paid)d collected, %(rejected)d rejected, %(dup)d already known, "
                                "%(errors)d lines refused.") % {"paid": result.paid, "rejected": result.rejected,
                                                                "dup": result.duplicates, "errors": len(result.errors)})
    if result.errors:
        return collection_detail(request, pk, result=result)
    return redirect("billing:collection_detail", pk=batch.pk)

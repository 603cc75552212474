"""Stock screens of a hall: the summary, the lists of SIM cards, handsets and recharge cards, the CSV import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_filters.views import FilterView

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.lists import LazyListMixin
from boss.permissions import actor_spans_halls, get_for_actor
from inventory.filtersets import HandsetFilterSet, RechargeCardFilterSet, SimCardFilterSet
from inventory.forms import StockImportForm
from inventory.models import StockImport
from inventory.selectors import (
    handset_list_for_actor,
    recharge_card_list_for_actor,
    sim_list_for_actor,
    stock_summary_for_actor,
)
from inventory.services.stock import COLUMNS, stock_import
from inventory.tables import HandsetTable, RechargeCardTable, SimCardTable


@never_cache
@login_required
@permission_required("inventory.view_simcard", raise_exception=True)
def stock_summary(request):
    return render(request, "inventory/stock_summary.html", {"summary": stock_summary_for_actor(actor=request.user)})


class _StockList(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    template_name = "inventory/stock_list.html"
    heading = ""
    selector = None

    def get_queryset(self):
        return type(self).selector(actor=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


@method_decorator(never_cache, name="dispatch")
class SimCardListView(_StockList):
    permission_required = "inventory.view_simcard"
    table_class, filterset_class, selector = SimCardTable, SimCardFilterSet, sim_list_for_actor
    heading = _("SIM card stock")


@method_decorator(never_cache, name="dispatch")
class HandsetListView(_StockList):
    permission_required = "inventory.view_handset"
    table_class, filterset_class, selector = HandsetTable, HandsetFilterSet, handset_list_for_actor
    heading = _("Handset stock")


@method_decorator(never_cache, name="dispatch")
class RechargeCardListView(_StockList):
    permission_required = "inventory.view_rechargecard"
    table_class, filterset_class, selector = RechargeCardTable, RechargeCardFilterSet, recharge_card_list_for_actor
    heading = _("Recharge card stock")


def _imports_visible(actor):
    """Imports into the actor's hall and their own imports (numbers belong to no hall); all for roles
    spanning halls."""
    qs = StockImport.objects.select_related("hall", "actor")
    if actor_spans_halls(actor):
        return qs
    return qs.filter(Q(hall_id=actor.hall_id, hall__isnull=False) | Q(actor=actor))


@never_cache
@login_required
@permission_required("inventory.import_stock", raise_exception=True)
def stock_import_view(request):
    form = StockImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = stock_import(actor=request.user, kind=form.cleaned_data["kind"], data=upload.read(),
                                 filename=upload.name, hall=form.cleaned_data.get("hall"))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Import finished: %(added)s added, %(dup)s duplicates skipped, "
                                        "%(bad)s lines refused.") % {
                "added": batch.created_count, "dup": batch.duplicate_count, "bad": batch.error_count})
            return redirect("inventory:stock_import_detail", pk=batch.pk)
    recent = _imports_visible(request.user).order_by("-created_at", "-id")[:20]
    columns = {StockImport.Kind(k).label: v for k, v in COLUMNS.items()}   # the kind as its label
    return render(request, "inventory/stock_import.html",
                  {"form": form, "recent": recent, "columns": columns}, status=400 if form.errors else 200)


@never_cache
@login_required
@permission_required("inventory.import_stock", raise_exception=True)
def stock_import_detail(request, pk: int):
    batch = get_for_actor(StockImport.objects.all(), request.user, visible=_imports_visible(request.user), pk=pk)
    return render(request, "inventory/stock_import_detail.html", {"batch": batch})

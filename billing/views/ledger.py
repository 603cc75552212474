"""Ledger screens: accounts with balances, one account's entries, the rep's own drawer."""

__all__ = ["LedgerAccountListView", "ledger_account_detail", "my_drawer", "usage_import_list", "usage_import_detail"]

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_filters.views import FilterView

from billing.filtersets import LedgerAccountFilterSet
from billing.models import LedgerAccount, UsageImport
from billing.selectors import (
    account_balance,
    account_balances,
    drawer_day,
    ledger_account_get_for_actor,
    ledger_account_list_for_actor,
)
from billing.services.usage import usage_import_start
from billing.tables import LedgerAccountTable
from boss.lists import LazyListMixin


@method_decorator(never_cache, name="dispatch")
class LedgerAccountListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "billing.view_ledgeraccount"
    template_name = "billing/ledger_account_list.html"
    table_class = LedgerAccountTable
    filterset_class = LedgerAccountFilterSet

    def get_queryset(self):
        return ledger_account_list_for_actor(actor=self.request.user).order_by("code")


@never_cache
@login_required
def ledger_account_detail(request, pk: int):
    if not (request.user.has_perm("billing.view_ledgeraccount") or request.user.has_perm("billing.view_own_drawer")):
        raise PermissionDenied
    account = ledger_account_get_for_actor(actor=request.user, pk=pk)
    entries = account.entries.select_related("transaction", "transaction__actor").order_by("-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "billing/ledger_account_detail.html",
                  {"account": account, "balance": account_balance(account), "page": page})


@never_cache
@login_required
@permission_required("billing.view_own_drawer", raise_exception=True)
def my_drawer(request):
    accounts = list(LedgerAccount.objects.filter(staff=request.user, kind=LedgerAccount.Kind.CASH_DRAWER)
                    .order_by("subtype"))
    balances = account_balances(accounts)
    rows = [{"account": a, "balance": balances[a.pk]} for a in accounts]
    day = _parse_day(request.GET.get("day"))
    return render(request, "billing/my_drawer.html", {"rows": rows, "day": day,
                                                      "day_rows": drawer_day(staff=request.user, day=day)})


def _parse_day(value):
    from datetime import date

    from django.utils import timezone

    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# --------------------------------------------------------------------------------------------------
# Usage imports
# --------------------------------------------------------------------------------------------------


class UsageImportForm(forms.Form):
    file = forms.FileField(label=_("Usage file (CSV)"))


@never_cache
@login_required
@permission_required("billing.view_usageimport", raise_exception=True)
def usage_import_list(request):
    form = UsageImportForm()
    if request.method == "POST":
        if not request.user.has_perm("billing.import_usage"):
            raise PermissionDenied
        form = UsageImportForm(request.POST, request.FILES)
        if form.is_valid():
            usage_import = usage_import_start(actor=request.user, uploaded_file=form.cleaned_data["file"])
            return redirect("billing:usage_import_detail", pk=usage_import.pk)
    imports = UsageImport.objects.select_related("uploaded_by")[:50]
    return render(request, "billing/usage_import_list.html", {"form": form, "imports": imports})


@never_cache
@login_required
@permission_required("billing.view_usageimport", raise_exception=True)
def usage_import_detail(request, pk: int):
    usage_import = get_object_or_404(UsageImport.objects.select_related("uploaded_by"), pk=pk)
    template = "billing/_usage_import_progress.html" if request.htmx else "billing/usage_import_detail.html"
    return render(request, template, {"imp": usage_import})

"""The hall's work orders: failed ones show retry and roll back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from boss.errors import DomainError
from boss.lists import LazyListMixin
from provisioning.filtersets import WorkOrderFilterSet
from provisioning.forms import WorkOrderActionForm, WorkOrderRollbackForm
from provisioning.selectors import work_order_get_for_actor, work_order_list_for_actor
from provisioning.services import work_order_retry, work_order_rollback
from provisioning.tables import WorkOrderTable


@method_decorator(never_cache, name="dispatch")
class WorkOrderListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "provisioning.view_workorder"
    template_name = "provisioning/work_order_list.html"
    table_class = WorkOrderTable
    filterset_class = WorkOrderFilterSet

    def get_queryset(self):
        return work_order_list_for_actor(actor=self.request.user).order_by("-id")


def _act(request, pk, *, form_class, service, done_message):
    work_order = work_order_get_for_actor(actor=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            service(actor=request.user, work_order=work_order, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message % {"key": work_order.key})
    return redirect("provisioning:work_order_list")


@require_POST
@login_required
@permission_required("provisioning.retry_workorder", raise_exception=True)
def work_order_retry_view(request, pk):
    return _act(request, pk, form_class=WorkOrderActionForm, service=work_order_retry,
                done_message=_("Work order %(key)s is queued again."))


@require_POST
@login_required
@permission_required("provisioning.rollback_workorder", raise_exception=True)
def work_order_rollback_view(request, pk):
    return _act(request, pk, form_class=WorkOrderRollbackForm, service=work_order_rollback,
                done_message=_("Work order %(key)s was rolled back."))

"""Reference screens for managers and admins: the audit trail and the tariff parameters."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_filters.views import FilterView

from boss.filtersets import AuditEventFilterSet
from boss.lists import LazyListMixin
from boss.models import AuditEvent, TariffParameter
from boss.permissions import restrict_to_actor
from boss.tables import AuditEventTable
from boss.tariffs import REGISTRY, tariff


@method_decorator(never_cache, name="dispatch")
class AuditListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "boss.view_auditevent"
    template_name = "boss/audit_list.html"
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet

    def get_queryset(self):
        qs = AuditEvent.objects.select_related("actor", "hall")
        return restrict_to_actor(qs, self.request.user)


class TariffListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "boss.view_tariffparameter"
    template_name = "boss/tariff_list.html"

    def get_context_data(self, **kwargs):
        rows = {row.key: row for row in TariffParameter.objects.select_related("updated_by")}
        params = [
            {"param": p, "value": tariff(p.key), "row": rows.get(p.key)}
            for p in REGISTRY.values()
        ]
        return super().get_context_data(params=params, **kwargs)

"""The product catalog screen: plans and add-ons, then the features, one-time fees and discounts in force."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_filters.views import FilterView

from boss.lists import LazyListMixin
from catalog.filtersets import PlanFilterSet
from catalog.models import Discount, OneTimeFee, in_force_q
from catalog.selectors import feature_list, plan_list
from catalog.tables import PlanTable


@method_decorator(never_cache, name="dispatch")
class CatalogView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    """Plans and add-ons (filterable table), then the features, one-time fees and discounts in force."""

    permission_required = "catalog.view_plan"
    template_name = "catalog/catalog.html"
    table_class = PlanTable
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return plan_list()

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            features=feature_list(on_sale_only=True),
            fees=OneTimeFee.objects.filter(in_force_q(today)).select_related("grade"),
            discounts=Discount.objects.filter(in_force_q(today), active=True).select_related("plan"),
            **kwargs)

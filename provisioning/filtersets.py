import django_filters
from django.utils.translation import gettext_lazy as _

from provisioning.models import WorkOrder


class WorkOrderFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=WorkOrder.State.choices)
    msisdn = django_filters.CharFilter(label=_("mobile number"), lookup_expr="startswith")
    action = django_filters.ChoiceFilter(label=_("action"), choices=WorkOrder.Action.choices)

    class Meta:
        model = WorkOrder
        fields = ["state", "msisdn", "action"]

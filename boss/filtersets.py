import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from boss.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("action"), lookup_expr="startswith")
    actor = django_filters.CharFilter(label=_("operator"), field_name="actor__username")
    date_from = django_filters.DateFilter(label=_("from"), field_name="occurred_at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("to"), field_name="occurred_at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "date_from", "date_to"]

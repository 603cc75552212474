import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.forms import LongSelect
from boss.labels import action_choices
from boss.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    # picked by its label; a business with steps (line.<kind>.request, ...) is found with its steps
    action = django_filters.ChoiceFilter(label=_("action"), choices=action_choices, method="filter_action",
                                         widget=LongSelect)
    actor = django_filters.CharFilter(label=_("operator"), field_name="actor__username")
    date_from = django_filters.DateFilter(label=_("from"), field_name="occurred_at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("to"), field_name="occurred_at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    def filter_action(self, queryset, name, value):
        return queryset.filter(Q(action=value) | Q(action__startswith=f"{value}."))

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "date_from", "date_to"]

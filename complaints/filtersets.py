"""The complaint list's filters, shared by the screen and the API (NetBox style)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.models import Department
from complaints.models import Complaint, ComplaintCategory


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("complaint, mobile or order number"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Complaint.Status.choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Complaint.Channel.choices)
    category = django_filters.ModelChoiceFilter(label=_("category"), queryset=ComplaintCategory.objects.all())
    department = django_filters.ModelChoiceFilter(
        label=_("handling department"),
        queryset=Department.objects.filter(kind__in=[Department.Kind.COMPLAINT, Department.Kind.DISTRICT]))
    received_from = django_filters.DateFilter(label=_("received from"), field_name="received_at",
                                              lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"},
                                                                                              format="%Y-%m-%d"))
    received_to = django_filters.DateFilter(label=_("received to"), field_name="received_at",
                                            lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"},
                                                                                            format="%Y-%m-%d"))

    class Meta:
        model = Complaint
        fields = ["q", "status", "channel", "category", "department", "received_from", "received_to"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if value[:2].upper() == "TS":
            return queryset.filter(number__startswith=value.upper())
        return queryset.filter(Q(line__msisdn=value) | Q(contact_phone=value) | Q(order_reference=value))

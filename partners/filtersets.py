import django_filters
from django.utils.translation import gettext_lazy as _

from partners.models import BlacklistEntry, Partner


class PartnerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name contains"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("partner type"), choices=Partner.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Partner.Status.choices[:2])

    class Meta:
        model = Partner
        fields = ["name", "kind", "status"]


class BlacklistEntryFilterSet(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("partner"), queryset=Partner.objects.filter(
        kind=Partner.Kind.INFO_EXCHANGE))
    status = django_filters.ChoiceFilter(label=_("status"), choices=BlacklistEntry.Status.choices)

    class Meta:
        model = BlacklistEntry
        fields = ["partner", "status"]

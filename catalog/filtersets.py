"""Filtersets of the catalog, shared by the screens and the API (NetBox style)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.models import Feature, Network, Plan


class PlanFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("product type"), choices=Plan.Kind.choices)
    network = django_filters.ChoiceFilter(label=_("network"), choices=Network.choices)
    brand = django_filters.ChoiceFilter(label=_("brand"), choices=[c for c in Plan.Brand.choices if c[0]])
    active = django_filters.BooleanFilter(label=_("on sale"))

    class Meta:
        model = Plan
        fields = ["name", "kind", "network", "brand", "active"]


class FeatureFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Feature.Kind.choices)
    active = django_filters.BooleanFilter(label=_("on sale"))

    class Meta:
        model = Feature
        fields = ["kind", "active"]

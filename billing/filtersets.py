import django_filters
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerAccount


class LedgerAccountFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LedgerAccount.Kind.choices)
    code = django_filters.CharFilter(label=_("code"), lookup_expr="startswith")

    class Meta:
        model = LedgerAccount
        fields = ["kind", "code", "hall"]

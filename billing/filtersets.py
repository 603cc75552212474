import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.models import ArrearsCase, BankCollectionBatch, Bill, LedgerAccount, RefundCase


class LedgerAccountFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LedgerAccount.Kind.choices)
    code = django_filters.CharFilter(label=_("code"), lookup_expr="startswith")

    class Meta:
        model = LedgerAccount
        fields = ["kind", "code", "hall"]


class MonthFilter(django_filters.CharFilter):
    """A month as YYYY-MM on a DateField holding the first day of the month."""

    def filter(self, qs, value):
        from billing.forms import MonthField

        if not value:
            return qs
        try:
            first = MonthField().clean(value)
        except ValidationError:  # a malformed month matches nothing (never a failing page)
            return qs.none()
        return qs.filter(**{self.field_name: first})


class BillFilterSet(django_filters.FilterSet):
    msisdn = django_filters.CharFilter(label=_("mobile number"), field_name="line__msisdn")
    period = MonthFilter(label=_("month (YYYY-MM)"), field_name="period")
    huge = django_filters.BooleanFilter(label=_("huge bills only"), field_name="huge",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Bill
        fields = ["msisdn", "period", "huge"]


class ArrearsCaseFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ArrearsCase.Status.choices)

    class Meta:
        model = ArrearsCase
        fields = ["status"]


class RefundCaseFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RefundCase.Status.choices)
    number = django_filters.CharFilter(label=_("refund number"), field_name="number")
    complaint = django_filters.CharFilter(label=_("complaint number"), field_name="complaint_number")
    msisdn = django_filters.CharFilter(label=_("mobile number"), field_name="line__msisdn")

    class Meta:
        model = RefundCase
        fields = ["status", "number", "complaint", "msisdn"]


class BankCollectionBatchFilterSet(django_filters.FilterSet):
    period = MonthFilter(label=_("month (YYYY-MM)"), field_name="period")
    bank_code = django_filters.CharFilter(label=_("bank"), field_name="bank_code")

    class Meta:
        model = BankCollectionBatch
        fields = ["period", "bank_code"]

import django_filters
from django.utils.translation import gettext_lazy as _

from notifications.models import SimulatedSms, SmsMessage


class SmsMessageFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=SmsMessage.State.choices)
    msisdn = django_filters.CharFilter(label=_("mobile number"), lookup_expr="exact")

    class Meta:
        model = SmsMessage
        fields = ["state", "msisdn"]


class SimulatedSmsFilterSet(django_filters.FilterSet):
    msisdn = django_filters.CharFilter(label=_("mobile number"), lookup_expr="exact")

    class Meta:
        model = SimulatedSms
        fields = ["msisdn"]

"""The outbox of text messages and what the simulated gateway sent (read-only screens)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_filters.views import FilterView

from boss.lists import LazyListMixin
from notifications.filtersets import SimulatedSmsFilterSet, SmsMessageFilterSet
from notifications.models import SimulatedSms
from notifications.selectors import sms_messages_for_actor
from notifications.tables import SimulatedSmsTable, SmsMessageTable


@method_decorator(never_cache, name="dispatch")
class SmsMessageListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "notifications.view_smsmessage"
    template_name = "notifications/message_list.html"
    table_class = SmsMessageTable
    filterset_class = SmsMessageFilterSet

    def get_queryset(self):
        return sms_messages_for_actor(actor=self.request.user).order_by("-id")


@method_decorator(never_cache, name="dispatch")
class SimulatedSmsListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "notifications.view_simulatedsms"
    template_name = "notifications/simulated_list.html"
    table_class = SimulatedSmsTable
    filterset_class = SimulatedSmsFilterSet

    def get_queryset(self):
        return SimulatedSms.objects.order_by("-id")

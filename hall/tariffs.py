"""Tariff parameters of the hall floor (process 17)."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("queue.max_wait_minutes", "30", "int",
          _("Longest wait before a ticket is called next whatever its priority"), _("minutes")),
    Param("queue.device_api_calls_per_minute", "120", "int",
          _("Calls a ticket machine or display may make to the device API a minute"), _("calls")),
    Param("queue.display_rows", "6", "int", _("Tickets shown as called on the hall display"), _("tickets")),
]

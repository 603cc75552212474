"""The web self-service portal's parameters (sign-in, lockout, sessions, kiosk)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.tariffs import Param

PARAMS = [
    Param("portal.code_minutes", "5", "int", _("Portal sign-in: validity of the SMS code"), _("minutes")),
    Param("portal.code_tries", "3", "int", _("Portal sign-in: wrong tries allowed per SMS code"),
          pgettext_lazy("unit", "tries")),
    Param("portal.code_resend_seconds", "60", "int", _("Portal sign-in: wait before another SMS code"),
          _("seconds")),
    Param("portal.codes_per_hour", "5", "int", _("Portal sign-in: SMS codes per number per hour"),
          _("messages")),
    Param("portal.max_failures", "5", "int", _("Portal sign-in: failures per number before lockout"),
          pgettext_lazy("unit", "tries")),
    Param("portal.max_failures_per_address", "20", "int",
          _("Portal sign-in: failures per client address before lockout"), pgettext_lazy("unit", "tries")),
    Param("portal.lockout_minutes", "15", "int", _("Portal sign-in: lockout after too many failures"),
          _("minutes")),
    Param("portal.idle_minutes", "10", "int", _("Portal session: sign-out after inactivity"), _("minutes")),
    Param("portal.absolute_hours", "2", "int", _("Portal session: longest session"), _("hours")),
    Param("portal.kiosk_idle_seconds", "90", "int", _("Self-service terminal: sign-out after inactivity"),
          _("seconds")),
    Param("portal.api_calls_per_minute", "120", "int", _("Portal API: calls per customer per minute"),
          _("calls")),
    Param("portal.chat_messages_per_hour", "30", "int", _("Portal chat: messages per customer per hour"),
          _("messages")),
    Param("portal.complaints_per_hour", "5", "int",
          _("Portal complaints and suggestions: filed per customer per hour"), pgettext_lazy("unit", "items")),
    Param("portal.mask_other_party", "true", "bool", _("Portal itemised bill: mask the other party's number")),
]

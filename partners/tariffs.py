"""Tariff parameters of the partner interfaces, the joint blacklist and malicious-user tracing."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("partner.blacklist_refuses", "true", "bool",
          _("A partner's joint-blacklist entry refuses the opening and the transfer (otherwise it only warns)")),
    Param("partner.key_overlap_hours", "24", "int",
          _("Hours a rotated partner API key keeps working beside its replacement"), _("hours")),
    Param("partner.api_calls_per_minute", "120", "int",
          _("Calls a partner API key may make per minute"), _("calls")),
    Param("partner.commission_per_opening", "20.00", "money",
          _("Commission to a channel partner for each opening at its agent halls"), _("yuan")),
    Param("partner.commission_recharge_percent", "2.0", "decimal",
          _("Commission to a channel partner on recharges taken at its agent halls"), _("%")),
    Param("tracing.sms_per_hour", "200", "int",
          _("Malicious-user tracing: SMS sent in one hour from which a number is suspected"), _("messages")),
    Param("tracing.sms_distinct_per_hour", "100", "int",
          _("Malicious-user tracing: distinct SMS recipients in one hour from which a number is suspected"),
          _("recipients")),
    Param("tracing.short_call_seconds", "5", "int",
          _("Malicious-user tracing: a call this short or shorter counts as a very short call"), _("seconds")),
    Param("tracing.short_calls_per_day", "100", "int",
          _("Malicious-user tracing: very short calls a day from which a number is suspected"), _("calls")),
    Param("tracing.one_ring_calls_per_day", "50", "int",
          _("Malicious-user tracing: unanswered one-ring calls a day from which a number is suspected"), _("calls")),
    Param("tracing.night_calls", "60", "int",
          _("Malicious-user tracing: calls between midnight and six from which a number is suspected"), _("calls")),
]

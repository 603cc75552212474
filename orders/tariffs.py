"""Tariff parameters of the counter's recommendations and the line's lifecycle."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("recommendation.max_offers", "3", "int", _("Offers shown to a customer at the counter"), _("offers")),
    Param("recommendation.spend_months", "3", "int",
          _("Months of bills in the average spend that recommendations use"), _("months")),
    Param("portability.min_days", "120", "int",
          _("Days in service before a number may port to another operator"), _("days")),
    Param("precancel.avg_bill_months", "3", "int",
          _("Months of bills in the average that decides the extra prepayment at pre-cancellation"), _("months")),
    Param("plan_change.immediate", "false", "bool",
          _("A plan change may take effect at once, the month prorated (else from the first of next month)")),
    Param("order.draft_hours", "4", "int",
          _("Hours after which a business entered and never committed (a draft) is cancelled"), _("hours")),
    Param("number.return_priority_days", "365", "int",
          _("Days a customer who left despite retention keeps priority number selection"), _("days")),
]

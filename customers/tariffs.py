"""Tariff parameters of the customers app (merged into boss.tariffs.REGISTRY)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.tariffs import Param

PARAMS = [
    Param("customer.vip_max_level", "5", "int", _("Highest big-customer (VIP) level"), pgettext_lazy("unit", "level")),
    Param("identity.national_count_timeout_seconds", "3", "int",
          _("Time to wait for the group's card-count check before refusing the opening"), _("seconds")),
    # Issue 12 item 7: a look-up by full identity number is throttled and audited (no oracle for partners).
    Param("identity.searches_per_hour", "60", "int",
          _("Searches by full identity number one staff member may make per hour"), _("searches")),
    # Issue 12 item 9: another hall's customer opens for the rep who looked them up exactly, until sign-out.
    Param("customer.served_hours", "12", "int",
          _("Hours another hall's customer, looked up exactly, stays open to the rep who looked them up"),
          _("hours")),
    Param("privacy.reveal_reason_min_length", "2", "int",
          _("Shortest reason accepted for revealing personal data"), _("characters")),
]

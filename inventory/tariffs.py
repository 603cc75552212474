"""Tariff parameters of the number pool."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    # Quotas (issue 12 item 7): one rep reserved 1,000 premium numbers in 13 seconds.
    Param("number.max_live_reservations_per_rep", "10", "int",
          _("Live number reservations one staff member may hold"), _("numbers")),
    Param("number.max_live_reservations_per_hall", "100", "int",
          _("Live number reservations one hall may hold"), _("numbers")),
    Param("number.return_reservation_factor", "2", "int",
          _("Reservation time of a returning customer with priority, as a multiple of the usual"), _("times")),
]

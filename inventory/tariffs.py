"""Tariff parameters of the number pool."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("number.return_reservation_factor", "2", "int",
          _("Reservation time of a returning customer with priority, as a multiple of the usual"), _("times")),
]

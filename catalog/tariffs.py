"""Tariff parameters of the catalog's price quote."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("deposit.corporate_exempt", "true", "bool",
          _("No deposits for customers paying from a corporate bank account")),
]

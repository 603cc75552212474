"""Tariff parameters of the number pool, the catalog and the counter's recommendations."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("deposit.corporate_exempt", "true", "bool",
          _("No deposits for customers paying from a corporate bank account")),
    Param("recommendation.max_offers", "3", "int", _("Offers shown to a customer at the counter"), _("offers")),
    Param("recommendation.spend_months", "3", "int",
          _("Months of bills in the average spend that recommendations use"), _("months")),
]

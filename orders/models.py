"""Orders and every counter process; the number, SIM, handset and recharge-card inventory; the product
catalog; provisioning work orders. Core shapes first; each issue adds its part."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models import MONEY
from boss.models import TimeStampedModel


class Plan(TimeStampedModel):
    """A plan (套餐): what a line subscribes to. The catalog issue adds allowances and rates."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    monthly_fee = models.DecimalField(_("monthly fee"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code"]

    def __str__(self):
        return self.name

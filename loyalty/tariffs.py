"""Parameters of the points redemption (process 9). The room's time limit, `points.group_confirm_minutes`,
is the kernel's (boss/tariffs.py)."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("points.redeem_refuse_suspended", "true", "bool", _("Refuse a redemption on a suspended line")),
    Param("points.redeem_refuse_blacklisted", "true", "bool", _("Refuse a redemption for a blacklisted customer")),
    Param("points.pickup_days", "7", "int", _("Gift ordered online: days to collect it at the hall"),
          _("days")),
    Param("points.pickup_reminder_hours", "24", "int",
          _("Gift ordered online: reminder SMS this long before the last pick-up time (0: none)"), _("hours")),
]

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("day_close.closing_hour", "19", "int",
          _("Hour of the day from which drawers still open are reminded to the store manager"), _("o'clock")),
]

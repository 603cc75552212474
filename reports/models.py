"""The reports app's own tables: the monthly work plan of a hall (targets, review). The figures themselves
are read from the other apps (this app is the top layer: it reads everything, nothing imports it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HallMonthPlan(models.Model):
    """A hall's monthly work plan (月度工作计划): targets set by the manager at the start of the month, the
    actuals read from the statistics when shown, and a review note at the end."""

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="month_plans")
    month = models.DateField(_("month"))  # the first day of the month
    targets = models.JSONField(_("targets"), default=dict)  # {"open_account": 120, "revenue": "50000.00"}
    review = models.TextField(_("review"), blank=True)
    updated_by = models.ForeignKey("boss.Staff", verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly work plan")
        verbose_name_plural = _("monthly work plans")
        ordering = ["-month", "hall_id"]
        permissions = [("view_console", _("Can see the managers' console")),
                       ("view_reports", _("Can see and print the business reports"))]
        constraints = [models.UniqueConstraint(fields=["hall", "month"], name="hall_month_plan_once")]

    def __str__(self):
        return f"{self.hall_id} {self.month:%Y-%m}"


class OpenDrawerReminder(models.Model):
    """A drawer still open after closing time (beat job `reports.tasks.drawers_open_remind`), shown on the
    store manager's home until the day is over. One per rep and day."""

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="+")
    day = models.DateField(_("business date"))
    staff = models.ForeignKey("boss.Staff", verbose_name=_("sales rep"), on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(_("reminded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("open drawer reminder")
        verbose_name_plural = _("open drawer reminders")
        ordering = ["-day", "hall_id", "staff_id"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="open_drawer_reminder_once")]

    def __str__(self):
        return f"{self.hall_id} {self.day} {self.staff_id}"

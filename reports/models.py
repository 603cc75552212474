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


# --------------------------------------------------------------------------------------------------
# Summary tables: the report figures per business day, so a report over months reads a few hundred
# thousand rows at most instead of every order, payment, ledger entry and ticket
# --------------------------------------------------------------------------------------------------


class SummaryDay(models.Model):
    """A business day whose figures are in `DayFigure` and `QueueDayFigure`. A day without this row is read
    from the orders, payments, ledger and tickets themselves (today, or a day not summarized yet)."""

    day = models.DateField(_("business date"), unique=True)
    built_at = models.DateTimeField(_("summarized at"))

    class Meta:
        verbose_name = _("summarized day")
        verbose_name_plural = _("summarized days")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day}"


class DayFigure(models.Model):
    """One figure of one day and hall, grouped by one key: business type (`kind`), rep (`rep`, with the
    handling time), payment method (`method`) or fee type (`fee`, revenue less discounts; the hall is empty
    for bills)."""

    class Figure(models.TextChoices):
        KIND = "kind", _("business")
        REP = "rep", _("sales rep")
        METHOD = "method", _("payment method")
        FEE = "fee", _("fee type")

    day = models.DateField(_("business date"))
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    figure = models.CharField(_("figure"), max_length=10, choices=Figure.choices)
    key = models.CharField(_("key"), max_length=40)
    count = models.BigIntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, default=0)
    seconds = models.BigIntegerField(default=0)   # rep: seconds from the orders' creation to their payment
    timed = models.BigIntegerField(default=0)     # rep: orders with both times

    class Meta:
        verbose_name = _("day figure")
        verbose_name_plural = _("day figures")
        indexes = [models.Index(fields=["figure", "day"], name="dayfigure_figure_day_idx"),
                   models.Index(fields=["figure", "hall", "day"], name="dayfig_fig_hall_day_idx")]

    def __str__(self):
        return f"{self.day} {self.hall_id} {self.figure} {self.key}"


class QueueDayFigure(models.Model):
    """The queue figures of one day and hall, grouped by business (`business`), hour taken (`hour`) or the rep
    who called (`rep`): sums, so the averages and shares of any period come out exact."""

    class Figure(models.TextChoices):
        BUSINESS = "business", _("business")
        HOUR = "hour", _("hour taken")
        REP = "rep", _("sales rep")

    day = models.DateField(_("date"))
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT, related_name="+")
    figure = models.CharField(_("figure"), max_length=10, choices=Figure.choices)
    key = models.CharField(_("key"), max_length=40)
    tickets = models.BigIntegerField(default=0)
    served = models.BigIntegerField(default=0)
    no_shows = models.BigIntegerField(default=0)
    vip = models.BigIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    waited = models.BigIntegerField(default=0)        # tickets with a waiting time
    service_seconds = models.BigIntegerField(default=0)
    serviced = models.BigIntegerField(default=0)      # tickets with a service time

    class Meta:
        verbose_name = _("queue day figure")
        verbose_name_plural = _("queue day figures")
        indexes = [models.Index(fields=["figure", "day"], name="queuefigure_figure_day_idx"),
                   models.Index(fields=["figure", "hall", "day"], name="queuefig_fig_hall_day_idx")]

    def __str__(self):
        return f"{self.day} {self.hall_id} {self.figure} {self.key}"


class ReportJob(models.Model):
    """A long report prepared by a Celery job (reports.jobs): the manager asks, the screen shows its progress
    and offers the file when it is ready.

    The status is a plain field, not a state machine: the worker takes the job with a conditional UPDATE
    (queued, or running but left by a worker that died), so two runs of the task never both prepare it, and
    writes its progress and result only while the attempt it took is still the job's."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    fmt = models.CharField(_("file format"), max_length=5, choices=Format.choices)
    params = models.JSONField(_("filters"), default=dict)   # {"date_from", "date_to", "hall", "staff"}
    fingerprint = models.CharField(max_length=64)           # of the format and the filters
    requested_by = models.ForeignKey("boss.Staff", verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-id"]
        constraints = [
            # Asking again for the same report while it is being prepared gives the same job.
            models.UniqueConstraint(fields=["requested_by", "fingerprint"],
                                    condition=models.Q(status__in=["queued", "running"]),
                                    name="report_job_one_at_a_time"),
        ]

    def __str__(self):
        return f"{self.pk} {self.fmt} {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DemoHistoryRun(models.Model):
    """`manage.py demo_history` at work (`make run` fills the history behind the running server): a row
    made when it starts and marked finished when it ends, so every staff home says the history is still
    being generated (issue 15). A run killed without its `finally` (kill -9) is shown for `STALE` at most."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), default=6)

    class Meta:
        verbose_name = _("demo history run")
        verbose_name_plural = _("demo history runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.months}"


class BillFigure(models.Model):
    """The bills of one month (`period`, its first day) by the hall where their lines were opened, and how many
    of them are paid (the collection rate): counted again by the nightly job for the last months, since bills
    are paid late. A month without its `BillMonth` row is read from the bills themselves."""

    period = models.DateField(_("billing month"))
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")   # none: bills without a line
    bills = models.BigIntegerField(default=0)
    billed = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    paid_bills = models.BigIntegerField(default=0)
    paid = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("bill figure")
        verbose_name_plural = _("bill figures")
        constraints = [models.UniqueConstraint(fields=["period", "hall"], name="bill_figure_once")]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.hall_id}"


class BillMonth(models.Model):
    """A month whose `BillFigure` rows are built (and when: its collection is as of then)."""

    period = models.DateField(_("billing month"), unique=True)
    built_at = models.DateTimeField(_("summarized at"))

    class Meta:
        verbose_name = _("summarized billing month")
        verbose_name_plural = _("summarized billing months")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period:%Y-%m}"


class ArrearsFigure(models.Model):
    """The open arrears cases and those with their lines suspended, as the nightly job counted them: per hall
    (the halls where the account's lines were opened: an account with lines in two halls counts in both) and
    one row with no hall for every hall (each case once)."""

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    open = models.BigIntegerField(default=0)
    suspended = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(_("summarized at"))

    class Meta:
        verbose_name = _("arrears figure")
        verbose_name_plural = _("arrears figures")

    def __str__(self):
        return f"{self.hall_id} {self.open}"

"""Complaint work orders (process 11, domain-rules A9) and the knowledge base (process 12).

One work order per complaint, whatever the window it came in by. Its life is a chain of steps
(ComplaintStep): each step is one stage held by one department, with a due time while it is open and
who/when/what once it is closed, so the chain *is* the timeline. At most one step is open at a time
(a partial unique constraint), and an open step always has a due time (a check constraint).

    to_review ──dispatch──▶ dispatched ──reply──▶ replied ──accept──▶ answered ──callback──▶ closed
        ▲  │                 │   ▲  └─pass down─┘   │
        │  └─solved on the spot ─────────────────────────────────────────────────────────▶ closed
        └──── return (退单) ──┘   └──── redispatch (not handled effectively) ◀──┘

The order a complaint is about is kept as the text the caller quoted (`order_reference`: the order
number as printed on their agreement, or another system's): it is what the customer said, kept as said.
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.masking import mask_msisdn
from boss.models import ImmutableModel, TimeStampedModel


class Stage(models.TextChoices):
    """The stages of a complaint; each open step is in one of the last four."""

    INTAKE = "intake", _("Intake")
    REVIEW = "review", _("Review and dispatch")
    HANDLE = "handle", _("Department handling")
    CHECK = "check", _("Check of the reply")
    CALLBACK = "callback", _("Callback")


TIMED_STAGES = (Stage.REVIEW, Stage.HANDLE, Stage.CHECK, Stage.CALLBACK)


# --------------------------------------------------------------------------------------------------
# Configuration: categories and time limits (admin-editable)
# --------------------------------------------------------------------------------------------------


class ComplaintCategory(TimeStampedModel):
    """What a complaint is about; decides the default department, the scope rule and the clock."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # A suggestion (建议) goes through the same queue and clock but is no complaint: the complaint statistics
    # count it apart.
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    default_department = models.ForeignKey(
        "boss.Department", verbose_name=_("default department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "complaint"})
    billing_dispute = models.BooleanField(
        _("billing dispute"), default=False,
        help_text=_("Billing disputes older than the tariff parameter complaint.billing_dispute_months "
                    "are out of scope; other disputes after complaint.other_dispute_months."))
    answer_days = models.PositiveSmallIntegerField(
        _("answer within (days)"), null=True, blank=True,
        help_text=_("Leave empty to use the tariff parameter complaint.answer_days."))
    starts_refund = models.BooleanField(
        _("starts the refund process"), default=False,
        help_text=_("A complaint of over-deducted bank collection: filing it asks billing for a refund."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(answer_days__isnull=True) | Q(answer_days__gt=0),
                                              name="complaint_category_answer_days_positive")]

    def __str__(self):
        return self.name


class ComplaintTimeLimit(TimeStampedModel):
    """A category's own time limit for one stage; stages without a row use the tariff parameter
    complaint.<stage>_hours."""

    category = models.ForeignKey(ComplaintCategory, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="time_limits")
    stage = models.CharField(_("stage"), max_length=20, choices=[(s.value, s.label) for s in TIMED_STAGES])
    hours = models.PositiveIntegerField(_("hours"))

    class Meta:
        verbose_name = _("complaint time limit")
        verbose_name_plural = _("complaint time limits")
        ordering = ["category", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["category", "stage"], name="complaint_time_limit_unique"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="complaint_time_limit_positive"),
        ]

    def __str__(self):
        return f"{self.category} · {self.get_stage_display()}"


# --------------------------------------------------------------------------------------------------
# The work order
# --------------------------------------------------------------------------------------------------


class Complaint(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """A complaint work order (投诉工单). Transitions only change fields; the services do the rest."""

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Hall counter")
        HOTLINE = "hotline", _("Hotline")
        BRANCH_SERVICE = "branch_service", _("Branch customer service")
        MARKETING = "marketing", _("Marketing")
        VIP_MANAGER = "vip_manager", _("VIP customer manager")
        GROUP_MANAGER = "group_manager", _("Group customer manager")
        WEB = "web", _("Web portal")

    class Severity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        TO_REVIEW = "to_review", _("To review")
        DISPATCHED = "dispatched", _("With a department")
        REPLIED = "replied", _("Reply to check")
        ANSWERED = "answered", _("Answered, to call back")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        ON_THE_SPOT = "on_the_spot", _("Solved on the spot")
        CALLED_BACK = "called_back", _("Answered and called back")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        FAIRLY = "fairly", _("Fairly satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        UNREACHABLE = "unreachable", _("Could not be reached")

    number = models.CharField(_("complaint number"), max_length=20, unique=True, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="complaints")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    status = fsm.FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_REVIEW,
                          protected=True, db_index=True)
    description = models.TextField(_("description"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="complaints")
    order_reference = models.CharField(_("order number"), max_length=40, blank=True, db_index=True,
                                       help_text=_("The business order the complaint is about, if any."))
    caller_name = models.CharField(_("caller's name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact number"), max_length=20, blank=True)
    disputed_on = models.DateField(_("date of the disputed event"), null=True, blank=True)

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="complaints")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.PROTECT,
                                 related_name="complaints_taken")
    received_at = models.DateTimeField(_("received at"), db_index=True)
    answer_due_at = models.DateTimeField(_("answer due by"))
    service_department = models.ForeignKey(
        "boss.Department", verbose_name=_("branch customer service"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("boss.Department", verbose_name=_("handling department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints")
    round = models.PositiveSmallIntegerField(_("dispatch round"), default=0)

    answer = models.TextField(_("answer to the customer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    refund_requested_at = models.DateTimeField(_("refund requested at"), null=True, blank=True)
    refund_case = models.OneToOneField("billing.RefundCase", verbose_name=_("refund case"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    refund_outcome = models.CharField(_("refund outcome"), max_length=20, blank=True,
                                      help_text=_("What the account room decided and what was paid, fed back from "
                                                  "billing's refund case."))
    refund_outcome_note = models.CharField(_("refund outcome note"), max_length=300, blank=True)
    refund_outcome_at = models.DateTimeField(_("refund outcome at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("file_complaint", _("Can file a complaint")),
            ("review_complaint", _("Can classify, dispatch and check complaints")),
            ("handle_complaint", _("Can handle complaints dispatched to their department")),
            ("callback_complaint", _("Can record callbacks and satisfaction")),
            ("lead_department", _("Leads their department: receives its overdue complaints")),
            ("receive_escalation", _("Receives complaints escalated to the manager")),
            ("view_complaint_statistics", _("Can see complaint statistics")),
        ]
        indexes = [models.Index(fields=["hall", "received_at"], name="complaint_hall_received_idx")]

    def __str__(self):
        return self.number or f"#{self.pk}"

    def audit_repr(self) -> str:
        return str(self)

    @property
    def caller_display(self) -> str:
        if self.customer_id:
            return self.customer.name
        return self.caller_name

    @property
    def masked_contact(self) -> str:
        return mask_msisdn(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    # Transitions (fields only; the services lock, check, save and audit) ---------------------------

    @fsm.transition(field=status, source=Status.TO_REVIEW, target=Status.CLOSED)
    def solve_on_the_spot(self, *, by, answer: str, when) -> None:
        self.answer, self.answered_at, self.answered_by = answer, when, by
        self.resolution, self.closed_at = self.Resolution.ON_THE_SPOT, when

    @fsm.transition(field=status, source=Status.TO_REVIEW, target=Status.DISPATCHED)
    def dispatch(self, *, department) -> None:
        self.department = department
        self.round += 1

    @fsm.transition(field=status, source=Status.DISPATCHED, target=Status.DISPATCHED)
    def pass_down(self, *, unit) -> None:
        self.department = unit

    @fsm.transition(field=status, source=Status.DISPATCHED, target=Status.TO_REVIEW)
    def return_to_service(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.DISPATCHED, target=Status.REPLIED)
    def reply(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.REPLIED, target=Status.DISPATCHED)
    def redispatch(self, *, department) -> None:
        self.department = department
        self.round += 1

    @fsm.transition(field=status, source=Status.REPLIED, target=Status.ANSWERED)
    def accept(self, *, by, answer: str, when) -> None:
        self.answer, self.answered_at, self.answered_by = answer, when, by

    @fsm.transition(field=status, source=Status.ANSWERED, target=Status.CLOSED)
    def close_after_callback(self, *, satisfaction: str, when) -> None:
        self.satisfaction, self.resolution, self.closed_at = satisfaction, self.Resolution.CALLED_BACK, when


class ComplaintStep(models.Model):
    """One stage of a complaint held by one department: opened, due, closed by whom with what outcome.

    The steps of a complaint in order are its timeline; every round of dispatch, reply and check stays.
    """

    class Outcome(models.TextChoices):
        FILED = "filed", _("Filed")
        SOLVED_ON_THE_SPOT = "solved_on_the_spot", _("Solved on the spot")
        DISPATCHED = "dispatched", _("Dispatched")
        PASSED_DOWN = "passed_down", _("Passed down to a district unit")
        RETURNED = "returned", _("Returned to branch customer service")
        REPLIED = "replied", _("Replied")
        ACCEPTED = "accepted", _("Handled effectively: customer answered")
        REJECTED = "rejected", _("Not handled effectively: re-dispatched")
        CALLED_BACK = "called_back", _("Called back")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(_("dispatch round"), default=0)
    department = models.ForeignKey("boss.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaint_steps")
    opened_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    template_article = models.ForeignKey("Article", verbose_name=_("answer template used"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["opened_at", "id"]
        constraints = [
            # One thing happens to a complaint at a time: at most one open step.
            models.UniqueConstraint(fields=["complaint"], condition=Q(closed_at__isnull=True),
                                    name="complaint_one_open_step"),
            # Every open step carries its due time.
            models.CheckConstraint(condition=Q(closed_at__isnull=False) | Q(due_at__isnull=False),
                                   name="complaint_open_step_has_due_time"),
        ]
        indexes = [
            # The queues and the escalation job read open steps by stage/department and due time.
            models.Index(fields=["department", "stage", "due_at"], condition=Q(closed_at__isnull=True),
                         name="complaint_step_open_queue_idx"),
            models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="complaint_step_open_due_idx"),
        ]

    def __str__(self):
        return f"{self.complaint} · {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def on_time(self) -> bool | None:
        if self.due_at is None or self.closed_at is None:
            return None
        return self.closed_at <= self.due_at


class Escalation(models.Model):
    """An overdue step raised to the next level: 1 = the head of the step's department, 2 = the manager.

    Unique per (step, level): a step is never escalated twice to the same level, however often the
    timed job runs. The row is the notice in the escalated person's queue until they acknowledge it.
    """

    class Level(models.IntegerChoices):
        DEPARTMENT_HEAD = 1, _("Department head")
        MANAGER = 2, _("Manager")

    step = models.ForeignKey(ComplaintStep, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("escalated to"), choices=Level.choices)
    department = models.ForeignKey("boss.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(_("escalated at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["step", "level"], name="escalation_once_per_step_level")]
        indexes = [models.Index(fields=["level", "department"], condition=Q(acknowledged_at__isnull=True),
                                name="escalation_unacknowledged_idx")]

    def __str__(self):
        return f"{self.step} · {self.get_level_display()}"


# --------------------------------------------------------------------------------------------------
# Knowledge base (客服信息库)
# --------------------------------------------------------------------------------------------------


class ArticleCategory(TimeStampedModel):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Article(TimeStampedModel):
    """A knowledge-base article; its current text. Every version, the first included, is an
    ArticleVersion row.

    `search_text` is the normalised title, keywords and body (NFKC, case-folded) that the search
    matches with a substring test; on PostgreSQL a GIN trigram index on it (migration 0002) serves
    that test for queries of three or more characters. See complaints/selectors.py article_search.
    """

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("Technical details")
        TERM = "term", _("New term")
        ANSWER_TEMPLATE = "answer_template", _("Answer template")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(ArticleCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="articles")
    body = models.TextField(_("text"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True)
                                              | Q(valid_until__gte=models.F("valid_from")),
                                              name="article_validity_ordered")]

    def __str__(self):
        return self.title


class ArticleVersion(ImmutableModel):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=Article.Kind.choices)
    category = models.ForeignKey(ArticleCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="+")
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("edited by"), on_delete=models.PROTECT,
                                  related_name="+")
    edited_at = models.DateTimeField(_("edited at"), auto_now_add=True)
    note = models.CharField(_("change note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="article_version_unique")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class ArticleUse(models.Model):
    """An answer template inserted into a complaint reply (feeds "most used")."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="uses")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(db_index=True)
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")
        indexes = [models.Index(fields=["article", "used_at"], name="article_use_idx")]

    def __str__(self):
        return f"{self.article_id} @ {self.used_at:%Y-%m-%d}"


"""Provisioning work orders (施工单) for the network element, and the simulated HLR's own state.

A state change that touches the network inserts a WorkOrder in the same transaction as the business
change (the transactional outbox, domain-rules B5). Workers claim ready rows with SKIP LOCKED and a
lease, call the network adapter outside any lock with the work order's key as idempotency key, then
mark completion (竣工). A sweeper returns rows whose lease expired.
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.models import CompiledSaveModel


class WorkOrder(fsm.ConcurrentTransitionMixin, CompiledSaveModel):
    class Action(models.TextChoices):
        CREATE_SUBSCRIBER = "create_subscriber", _("Create subscriber")
        DELETE_SUBSCRIBER = "delete_subscriber", _("Delete subscriber")
        SUSPEND = "suspend", _("Suspend")
        RESUME = "resume", _("Resume")
        CHANGE_SIM = "change_sim", _("Change SIM")
        CHANGE_MSISDN = "change_msisdn", _("Change number")
        SET_FEATURES = "set_features", _("Set features")
        CHANGE_PLAN = "change_plan", _("Change plan")

    class State(models.TextChoices):
        READY = "ready", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Completed")
        FAILED = "failed", _("Failed")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    msisdn = models.CharField(_("mobile number"), max_length=11, db_index=True)
    payload = models.JSONField(_("parameters"), default=dict, blank=True)
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="work_orders")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="work_orders")
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True,
                                 help_text=_("The business order this work order belongs to, e.g. order:42."))
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.READY, protected=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=5)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["id"]
        indexes = [
            # The queue: only waiting rows, oldest first (partial index keeps it small).
            models.Index(fields=["run_after", "id"], condition=Q(state="ready"), name="workorder_ready_idx"),
            models.Index(fields=["lease_until"], condition=Q(state="running"), name="workorder_running_idx"),
        ]
        permissions = [
            ("retry_workorder", _("Can retry a failed work order")),
            ("rollback_workorder", _("Can roll back a failed work order")),
        ]

    def __str__(self):
        return f"{self.key} {self.get_action_display()} {self.msisdn}"

    @property
    def key(self) -> str:
        """The idempotency key the network element sees."""
        return f"WO{self.pk:010d}"

    def audit_repr(self) -> str:
        return f"{self.key} {self.get_action_display()} {self.msisdn}"

    # The work order's machine: claimed from the queue, then done, back in the queue or failed; a failed one
    # is retried or rolled back by an operator. Services check can_proceed(); these methods only change fields.

    @fsm.transition(field=state, source=State.READY, target=State.RUNNING)
    def claim(self, *, worker: str, lease_until) -> None:
        self.claimed_by, self.lease_until = worker, lease_until
        self.attempts += 1

    # From READY too: the lease expired and the sweeper put it back, then the first worker's call succeeded.
    @fsm.transition(field=state, source=[State.RUNNING, State.READY], target=State.DONE)
    def complete(self, *, when) -> None:
        self.completed_at, self.lease_until, self.last_error = when, None, ""

    @fsm.transition(field=state, source=State.RUNNING, target=State.READY)
    def requeue(self, *, error: str, run_after=None) -> None:
        """Back in the queue with attempts left: the network refused the attempt (run again after a back-off)
        or the worker died with the lease (run again at once). The claim ends with the attempt."""
        self.last_error, self.lease_until, self.claimed_by = error[:300], None, ""
        if run_after is not None:
            self.run_after = run_after

    @fsm.transition(field=state, source=State.RUNNING, target=State.FAILED)
    def fail(self, *, error: str) -> None:
        """Out of attempts: it waits for an operator to retry or roll it back."""
        self.last_error, self.lease_until, self.claimed_by = error[:300], None, ""

    @fsm.transition(field=state, source=State.FAILED, target=State.READY)
    def retry(self, *, when, max_attempts: int) -> None:
        """A fresh round of attempts."""
        self.attempts, self.run_after, self.max_attempts = 0, when, max_attempts

    @fsm.transition(field=state, source=State.FAILED, target=State.ROLLED_BACK)
    def roll_back(self) -> None:
        pass


# --------------------------------------------------------------------------------------------------
# The simulated HLR/HSS: the network element's own state, kept apart from the BOSS's tables.
# --------------------------------------------------------------------------------------------------


class HlrSubscriber(models.Model):
    msisdn = models.CharField(max_length=11, unique=True)
    iccid = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, default="active")
    features = models.JSONField(default=dict, blank=True)
    plan = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("HLR subscriber (simulated)")
        verbose_name_plural = _("HLR subscribers (simulated)")

    def __str__(self):
        return f"{self.msisdn} {self.status}"


class HlrExecution(models.Model):
    """One executed command per idempotency key: a repeated key answers "already done"."""

    key = models.CharField(max_length=40, unique=True)
    action = models.CharField(max_length=30)
    msisdn = models.CharField(max_length=11)
    executed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} {self.action} {self.msisdn}"


class HlrCall(models.Model):
    """Every call received, executed or not (lets tests and operators count retries)."""

    key = models.CharField(max_length=40, db_index=True)
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} {self.outcome}"

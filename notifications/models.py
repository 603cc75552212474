"""The outbox of customer notifications (SMS) and the simulated gateway's own record of what it sent.

A business service inserts an SmsMessage in its own transaction (`notifications.services.notification_queue`);
after commit a Celery task claims queued rows with SKIP LOCKED and a lease, hands each to the sender outside
any lock with the message's key as idempotency key, then records the outcome. The key is unique: the same
business event queued twice is one message.
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.masking import mask_msisdn


class SmsMessage(fsm.ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Not delivered")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("idempotency key"), max_length=120, unique=True,
                           help_text=_("One message per key: the business event that caused it."))
    template = models.CharField(_("template"), max_length=80)
    msisdn = models.CharField(_("mobile number"), max_length=11, db_index=True)
    body = models.TextField(_("text"))
    # The text with its secret (a one-time code) masked, for a template with secrets: it replaces `body` as
    # soon as the message is sent or has failed, so the outbox never keeps a code readable after the send.
    redacted_body = models.TextField(_("text with the secret masked"), blank=True)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="sms_messages")
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED, protected=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=5)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    gateway_id = models.CharField(_("gateway message id"), max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["run_after", "id"], condition=Q(state="queued"), name="smsmessage_queued_idx"),
            models.Index(fields=["lease_until"], condition=Q(state="sending"), name="smsmessage_sending_idx"),
        ]

    def __str__(self):
        return f"SMS{self.pk} {self.template} {mask_msisdn(self.msisdn)}"

    def audit_repr(self) -> str:
        return str(self)

    # queued -> sending (claimed) -> sent -> delivered / undelivered; back to queued while attempts are left;
    # failed when out of attempts or when a send may have happened and the gateway cannot tell (never twice).

    def redact(self) -> None:
        """The message is out (or never will be): keep only the text with its secret masked."""
        if self.redacted_body:
            self.body, self.redacted_body = self.redacted_body, ""

    @fsm.transition(field=state, source=State.QUEUED, target=State.SENDING)
    def claim(self, *, worker: str, lease_until) -> None:
        self.claimed_by, self.lease_until = worker, lease_until
        self.attempts += 1

    @fsm.transition(field=state, source=[State.SENDING, State.QUEUED], target=State.SENT)
    def mark_sent(self, *, gateway_id: str, when) -> None:
        self.gateway_id, self.sent_at, self.lease_until, self.last_error = gateway_id[:80], when, None, ""
        self.redact()

    @fsm.transition(field=state, source=State.SENDING, target=State.QUEUED)
    def requeue(self, *, error: str, run_after=None) -> None:
        self.last_error, self.lease_until, self.claimed_by = error[:300], None, ""
        if run_after is not None:
            self.run_after = run_after

    @fsm.transition(field=state, source=[State.SENDING, State.QUEUED], target=State.FAILED)
    def fail(self, *, error: str) -> None:
        self.last_error, self.lease_until, self.claimed_by = error[:300], None, ""
        self.redact()

    @fsm.transition(field=state, source=State.SENT, target=State.DELIVERED)
    def delivered(self, *, when) -> None:
        self.delivered_at = when

    @fsm.transition(field=state, source=State.SENT, target=State.UNDELIVERED)
    def undelivered(self, *, when, error: str = "") -> None:
        self.delivered_at, self.last_error = when, error[:300]


class SimulatedSms(models.Model):
    """What the simulated gateway "sent": one row per message key (a repeated key is not sent again)."""

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    msisdn = models.CharField(_("mobile number"), max_length=11, db_index=True)
    body = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("text message sent by the simulated gateway")
        verbose_name_plural = _("text messages sent by the simulated gateway")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.key} {mask_msisdn(self.msisdn)}"

    @property
    def gateway_id(self) -> str:
        return f"SIM{self.pk:010d}"


class SimulatedSmsCall(models.Model):
    """Every call the simulated gateway received, sent or not (tests count retries with it)."""

    key = models.CharField(max_length=120, db_index=True)
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} {self.outcome}"

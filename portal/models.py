"""The portal's sign-in records: one-time SMS codes (stored as keyed hashes) and failed attempts.

Neither holds a mobile number in clear: a code points at its line; a failure names its subject by a keyed
hash of the number (or the client address), enough to count failures and lock out, useless to a reader.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    """One SMS code sent after the number and the service password were right. Single use; expires."""

    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="+")
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    kiosk = models.BooleanField(_("self-service terminal"), default=False)

    class Meta:
        verbose_name = _("portal sign-in code")
        verbose_name_plural = _("portal sign-in codes")
        indexes = [models.Index(fields=["line", "created_at"], name="portal_code_line_idx")]

    def __str__(self):
        return f"SignInCode {self.pk}"


class SignInFailure(models.Model):
    """A failed sign-in step, counted per number and per client address for the lockout."""

    class Subject(models.TextChoices):
        NUMBER = "number", _("mobile number")
        ADDRESS = "address", _("client address")
        CARD = "card", _("recharge-card PIN of a customer")

    subject_kind = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    subject = models.CharField(_("subject (keyed hash)"), max_length=64)
    failed_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal sign-in failure")
        verbose_name_plural = _("portal sign-in failures")
        indexes = [models.Index(fields=["subject_kind", "subject", "failed_at"], name="portal_failure_idx")]

    def __str__(self):
        return f"{self.subject_kind} {self.failed_at:%Y-%m-%d %H:%M}"


class ChatMessage(models.Model):
    """One message of a customer's chat with customer service (在线客服): from the customer on the portal, or
    a staff member's answer from the chat queue. Never edited."""

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        STAFF = "staff", _("Customer service")

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    sender = models.CharField(_("written by"), max_length=10, choices=Sender.choices)
    staff = models.ForeignKey("boss.Staff", verbose_name=_("answered by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message text"), max_length=1000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["customer", "id"], name="portal_chat_customer_idx")]
        permissions = [("answer_chat", _("Can answer customers' chat messages"))]

    def __str__(self):
        return f"ChatMessage {self.pk}"


class CustomerToken(models.Model):
    """A mobile app's sign-in (the portal's API): the same two steps as the screens, then a bearer token.
    Only its SHA-256 is kept; it dies after inactivity (portal.idle_minutes), at the session's longest life
    (portal.absolute_hours) or at sign-out."""

    key_hash = models.CharField(_("token (hash)"), max_length=64, unique=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer API token")
        verbose_name_plural = _("customer API tokens")

    def __str__(self):
        return f"CustomerToken {self.pk}"

"""Partners (合作伙伴, process 13): information-exchange partners (other operators sharing the joint
blacklist, public security) and marketing-channel partners (agents, postal savings, e-commerce), each with an
interface number (接口编号) for system access; their API keys; the joint blacklist they send us; and the
malicious-user tracing (恶意用户追踪, process 14) whose confirmed cases can go to the public-security partner.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.masking import mask_msisdn
from boss.models import TimeStampedModel


class Partner(TimeStampedModel):
    class Kind(models.TextChoices):
        INFO_EXCHANGE = "info_exchange", _("Information-exchange partner")
        CHANNEL = "channel", _("Marketing-channel partner")

    class Category(models.TextChoices):
        OPERATOR = "operator", _("Other operator")
        PUBLIC_SECURITY = "public_security", _("Public security")
        AGENT = "agent", _("Agent")
        POSTAL_SAVINGS = "postal_savings", _("Postal savings")
        ECOMMERCE = "ecommerce", _("E-commerce")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DELETED = "deleted", _("Deleted")

    KIND_OF_CATEGORY = {
        Category.OPERATOR: Kind.INFO_EXCHANGE, Category.PUBLIC_SECURITY: Kind.INFO_EXCHANGE,
        Category.AGENT: Kind.CHANNEL, Category.POSTAL_SAVINGS: Kind.CHANNEL, Category.ECOMMERCE: Kind.CHANNEL,
    }

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("partner type"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    interface_number = models.CharField(_("interface number"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    receives_blacklist = models.BooleanField(
        _("receives our blacklist"), default=False,
        help_text=_("The agreement allows publishing our blacklist to this partner."))
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["interface_number"]
        permissions = [("manage_partner", _("Can add, change, suspend and delete partners and their keys"))]
        constraints = [
            # An interface number names one partner at a time; a deleted partner frees its number.
            models.UniqueConstraint(fields=["interface_number"], condition=~Q(status="deleted"),
                                    name="partner_interface_number_live_unique"),
        ]

    def __str__(self):
        return f"{self.interface_number} {self.name}"


class InterfaceNumberChange(models.Model):
    """The history of a partner's interface numbers (never rewritten)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="number_changes")
    old_number = models.CharField(_("old interface number"), max_length=20)
    new_number = models.CharField(_("new interface number"), max_length=20)
    changed_by = models.ForeignKey("boss.Staff", verbose_name=_("changed by"), on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("interface number change")
        verbose_name_plural = _("interface number changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.old_number} → {self.new_number}"


class PartnerHall(models.Model):
    """An agent hall (代办点) run by a channel partner: its staff act for that partner only."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="halls")
    hall = models.OneToOneField("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                                related_name="partner_link")

    class Meta:
        verbose_name = _("partner hall")
        verbose_name_plural = _("partner halls")

    def __str__(self):
        return f"{self.partner_id} {self.hall_id}"


class PartnerKey(models.Model):
    """An API key of a partner: shown once, stored as its SHA-256 (the key is 32 random bytes, so a plain
    digest is enough), scoped, optionally limited to client addresses, revocable; a rotated key keeps
    working until `expires_at` (the overlap period)."""

    class Scope(models.TextChoices):
        BLACKLIST_PUSH = "blacklist.push", _("Send joint-blacklist entries")
        BLACKLIST_READ = "blacklist.read", _("Read our published blacklist")
        DISCOUNT_REQUEST = "discount.request", _("Request discounts for customers")

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="keys")
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    allowed_ips = models.JSONField(_("allowed client addresses"), default=list, blank=True)
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("issued by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("key issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("usable until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey("boss.Staff", verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="replaces")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}…"


class BlacklistEntry(TimeStampedModel):
    """One entry of the joint blacklist received from a partner. The identity number is kept only as its
    HMAC under the exchange's shared key (the partner sends it hashed, or we hash it on receipt), with a
    masked form when we received it in clear."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        REMOVED = "removed", _("Removed")

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="blacklist_entries")
    identity_type = models.CharField(_("document type"), max_length=20)
    number_hash = models.CharField(_("identity number (hashed)"), max_length=64)
    number_masked = models.CharField(_("identity number (masked)"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    since = models.DateField(_("since"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint blacklist entry")
        verbose_name_plural = _("joint blacklist entries")
        ordering = ["-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "identity_type", "number_hash"],
                                               name="blacklist_entry_unique_identity")]
        indexes = [models.Index(fields=["number_hash"], name="blacklist_entry_hash_idx")]

    def __str__(self):
        return f"{self.partner_id} {self.identity_type} {self.number_masked or self.number_hash[:8]}"

    def audit_repr(self) -> str:
        return f"{self.identity_type} {self.number_masked or self.number_hash[:12]}"


class BlacklistImport(models.Model):
    """One batch of entries a partner sent (API call or uploaded file) and what became of each row."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="blacklist_imports")
    channel = models.CharField(_("received through"), max_length=10)  # api | file
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("corrected"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("refused rows"), default=list, blank=True)  # [{"row": 3, "error": "..."}]
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("uploaded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("received on"), auto_now_add=True)

    class Meta:
        verbose_name = _("blacklist import")
        verbose_name_plural = _("blacklist imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.partner_id} {self.created_at:%Y-%m-%d %H:%M}"


class TracingRun(models.Model):
    """One night's run of the malicious-user tracing over a day's usage records (safe to run again)."""

    day = models.DateField(_("usage day"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    records = models.PositiveIntegerField(_("usage records read"), default=0)
    suspects = models.PositiveIntegerField(_("suspects found"), default=0)
    seconds = models.DecimalField(_("run time (s)"), max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("tracing run")
        verbose_name_plural = _("tracing runs")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day}"


class Suspect(models.Model):
    """A number the tracing found over a threshold on a day, with its evidence, until a reviewer confirms
    or dismisses it. One per day, number and rule."""

    class Rule(models.TextChoices):
        SMS_BULK = "sms_bulk", _("Bulk SMS")
        SHORT_CALLS = "short_calls", _("Many very short calls")
        ONE_RING = "one_ring", _("One-ring calls")
        NIGHT_CALLS = "night_calls", _("Calls at night in bulk")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    day = models.DateField(_("usage day"))
    msisdn = models.CharField(_("mobile number"), max_length=11)
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="+")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    reviewed_by = models.ForeignKey("boss.Staff", verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    blacklisted = models.BooleanField(_("put on the blacklist"), default=False)
    reported = models.BooleanField(_("reported to public security"), default=False)
    # The line suspended for the confirmed case (orders' line_suspend: its order and work order).
    suspension_order = models.ForeignKey("orders.Order", verbose_name=_("suspension order"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tracing suspect")
        verbose_name_plural = _("tracing suspects")
        ordering = ["-day", "status", "msisdn"]
        permissions = [("review_suspect", _("Can confirm or dismiss malicious-user suspects"))]
        constraints = [models.UniqueConstraint(fields=["day", "msisdn", "rule"], name="suspect_unique_day_rule")]
        indexes = [models.Index(fields=["status", "day"], name="suspect_status_day_idx")]

    def __str__(self):
        return f"{self.day} {mask_msisdn(self.msisdn)} {self.rule}"

    def audit_repr(self) -> str:
        return str(self)


class CommissionRates(models.Model):
    """The commission rates a statement month is paid at, recorded once the month has ended (the beat job on
    the 1st, or the first statement read after), so changing the tariff parameters later does not change an
    ended month's statements."""

    month = models.DateField(_("statement month"), unique=True)
    per_opening = models.DecimalField(_("commission per opening"), max_digits=12, decimal_places=2)
    recharge_percent = models.DecimalField(_("commission on recharges (%)"), max_digits=7, decimal_places=3)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission rates of a month")
        verbose_name_plural = _("commission rates of months")

    def __str__(self):
        return f"{self.month:%Y-%m}"


class CommissionDispute(TimeStampedModel):
    """A disagreement about a channel partner's monthly commission statement (process 13): what the partner
    says is wrong (an amount it is owed more, or was paid too much, and why), then how the marketing manager
    resolved it. A resolved dispute's adjustment is shown on that month's statement and changes what is
    payable; the statement's counted rows are never changed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("commission dispute", "Open")
        RESOLVED = "resolved", pgettext_lazy("commission dispute", "Resolved")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("commission dispute", "Accepted")
        PARTLY = "partly", pgettext_lazy("commission dispute", "Partly accepted")
        REJECTED = "rejected", pgettext_lazy("commission dispute", "Rejected")

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="commission_disputes")
    month = models.DateField(_("statement month"))
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("Empty: the whole statement."))
    amount = models.DecimalField(_("amount in dispute"), max_digits=12, decimal_places=2,
                                 help_text=_("Positive: the partner says it is owed more; negative: paid too much."))
    description = models.CharField(_("what is disputed"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey("boss.Staff", verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                  related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    adjustment = models.DecimalField(_("commission adjustment"), max_digits=12, decimal_places=2, default=0)
    resolution = models.CharField(pgettext_lazy("commission dispute", "resolution"), max_length=500, blank=True)
    resolved_by = models.ForeignKey("boss.Staff", verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commission dispute")
        verbose_name_plural = _("commission disputes")
        ordering = ["-month", "-id"]
        permissions = [("resolve_commissiondispute", _("Can resolve commission disputes"))]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="dispute_amount_not_zero"),
            # An open dispute adjusts nothing; a resolved one has its outcome, who and when; the adjustment
            # goes the claim's way and never beyond it.
            models.CheckConstraint(
                condition=(Q(status="open", adjustment=0, outcome="", resolved_by__isnull=True)
                           | Q(status="resolved", resolved_by__isnull=False, resolved_at__isnull=False)
                           & ~Q(outcome="")),
                name="dispute_resolution_complete"),
            models.CheckConstraint(
                condition=(Q(adjustment=0)
                           | Q(amount__gt=0, adjustment__gt=0, adjustment__lte=models.F("amount"))
                           | Q(amount__lt=0, adjustment__lt=0, adjustment__gte=models.F("amount"))),
                name="dispute_adjustment_within_claim"),
        ]
        indexes = [models.Index(fields=["partner", "month"], name="dispute_partner_month_idx")]

    def __str__(self):
        return f"{self.partner_id} {self.month:%Y-%m} {self.amount}"

    def audit_repr(self) -> str:
        return f"{self.month:%Y-%m} {self.amount}"


class DiscountRequest(TimeStampedModel):
    """A channel partner's request for a discount (优惠) of the catalogue for one of its customers' lines, or
    for an order (then the order's line), through the discount interface (process 13): the marketing
    manager approves or refuses it; an approved request is applied once, at the counter or through the
    partner's API, as the line's discount change (its order)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", pgettext_lazy("discount request", "Approved")
        REFUSED = "refused", pgettext_lazy("discount request", "Refused")
        APPLIED = "applied", pgettext_lazy("discount request", "Applied")

    class Channel(models.TextChoices):
        API = "api", _("Partner system")
        SCREEN = "screen", _("Screen")

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="discount_requests")
    discount = models.ForeignKey("catalog.Discount", verbose_name=_("discount"), on_delete=models.PROTECT,
                                 related_name="+")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", help_text=_("When asked for an order."))
    reason = models.CharField(_("reason"), max_length=200)
    reference = models.CharField(_("partner's reference"), max_length=40, blank=True)
    channel = models.CharField(_("received through"), max_length=10, choices=Channel.choices)
    requested_by = models.ForeignKey("boss.Staff", verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey("boss.Staff", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    applied_order = models.ForeignKey("orders.Order", verbose_name=_("discount change order"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("discount request")
        verbose_name_plural = _("discount requests")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_discountrequest", _("Can approve or refuse partners' discount requests")),
                       ("apply_discountrequest", _("Can apply an approved discount request to the line"))]
        constraints = [
            # The partner's own reference names one request (a request sent twice is the same request).
            models.UniqueConstraint(fields=["partner", "reference"], condition=~Q(reference=""),
                                    name="discount_request_partner_reference_unique"),
            # One request at a time for a discount on a line, until it is refused or applied.
            models.UniqueConstraint(fields=["line", "discount"], condition=Q(status__in=["pending", "approved"]),
                                    name="discount_request_one_open_per_line"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_by__isnull=False),
                                   name="discount_request_decided_by_someone"),
            models.CheckConstraint(condition=~Q(status="applied") | Q(applied_order__isnull=False),
                                   name="discount_request_applied_has_order"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.discount_id} {self.line_id}"

    def audit_repr(self) -> str:
        return f"#{self.pk} {mask_msisdn(self.line.msisdn) if self.line_id else ''}"

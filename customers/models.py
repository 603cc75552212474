"""Customers, their identity documents, classification, the accounts that pay (帐户: who pays and how;
the money itself is billing's ledger) and lines (subscriptions) with their features, discounts and
minimum-spend commitments."""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.masking import mask, mask_name
from boss.models import TimeStampedModel
from boss.money import MONEY, ZERO


class CustomerIdentity(TimeStampedModel):
    """An identity document as checked at the counter (real-name registration, domain-rules A1).

    Unique per (type, number): this row is what the per-identity line limit locks (A2), and an agent's
    identity is a row here too. Numbers are stored normalised (uppercase X, ASCII digits).
    """

    class DocType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident ID card")
        USCC = "uscc", _("Unified social credit code")
        PASSPORT = "passport", _("Passport")
        HMT_PERMIT = "hmt_permit", _("Hong Kong, Macau or Taiwan permit")

    class CheckMethod(models.TextChoices):
        CARD_READER = "card_reader", _("ID card reader")
        VISUAL = "visual", _("Original checked by eye")
        ONLINE = "online", _("Online verification")

    ORGANIZATION_TYPES = frozenset({DocType.USCC})

    doc_type = models.CharField(_("document type"), max_length=20, choices=DocType.choices)
    number = models.CharField(_("document number"), max_length=40)
    name = models.CharField(_("name on the document"), max_length=100)
    address = models.CharField(_("address on the document"), max_length=200, blank=True)
    check_method = models.CharField(_("checked by"), max_length=20, choices=CheckMethod.choices,
                                    default=CheckMethod.CARD_READER)
    checked_by = models.ForeignKey("boss.Staff", verbose_name=_("checked by staff"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_hall = models.ForeignKey("boss.Hall", verbose_name=_("checked at hall"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True,
                                     help_text=_("Set when the retention period after service ended was over "
                                                 "and the personal data were erased."))

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [models.UniqueConstraint(fields=["doc_type", "number"], name="identity_unique_type_number")]
        # The search box looks a number up without knowing its document type.
        indexes = [models.Index(fields=["number"], name="identity_number_idx")]

    def __str__(self):
        return f"{self.get_doc_type_display()} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask(self.number)

    def audit_repr(self) -> str:
        return str(self)


class Customer(TimeStampedModel):
    """A person or an organization. The kind is derived from the identity (C1-F3)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANIZATION = "organization", _("Organization")

    kind = models.CharField(_("customer type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    identity = models.OneToOneField(CustomerIdentity, verbose_name=_("identity document"),
                                    on_delete=models.PROTECT, related_name="customer")
    contact_phone = models.CharField(_("contact number"), max_length=20, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=200, blank=True)
    created_hall = models.ForeignKey("boss.Hall", verbose_name=_("registered at"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("registered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("reveal_identity", _("Can reveal a customer's full identity number, address and contact data")),
            ("classify_customer", _("Can mark customers as big customers (VIP) or redlist them")),
            ("blacklist_customer", _("Can put customers on the blacklist and take them off")),
            ("override_blacklist", _("Can approve business for a blacklisted customer")),
        ]
        # The customer list, newest first, reads this backwards and stops after a page (issue 20). The list by
        # name reads customer_name_bytes_idx, made on PostgreSQL only (customers/migrations/0012).
        indexes = [models.Index(fields=["created_at", "id"], name="customer_created_idx")]

    def __str__(self):
        return self.name

    def audit_repr(self) -> str:
        return f"{mask_name(self.name)} #{self.pk}"


class CustomerClass(TimeStampedModel):
    """One classification of a customer (M3.2): VIP with level, blacklist, redlist. A customer may be in
    several at once; one without any is ordinary. Each has a reason, who set it, and a validity."""

    class Kind(models.TextChoices):
        VIP = "vip", _("Big customer (VIP)")
        BLACKLIST = "blacklist", _("Blacklist")
        REDLIST = "redlist", _("Redlist")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="classes")
    kind = models.CharField(_("class"), max_length=20, choices=Kind.choices)
    vip_level = models.PositiveSmallIntegerField(_("VIP level"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey("boss.Staff", verbose_name=_("set by"), null=True, on_delete=models.PROTECT,
                               related_name="+")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    # A class is never deleted: revoking it keeps who ended it, when and why (the history is audited).
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey("boss.Staff", verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer class")
        verbose_name_plural = _("customer classes")
        indexes = [models.Index(fields=["customer", "kind"], name="customer_class_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind="vip") | Q(vip_level__isnull=True), name="vip_level_only_for_vip"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="customer_class_until_after_since"),
        ]

    def __str__(self):
        if self.kind == self.Kind.VIP and self.vip_level:
            return _("VIP level %(level)s") % {"level": self.vip_level}
        return self.get_kind_display()

    def is_active(self, on=None) -> bool:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.revoked_at is None and self.since <= on and (self.until is None or self.until >= on)


class Account(TimeStampedModel):
    """An account (帐户): who pays for one or more lines, and how (cash/prepaid or bank collection).

    Its money lives in the ledger: a CUSTOMER ledger account (the balance; below zero means arrears)
    and a DEPOSIT ledger account, both pointing back here.
    """

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("Cash (prepaid)")
        BANK = "bank", _("Bank collection")

    customer = models.ForeignKey(Customer, verbose_name=_("payer"), on_delete=models.PROTECT,
                                 related_name="accounts")
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices,
                                      default=PaymentMethod.CASH)
    corporate = models.BooleanField(_("corporate account"), default=False)
    realtime_prepaid = models.BooleanField(_("real-time prepaid"), default=True)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, default=ZERO)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=100, blank=True)
    bank_holder_identity = models.ForeignKey(CustomerIdentity, verbose_name=_("account holder's identity"),
                                             null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank_confirmed_by = models.CharField(_("confirmed with the bank by"), max_length=100, blank=True)
    bank_confirmed_at = models.DateTimeField(_("confirmed with the bank at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return str(_("Account %(number)s") % {"number": self.pk})

    @property
    def masked_bank_account(self) -> str:
        return mask(self.bank_account_number)

    def audit_repr(self) -> str:
        return str(self)


class Line(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """A line (用户): one subscription of an MSISDN with its SIM, owner, paying account and plan."""

    class Status(models.TextChoices):
        PENDING_ACTIVATION = "pending_activation", _("Awaiting activation")
        ACTIVE = "active", _("Active")
        SUSPENDED_REQUEST = "suspended_request", _("Suspended on request")
        SUSPENDED_LOSS = "suspended_loss", _("Suspended: reported lost")
        SUSPENDED_ARREARS = "suspended_arrears", _("Suspended for arrears")
        PENDING_CANCELLATION = "pending_cancellation", _("Pending cancellation")
        CANCELLED = "cancelled", _("Cancelled")

    msisdn = models.CharField(_("mobile number"), max_length=11, db_index=True)
    customer = models.ForeignKey(Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="lines")
    plan = models.ForeignKey("catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="lines")
    iccid = models.CharField(_("SIM card (ICCID)"), max_length=20, blank=True)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("opened at"), on_delete=models.PROTECT,
                             related_name="lines")
    status = fsm.FSMField(_("status"), max_length=30, choices=Status.choices, default=Status.PENDING_ACTIVATION,
                          protected=True, db_index=True)
    service_password = models.CharField(_("service password"), max_length=128, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reverification_required = models.BooleanField(_("real-name re-verification required"), default=False)
    premium_agreement_until = models.DateField(_("premium-number agreement until"), null=True, blank=True)
    owner_since = models.DateField(_("owner since"), null=True, blank=True,
                                   help_text=_("Set by a transfer of ownership; empty: since the opening."))
    precancelled_at = models.DateTimeField(_("pre-cancelled at"), null=True, blank=True)
    precancel_until = models.DateField(_("pre-cancellation window ends"), null=True, blank=True)
    cancellation_due_at = models.DateTimeField(_("due for formal cancellation since"), null=True, blank=True)
    ported_out_at = models.DateTimeField(_("ported out at"), null=True, blank=True)
    ported_out_to = models.CharField(_("ported out to"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            # A number is reused after cancellation, so it is unique among live lines only (B4).
            models.UniqueConstraint(fields=["msisdn"], condition=~Q(status="cancelled"),
                                    name="one_live_line_per_msisdn"),
        ]
        # The pre-cancellation job reads only lines in their window that are not yet marked due.
        indexes = [models.Index(fields=["precancel_until"], condition=Q(status="pending_cancellation",
                                                                          cancellation_due_at__isnull=True),
                                name="line_precancel_window_idx")]

    def __str__(self):
        return self.msisdn

    def audit_repr(self) -> str:
        return self.msisdn

    @fsm.transition(field=status, source=Status.PENDING_ACTIVATION, target=Status.ACTIVE)
    def activate(self, *, when) -> None:
        self.activated_at = when

    @fsm.transition(field=status, source=Status.PENDING_ACTIVATION, target=Status.CANCELLED)
    def abandon(self, *, when) -> None:
        """An opening rolled back before the network ever activated it (the number goes back to the pool)."""
        self.cancelled_at = when

    @fsm.transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED_ARREARS)
    def suspend_for_arrears(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.SUSPENDED_ARREARS, target=Status.ACTIVE)
    def restore_from_arrears(self) -> None:
        pass

    # The line's life after opening (docs/line-states.md draws the whole machine). Services check
    # can_proceed() and refuse with a domain error; these methods only change fields.

    @fsm.transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED_REQUEST], target=Status.SUSPENDED_LOSS)
    def report_loss(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.SUSPENDED_LOSS, target=Status.ACTIVE)
    def unlock(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED_REQUEST)
    def suspend_on_request(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.SUSPENDED_REQUEST, target=Status.ACTIVE)
    def resume_on_request(self) -> None:
        pass

    # Not from SUSPENDED_ARREARS: arrears are paid first (domain-rules A11).
    @fsm.transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED_REQUEST, Status.SUSPENDED_LOSS],
                    target=Status.PENDING_CANCELLATION)
    def precancel(self, *, when, until) -> None:
        self.precancelled_at, self.precancel_until, self.cancellation_due_at = when, until, None

    @fsm.transition(field=status, source=Status.PENDING_CANCELLATION, target=Status.ACTIVE)
    def reopen(self) -> None:
        """Re-opened during the window, or the customer takes the number back at formal cancellation (重开)."""
        self.precancelled_at = self.precancel_until = self.cancellation_due_at = None

    @fsm.transition(field=status, source=Status.PENDING_CANCELLATION, target=Status.PENDING_CANCELLATION)
    def mark_cancellation_due(self, *, when) -> None:
        self.cancellation_due_at = when

    @fsm.transition(field=status, source=Status.PENDING_CANCELLATION, target=Status.CANCELLED)
    def cancel(self, *, when) -> None:
        self.cancelled_at = when

    @fsm.transition(field=status, source=Status.ACTIVE, target=Status.CANCELLED)
    def port_out(self, *, when, to: str) -> None:
        """The number leaves for another operator (携号转网, A6): the subscription ends here."""
        self.cancelled_at, self.ported_out_at, self.ported_out_to = when, when, to


class ForwardWhen(models.TextChoices):
    """When call forwarding (呼叫转移) forwards: the conditions the network knows."""

    ALWAYS = "always", _("Always (unconditional)")
    BUSY = "busy", _("When busy")
    NO_ANSWER = "no_answer", _("When not answered")
    UNREACHABLE = "unreachable", _("When unreachable or switched off")


class LineFeature(TimeStampedModel):
    """A feature a line subscribes to (roaming, long-distance level, call forwarding ...), from a date
    until a date (open while it is on). The bill run charges its monthly fee for the days it was on."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="line_features")
    feature = models.ForeignKey("catalog.Feature", verbose_name=_("feature"), on_delete=models.PROTECT,
                                related_name="line_features")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    # What the customer set for the feature, as the network has it: call forwarding's {"to", "when"}.
    settings = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("line feature")
        verbose_name_plural = _("line features")
        constraints = [
            models.UniqueConstraint(fields=["line", "feature"], condition=Q(until__isnull=True),
                                    name="one_open_line_feature"),
        ]

    def __str__(self):
        return str(self.feature)

    @property
    def forwarding(self) -> str:
        """Call forwarding's setting for the screens ("When busy → 13800138000"), else ""."""
        to, when = (self.settings or {}).get("to"), (self.settings or {}).get("when")
        if not to:
            return ""
        label = ForwardWhen(when).label if when in ForwardWhen.values else ""
        return f"{label} → {to}"


class LineDiscount(TimeStampedModel):
    """A discount granted to a line (a promotion, the VPMN discount ...) with its validity."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="line_discounts")
    discount = models.ForeignKey("catalog.Discount", verbose_name=_("discount"), on_delete=models.PROTECT,
                                 related_name="line_discounts")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("line discount")
        verbose_name_plural = _("line discounts")
        constraints = [
            models.UniqueConstraint(fields=["line", "discount"], condition=Q(until__isnull=True),
                                    name="one_open_line_discount"),
        ]

    def __str__(self):
        return str(self.discount)


class SecondaryCard(TimeStampedModel):
    """A secondary card (副卡) of a primary line (主卡): while it is attached, the secondary's usage is rated
    against the primary's plan allowance (billing/rating_rules.py, "Secondary cards").

    Days, like LineFeature: from `since` to `until` (both included; empty while attached). A line is the
    secondary of at most one primary at a time (database constraint); the orders services decide the rest
    (the plan's limit, the same owner, a secondary is never a primary) under the lines' locks. The order that
    attached or detached it is named by its reference (orders are a layer above customers).
    """

    class EndReason(models.TextChoices):
        REMOVED = "removed", _("Removed at the customer's request")
        PRIMARY_LEFT = "primary_left", _("The primary line left")
        PRIMARY_TRANSFERRED = "primary_transferred", _("The primary line changed owner")
        SECONDARY_LEFT = "secondary_left", _("The secondary line left")
        SECONDARY_TRANSFERRED = "secondary_transferred", _("The secondary line changed owner")

    primary = models.ForeignKey(Line, verbose_name=_("primary line"), on_delete=models.PROTECT,
                                related_name="secondary_cards")
    secondary = models.ForeignKey(Line, verbose_name=_("secondary line"), on_delete=models.PROTECT,
                                  related_name="secondary_of")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    added_by = models.CharField(_("added by order"), max_length=40, blank=True)
    ended_by = models.CharField(_("ended by order"), max_length=40, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=30, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("secondary card")
        verbose_name_plural = _("secondary cards")
        indexes = [models.Index(fields=["primary", "since"], name="secondary_card_primary_idx")]
        constraints = [
            models.UniqueConstraint(fields=["secondary"], condition=Q(until__isnull=True),
                                    name="one_primary_per_secondary"),
            models.CheckConstraint(condition=~Q(primary=models.F("secondary")), name="secondary_not_own_primary"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="secondary_card_days_order"),
        ]

    def __str__(self):
        return f"{self.secondary_id} → {self.primary_id}"


class LineCommitment(TimeStampedModel):
    """A minimum monthly spend (保底消费) the line agreed to with a premium number (靓号, A10): at least
    `monthly_amount` a month, billed by the bill run as a top-up when the month's charges fall short.

    It lives here, beside LineFeature and LineDiscount, because it is part of what a line is billed on and
    customers owns Line; billing reads it the same way (in bulk, per chunk of lines).

    Days, not months, are stored because proration needs them: it applies from `since` (the opening's
    or the number change's day) to `until` (the last day of its last month; empty: for as long as the
    line keeps the number), and stops early on `ended_on` (the day the line left the number: the number
    changed, the line was cancelled or ported out; not counted). The opening month is prorated like the
    monthly fee, and the agreement months are counted from the month after (协议期自入网次月起算).

    The order that started it and the one that ended it hold the keys (`started_by`, `ended_by`): orders
    are a layer above customers.
    """

    class EndReason(models.TextChoices):
        NUMBER_CHANGE = "number_change", _("Number changed")
        CANCELLED = "cancelled", _("Line cancelled")
        PORTED_OUT = "ported_out", _("Ported out")
        ROLLED_BACK = "rolled_back", _("Opening rolled back")

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="commitments")
    msisdn = models.CharField(_("premium number"), max_length=11)
    grade_name = models.CharField(_("number grade"), max_length=50, blank=True)
    monthly_amount = models.DecimalField(_("minimum monthly spend"), max_digits=16, decimal_places=2)
    agreement_months = models.PositiveSmallIntegerField(_("agreement months"), default=0,
                                                        help_text=_("0: for as long as the line keeps the number."))
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("minimum spend commitment")
        verbose_name_plural = _("minimum spend commitments")
        indexes = [models.Index(fields=["line", "since"], name="line_commitment_line_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gt=0), name="line_commitment_amount_positive"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="line_commitment_until_after_since"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True, end_reason="")
                                   | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                                   name="line_commitment_end_has_reason"),
            # At most one commitment of a line is not ended (the one of the number it has now).
            models.UniqueConstraint(fields=["line"], condition=Q(ended_on__isnull=True),
                                    name="one_open_line_commitment"),
        ]

    def __str__(self):
        return _("Minimum spend %(amount)s a month") % {"amount": self.monthly_amount}

    @property
    def first_month(self):
        return self.since.replace(day=1)

    @property
    def last_month(self):
        """The last month it applies (None: open-ended), an early end included."""
        last = self.last_day
        return last.replace(day=1) if last is not None else None

    @property
    def last_day(self):
        """The last day it applies (None: open-ended): its end, or the day before it ended early."""
        from datetime import timedelta

        days = [d for d in (self.until, self.ended_on - timedelta(days=1) if self.ended_on else None) if d]
        return min(days) if days else None

    def running_on(self, day) -> bool:
        last = self.last_day
        return self.since <= day and (last is None or day <= last)


class ServedCustomer(models.Model):
    """A customer of another hall that a rep found by an exact identifier (mobile number, identity number):
    the customer in front of the counter (issue 12 item 9). Lists and screens by id show other halls'
    customers only to the rep who looked them up, until the rep signs out or tariff
    customer.served_hours pass. Written once per look-up, never updated; deleted at sign-out."""

    staff = models.ForeignKey("boss.Staff", verbose_name=_("staff"), on_delete=models.CASCADE,
                              related_name="+")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    served_at = models.DateTimeField(_("looked up at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer served from another hall")
        verbose_name_plural = _("customers served from another hall")
        indexes = [models.Index(fields=["staff", "customer", "served_at"], name="served_customer_lookup")]

    def __str__(self):
        return f"{self.staff_id} → {self.customer_id}"

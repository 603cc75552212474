"""Orders and every counter process; the number, SIM, handset and recharge-card inventory; the product
catalog; provisioning work orders. Core shapes first; each issue adds its part.

Sections: the product catalog (plans, features, discounts, one-time fees, offers), the number pool
(segments, grades, grading rules, numbers, reservations), stock (SIM cards, handsets, recharge cards,
imports).
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.models import MONEY
from boss.masking import mask_name
from boss.models import TimeStampedModel

# Usage rates are finer than a fen (¥0.0029 per MB): four places, still exact decimals.
RATE = {"max_digits": 10, "decimal_places": 4}


class Operator(models.TextChoices):
    """Who serves a number. Never derived from the prefix: numbers port between operators (A5, A6)."""

    CMCC = "cmcc", _("China Mobile")
    CUCC = "cucc", _("China Unicom")
    CTCC = "ctcc", _("China Telecom")
    CBN = "cbn", _("China Broadnet")


class Network(models.TextChoices):
    G4 = "4g", _("4G")
    G5 = "5g", _("5G")


class SimCapacity(models.TextChoices):
    K64 = "64k", _("64K SIM")
    K128 = "128k", _("128K SIM")
    USIM = "usim", _("USIM")


class Business(models.TextChoices):
    """Business types a price quote is made for (C1-F6); the later processes add theirs here."""

    OPEN_ACCOUNT = "open_account", _("Open account")
    SIM_REPLACEMENT = "sim_replacement", _("SIM replacement")
    TRANSFER = "transfer", _("Transfer of ownership")
    PLAN_CHANGE = "plan_change", _("Plan change")
    FEATURE_CHANGE = "feature_change", _("Feature change")
    NUMBER_CHANGE = "number_change", _("Number change")
    PRECANCEL = "precancel", _("Pre-cancellation")


class PaymentMethod(models.TextChoices):
    """How the customer will pay for the line. A corporate bank account (对公帐号) pays no deposits."""

    CASH = "cash", _("Cash (prepaid)")
    BANK = "bank", _("Bank collection, private account")
    CORPORATE = "corporate", _("Bank collection, corporate account")


def in_force_q(on_date, prefix: str = "") -> Q:
    """Rows valid on a date: valid_from <= date and (no end or valid_until >= date)."""
    return (Q(**{f"{prefix}valid_from__lte": on_date})
            & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on_date})))


def _validity_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                  name=name)


# --------------------------------------------------------------------------------------------------
# Product catalog (item 8)
# --------------------------------------------------------------------------------------------------


class Plan(TimeStampedModel):
    """A plan (套餐): what a line subscribes to: a main plan, or an add-on (data pack, family share)."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Main plan")
        DATA = "data", _("Data add-on")
        FAMILY = "family", _("Family add-on")
        VOICE = "voice", _("Voice add-on")

    class Brand(models.TextChoices):
        GOTONE = "gotone", _("GoTone")            # 全球通
        MZONE = "mzone", _("M-Zone")              # 动感地带
        EASYOWN = "easyown", _("Easyown")         # 神州行
        NONE = "", _("No brand")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("product type"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    brand = models.CharField(_("brand"), max_length=10, choices=Brand.choices, blank=True, default="")
    network = models.CharField(_("network"), max_length=4, choices=Network.choices, default=Network.G4)
    monthly_fee = models.DecimalField(_("monthly fee"), **MONEY)
    voice_minutes = models.PositiveIntegerField(_("included voice minutes"), default=0)
    sms_count = models.PositiveIntegerField(_("included SMS"), default=0)
    data_mb = models.PositiveIntegerField(_("included data (MB)"), default=0)
    overage_per_minute = models.DecimalField(_("voice beyond the allowance, per minute"), **RATE, default=0)
    overage_per_sms = models.DecimalField(_("SMS beyond the allowance, each"), **RATE, default=0)
    overage_per_mb = models.DecimalField(_("data beyond the allowance, per MB"), **RATE, default=0)
    roaming_per_minute = models.DecimalField(_("international roaming, per minute"), **RATE, default=0)
    long_distance_per_minute = models.DecimalField(_("international long distance, per minute"), **RATE, default=0)
    description = models.CharField(_("product description"), max_length=300, blank=True)
    active = models.BooleanField(_("on sale"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code"]
        permissions = [("quote_price", _("Can make price quotes"))]
        constraints = [
            _validity_check("plan_validity_order"),
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="plan_fee_not_negative"),
        ]

    def __str__(self):
        return self.name


class Feature(TimeStampedModel):
    """A feature a line can have (功能): international roaming, long distance levels, call forwarding ..."""

    class Kind(models.TextChoices):
        ROAMING = "roaming", _("International roaming")
        LONG_DISTANCE = "long_distance", _("Long distance")
        CALL_FORWARDING = "call_forwarding", _("Call forwarding")
        CALLER_ID = "caller_id", _("Caller ID")
        VPMN = "vpmn", _("VPMN")
        VOICEMAIL = "voicemail", _("Voicemail")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), default=0, help_text=_("Long distance: 1 domestic, 2 international (includes domestic)."))
    monthly_fee = models.DecimalField(_("monthly fee"), **MONEY, default=0)
    deposit_param = models.CharField(
        _("deposit tariff parameter"), max_length=80, blank=True,
        help_text=_("The tariff parameter holding the deposit this feature requires, e.g. roaming.deposit."))
    active = models.BooleanField(_("on sale"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        ordering = ["kind", "level", "code"]
        constraints = [
            _validity_check("feature_validity_order"),
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="feature_fee_not_negative"),
        ]

    def __str__(self):
        return self.name


class OneTimeFee(TimeStampedModel):
    """A one-time fee of a business type: a SIM card fee per capacity, a number selection fee per grade,
    the SIM replacement fee ... A price change is a new row from a new date, so an old quote can be
    reproduced for its date."""

    class Kind(models.TextChoices):
        SIM_CARD = "sim_card", _("SIM card fee")
        NUMBER_SELECTION = "number_selection", _("Number selection fee")
        SERVICE = "service", _("Service fee")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    business = models.CharField(_("business type"), max_length=20, choices=Business.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sim_capacity = models.CharField(_("SIM capacity"), max_length=10, choices=SimCapacity.choices, blank=True)
    grade = models.ForeignKey("orders.NumberGrade", verbose_name=_("number grade"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="fees")
    amount = models.DecimalField(_("amount"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time fee")
        verbose_name_plural = _("one-time fees")
        ordering = ["business", "kind", "code"]
        indexes = [models.Index(fields=["business", "kind"], name="onetimefee_business_idx")]
        constraints = [
            _validity_check("onetimefee_validity_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="onetimefee_not_negative"),
            models.CheckConstraint(condition=~Q(kind="sim_card") | ~Q(sim_capacity=""),
                                   name="onetimefee_sim_fee_has_capacity"),
            models.CheckConstraint(condition=~Q(kind="number_selection") | Q(grade__isnull=False),
                                   name="onetimefee_selection_fee_has_grade"),
        ]

    def __str__(self):
        return self.name


class Discount(TimeStampedModel):
    """A discount (优惠): a percentage or an amount off one kind of charge, for a business type and
    optionally one plan, within its validity dates."""

    class Target(models.TextChoices):
        MONTHLY_FEE = "monthly_fee", _("Monthly fee of the plan")
        SIM_CARD = "sim_card", _("SIM card fee")
        NUMBER_SELECTION = "number_selection", _("Number selection fee")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    business = models.CharField(_("business type"), max_length=20, choices=Business.choices, blank=True,
                                help_text=_("Empty: every business type."))
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="discounts", help_text=_("Empty: every plan."))
    target = models.CharField(_("applies to"), max_length=20, choices=Target.choices)
    percent_off = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount_off = models.DecimalField(_("amount off"), **MONEY, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["code"]
        constraints = [
            _validity_check("discount_validity_order"),
            # Exactly one of the two ways, each within its sensible range.
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False, amount_off__isnull=True, percent_off__gt=0,
                             percent_off__lte=100)
                           | Q(percent_off__isnull=True, amount_off__isnull=False, amount_off__gt=0)),
                name="discount_percent_xor_amount"),
        ]

    def __str__(self):
        return self.name


class Offer(TimeStampedModel):
    """A recommendation rule (C1-F2/F4): which product to offer to which customers.

    A customer fits when their class matches, they hold one of `from_plans` (any, when empty), and
    their average spend of the last three months is within the bounds (an offer with bounds is not made
    while the spend is unknown)."""

    class Audience(models.TextChoices):
        ANY = "any", _("Every customer")
        ORDINARY = "ordinary", _("Ordinary customers")
        VIP = "vip", _("Big customers (VIP)")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    product = models.ForeignKey(Plan, verbose_name=_("product offered"), on_delete=models.PROTECT,
                                related_name="offers")
    pitch = models.CharField(_("what to say"), max_length=300, blank=True)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.ANY)
    min_vip_level = models.PositiveSmallIntegerField(_("lowest VIP level"), null=True, blank=True)
    from_plans = models.ManyToManyField(Plan, verbose_name=_("for holders of"), blank=True, related_name="+")
    spend_min = models.DecimalField(_("average spend from"), **MONEY, null=True, blank=True)
    spend_max = models.DecimalField(_("average spend up to"), **MONEY, null=True, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0)
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-priority", "code"]
        constraints = [_validity_check("offer_validity_order")]

    def __str__(self):
        return self.name


class RecommendationOutcome(models.Model):
    """An offer made at the counter and whether the customer took it (C1-F4: the acceptance is recorded).

    `order_reference` names the order the offer was made in; the open-account issue, which creates
    orders, may turn it into a foreign key."""

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="outcomes")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="recommendation_outcomes")
    accepted = models.BooleanField(_("accepted"))
    business = models.CharField(_("business type"), max_length=20, choices=Business.choices, blank=True)
    order_reference = models.CharField(_("order"), max_length=40, blank=True)
    staff = models.ForeignKey("boss.Staff", verbose_name=_("offered by"), on_delete=models.PROTECT,
                              related_name="+")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation outcome")
        verbose_name_plural = _("recommendation outcomes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "created_at"], name="recommendation_customer_idx")]

    def __str__(self):
        return f"{self.offer} {'+' if self.accepted else '-'}"

    def audit_repr(self) -> str:
        return f"{self.offer.code} → {mask_name(self.customer.name)} #{self.customer_id}"


# --------------------------------------------------------------------------------------------------
# The number pool (item 5)
# --------------------------------------------------------------------------------------------------


class NumberSegment(TimeStampedModel):
    """A number segment (号段) of the operator: data, not a regex, because segments keep being added (A5).

    A number belongs to the longest prefix that matches it (1703 before 170)."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        DATA = "data", _("Data card")
        IOT = "iot", _("Internet of things")
        MVNO = "mvno", _("Virtual operator")

    prefix = models.CharField(_("prefix"), max_length=4, unique=True)
    operator = models.CharField(_("network operator"), max_length=10, choices=Operator.choices, default=Operator.CMCC)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    number_length = models.PositiveSmallIntegerField(_("digits"), default=11)
    active = models.BooleanField(_("sold at the counter"), default=True)
    note = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("number segment")
        verbose_name_plural = _("number segments")
        ordering = ["prefix"]

    def __str__(self):
        return self.prefix


class NumberGrade(TimeStampedModel):
    """A number grade (号码等级, 靓号 tier, A10): the agreement a premium number comes with. The
    selection fee is a one-time fee of the catalog (per grade, with validity dates)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    rank = models.SmallIntegerField(_("rank"), unique=True, help_text=_("Higher is more valuable."))
    pre_deposit = models.DecimalField(_("pre-deposit"), **MONEY, default=0)
    min_monthly_spend = models.DecimalField(_("minimum monthly spend"), **MONEY, default=0)
    agreement_months = models.PositiveSmallIntegerField(_("agreement months"), default=0)
    is_default = models.BooleanField(_("default grade"), default=False,
                                     help_text=_("The grade of a number that matches no rule."))

    class Meta:
        verbose_name = _("number grade")
        verbose_name_plural = _("number grades")
        ordering = ["-rank"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_grade"),
            models.CheckConstraint(condition=Q(pre_deposit__gte=0) & Q(min_monthly_spend__gte=0),
                                   name="grade_amounts_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def premium(self) -> bool:
        return self.min_monthly_spend > 0 or self.pre_deposit > 0 or self.agreement_months > 0


class NumberGradeRule(TimeStampedModel):
    """One pattern rule of the grade table (A10). Kinds:

    - tail: the number ends with the pattern; letters stand for digits (the same letter is the same
      digit, different letters are different digits), digits stand for themselves: AAAA, AABB, ABAB,
      88, 888.
    - run_up / run_down: the number ends with a straight run as long as the pattern: ABCD is 1234 or
      5678 (up), 4321 (down).
    - contains: one of the pattern's digits occurs in the last `window` digits; such rules demote the
      grade (numbers containing 4 are graded lower).

    The highest-ranked grade among the matching rules wins (then the higher priority); demoting rules
    then move it down their number of steps.
    """

    class Kind(models.TextChoices):
        TAIL = "tail", _("Ends with the pattern")
        RUN_UP = "run_up", _("Ends with a rising run")
        RUN_DOWN = "run_down", _("Ends with a falling run")
        CONTAINS = "contains", _("Contains a digit")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pattern = models.CharField(_("pattern"), max_length=8)
    grade = models.ForeignKey(NumberGrade, verbose_name=_("grade"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="rules")
    demote_steps = models.PositiveSmallIntegerField(_("grades down"), default=0)
    window = models.PositiveSmallIntegerField(_("last digits looked at"), default=4)
    priority = models.SmallIntegerField(_("priority"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("number grade rule")
        verbose_name_plural = _("number grade rules")
        ordering = ["-priority", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__isnull=False) | Q(demote_steps__gt=0),
                                   name="grade_rule_grades_or_demotes"),
        ]

    def __str__(self):
        return self.name

    @property
    def searchable(self) -> bool:
        return self.kind != self.Kind.CONTAINS


class StockImport(models.Model):
    """One CSV import into stock or the number pool, with its report (line numbers of what was refused)."""

    class Kind(models.TextChoices):
        SIM = "sim", _("SIM cards")
        HANDSET = "handset", _("Handsets")
        RECHARGE_CARD = "recharge_card", _("Recharge cards")
        NUMBER = "number", _("Numbers")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("boss.Staff", verbose_name=_("imported by"), on_delete=models.PROTECT,
                              related_name="+")
    filename = models.CharField(_("file"), max_length=200, blank=True)
    created_count = models.PositiveIntegerField(_("added"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    error_count = models.PositiveIntegerField(_("lines refused"), default=0)
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock import")
        verbose_name_plural = _("stock imports")
        ordering = ["-created_at", "-id"]
        permissions = [("import_stock", _("Can import stock and numbers from CSV"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class NumberResource(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """A number in the pool (号码资源) with its segment, its grade (computed once when it entered the pool,
    so that quotes are deterministic) and its status.

    A reservation is live while `reserved_until` is in the future: every read treats a reserved number
    whose time is up as free, whether or not the timed job has tidied it yet.
    """

    class Status(models.TextChoices):
        FREE = "free", _("Free")
        RESERVED = "reserved", _("Reserved")
        ASSIGNED = "assigned", _("Assigned")
        FROZEN = "frozen", _("Cooling down")
        UNUSABLE = "unusable", _("Unusable")

    # Indexes are chosen by hand (see Meta and migration 0003): every index costs on a million-row import.
    msisdn = models.CharField(_("mobile number"), max_length=11)
    segment = models.ForeignKey(NumberSegment, verbose_name=_("segment"), on_delete=models.PROTECT,
                                related_name="numbers", db_index=False)
    grade = models.ForeignKey(NumberGrade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="numbers",
                              db_index=False)
    pattern = models.CharField(_("pattern"), max_length=20, blank=True,
                               help_text=_("The rule that gave the grade."))
    operator = models.CharField(_("served by"), max_length=10, choices=Operator.choices, default=Operator.CMCC)
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.FREE, protected=True)
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True)
    frozen_until = models.DateTimeField(_("cooling down until"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    batch = models.ForeignKey(StockImport, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("number")
        verbose_name_plural = _("numbers")
        ordering = ["msisdn"]
        permissions = [
            ("reserve_number", _("Can reserve numbers")),
            ("release_any_reservation", _("Can release number reservations of other staff")),
        ]
        # Search indexes: segment and grade browse in number order (and serve their foreign keys);
        # the cool-down job reads a small partial index. The indexes for `ending` (reversed text) and
        # `contains` (trigrams) are PostgreSQL-only: see migration 0003. The unique constraint (not
        # unique=True) spares the varchar_pattern_ops index Django would add, which no query uses.
        indexes = [
            models.Index(fields=["segment", "msisdn"], name="number_segment_idx"),
            models.Index(fields=["grade", "msisdn"], name="number_grade_idx"),
            models.Index(fields=["frozen_until"], condition=Q(status="frozen"), name="number_frozen_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["msisdn"], name="number_msisdn_unique"),
            models.CheckConstraint(condition=~Q(status="reserved") | Q(reserved_until__isnull=False),
                                   name="number_reserved_has_until"),
        ]

    def __str__(self):
        return self.msisdn

    def audit_repr(self) -> str:
        return self.msisdn

    def effective_status(self, now=None) -> str:
        """The status as every reader must see it: a lapsed reservation is free, or, for a number a
        returning customer reserved during its cool-down, cooling down again until `frozen_until`."""
        now = now or timezone.now()
        if self.status == self.Status.RESERVED and self.reserved_until is not None and self.reserved_until <= now:
            return self.Status.FROZEN if self.in_cool_down(now) else self.Status.FREE
        return self.status

    def in_cool_down(self, now=None) -> bool:
        """Cooling down after a cancellation (an end is set and not reached), reserved meanwhile or not."""
        return self.frozen_until is not None and self.frozen_until > (now or timezone.now())

    def reservation_lapsed(self) -> bool:
        return self.status == self.Status.RESERVED and self.effective_status() != self.Status.RESERVED

    # Transitions change fields only; the services lock, check, save and audit.

    @fsm.transition(field=status, source=[Status.FREE, Status.RESERVED], target=Status.RESERVED,
                    conditions=[lambda n: n.effective_status() == NumberResource.Status.FREE])
    def reserve(self, *, until) -> None:
        self.reserved_until = until

    @fsm.transition(field=status, source=[Status.FROZEN, Status.RESERVED], target=Status.RESERVED,
                    conditions=[lambda n: n.effective_status() == NumberResource.Status.FROZEN and n.in_cool_down()])
    def reserve_in_cool_down(self, *, until) -> None:
        """A returning customer's former number, reserved for them during its cool-down (process 3.2):
        `frozen_until` is kept, so that a reservation that ends puts it back into its cool-down."""
        self.reserved_until = until

    @fsm.transition(field=status, source=Status.RESERVED, target=Status.FREE)
    def release(self) -> None:
        self.reserved_until = None
        self.frozen_until = None  # a cool-down that ended while the number was reserved
        self.assigned_at = None

    @fsm.transition(field=status, source=Status.RESERVED, target=Status.FROZEN)
    def release_to_cool_down(self) -> None:
        """A reservation made during the cool-down ended before the cool-down did."""
        self.reserved_until = None

    @fsm.transition(field=status, source=Status.RESERVED, target=Status.ASSIGNED)
    def assign(self, *, when) -> None:
        self.reserved_until = None
        self.frozen_until = None  # a former number taken back during its cool-down is thawed by its opening
        self.assigned_at = when

    @fsm.transition(field=status, source=Status.ASSIGNED, target=Status.FREE)
    def unassign(self) -> None:
        """An opening rolled back before the line ever went live: the number was never used."""
        self.assigned_at = None

    @fsm.transition(field=status, source=Status.ASSIGNED, target=Status.FROZEN)
    def freeze(self, *, until) -> None:
        self.frozen_until = until

    @fsm.transition(field=status, source=Status.FROZEN, target=Status.FREE)
    def thaw(self) -> None:
        self.frozen_until = None
        self.assigned_at = None

    @fsm.transition(field=status, source=Status.FROZEN, target=Status.ASSIGNED)
    def unfreeze(self) -> None:
        """A pre-cancelled line re-opened: its number is in use again."""
        self.frozen_until = None

    @fsm.transition(field=status, source=Status.FROZEN, target=Status.FROZEN)
    def cool_down(self, *, until) -> None:
        """A number frozen without end (pre-cancellation) gets its cool-down end at formal cancellation."""
        self.frozen_until = until

    @fsm.transition(field=status, source=Status.ASSIGNED, target=Status.UNUSABLE)
    def port_out(self, *, operator: str) -> None:
        """The number left for another operator (A6): it is theirs now, never sold here."""
        self.operator = operator


class NumberReservation(TimeStampedModel):
    """A reservation (预占) of one number by one rep, for one customer or none, until a time.

    The database allows one active reservation per number (partial unique constraint); a lapsed one is
    closed under the number's row lock before a new one is inserted."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("reservation state", "Active")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")
        CONVERTED = "converted", _("Assigned to a line")

    number = models.ForeignKey(NumberResource, verbose_name=_("number"), on_delete=models.PROTECT,
                               related_name="reservations")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    reserved_by = models.ForeignKey("boss.Staff", verbose_name=_("reserved by"), on_delete=models.PROTECT,
                                    related_name="+")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="number_reservations")
    reserved_until = models.DateTimeField(_("reserved until"))
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    closed_by = models.ForeignKey("boss.Staff", verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("number reservation")
        verbose_name_plural = _("number reservations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "reserved_until"], name="reservation_due_idx"),
            models.Index(fields=["reserved_by", "state"], name="reservation_holder_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(state="active"),
                                    name="one_active_reservation_per_number"),
            models.CheckConstraint(condition=Q(state="active") | Q(closed_at__isnull=False),
                                   name="reservation_closed_has_time"),
        ]

    def __str__(self):
        return f"{self.number.msisdn} → {self.reserved_until:%H:%M}"

    def audit_repr(self) -> str:
        return self.number.msisdn

    def is_live(self, now=None) -> bool:
        return self.state == self.State.ACTIVE and self.reserved_until > (now or timezone.now())


# --------------------------------------------------------------------------------------------------
# Stock: SIM cards, handsets, recharge cards (item 7)
# --------------------------------------------------------------------------------------------------


class SimCard(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        ASSIGNED = "assigned", _("Issued to a line")
        DAMAGED = "damaged", _("Damaged")
        INVALIDATED = "invalidated", _("Invalidated (replaced)")

    iccid = models.CharField(_("ICCID"), max_length=20, unique=True)
    imsi = models.CharField(_("IMSI"), max_length=15, unique=True)
    capacity = models.CharField(_("capacity"), max_length=10, choices=SimCapacity.choices)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="sim_cards")
    status = fsm.FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_STOCK,
                          protected=True)
    assigned_at = models.DateTimeField(_("issued to a line at"), null=True, blank=True)
    batch = models.ForeignKey(StockImport, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("SIM card")
        verbose_name_plural = _("SIM cards")
        ordering = ["iccid"]
        indexes = [models.Index(fields=["hall", "status", "capacity"], name="sim_stock_idx")]

    def __str__(self):
        return self.iccid

    @fsm.transition(field=status, source=Status.IN_STOCK, target=Status.ASSIGNED)
    def assign(self, *, when) -> None:
        self.assigned_at = when

    @fsm.transition(field=status, source=Status.ASSIGNED, target=Status.IN_STOCK)
    def return_to_stock(self) -> None:
        """An opening rolled back before activation: the card was never written to the network."""
        self.assigned_at = None

    @fsm.transition(field=status, source=Status.ASSIGNED, target=Status.INVALIDATED)
    def invalidate(self) -> None:
        """Replaced by a new card (补卡/换卡): the network no longer knows this one."""


class HandsetModel(TimeStampedModel):
    code = models.CharField(_("code"), max_length=30, unique=True)
    brand = models.CharField(_("brand"), max_length=50)
    name = models.CharField(_("model"), max_length=100)
    network = models.CharField(_("network"), max_length=4, choices=Network.choices, default=Network.G5)
    price = models.DecimalField(_("price"), **MONEY)
    active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("handset model")
        verbose_name_plural = _("handset models")
        ordering = ["brand", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="handset_price_not_negative")]

    def __str__(self):
        return f"{self.brand} {self.name}"


class Handset(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        SOLD = "sold", _("Sold")
        DAMAGED = "damaged", _("Damaged")

    imei = models.CharField(_("IMEI"), max_length=15, unique=True)
    model = models.ForeignKey(HandsetModel, verbose_name=_("model"), on_delete=models.PROTECT,
                              related_name="handsets")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="handsets")
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_STOCK,
                          protected=True)
    batch = models.ForeignKey(StockImport, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    sold_at = models.DateTimeField(_("sold at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handset")
        verbose_name_plural = _("handsets")
        ordering = ["imei"]
        indexes = [models.Index(fields=["hall", "status", "model"], name="handset_stock_idx")]

    def __str__(self):
        return self.imei

    @fsm.transition(field=status, source=Status.IN_STOCK, target=Status.SOLD)
    def sell(self, *, when) -> None:
        self.sold_at = when


class RechargeCard(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """A recharge card (充值卡): serial and PIN, a face value, used once. The PIN is kept only as a keyed
    hash (see orders.services.stock.recharge_pin_hash)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Usable")
        REDEEMED = "redeemed", _("Used")
        VOID = "void", _("Void")

    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    pin_hash = models.CharField(_("PIN hash"), max_length=128)
    face_value = models.DecimalField(_("face value"), **MONEY)
    valid_until = models.DateField(_("usable until"))
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="recharge_cards")
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE,
                          protected=True)
    redeemed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    redeemed_by = models.ForeignKey("boss.Staff", verbose_name=_("used by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    redeemed_for = models.CharField(_("used for"), max_length=11, blank=True)
    batch = models.ForeignKey(StockImport, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("recharge card")
        verbose_name_plural = _("recharge cards")
        ordering = ["serial"]
        indexes = [models.Index(fields=["hall", "status"], name="recharge_stock_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(face_value__gt=0), name="recharge_face_value_positive"),
            models.CheckConstraint(condition=~Q(status="redeemed") | Q(redeemed_at__isnull=False),
                                   name="recharge_redeemed_has_time"),
        ]

    def __str__(self):
        return self.serial

    @fsm.transition(field=status, source=Status.ACTIVE, target=Status.REDEEMED)
    def redeem(self, *, when, by, msisdn: str) -> None:
        self.redeemed_at, self.redeemed_by, self.redeemed_for = when, by, msisdn

    @fsm.transition(field=status, source=Status.ACTIVE, target=Status.VOID)
    def void(self) -> None:
        pass


# --------------------------------------------------------------------------------------------------
# Orders (业务受理单): every counter process creates one
# --------------------------------------------------------------------------------------------------


class Order(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """One business transaction at the counter.

    Pre-input before payment (draft: nothing is taken but the number's reservation); the real input after
    payment (paid, then provisioning while the network work orders run); completed when the network has
    confirmed (竣工). A draft can be cancelled; a failed opening can be rolled back (cancelled).
    """

    class Kind(models.TextChoices):
        OPEN_ACCOUNT = "open_account", _("Open account")
        PRECANCEL = "precancel", _("Pre-cancellation")
        REOPEN = "reopen", _("Re-open a pre-cancelled line")
        CANCEL = "cancel", _("Formal cancellation")
        CANCEL_FEE_RECOVERY = "cancel_fee_recovery", _("Cancellation fee recovery")
        TRANSFER = "transfer", _("Transfer of ownership")
        REPORT_LOSS = "report_loss", _("Report loss")
        UNLOCK = "unlock", _("Unlock after loss")
        SUSPEND = "suspend", _("Suspend on request")
        RESUME = "resume", _("Resume on request")
        PORT_OUT = "port_out", _("Leave the network (port out)")
        PAYMENT_METHOD = "payment_method", _("Change payment method")
        LONG_DISTANCE = "long_distance", _("Change long-distance level")
        ROAMING_OPEN = "roaming_open", _("Open international roaming")
        ROAMING_CLOSE = "roaming_close", _("Close international roaming")
        SIM_REPLACEMENT = "sim_replacement", _("SIM replacement")
        NUMBER_CHANGE = "number_change", _("Number change")
        CUSTOMER_DATA = "customer_data", _("Customer data change")
        FEATURE_CHANGE = "feature_change", _("Feature change")
        DISCOUNT_CHANGE = "discount_change", _("Discount change")
        HANDSET_SALE = "handset_sale", _("Handset purchase")
        INVOICE_REPRINT = "invoice_reprint", _("Invoice reprint")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft (not paid)")
        PAID = "paid", pgettext_lazy("order state", "Paid")
        PROVISIONING = "provisioning", pgettext_lazy("order state", "Provisioning")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", pgettext_lazy("order state", "Cancelled")

    class Document(models.TextChoices):
        """Documents the rep checked at the counter (证件)."""

        ID_ORIGINAL = "id_original", _("Identity document, original")
        ID_COPY = "id_copy", _("Identity document, copy")
        UNIT_LETTER = "unit_letter", _("Unit letter (单位证明)")
        LICENCE = "licence", _("Business licence, original")
        LICENCE_COPY = "licence_copy", _("Business licence, copy")
        AGENT_ID = "agent_id", _("Agent's identity document")
        PASSBOOK = "passbook", _("Bank passbook")
        HOLDER_ID = "holder_id", _("Account holder's identity document")
        SEAL_CARD = "seal_card", _("Bank seal card (印鉴卡)")

    kind = models.CharField(_("business"), max_length=30, choices=Kind.choices)
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True,
                         db_index=True)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="orders")
    actor = models.ForeignKey("boss.Staff", verbose_name=_("operator"), on_delete=models.PROTECT,
                              related_name="orders")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="orders")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="orders")
    msisdn = models.CharField(_("mobile number"), max_length=11, blank=True)
    agent = models.ForeignKey("customers.CustomerIdentity", verbose_name=_("agent"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    documents_checked = models.JSONField(_("documents checked"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    amount_due = models.DecimalField(_("amount due"), **MONEY, default=0)
    payment = models.OneToOneField("billing.Payment", verbose_name=_("payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="order")
    reservation = models.ForeignKey("orders.NumberReservation", verbose_name=_("reservation"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="orders")
    agreement_signed_at = models.DateTimeField(_("agreement signed at"), null=True, blank=True)
    blacklist_override_by = models.ForeignKey("boss.Staff", verbose_name=_("blacklist override by"), null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(pgettext_lazy("order", "paid at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("order", "cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        indexes = [models.Index(fields=["hall", "state"], name="order_hall_state_idx")]
        permissions = [
            ("open_account", _("Can open accounts")),
            ("collect_fee", _("Can collect fees")),
            ("precancel_line", _("Can pre-cancel lines (designated halls)")),
            ("cancel_line", _("Can formally cancel lines")),
            ("transfer_line", _("Can transfer lines to a new owner")),
            ("serve_line", _("Can do the comprehensive services of a line")),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """The order number printed on the agreement: hall, date, sequence."""
        created = timezone.localtime(self.created_at) if self.created_at else timezone.localtime()
        return f"{created:%Y%m%d}{self.pk or 0:08d}"

    @property
    def reference(self) -> str:
        return f"order:{self.pk}"

    @property
    def agreement_signed(self) -> bool:
        return self.agreement_signed_at is not None

    def audit_repr(self) -> str:
        return f"{self.number} {self.kind}"

    @fsm.transition(field=state, source=State.DRAFT, target=State.PAID)
    def pay(self, *, when, payment) -> None:
        self.paid_at, self.payment = when, payment

    @fsm.transition(field=state, source=State.PAID, target=State.PROVISIONING)
    def provision(self) -> None:
        pass

    @fsm.transition(field=state, source=[State.PAID, State.PROVISIONING, State.FAILED], target=State.COMPLETED)
    def complete(self, *, when) -> None:
        self.completed_at = when

    @fsm.transition(field=state, source=State.PROVISIONING, target=State.FAILED)
    def fail(self) -> None:
        pass

    @fsm.transition(field=state, source=[State.DRAFT, State.PROVISIONING, State.FAILED], target=State.CANCELLED)
    def cancel(self, *, when, reason: str) -> None:
        self.cancelled_at, self.cancel_reason = when, reason[:200]


class RetentionAttempt(models.Model):
    """The retention attempt of a pre-cancellation (销号挽留, process 3.2): what was offered, whether the
    customer stayed. A customer who still leaves gets priority number selection if they come back."""

    class Reason(models.TextChoices):
        MOVING = "moving", _("Moving away")
        PRICE = "price", _("Price too high")
        QUALITY = "quality", _("Network quality")
        SERVICE = "service", _("Service at the hall")
        COMPETITOR = "competitor", _("Going to another operator")
        NO_NEED = "no_need", _("No longer needed")
        OTHER = "other", _("Other reason")

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="retention")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="retention_attempts")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="retention_attempts")
    reason = models.CharField(_("reason for leaving"), max_length=20, choices=Reason.choices)
    reason_detail = models.CharField(_("reason in the customer's words"), max_length=200, blank=True)
    offer = models.CharField(_("retention offer made"), max_length=200)
    other_brands = models.CharField(_("other brands or plans offered"), max_length=200, blank=True)
    accepted = models.BooleanField(_("customer stays"))
    priority_on_return = models.BooleanField(_("priority number selection on return"), default=False)
    staff = models.ForeignKey("boss.Staff", verbose_name=_("customer manager"), on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention attempt")
        verbose_name_plural = _("retention attempts")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.line} {'+' if self.accepted else '-'}"


class OrderLine(models.Model):
    """One itemised charge of an order, as quoted and then paid: a fee (revenue, invoiced), a prepayment
    or a deposit (receipt), or a discount (a negative fee)."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        PREPAYMENT = "prepayment", _("Prepayment")
        DEPOSIT = "deposit", _("Deposit")
        DISCOUNT = "discount", _("Discount")
        ARREARS = "arrears", _("Arrears paid")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("code"), max_length=60)
    item = models.CharField(_("item"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    fee_type = models.CharField(_("fee type"), max_length=40, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self):
        return f"{self.item} {self.amount}"

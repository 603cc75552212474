"""The product catalog: plans (main plans and add-ons), features, one-time fees, discounts, offers and the
number grades (靓号 tiers) with their pattern rules. Reference data that every counter process reads; it
knows nothing of customers, lines or orders.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.models import TimeStampedModel
from boss.money import MONEY

# Usage rates are finer than a fen (¥0.0029 per MB): four places, still exact decimals.
RATE = {"max_digits": 10, "decimal_places": 4}


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
    max_secondary_cards = models.PositiveSmallIntegerField(
        _("secondary cards at most"), default=0,
        help_text=_("How many secondary cards (副卡) may share a line's allowance on this main plan; 0: none."))
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
    grade = models.ForeignKey("catalog.NumberGrade", verbose_name=_("number grade"), null=True, blank=True,
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
    # The conditions of the offer besides business, plan and validity (issue 11): empty means any.
    network = models.CharField(_("network"), max_length=4, choices=Network.choices, blank=True, default="",
                               help_text=_("Empty: plans of every network."))
    brand = models.CharField(_("plan family"), max_length=10, choices=Plan.Brand.choices, blank=True, default="",
                             help_text=_("Empty: plans of every family."))
    customer_kind = models.CharField(_("customer type"), max_length=20, blank=True, default="",
                                     choices=[("individual", _("Individual")), ("organization", _("Organization"))],
                                     help_text=_("Empty: every customer."))
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

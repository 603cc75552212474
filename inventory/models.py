"""The inventory: the number pool (segments, numbers, reservations) and the stock of SIM cards, handsets and
recharge cards, with the imports that fill them. Every contested resource a counter takes lives here,
behind row locks and database constraints.
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Right, Substr
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.models import ImmutableModel, TimeStampedModel
from boss.money import MONEY
from catalog.grading import NARROW_SHAPES, SHAPE_DIGITS, SHAPES
from catalog.models import Network, NumberGrade, SimCapacity


class Operator(models.TextChoices):
    """Who serves a number. Never derived from the prefix: numbers port between operators (A5, A6)."""

    CMCC = "cmcc", _("China Mobile")
    CUCC = "cucc", _("China Unicom")
    CTCC = "ctcc", _("China Telecom")
    CBN = "cbn", _("China Broadnet")


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


class StockImport(models.Model):
    """One CSV import into stock or the number pool, with its report (line numbers of what was refused)."""

    class Kind(models.TextChoices):
        SIM = "sim", _("SIM cards")
        HANDSET = "handset", _("Handsets")
        RECHARGE_CARD = "recharge_card", _("Recharge cards")
        NUMBER = "number", _("Numbers")
        GIFT = "gift", _("Points gifts")

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


def _ending_shape_expression(field: str) -> Case:
    """catalog.grading.ending_shape in SQL (PostgreSQL and SQLite): which of the digits of the last four are
    equal picks the shape, one WHEN per shape."""
    digits = [Substr(Right(field, SHAPE_DIGITS), i + 1, 1) for i in range(SHAPE_DIGITS)]

    def condition(shape: str) -> Q:
        pairs = [(i, j) for i in range(SHAPE_DIGITS) for j in range(i + 1, SHAPE_DIGITS)]
        return Q(*(Exact(digits[i], digits[j]) if shape[i] == shape[j] else ~Q(Exact(digits[i], digits[j]))
                   for i, j in pairs))

    return Case(*(When(condition(shape), then=Value(shape)) for shape in SHAPES), default=Value(""))


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
    # Computed by the database from the number, so that no way into the pool can leave it unset or wrong.
    ending_shape = models.GeneratedField(
        verbose_name=_("shape of the ending"), expression=_ending_shape_expression("msisdn"),
        output_field=models.CharField(max_length=SHAPE_DIGITS), db_persist=True)

    class Meta:
        verbose_name = _("number")
        verbose_name_plural = _("numbers")
        ordering = ["msisdn"]
        permissions = [
            ("reserve_number", _("Can reserve numbers")),
            ("release_any_reservation", _("Can release number reservations of other staff")),
        ]
        # Search indexes: segment and grade browse in number order (and serve their foreign keys); so do
        # the numbers whose ending has a narrow shape (AABB ..., 6 % of a random pool), by shape for a
        # pattern search (one range in number order, however many endings the pattern stands for) and by
        # last four digits for an ending such as 8888 (a shape and an ending are too correlated for the
        # planner to combine two indexes well: it expects a few rows and sorts thousands);
        # the cool-down job reads a small partial index, of the numbers with a cool-down date: not of a
        # status, which every reservation, release and sale changes, and which in any index (its condition
        # included) keeps PostgreSQL from updating the row where it lies (HOT) instead of adding it to all ten
        # indexes; the table leaves a tenth of each page free for such updates (migration 0007). The indexes
        # for `ending` (reversed text) and `contains` (trigrams) are PostgreSQL-only: see migration 0003. The
        # unique constraint (not unique=True) spares the varchar_pattern_ops index Django would add, which no
        # query uses.
        indexes = [
            models.Index(fields=["segment", "msisdn"], name="number_segment_idx"),
            models.Index(fields=["grade", "msisdn"], name="number_grade_idx"),
            models.Index(fields=["ending_shape", "msisdn"], condition=Q(ending_shape__in=NARROW_SHAPES),
                         name="number_ending_shape_idx"),
            models.Index(Right("msisdn", SHAPE_DIGITS), F("msisdn"), condition=Q(ending_shape__in=NARROW_SHAPES),
                         name="number_narrow_ending_idx"),
            models.Index(fields=["frozen_until"], condition=Q(frozen_until__isnull=False), name="number_frozen_idx"),
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
        # The counter takes the hall's first card in stock (sim_card_pick: ORDER BY id LIMIT 1): with the id
        # last, the index hands it over without sorting the hall's whole stock (27 ms for 20,000 cards).
        indexes = [models.Index(fields=["hall", "status", "capacity", "id"], name="sim_stock_idx")]

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
# Points gifts (积分礼品, process 9): the catalogue and the stock of each redemption hall
# --------------------------------------------------------------------------------------------------


class Gift(TimeStampedModel):
    """A gift of the points catalogue: its points price, an optional cash top-up, when it may be redeemed
    and its picture (kept in the database: a few hundred KB, served by the stock screens)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("gift"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    points = models.PositiveIntegerField(_("points price"))
    cash_topup = models.DecimalField(_("cash top-up"), **MONEY, default=0)
    valid_from = models.DateField(_("redeemable from"))
    valid_until = models.DateField(_("redeemable until"), null=True, blank=True)
    return_days = models.PositiveSmallIntegerField(_("return period (days)"), default=7)
    picture = models.BinaryField(_("picture"), blank=True, default=b"", editable=True)
    picture_type = models.CharField(_("picture type"), max_length=20, blank=True)
    active = models.BooleanField(_("in the catalogue"), default=True)

    class Meta:
        verbose_name = _("points gift")
        verbose_name_plural = _("points gifts")
        ordering = ["points", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="gift_points_positive"),
            models.CheckConstraint(condition=Q(cash_topup__gte=0), name="gift_cash_topup_not_negative"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="gift_until_after_from"),
        ]

    def __str__(self):
        return self.name

    def redeemable_on(self, day) -> bool:
        return self.active and self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


class GiftStock(TimeStampedModel):
    """How many of one gift a redemption hall holds. The row is the lock two counters meet on; the quantity
    never goes below zero (a database CHECK behind the lock)."""

    gift = models.ForeignKey(Gift, verbose_name=_("gift"), on_delete=models.PROTECT, related_name="stock")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="gift_stock")
    quantity = models.IntegerField(_("in stock"), default=0)

    class Meta:
        verbose_name = _("gift stock")
        verbose_name_plural = _("gift stock")
        ordering = ["hall", "gift"]
        permissions = [("count_gift_stock", _("Can record a count of the gift stock"))]
        constraints = [
            models.UniqueConstraint(fields=["gift", "hall"], name="one_gift_stock_per_hall"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="gift_stock_not_negative"),
        ]

    def __str__(self):
        return f"{self.gift} @ {self.hall}: {self.quantity}"


class GiftStockMovement(ImmutableModel):
    """Every change of a gift stock, written once: received, counted, handed out, returned."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        COUNT = "count", _("Stock count")
        REDEEM = "redeem", _("Handed out for points")
        RETURN = "return", _("Returned by the customer")

    stock = models.ForeignKey(GiftStock, verbose_name=_("gift stock"), on_delete=models.PROTECT,
                              related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    delta = models.IntegerField(_("change"))
    quantity_after = models.IntegerField(_("in stock after"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("remark"), max_length=200, blank=True)
    actor = models.ForeignKey("boss.Staff", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockImport, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("gift stock movement")
        verbose_name_plural = _("gift stock movements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_after__gte=0), name="gift_movement_after_not_negative"),
            models.CheckConstraint(condition=~Q(delta=0) | Q(kind="count"), name="gift_movement_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.delta:+d}"

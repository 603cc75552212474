"""The double-entry ledger (架构决策 2).

Every movement of money is one LedgerTransaction of two or more LedgerEntry rows whose amounts sum to
zero. Amounts are signed Decimals in yuan with 2 places: a positive amount is a debit, a negative one
a credit. Nothing here is updated or deleted: a correction is a reversing transaction. An account's
balance is the sum of its entries, read on the account's normal side.
"""

from decimal import Decimal

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.labels import label as code_label
from boss.models import CompiledSaveModel, ImmutableModel, TimeStampedModel
from boss.money import MONEY, ZERO


class LedgerAccount(CompiledSaveModel):
    class Kind(models.TextChoices):
        CASH_DRAWER = "cash_drawer", _("Cash drawer")
        BANK_CLEARING = "bank_clearing", _("Bank clearing")
        CUSTOMER = "customer", _("Customer account")
        DEPOSIT = "deposit", _("Deposit")
        REVENUE = "revenue", _("Revenue")
        REFUNDS_PAYABLE = "refunds_payable", _("Refunds payable")
        SUSPENSE = "suspense", _("Suspense")

    # Asset accounts grow with debits; the operator's liabilities and revenue grow with credits.
    DEBIT_NORMAL = frozenset({Kind.CASH_DRAWER, Kind.BANK_CLEARING})

    code = models.CharField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    subtype = models.CharField(_("subtype"), max_length=40, blank=True,
                               help_text=_("Fee type of a revenue account, bank of a clearing account, "
                                           "payment method of a drawer."))
    name = models.CharField(_("name"), max_length=120)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="ledger_accounts")
    staff = models.ForeignKey("boss.Staff", verbose_name=_("staff user"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="ledger_accounts")
    billing_account = models.ForeignKey("customers.Account", verbose_name=_("account"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="ledger_accounts")
    non_negative = models.BooleanField(_("may not go below zero"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]
        permissions = [("view_own_drawer", _("Can see their own cash drawer"))]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        """The account's name in the reader's language."""
        kind = self.Kind
        if self.kind == kind.CASH_DRAWER:
            owner = self.staff.display_name if self.staff_id else "-"
            method = code_label("billing.PaymentMethod", self.subtype)
            return _("Drawer of %(staff)s (%(method)s)") % {"staff": owner, "method": method}
        if self.kind == kind.REVENUE:
            return _("Revenue: %(fee)s") % {"fee": code_label("billing.FeeType", self.subtype)}
        if self.kind == kind.BANK_CLEARING:
            return _("Bank clearing: %(bank)s") % {"bank": self.subtype}
        if self.name and self.name != self.code:
            return self.name
        return self.get_kind_display()

    def get_kind_display(self) -> str:
        """The kind's label, looked up directly (Django's generated one, which this replaces, copies every
        choice into a hashable dict and translates each label on every call: on the ledger account list,
        with a kind cell and a label per row, that was a fifth of the screen's time)."""
        try:
            return self.Kind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def debit_normal(self) -> bool:
        return self.kind in self.DEBIT_NORMAL

    def normal(self, signed_sum: Decimal) -> Decimal:
        """The signed sum of entries read on this account's normal side, to the fen."""
        value = Decimal(signed_sum or 0).quantize(Decimal("0.01"))
        return value if self.debit_normal else -value


class LedgerTransaction(ImmutableModel):
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    actor = models.ForeignKey("boss.Staff", verbose_name=_("operator"), on_delete=models.PROTECT,
                              related_name="ledger_transactions")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    booked_on = models.DateField(_("business date"), default=timezone.localdate, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A transaction is reversed at most once: the database refuses a second reversal.
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.kind}"


class LedgerEntry(ImmutableModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    # Its own index would repeat the first column of ledger_entry_account_idx: one index less to write on every
    # entry (every payment, every bill).
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries", db_index=False)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        # The amount carried in the index: an account's sum (its balance, the ledger account list) is read from the
        # index alone, not from the entries' rows scattered over the table.
        indexes = [models.Index(fields=["account", "id"], include=["amount"], name="ledger_entry_account_idx")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.account.code} {self.amount}"


# --------------------------------------------------------------------------------------------------
# Payments and documents
# --------------------------------------------------------------------------------------------------


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_CARD = "bank_card", _("Bank card (POS)")
    RECHARGE_CARD = "recharge_card", _("Recharge card")
    BANK_COLLECTION = "bank_collection", _("Bank collection")


class Payment(ImmutableModel):
    """Money received for an account (缴费): one ledger transaction, one or two documents.

    For cash, the amount due, the amount tendered and the change are kept (唱收唱付).
    """

    account = models.ForeignKey("customers.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="payments")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    tendered = models.DecimalField(_("tendered"), **MONEY, null=True, blank=True)
    change = models.DecimalField(_("change"), **MONEY, null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    ledger_transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="payment")
    actor = models.ForeignKey("boss.Staff", verbose_name=_("operator"), on_delete=models.PROTECT,
                              related_name="payments")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="payments")
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(tendered__isnull=True) | Q(tendered__gte=models.F("amount")),
                                   name="payment_tendered_covers_amount"),
        ]

    def __str__(self):
        return f"{_('Payment')} #{self.pk}"


class DocumentSequence(models.Model):
    """The next number of a hall's document series. Locked FOR UPDATE while a number is taken, so
    numbers are unique and without gaps (a rolled-back transaction gives its number back)."""

    hall = models.ForeignKey("boss.Hall", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    series = models.CharField(max_length=10)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "kind", "series"], name="document_sequence_unique")]
    def __str__(self):
        return f"{self.hall_id} {self.kind} {self.series}: {self.next_number}"



class Document(ImmutableModel):
    """A receipt (收据, for prepayments and deposits) or an invoice (发票, for fees). Immutable: a
    correction is a red-letter document (negative total) that refers to the original."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        INVOICE = "invoice", _("Invoice")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="documents")
    series = models.CharField(_("series"), max_length=10)
    number = models.PositiveIntegerField(_("number"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="documents")
    msisdn = models.CharField(_("mobile number"), max_length=11, blank=True)
    lines = models.JSONField(pgettext_lazy("document", "lines"), default=list)  # [{"item": str, "amount": "12.00"}]
    total = models.DecimalField(_("total"), **MONEY)
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="documents")
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    reversal_of = models.ForeignKey("self", verbose_name=_("red-letter for"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversals")
    actor = models.ForeignKey("boss.Staff", verbose_name=_("operator"), on_delete=models.PROTECT,
                              related_name="documents")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "kind", "series", "number"], name="document_number_unique"),
            # A blue document is positive; a red-letter one is negative and names its original.
            models.CheckConstraint(condition=Q(reversal_of__isnull=True, total__gt=0)
                                   | Q(reversal_of__isnull=False, total__lt=0), name="document_sign"),
        ]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        letter = "S" if self.kind == self.Kind.RECEIPT else "F"
        return f"{self.hall.code}-{letter}{self.series}-{self.number:08d}"

    def audit_repr(self) -> str:
        return self.display_number


class DocumentPrint(ImmutableModel):
    """Every print of a document; all but the first are copies (补打) and say so on the paper."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="prints")
    copy = models.BooleanField(_("copy"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    printed_by = models.ForeignKey("boss.Staff", verbose_name=_("printed by"), on_delete=models.PROTECT,
                                   related_name="+")
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)


# --------------------------------------------------------------------------------------------------
# Usage records (话单)
# --------------------------------------------------------------------------------------------------


class UsageImport(fsm.ConcurrentTransitionMixin, models.Model):
    """One import of a usage file: its progress and what it found (duplicates, malformed lines)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=200)
    file_path = models.CharField(max_length=500, blank=True)
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, protected=True)
    total_lines = models.PositiveIntegerField(_("lines read"), default=0)
    imported = models.PositiveIntegerField(_("records imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    error_count = models.PositiveIntegerField(_("malformed lines"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"line": 12, "error": "..."}], first 1000
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    uploaded_by = models.ForeignKey("boss.Staff", verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("usage import")
        verbose_name_plural = _("usage imports")
        ordering = ["-id"]
        permissions = [("import_usage", _("Can import usage files"))]

    # From RUNNING and FAILED too: the task is run again after its worker died or to try a failed file again
    # (the records already in are skipped as duplicates). A finished import is never run again.
    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @fsm.transition(field=status, source=[Status.QUEUED, Status.RUNNING, Status.FAILED], target=Status.RUNNING)
    def start(self) -> None:
        pass

    @fsm.transition(field=status, source=Status.RUNNING, target=Status.DONE)
    def finish(self, *, when) -> None:
        self.progress, self.finished_at = 100, when

    @fsm.transition(field=status, source=Status.RUNNING, target=Status.FAILED)
    def fail(self, *, when) -> None:
        self.progress, self.finished_at = 100, when


class UsageRecord(models.Model):
    """One call, SMS or data session of a line, as the switch reported it. The record id is the switch's
    own; a record seen twice is skipped, never charged twice."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Voice")
        SMS = "sms", _("SMS")
        DATA = "data", _("Data")

    class Direction(models.TextChoices):
        OUT = "out", _("Outgoing")
        IN = "in", _("Incoming")

    record_id = models.CharField(_("record id"), max_length=40, unique=True)
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="usage_records")
    msisdn = models.CharField(_("mobile number"), max_length=11)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.OUT)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), default=0)
    volume_kb = models.PositiveBigIntegerField(_("volume (KB)"), default=0)
    other_party = models.CharField(_("other party"), max_length=30, blank=True)
    roaming = models.BooleanField(_("roaming"), default=False)
    long_distance = models.BooleanField(_("long distance"), default=False)
    usage_import = models.ForeignKey(UsageImport, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="records")

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        indexes = [models.Index(fields=["line", "started_at"], name="usage_line_time_idx")]

    def __str__(self):
        return f"{self.msisdn} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------------
# Rating (计费): the plan of a line per month, and every usage record priced
# --------------------------------------------------------------------------------------------------


class FeeType(models.TextChoices):
    """What a charge is for: the revenue account it is credited to and the bill's grouping."""

    MONTHLY = "monthly", _("Monthly plan fee")
    FEATURE = "feature", _("Feature fees")
    DISCOUNT = "discount", _("Discounts")
    VOICE = "voice", _("Voice calls")
    SMS = "sms", _("Text messages")
    DATA = "data", _("Mobile data")
    ROAMING = "roaming", _("International roaming")
    LONG_DISTANCE = "long_distance", _("International long distance")
    # What a premium number's minimum monthly spend (保底消费) adds when the month's charges fall short.
    MINIMUM_SPEND = "minimum_spend", _("Minimum spend top-up")
    # Late fees (滞纳金) on the previous month's overdue bills (billing.services.late_fees).
    LATE_FEE = "late_fee", _("Late fees")


def revenue_kind_choices() -> list[tuple[str, str]]:
    """What a revenue account (ledger subtype) is for, as a person reads it: the rated fee types, the
    catalogue's one-time fees and the sales booked at the counter (boss.labels "billing.FeeType")."""
    from catalog.models import OneTimeFee

    return [*FeeType.choices, *OneTimeFee.Kind.choices, ("handset", _("Handset sales")),
            ("points_gift", _("Points gifts: cash part")), ("adjustment", _("Bill adjustments")),
            ("other", _("Other fees"))]


class LinePlanPeriod(TimeStampedModel):
    """The plan a line is rated and billed on from a month on (plans change from the first of a month,
    次月生效). A correction for a past month is a new row for that month; the newest row covering a
    month wins. A line without any row is on `Line.plan`."""

    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="plan_periods")
    plan = models.ForeignKey("catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("from the month of"))
    until = models.DateField(_("up to the month of"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey("boss.Staff", verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("plan of a line for a period")
        verbose_name_plural = _("plans of lines for periods")
        indexes = [models.Index(fields=["line", "since"], name="line_plan_period_idx")]
        constraints = [models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                              name="line_plan_period_order")]
        permissions = [("correct_plan", _("Can correct the plan of a past month and re-rate it"))]

    def __str__(self):
        return f"{self.line_id} {self.plan_id} {self.since:%Y-%m}"


class RatedRecord(models.Model):
    """A usage record priced (批价): how many units it had, how many came out of the plan's allowance,
    the rate used and the charge. A month is rated as a whole: re-rating replaces its rows."""

    # No database constraint on any of the three keys: rating writes these rows only, in one statement that
    # takes the usage record's id and line from the usage records it reads (the record's own line key is
    # checked) and the plan from the catalogue; usage records are never deleted (the CASCADE is Django's),
    # lines and plans neither (PROTECT elsewhere). Checking the three keys of every rated record took 60 % of
    # the rating statement (60,000 row lookups each per chunk and key; issue 20).
    usage_record = models.OneToOneField(UsageRecord, primary_key=True, on_delete=models.CASCADE,
                                        related_name="rating", db_constraint=False)
    line = models.ForeignKey("customers.Line", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)
    period = models.DateField(_("month"))
    fee_type = models.CharField(_("fee type"), max_length=16, choices=FeeType.choices)
    plan = models.ForeignKey("catalog.Plan", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)
    units = models.BigIntegerField(_("units"))
    included_units = models.BigIntegerField(_("units in the allowance"))
    charged_units = models.BigIntegerField(_("units charged"))
    rate = models.DecimalField(_("rate"), max_digits=10, decimal_places=4)
    charge = models.DecimalField(_("charge"), **MONEY)

    class Meta:
        verbose_name = _("rated record")
        verbose_name_plural = _("rated records")
        indexes = [models.Index(fields=["line", "period"], name="rated_line_period_idx")]

    def __str__(self):
        return f"{self.usage_record_id} {self.fee_type} {self.charge}"


# --------------------------------------------------------------------------------------------------
# The monthly bill run (月结) and bills
# --------------------------------------------------------------------------------------------------


class BillRun(fsm.ConcurrentTransitionMixin, models.Model):
    """One bill run per month. Its lines are cut into chunks; each chunk is billed in one transaction
    and claimed with SKIP LOCKED, so a run killed half-way is finished by running it again."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        DONE_WITH_ERRORS = "done_with_errors", _("Done with errors")

    period = models.DateField(_("month"), unique=True)
    status = fsm.FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING, protected=True)
    passes = models.PositiveSmallIntegerField(_("passes"), default=0)
    started_by = models.ForeignKey("boss.Staff", verbose_name=_("started by"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")
        ordering = ["-period"]
        permissions = [("start_billrun", _("Can start and resume bill runs"))]

    def __str__(self):
        return f"{self.period:%Y-%m}"

    # A pass bills the lines still without a bill: the first one, a resumed one (from RUNNING: killed before it
    # was closed) or one after a finished run whose failed lines are to be billed again.
    @fsm.transition(field=status, source=[Status.RUNNING, Status.DONE, Status.DONE_WITH_ERRORS], target=Status.RUNNING)
    def start_pass(self) -> None:
        self.passes += 1
        self.finished_at = None

    @fsm.transition(field=status, source=Status.RUNNING, target=Status.DONE)
    def finish(self, *, when) -> None:
        self.finished_at = when

    @fsm.transition(field=status, source=Status.RUNNING, target=Status.DONE_WITH_ERRORS)
    def finish_with_errors(self, *, when) -> None:
        self.finished_at = when


class BillRunChunk(fsm.ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be billed")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="chunks")
    first_line_id = models.BigIntegerField()
    last_line_id = models.BigIntegerField()
    line_count = models.PositiveIntegerField(default=0)
    status = fsm.FSMField(max_length=10, choices=Status.choices, default=Status.PENDING, protected=True)
    bills = models.PositiveIntegerField(default=0)
    total = models.DecimalField(**MONEY, default=ZERO)
    errors = models.JSONField(default=list, blank=True)   # [{"line": msisdn, "error": "..."}]
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "status"], name="billrun_chunk_status_idx")]

    def __str__(self):
        return f"{self.run_id}: lines {self.first_line_id}-{self.last_line_id} ({self.get_status_display()})"

    @fsm.transition(field=status, source=Status.PENDING, target=Status.DONE)
    def bill(self, *, bills: int, total, errors: list, when) -> None:
        """Billed in one transaction; `errors` are the lines left for a later pass."""
        self.bills, self.total, self.errors = bills, total, errors
        self.attempts, self.finished_at = self.attempts + 1, when

    @fsm.transition(field=status, source=Status.PENDING, target=Status.FAILED)
    def fail(self, *, error: str, when) -> None:
        """The chunk's transaction failed as a whole; a later pass bills its lines."""
        self.errors = [{"line": "", "error": error[:300]}]
        self.attempts, self.finished_at = self.attempts + 1, when


class Bill(ImmutableModel):
    """The bill of one line for one month. Never two for the same line and month (database constraint).
    Posted to the ledger as one balanced transaction: the part not already charged in real time."""

    # Indexes: (line, period) unique, (account, period), (customer, period); a bill run inserts 100,000
    # bills, so the foreign keys get no single-column index of their own.
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="bills", db_index=False)
    account = models.ForeignKey("customers.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="bills",
                                db_index=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="bills", db_index=False)
    plan = models.ForeignKey("catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    period = models.DateField(_("month"))
    bill_run = models.ForeignKey(BillRun, verbose_name=_("bill run"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="bill_set", db_index=False)
    total = models.DecimalField(_("total"), **MONEY)
    charged_in_advance = models.DecimalField(_("already charged in real time"), **MONEY, default=ZERO)
    ledger_transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="bill")
    huge = models.BooleanField(_("huge bill"), default=False)
    history_average = models.DecimalField(_("average of the previous months"), **MONEY, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "period"], name="one_bill_per_line_and_month"),
            models.CheckConstraint(condition=Q(total__gte=0), name="bill_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["account", "period"], name="bill_account_period_idx"),
            models.Index(fields=["customer", "period"], name="bill_customer_period_idx"),
            models.Index(fields=["period"], condition=Q(huge=True), name="bill_huge_idx"),
        ]
        permissions = [("print_itemised_bill", _("Can print itemised bills"))]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"ZD{self.period:%Y%m}{self.pk:08d}"

    def audit_repr(self) -> str:
        return self.number


class BillLine(ImmutableModel):
    """One charge on a bill. `name` is the catalog's own name (a plan, feature or discount); the label
    is made in the reader's language from `fee_type` and `name`."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="items")
    fee_type = models.CharField(_("fee type"), max_length=16, choices=FeeType.choices)
    name = models.CharField(_("item"), max_length=100, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    quantity = models.BigIntegerField(_("quantity"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        ordering = ["id"]


class PrepaidCharge(ImmutableModel):
    """A real-time charge of a prepaid line for a month (monthly fees in advance, usage as it is rated).
    The charges of a line-month sum to what has been taken so far; the bill posts only the rest."""

    line = models.ForeignKey("customers.Line", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    fee_type = models.CharField(_("fee type"), max_length=16, choices=FeeType.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    ledger_transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["line", "period"], name="prepaid_line_period_idx")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="prepaid_charge_not_zero")]


class BillSettlement(ImmutableModel):
    """A bill found paid (oldest bills are paid first), with the points it earned."""

    bill = models.OneToOneField(Bill, primary_key=True, on_delete=models.PROTECT, related_name="settlement")
    paid_at = models.DateTimeField(pgettext_lazy("bill", "paid at"), auto_now_add=True)
    points = models.PositiveIntegerField(_("points earned"), default=0)


# --------------------------------------------------------------------------------------------------
# Points (积分): lots that expire, a ledger of changes
# --------------------------------------------------------------------------------------------------


class PointsLot(models.Model):
    """Points earned at one time (from one paid bill), with what is left and when they expire."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="points_lots")
    bill = models.OneToOneField(Bill, verbose_name=_("bill"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="points_lot")
    earned_on = models.DateField(_("earned on"))
    points = models.PositiveIntegerField(_("points"))
    remaining = models.PositiveIntegerField(_("points left"))
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["customer", "expires_on"], name="points_lot_customer_idx"),
                   models.Index(fields=["expires_on"], condition=Q(remaining__gt=0), name="points_lot_live_idx")]
        constraints = [models.CheckConstraint(condition=Q(remaining__lte=models.F("points")),
                                              name="points_lot_remaining_le_points")]

    def __str__(self):
        return f"{self.points} ({self.remaining} left, until {self.expires_on})"


class PointsEntry(ImmutableModel):
    class Kind(models.TextChoices):
        ACCRUE = "accrue", _("Earned")
        TAKE_BACK = "take_back", _("Taken back by a refund")
        EXPIRE = "expire", _("Expired")
        REDEEM = "redeem", _("Redeemed for a gift")
        RETURN = "return", _("Given back: gift returned")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="points_entries")
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    delta = models.IntegerField(_("points"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="points_entry_not_zero")]


# --------------------------------------------------------------------------------------------------
# Arrears (欠费): reminder, then suspension
# --------------------------------------------------------------------------------------------------


class ArrearsCase(fsm.ConcurrentTransitionMixin, models.Model):
    """An account below its credit limit: reminded first, its active lines suspended when still below
    after the reminder period; closed when the balance is back or the lines are restored."""

    class Status(models.TextChoices):
        REMINDED = "reminded", _("Reminded")
        SUSPENDED = "suspended", _("Lines suspended")
        CLOSED = "closed", _("Closed (paid or exempt)")

    account = models.ForeignKey("customers.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="arrears_cases")
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.REMINDED, protected=True)
    balance_at_reminder = models.DecimalField(_("balance at the reminder"), **MONEY)
    reminded_at = models.DateTimeField(_("reminded at"))
    suspend_after = models.DateTimeField(_("suspension from"))
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_lines = models.JSONField(_("lines suspended"), default=list, blank=True)  # [msisdn]
    closed_at = models.DateTimeField(_("case closed at"), null=True, blank=True)
    close_reason = models.CharField(_("closed because"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("arrears case")
        verbose_name_plural = _("arrears cases")
        ordering = ["-reminded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["account"], condition=Q(closed_at__isnull=True),
                                               name="one_open_arrears_case_per_account")]
        indexes = [models.Index(fields=["suspend_after"], condition=Q(status="reminded"),
                                name="arrears_due_idx")]

    def __str__(self):
        return f"{self.account_id} {self.get_status_display()}"

    @fsm.transition(field=status, source=Status.REMINDED, target=Status.SUSPENDED)
    def suspend(self, *, when, lines: list) -> None:
        """`lines`: the numbers suspended."""
        self.suspended_at, self.suspended_lines = when, lines

    @fsm.transition(field=status, source=[Status.REMINDED, Status.SUSPENDED], target=Status.CLOSED)
    def close(self, *, when, reason: str) -> None:
        self.closed_at, self.close_reason = when, reason


# --------------------------------------------------------------------------------------------------
# Bank collection (银行托收)
# --------------------------------------------------------------------------------------------------


class BankCollectionBatch(fsm.ConcurrentTransitionMixin, models.Model):
    """The month's collection for the accounts of one bank: exported as a file, answered by the bank's
    result file."""

    class Status(models.TextChoices):
        EXPORTED = "exported", _("Sent to the bank")
        ANSWERED = "answered", _("Result imported")

    period = models.DateField(_("month"))
    bank_code = models.CharField(_("bank"), max_length=20)
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.EXPORTED, protected=True)
    item_count = models.PositiveIntegerField(_("accounts"), default=0)
    total = models.DecimalField(_("amount asked"), **MONEY, default=ZERO)
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("result imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank collection batch")
        verbose_name_plural = _("bank collection batches")
        ordering = ["-period", "bank_code"]
        constraints = [models.UniqueConstraint(fields=["period", "bank_code"], name="one_batch_per_bank_and_month")]
        permissions = [("manage_bank_collection", _("Can make bank collection batches and import their results"))]

    def __str__(self):
        return f"{self.bank_code} {self.period:%Y-%m}"

    @fsm.transition(field=status, source=Status.EXPORTED, target=Status.ANSWERED)
    def answer(self, *, when) -> None:
        """The bank answered every item of the batch."""
        self.answered_at = when


class BankCollectionItem(fsm.ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the bank")
        PAID = "paid", _("Collected")
        REJECTED = "rejected", _("Rejected by the bank")

    batch = models.ForeignKey(BankCollectionBatch, on_delete=models.PROTECT, related_name="items")
    account = models.ForeignKey("customers.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="collection_items")
    period = models.DateField(_("month"))
    amount = models.DecimalField(_("amount asked"), **MONEY)
    bills = models.JSONField(_("bills"), default=list, blank=True)   # ids of the bills it collects
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, protected=True)
    paid_amount = models.DecimalField(_("amount collected"), **MONEY, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="collection_item")
    answered_at = models.DateTimeField(_("bank answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank collection item")
        verbose_name_plural = _("bank collection items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_collection_per_account_and_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="collection_amount_positive"),
        ]

    def __str__(self):
        return f"BC{self.pk:08d}"

    @fsm.transition(field=status, source=Status.PENDING, target=Status.PAID)
    def collect(self, *, amount, payment, when) -> None:
        """The bank debited `amount` (it may differ from what was asked)."""
        self.paid_amount, self.payment, self.answered_at = amount, payment, when

    @fsm.transition(field=status, source=Status.PENDING, target=Status.REJECTED)
    def reject(self, *, reason: str, when) -> None:
        self.reason, self.answered_at = reason[:200], when


# --------------------------------------------------------------------------------------------------
# Refund of over-deducted bank collection (BOSS 退费, process 6)
# --------------------------------------------------------------------------------------------------


class RefundCase(fsm.ConcurrentTransitionMixin, models.Model):
    """A refund of an over-deducted bank collection: requested (counter or hotline complaint), decided
    by the account room, paid by a rep who is not the approver (four-eyes, also a database check)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the account room")
        APPROVED = "approved", _("Approved, to be paid")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", pgettext_lazy("refund state", "Paid")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash at the counter")
        BANK = "bank", _("Transfer back to the bank account")

    number = models.CharField(_("refund number"), max_length=20, unique=True, null=True, blank=True)
    status = fsm.FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                          protected=True, db_index=True)
    account = models.ForeignKey("customers.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="refund_cases")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    # The complaint that asked for it, by its number (the hotline filters on it); the complaint holds the key
    # (complaints.Complaint.refund_case): complaints are a layer above billing.
    complaint_number = models.CharField(_("complaint number"), max_length=30, blank=True, db_index=True)
    collection_item = models.ForeignKey(BankCollectionItem, verbose_name=_("bank collection"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="refund_cases")
    description = models.CharField(_("what the customer says"), max_length=500, blank=True)
    requested_by = models.ForeignKey("boss.Staff", verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The hall the case belongs to: the requesting rep's, else (hotline, account room) the hall that opened
    # the line. Reps see and pay only their hall's cases; the account room and managers see all.
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    over_deducted = models.DecimalField(_("over-deducted amount"), **MONEY, null=True, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    decided_by = models.ForeignKey("boss.Staff", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), **MONEY, null=True, blank=True)
    paid_by = models.ForeignKey("boss.Staff", verbose_name=_("paid by staff"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    paid_hall = models.ForeignKey("boss.Hall", verbose_name=_("paid at the hall"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(pgettext_lazy("refund", "paid at"), null=True, blank=True)
    documents_checked = models.JSONField(_("documents checked"), default=list, blank=True)
    ledger_transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="refund_case")
    points_taken = models.PositiveIntegerField(_("points taken back"), default=0)
    form_prints = models.PositiveSmallIntegerField(_("refund form prints"), default=0)

    class Meta:
        verbose_name = _("refund case")
        verbose_name_plural = _("refund cases")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # The caps of process 6 and the four-eyes rule, kept by the database as well as the service.
            models.CheckConstraint(condition=Q(over_deducted__isnull=True) | Q(over_deducted__gt=0),
                                   name="refund_over_deducted_positive"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True)
                                   | Q(approved_amount__gt=0, approved_amount__lte=models.F("over_deducted")),
                                   name="refund_approved_within_over_deducted"),
            models.CheckConstraint(condition=Q(paid_amount__isnull=True)
                                   | Q(paid_amount__gt=0, paid_amount__lte=models.F("approved_amount")),
                                   name="refund_paid_within_approved"),
            models.CheckConstraint(condition=Q(paid_by__isnull=True) | ~Q(paid_by=models.F("decided_by")),
                                   name="refund_four_eyes"),
            # Separation of duties: the requester neither approves nor pays.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="refund_requester_not_approver"),
            models.CheckConstraint(condition=Q(paid_by__isnull=True) | ~Q(paid_by=models.F("requested_by")),
                                   name="refund_requester_not_payer"),
        ]
        permissions = [
            ("request_refund", _("Can open a refund case")),
            ("decide_refund", _("Can check over-deductions and approve or reject refunds")),
            ("pay_refund", _("Can pay approved refunds")),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    def audit_repr(self) -> str:
        return str(self)

    @fsm.transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self, *, by, when, over_deducted, amount, note: str) -> None:
        self.decided_by, self.decided_at, self.decision_note = by, when, note
        self.over_deducted, self.approved_amount = over_deducted, amount

    @fsm.transition(field=status, source=Status.REQUESTED, target=Status.REJECTED)
    def reject(self, *, by, when, over_deducted, note: str) -> None:
        self.decided_by, self.decided_at, self.decision_note = by, when, note
        self.over_deducted = over_deducted

    @fsm.transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def pay(self, *, by, when, amount, way: str, documents: list, hall) -> None:
        self.paid_by, self.paid_at, self.paid_amount = by, when, amount
        self.method, self.documents_checked, self.paid_hall = way, documents, hall


# --------------------------------------------------------------------------------------------------
# The daily close (日结): each rep's drawer, then the hall's day
# --------------------------------------------------------------------------------------------------


class DrawerClose(models.Model):
    """A rep's drawers closed for one business day (营业员日结).

    The counted cash (by denomination) is compared with what the ledger says the cash drawer holds; a
    difference is posted as a ledger transaction (never an edit) against the hall's cash over/short
    account, with a reason, and waits for the store manager's approval. From the close on, the rep's
    postings belong to the next business day. A re-opened hall day marks its closes `reopened`, so the
    rep closes again (a new row; the old one and its ledger transaction stay).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Difference awaiting approval")
        CLOSED = "closed", pgettext_lazy("day close", "Closed")
        REOPENED = "reopened", _("Re-opened")

    staff = models.ForeignKey("boss.Staff", verbose_name=_("sales rep"), on_delete=models.PROTECT,
                              related_name="drawer_closes")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="drawer_closes")
    day = models.DateField(_("business date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    denominations = models.JSONField(_("cash by denomination"), default=dict)  # {"100": 3, "0.5": 2}
    counted_cash = models.DecimalField(_("cash counted"), **MONEY)
    ledger_cash = models.DecimalField(_("cash by the ledger"), **MONEY)
    difference = models.DecimalField(_("difference"), **MONEY)  # counted - ledger
    reason = models.CharField(_("reason for the difference"), max_length=200, blank=True)
    difference_transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True,
                                                  on_delete=models.PROTECT, related_name="drawer_close")
    cash_in = models.DecimalField(_("cash taken"), **MONEY, default=ZERO)
    cash_out = models.DecimalField(_("cash paid out"), **MONEY, default=ZERO)
    card_total = models.DecimalField(_("bank card total"), **MONEY, default=ZERO)
    recharge_card_total = models.DecimalField(_("recharge card total"), **MONEY, default=ZERO)
    refunds_paid = models.DecimalField(_("refunds paid"), **MONEY, default=ZERO)
    invoices = models.PositiveIntegerField(_("invoices issued"), default=0)
    invoices_total = models.DecimalField(_("invoices total"), **MONEY, default=ZERO)
    receipts = models.PositiveIntegerField(_("receipts issued"), default=0)
    receipts_total = models.DecimalField(_("receipts total"), **MONEY, default=ZERO)
    red_letters = models.PositiveIntegerField(_("red-letter documents"), default=0)
    red_letters_total = models.DecimalField(_("red-letter total"), **MONEY, default=ZERO)
    closed_at = models.DateTimeField(pgettext_lazy("day close", "closed at"), auto_now_add=True)
    approved_by = models.ForeignKey("boss.Staff", verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("drawer close")
        verbose_name_plural = _("drawer closes")
        ordering = ["-day", "staff_id"]
        permissions = [("close_own_drawer", _("Can close their own cash drawer")),
                       ("approve_drawer_difference", _("Can approve a drawer's cash difference"))]
        constraints = [
            # One live close per rep and day: the second of two concurrent closes fails here at the latest.
            models.UniqueConstraint(fields=["staff", "day"], condition=~Q(status="reopened"),
                                    name="drawer_close_one_per_day"),
            models.CheckConstraint(condition=Q(difference=models.F("counted_cash") - models.F("ledger_cash")),
                                   name="drawer_close_difference"),
            models.CheckConstraint(condition=Q(counted_cash__gte=0), name="drawer_close_counted_not_negative"),
        ]

    def __str__(self):
        return f"{self.staff_id} {self.day}"


class HallDayClose(models.Model):
    """A hall's business day closed by the store manager (营业厅日结): every drawer closed, the cash handed
    in to the bank (deposit slip, amount, who carried it), the day report printed. After it nothing is
    booked on that day for the hall; a manager may re-open it with a reason (audited)."""

    class State(models.TextChoices):
        CLOSED = "closed", pgettext_lazy("day close", "Closed")
        REOPENED = "reopened", _("Re-opened")

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="day_closes")
    day = models.DateField(_("business date"), db_index=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.CLOSED)
    cash_total = models.DecimalField(_("cash counted in the drawers"), **MONEY)
    deposit_amount = models.DecimalField(_("amount handed in to the bank"), **MONEY)
    deposit_slip = models.CharField(_("deposit slip number"), max_length=40, blank=True)
    carried_by = models.CharField(_("carried to the bank by"), max_length=60, blank=True)
    deposit_transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                               related_name="hall_day_close")
    closed_by = models.ForeignKey("boss.Staff", verbose_name=_("closed by"), on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(pgettext_lazy("day close", "closed at"), auto_now_add=True)
    reopened_by = models.ForeignKey("boss.Staff", verbose_name=_("re-opened by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(_("re-opened at"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for re-opening"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hall day close")
        verbose_name_plural = _("hall day closes")
        ordering = ["-day", "hall_id"]
        permissions = [("close_hall_day", _("Can close the hall's business day")),
                       ("reopen_hall_day", _("Can re-open a closed business day"))]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day"], condition=Q(state="closed"), name="hall_day_close_once"),
            models.CheckConstraint(condition=Q(deposit_amount__gte=0), name="hall_day_deposit_not_negative"),
        ]

    def __str__(self):
        return f"{self.hall_id} {self.day}"


class BillAdjustment(TimeStampedModel):
    """A bill adjustment after billing (调帐, issue 16): a credit (the customer owes less) or a debit (owes
    more) on a billed month, requested at the counter or by the account room and approved by another
    account-room clerk (four-eyes: the service and a database check). Approved, it is posted as its own
    balanced ledger transaction (the billed rows never change) with a red-letter invoice where a credited
    amount had been invoiced."""

    class Kind(models.TextChoices):
        CREDIT = "credit", pgettext_lazy("bill adjustment", "Credit")
        DEBIT = "debit", pgettext_lazy("bill adjustment", "Debit")

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("bill adjustment", "Awaiting approval")
        APPROVED = "approved", pgettext_lazy("bill adjustment", "Approved")
        REJECTED = "rejected", pgettext_lazy("bill adjustment", "Rejected")

    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(pgettext_lazy("bill adjustment", "direction"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey("boss.Staff", verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    decided_by = models.ForeignKey("boss.Staff", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    ledger_transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="bill_adjustment")

    class Meta:
        verbose_name = _("bill adjustment")
        verbose_name_plural = _("bill adjustments")
        ordering = ["-id"]
        permissions = [("request_billadjustment", _("Can request bill adjustments")),
                       ("approve_billadjustment", _("Can approve bill adjustments"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_adjustment_amount_positive"),
            # Four-eyes: whoever asked never decides.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="bill_adjustment_four_eyes"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(ledger_transaction__isnull=False),
                                   name="bill_adjustment_approved_is_posted"),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_by__isnull=False),
                                   name="bill_adjustment_decided_by_someone"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.amount}"

    @property
    def reference(self) -> str:
        return f"adjustment:{self.pk}"

    @property
    def signed_amount(self) -> Decimal:
        """What it does to what the customer owes: a credit lowers it."""
        return -self.amount if self.kind == self.Kind.CREDIT else self.amount

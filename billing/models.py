"""The double-entry ledger (架构决策 2).

Every movement of money is one LedgerTransaction of two or more LedgerEntry rows whose amounts sum to
zero. Amounts are signed Decimals in yuan with 2 places: a positive amount is a debit, a negative one
a credit. Nothing here is updated or deleted: a correction is a reversing transaction. An account's
balance is the sum of its entries, read on the account's normal side.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.masking import mask
from boss.models import ImmutableModel, TimeStampedModel

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


class Account(TimeStampedModel):
    """An account (帐户): who pays for one or more lines, and how (cash/prepaid or bank collection).

    Its money lives in the ledger: a CUSTOMER ledger account (the balance; below zero means arrears)
    and a DEPOSIT ledger account, both pointing back here.
    """

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("Cash (prepaid)")
        BANK = "bank", _("Bank collection")

    customer = models.ForeignKey("customers.Customer", verbose_name=_("payer"), on_delete=models.PROTECT,
                                 related_name="accounts")
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices,
                                      default=PaymentMethod.CASH)
    corporate = models.BooleanField(_("corporate account"), default=False)
    realtime_prepaid = models.BooleanField(_("real-time prepaid"), default=True)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, default=ZERO)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=100, blank=True)
    bank_holder_identity = models.ForeignKey("customers.CustomerIdentity", verbose_name=_("account holder's identity"),
                                             null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank_confirmed_by = models.CharField(_("confirmed with the bank by"), max_length=100, blank=True)
    bank_confirmed_at = models.DateTimeField(_("confirmed with the bank at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return f"{_('Account')} {self.pk}"

    @property
    def masked_bank_account(self) -> str:
        return mask(self.bank_account_number)

    def audit_repr(self) -> str:
        return str(self)


class LedgerAccount(models.Model):
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
    billing_account = models.ForeignKey(Account, verbose_name=_("account"), null=True, blank=True,
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
            return _("Drawer of %(staff)s (%(method)s)") % {"staff": owner, "method": self.subtype}
        if self.kind == kind.REVENUE:
            return _("Revenue: %(fee)s") % {"fee": self.subtype}
        if self.kind == kind.BANK_CLEARING:
            return _("Bank clearing: %(bank)s") % {"bank": self.subtype}
        if self.name and self.name != self.code:
            return self.name
        return self.get_kind_display()

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
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account_idx")]
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

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
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
    lines = models.JSONField(_("lines"), default=list)  # [{"item": str, "amount": "12.00"}]
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


class UsageImport(models.Model):
    """One import of a usage file: its progress and what it found (duplicates, malformed lines)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=200)
    file_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
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

    class Meta:
        verbose_name = _("usage import")
        verbose_name_plural = _("usage imports")
        ordering = ["-id"]
        permissions = [("import_usage", _("Can import usage files"))]


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

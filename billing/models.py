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

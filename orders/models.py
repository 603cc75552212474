"""The business order (业务受理单) that every counter process creates, its itemised lines, the retention
attempt of a pre-cancellation and the offers made at the counter with the customer's answer."""

import django_fsm as fsm
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boss.masking import mask_name
from boss.models import TimeStampedModel
from boss.money import MONEY
from catalog.models import Business


class RecommendationOutcome(models.Model):
    """An offer made at the counter and whether the customer took it (C1-F4: the acceptance is recorded).

    `order_reference` names where the offer was made as the screen sent it (an order's reference, or a
    business type's screen before any order exists)."""

    offer = models.ForeignKey("catalog.Offer", verbose_name=_("offer"), on_delete=models.PROTECT,
                              related_name="outcomes")
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
        PLAN_CHANGE = "plan_change", _("Plan change")
        PLAN_CHANGE_CANCEL = "plan_change_cancel", _("Cancel a pending plan change")
        ACCOUNT_MOVE = "account_move", _("Move to another account")
        SECONDARY_ADD = "secondary_add", _("Add a secondary card")
        SECONDARY_REMOVE = "secondary_remove", _("Remove a secondary card")

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
        # Not a paper: the customer proved who they are on the web portal (service password and SMS code).
        WEB_SIGNIN = "web_signin", _("Signed in on the web portal with service password and SMS code")

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
    reservation = models.ForeignKey("inventory.NumberReservation", verbose_name=_("reservation"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="orders")
    agreement_signed_at = models.DateTimeField(_("agreement signed at"), null=True, blank=True)
    commitment_started = models.OneToOneField(
        "customers.LineCommitment", verbose_name=_("minimum spend started"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="started_by")
    commitment_ended = models.OneToOneField(
        "customers.LineCommitment", verbose_name=_("minimum spend ended"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ended_by")
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
        # paid_at: the reports read the orders of the days not summarized yet (today) by their payment time.
        indexes = [models.Index(fields=["hall", "state"], name="order_hall_state_idx"),
                   models.Index(fields=["paid_at"], name="order_paid_at_idx")]
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

    REFERENCE_PREFIX = "order:"

    @property
    def reference(self) -> str:
        """How work orders, documents and payments name the order that made them."""
        return f"{self.REFERENCE_PREFIX}{self.pk}"

    @classmethod
    def pk_from_reference(cls, reference: str) -> int | None:
        """The order's id in a reference made by `reference`, else None."""
        rest = reference[len(cls.REFERENCE_PREFIX):] if reference.startswith(cls.REFERENCE_PREFIX) else ""
        return int(rest) if rest.isdigit() else None

    @property
    def agreement_signed(self) -> bool:
        return self.agreement_signed_at is not None

    def audit_repr(self) -> str:
        return self.number  # the business reads from the action's label (boss.labels), not a code here

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


class PlanChange(TimeStampedModel):
    """A plan change (套餐变更) agreed at the counter: from the first of next month (次月生效) by default, or
    from today where the tariff allows it. One pending change per line; it can be cancelled before it
    takes effect; the month's turn applies it once (orders.tasks.plan_changes_apply). The order that agreed
    it holds the documents, the agreement and the fees; `period` is the row billing reads."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending: takes effect on its day")
        APPLIED = "applied", _("In effect")
        CANCELLED = "cancelled", pgettext_lazy("plan change", "Cancelled")

    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="plan_changes")
    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="plan_change")
    old_plan = models.ForeignKey("catalog.Plan", verbose_name=_("present plan"), on_delete=models.PROTECT,
                                 related_name="+")
    new_plan = models.ForeignKey("catalog.Plan", verbose_name=_("new plan"), on_delete=models.PROTECT,
                                 related_name="+")
    effective_on = models.DateField(_("takes effect on"))
    immediate = models.BooleanField(_("at once, prorated"), default=False)
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.PENDING, protected=True)
    period = models.OneToOneField("billing.LinePlanPeriod", verbose_name=_("billing period"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("plan change", "cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["line"], condition=models.Q(state="pending"),
                                               name="one_pending_plan_change_per_line")]
        indexes = [models.Index(fields=["effective_on"], condition=models.Q(state="pending"),
                                name="plan_change_pending_idx")]

    def __str__(self):
        return f"{self.line_id} {self.old_plan_id}→{self.new_plan_id} {self.effective_on}"

    @fsm.transition(field=state, source=State.PENDING, target=State.APPLIED)
    def apply(self, *, when) -> None:
        self.applied_at = when

    @fsm.transition(field=state, source=State.PENDING, target=State.CANCELLED)
    def cancel(self, *, when, reason: str) -> None:
        self.cancelled_at, self.cancel_reason = when, reason[:200]

"""Points gift redemption (积分礼品发放, process 9): one redemption per gift handed out, with the checks the rep
made, the confirmation it needed and its outcome. The points live in billing (lots and entries), the gift
stock in inventory (stock rows and movements); a redemption points at what it spent by its reference."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.money import MONEY


class Redemption(models.Model):
    class State(models.TextChoices):
        ORDERED = "ordered", _("Ordered online: to be collected")
        AWAITING_ROOM = "awaiting_room", _("Waiting for the big-customer room")
        AWAITING_CALL = "awaiting_call", _("Waiting for the customer's call")
        CONFIRMED = "confirmed", _("Confirmed: hand over the gift")
        COMPLETED = "completed", _("Gift handed over")
        REFUSED = "refused", _("Refused")
        TIMED_OUT = "timed_out", _("No answer in time")
        RETURNED = "returned", _("Gift returned")
        CANCELLED = "cancelled", _("Gift order cancelled")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("At the counter")
        WEB = "web", _("Ordered online")

    class Confirmation(models.TextChoices):
        NONE = "none", _("Not needed")
        ROOM = "room", _("Big-customer room")
        CALL = "call", _("Call to the customer")

    class Seal(models.TextChoices):
        RED_ROUND = "red_round", _("Red round seal")
        RED_OVAL = "red_oval", _("Red oval seal")
        BLUE_ROUND = "blue_round", _("Blue round seal")
        BLUE_OVAL = "blue_oval", _("Blue oval seal")

    OPEN_STATES = (State.ORDERED, State.AWAITING_ROOM, State.AWAITING_CALL, State.CONFIRMED)

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="redemptions")
    actor = models.ForeignKey("boss.Staff", verbose_name=_("operator"), on_delete=models.PROTECT,
                              related_name="redemptions")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="redemptions")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="redemptions")
    gift = models.ForeignKey("inventory.Gift", verbose_name=_("gift"), on_delete=models.PROTECT,
                             related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    cash_topup = models.DecimalField(_("cash top-up"), **MONEY, default=0)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, db_index=True)
    confirmation = models.CharField(_("confirmation"), max_length=10, choices=Confirmation.choices,
                                    default=Confirmation.NONE)
    agent = models.ForeignKey("customers.CustomerIdentity", verbose_name=_("collected by (agent)"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    documents_checked = models.JSONField(_("documents checked"), default=list, blank=True)
    seal = models.CharField(_("seal on the licence"), max_length=12, choices=Seal.choices, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    # Ordered online (the portal) for pick-up at `hall`: the points and the gift are set aside at the order
    # (reserved_at), given back when it is cancelled, not collected by pickup_until, or refused at the pick-up.
    channel = models.CharField(_("ordered"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    reserved_at = models.DateTimeField(_("points and gift set aside at"), null=True, blank=True)
    pickup_until = models.DateTimeField(_("to be collected by"), null=True, blank=True)
    # The reminder SMS `points.pickup_reminder_hours` before pickup_until (once: redemption_pickup_reminders).
    pickup_reminded_at = models.DateTimeField(_("pick-up reminder sent at"), null=True, blank=True)
    # The confirmation: asked of the big-customer room (answer by the deadline) or of the customer by phone.
    confirm_deadline = models.DateTimeField(_("answer due by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey("boss.Staff", verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answer_note = models.CharField(_("who may collect / answer"), max_length=200, blank=True)
    refusal = models.CharField(_("reason refused"), max_length=200, blank=True)
    # The hand-over
    completed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    receipt_signed_at = models.DateTimeField(_("receipt signed at"), null=True, blank=True)
    payment = models.OneToOneField("billing.Payment", verbose_name=_("cash top-up payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="redemption")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey("boss.Staff", verbose_name=_("return taken by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("reason for the return"), max_length=200, blank=True)
    points_given_back = models.PositiveIntegerField(_("points given back"), null=True, blank=True)

    class Meta:
        verbose_name = _("points redemption")
        verbose_name_plural = _("points redemptions")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("redeem_gift", _("Can hand out points gifts at a redemption hall")),
            ("confirm_redemption", _("Can confirm group customers' redemptions (big-customer room)")),
            ("return_gift", _("Can take back a redeemed gift")),
        ]
        indexes = [models.Index(fields=["confirm_deadline"], condition=Q(state="awaiting_room"),
                                name="redemption_room_open_idx"),
                   models.Index(fields=["hall", "pickup_until"], condition=Q(state="ordered"),
                                name="redemption_ordered_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(state="completed") | Q(completed_at__isnull=False,
                                                                       receipt_signed_at__isnull=False),
                                   name="redemption_completed_signed"),
            models.CheckConstraint(condition=~Q(state="awaiting_room") | Q(confirm_deadline__isnull=False),
                                   name="redemption_room_has_deadline"),
            models.CheckConstraint(condition=Q(cash_topup__gte=0), name="redemption_topup_not_negative"),
            models.CheckConstraint(condition=~Q(state="ordered") | Q(pickup_until__isnull=False,
                                                                     reserved_at__isnull=False),
                                   name="redemption_ordered_has_pickup"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"JF{self.pk:08d}" if self.pk else "JF—"

    @property
    def reference(self) -> str:
        """What the points entries and stock movements of this redemption carry."""
        return f"redemption:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

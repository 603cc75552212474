"""The hall floor (process 17): queue tickets with VIP priority and announcements.

A ticket is taken at the hall's ticket machine, called by a counter, served and finished (or skipped as a
no-show); its waiting and service times are kept on it, in seconds, when they end, so the statistics are
sums and averages of plain columns. The orders a rep took while serving a ticket are linked to it.
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.models import TimeStampedModel


class Business(models.TextChoices):
    """What the customer came for, as chosen on the ticket machine; the letter starts the ticket number."""

    COUNTER = "counter", _("Counter business")
    PAYMENT = "payment", _("Fee payment")
    COMPLAINT = "complaint", _("Complaint")
    VIP = "vip", _("Big customer (VIP)")


PREFIX = {Business.COUNTER: "A", Business.PAYMENT: "B", Business.COMPLAINT: "C", Business.VIP: "V"}


class HallDevice(TimeStampedModel):
    """A ticket machine or a display screen of one hall. It is not a person and does not log in: it is
    reached by its secret address (a long random token, also its device API secret), which the store manager
    sees once when adding the device or re-issuing its address, and can revoke. Only a keyed hash of the
    secret is kept (boss.keyed_hash, under a fixed salt so the address can be looked up)."""

    class Kind(models.TextChoices):
        TICKET_MACHINE = "ticket_machine", _("Ticket machine")
        DISPLAY = "display", _("Hall display")

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="devices")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    token_hash = models.CharField(_("secret address (keyed hash)"), max_length=128, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # The last call of the device API (at most one write a minute), so the store manager sees a machine gone quiet.
    last_seen_at = models.DateTimeField(_("last seen by the device API"), null=True, blank=True)

    class Meta:
        verbose_name = _("hall device")
        verbose_name_plural = _("hall devices")

    def __str__(self):
        return f"{self.hall} · {self.name}"


class TicketSequence(models.Model):
    """The last ticket number given per hall, day and business letter (locked while a ticket is taken)."""

    hall = models.ForeignKey("boss.Hall", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day", "prefix"], name="ticket_sequence_unique")]

    def __str__(self):
        return f"{self.hall_id} {self.day} {self.prefix}{self.last}"


class Ticket(TimeStampedModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting in line")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Served")
        NO_SHOW = "no_show", _("No-show")

    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="tickets")
    day = models.DateField(_("date"))
    number = models.CharField(_("ticket number"), max_length=8)
    business = models.CharField(_("business"), max_length=20, choices=Business.choices)
    # The customer recognised from the mobile number typed on the machine (the number itself is not kept).
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="tickets")
    vip_level = models.PositiveSmallIntegerField(_("VIP level"), default=0)
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.WAITING, protected=True,
                     db_index=True)
    taken_at = models.DateTimeField(_("taken at"))
    # A ticket transferred to another counter waits for that rep only (and keeps its place in time).
    for_staff = models.ForeignKey("boss.Staff", verbose_name=_("transferred to"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    called_by = models.ForeignKey("boss.Staff", verbose_name=_("called by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="tickets_called")
    window = models.CharField(_("counter window"), max_length=10, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)   # by the counter serving it
    announced_at = models.DateTimeField(_("last shown on the display"), null=True, blank=True)  # a recall too
    call_count = models.PositiveSmallIntegerField(_("times called"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("waiting time (s)"), null=True, blank=True)
    service_seconds = models.PositiveIntegerField(_("service time (s)"), null=True, blank=True)
    orders = models.ManyToManyField("orders.Order", verbose_name=_("orders"), blank=True, related_name="tickets")
    # The machine that printed it and, through the device API, the machine's Idempotency-Key: a repeated
    # request (a lost answer) returns this ticket instead of printing a second one.
    device = models.ForeignKey(HallDevice, verbose_name=_("ticket machine"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tickets")
    request_key = models.CharField(_("device request key"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        permissions = [
            ("serve_ticket", _("Can call and serve queue tickets")),
            ("view_queue_statistics", _("Can see the queue statistics")),
            ("manage_hall_devices", _("Can manage the hall's ticket machines and displays")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="ticket_number_unique_per_day"),
            models.UniqueConstraint(fields=["device", "request_key"], condition=~Q(request_key=""),
                                    name="ticket_device_request_once"),
            # Only a ticket still waiting, or one that lapsed waiting (no-show at closing), was never called.
            models.CheckConstraint(condition=Q(state__in=["waiting", "no_show"]) | Q(called_at__isnull=False),
                                   name="ticket_called_has_time"),
        ]
        indexes = [models.Index(fields=["hall", "day", "state"], name="ticket_hall_day_state_idx")]

    def __str__(self):
        return self.number

    @fsm.transition(field=state, source=State.WAITING, target=State.SERVING)
    def call(self):
        """Called by a counter."""

    @fsm.transition(field=state, source=State.SERVING, target=State.WAITING)
    def transfer(self):
        """Sent to another counter: waits again, for that rep only."""

    @fsm.transition(field=state, source=State.SERVING, target=State.DONE)
    def finish(self):
        """Served."""

    @fsm.transition(field=state, source=State.SERVING, target=State.NO_SHOW)
    def skip(self):
        """Called and did not come."""

    @fsm.transition(field=state, source=State.WAITING, target=State.NO_SHOW)
    def lapse(self):
        """Still waiting when the hall closed (the nightly job)."""


class Announcement(TimeStampedModel):
    """A notice, a tariff change or a campaign (信息发布), for reps at the counter and/or customers (the hall
    display), in some halls or all, within its validity window; it disappears by itself when it ends."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        TARIFF_CHANGE = "tariff_change", _("Tariff change")
        CAMPAIGN = "campaign", _("Campaign")

    class Audience(models.TextChoices):
        REPS = "reps", _("Counter staff")
        CUSTOMERS = "customers", _("Customers")
        EVERYONE = "everyone", _("Staff and customers")

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    offer = models.ForeignKey("catalog.Offer", verbose_name=_("offer"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="announcements")
    halls = models.ManyToManyField("boss.Hall", verbose_name=_("service halls"), blank=True,
                                   related_name="announcements",
                                   help_text=_("None chosen: every hall."))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    mandatory = models.BooleanField(_("reps must acknowledge"), default=False)
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-valid_from", "-id"]
        permissions = [("publish_announcement", _("Can publish announcements"))]
        constraints = [models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")),
                                              name="announcement_ends_after_start")]

    def __str__(self):
        return self.title


class AnnouncementAcknowledgement(models.Model):
    """A rep has read (and, for a mandatory one, acknowledged) an announcement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="acknowledgements")
    staff = models.ForeignKey("boss.Staff", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "staff"], name="announcement_ack_once")]

    def __str__(self):
        return f"{self.announcement_id}/{self.staff_id}"

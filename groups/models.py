"""Group customers (集团客户) and VPMN acceptance (集团 VPMN 受理, processes.md section 7).

A group customer is an organization customer with a group number issued by the big-customer room. A VPMN
application carries the member list the rep validated, the call-out result for every number, the store
manager's signature, the room's group number and import, and the rep's opening of the discount. A line is a
member of at most one VPMN group at a time (database constraint `one_vpmn_group_per_line`).
"""

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.masking import mask_msisdn
from boss.models import TimeStampedModel


class GroupCustomer(TimeStampedModel):
    class Level(models.TextChoices):
        A = "A", _("Level A (key group)")
        B = "B", _("Level B")
        C = "C", _("Level C")
        D = "D", _("Level D")

    customer = models.OneToOneField("customers.Customer", verbose_name=_("organization"), on_delete=models.PROTECT,
                                    related_name="group")
    group_number = models.CharField(_("group number"), max_length=20, unique=True, null=True, blank=True,
                                    help_text=_("Issued by the big-customer room."))
    level = models.CharField(_("group level"), max_length=1, choices=Level.choices, default=Level.C)
    key_contact_name = models.CharField(_("key contact"), max_length=100)
    key_contact_phone = models.CharField(_("key contact's phone"), max_length=20)
    account_manager = models.ForeignKey("boss.Staff", verbose_name=_("account manager"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="managed_groups")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="group_customers")

    class Meta:
        verbose_name = _("group customer")
        verbose_name_plural = _("group customers")
        ordering = ["id"]
        permissions = [("vpmn_counter", _("Designated VPMN counter"))]

    def __str__(self):
        return f"{self.group_number or '-'} {self.customer.name}"

    def audit_repr(self) -> str:
        return f"group {self.pk} {self.group_number or ''}"


class VpmnApplication(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        NEW = "new", _("New VPMN")
        ADD = "add", _("Add members")

    class State(models.TextChoices):
        DRAFT = "draft", _("At the counter: call-out")
        SIGNED = "signed", _("Signed: with the big-customer room")
        ISSUED = "issued", _("Group number issued: open the discounts")
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Withdrawn")

    class Document(models.TextChoices):
        APPLICATION_FORM = "application_form", _("Application form")
        MEMBER_LIST = "member_list", _("Member list")
        AGENT_ID = "agent_id", _("Agent's ID")
        LICENCE_COPY = "licence_copy", _("Business licence copy")
        AUTHORIZATION = "authorization", _("Company authorization")
        CONTACT_ID = "contact_id", _("Contact person's ID")

    ACTIVE_STATES = (State.DRAFT, State.SIGNED, State.ISSUED)

    group = models.ForeignKey(GroupCustomer, verbose_name=_("group customer"), on_delete=models.PROTECT,
                              related_name="vpmn_applications")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="vpmn_applications")
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    documents_checked = models.JSONField(_("documents checked"), default=list)
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("accepted by"), on_delete=models.PROTECT,
                                   related_name="+")
    signed_by = models.ForeignKey("boss.Staff", verbose_name=_("signed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    issued_by = models.ForeignKey("boss.Staff", verbose_name=_("group number issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("group number issued at"), null=True, blank=True)
    import_file = models.TextField(_("big-customer system import file"), blank=True)
    opened_by = models.ForeignKey("boss.Staff", verbose_name=_("discounts opened by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("discounts opened at"), null=True, blank=True)
    archive_batch = models.ForeignKey("groups.GroupDocumentBatch", verbose_name=_("archive batch"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="vpmn_applications")

    class Meta:
        verbose_name = _("VPMN application")
        verbose_name_plural = _("VPMN applications")
        ordering = ["-id"]
        constraints = [
            # One application in progress per group: a second one is a duplicate.
            models.UniqueConstraint(fields=["group"], condition=Q(state__in=["draft", "signed", "issued"]),
                                    name="one_vpmn_application_in_progress"),
        ]
        permissions = [
            ("accept_vpmn", _("Can accept VPMN applications")),
            ("sign_vpmn", _("Can sign VPMN agreements")),
            ("issue_vpmn", _("Can issue group numbers and import groups")),
        ]

    def __str__(self):
        return f"VPMN{self.pk:06d}"

    @property
    def number(self) -> str:
        return f"VPMN{self.pk:06d}"

    def audit_repr(self) -> str:
        return f"{self.number} {self.get_state_display()}"

    @fsm.transition(field=state, source=State.DRAFT, target=State.SIGNED)
    def sign(self, *, by, when) -> None:
        self.signed_by, self.signed_at = by, when

    @fsm.transition(field=state, source=State.SIGNED, target=State.ISSUED)
    def issue(self, *, by, when, import_file: str) -> None:
        self.issued_by, self.issued_at, self.import_file = by, when, import_file

    @fsm.transition(field=state, source=State.ISSUED, target=State.OPEN)
    def open(self, *, by, when) -> None:
        self.opened_by, self.opened_at = by, when

    @fsm.transition(field=state, source=[State.DRAFT, State.SIGNED], target=State.CANCELLED)
    def cancel(self) -> None:
        pass


class VpmnCandidate(models.Model):
    """A number on the application's member list, with the rep's call-out result."""

    class Callout(models.TextChoices):
        PENDING = "pending", _("Not called yet")
        CONFIRMED = "confirmed", _("Confirmed to join")
        REFUSED = "refused", _("Refused to join")
        NO_ANSWER = "no_answer", _("No answer")

    application = models.ForeignKey(VpmnApplication, on_delete=models.CASCADE, related_name="candidates")
    msisdn = models.CharField(_("mobile number"), max_length=11)
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="+")
    owner_consent = models.BooleanField(_("owner's consent recorded"), default=False)
    callout = models.CharField(_("call-out result"), max_length=20, choices=Callout.choices,
                               default=Callout.PENDING)
    called_at = models.DateTimeField(_("time of the call"), null=True, blank=True)
    called_by = models.ForeignKey("boss.Staff", verbose_name=_("rep who called"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("member list entry")
        verbose_name_plural = _("member list entries")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["application", "msisdn"], name="vpmn_candidate_once")]

    def __str__(self):
        return mask_msisdn(self.msisdn)


class VpmnMember(models.Model):
    """A line in a VPMN group: the discount runs from `since`; leaving sets `until` to the month's end."""

    group = models.ForeignKey(GroupCustomer, verbose_name=_("group customer"), on_delete=models.PROTECT,
                              related_name="vpmn_members")
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="vpmn_memberships")
    application = models.ForeignKey(VpmnApplication, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="members")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("VPMN member")
        verbose_name_plural = _("VPMN members")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=Q(left_at__isnull=True),
                                    name="one_vpmn_group_per_line"),
        ]

    def __str__(self):
        return f"{self.group_id} {self.line_id}"


class GroupSmsApplication(fsm.ConcurrentTransitionMixin, TimeStampedModel):
    """A group SMS pre-acceptance (集团短信, processes.md section 8): taken at a self-operated hall, handed to the
    big-customer room the same day, built on the platform by the data-business room, opened by the room's
    opening notice (registered mail) and phone confirmation."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Pre-accepted: hand over to the big-customer room today")
        HANDED_OVER = "handed_over", _("Handed over: the big-customer room receives it")
        BUILDING = "building", _("With the data-business room: platform data")
        PLATFORM_READY = "platform_ready", _("Platform account ready: opening notice")
        NOTICE_SENT = "notice_sent", _("Opening notice mailed: phone confirmation")
        OPEN = "open", _("Open")

    class Document(models.TextChoices):
        SECURITY_LETTER = "security_letter", _("Information security responsibility letter")
        LICENCE_COPY_SEALED = "licence_copy_sealed", _("Business licence copy with seal")
        UNIT_LETTER_SEALED = "unit_letter_sealed", _("Unit letter with seal (government body)")
        BANK_SEAL_CARD = "bank_seal_card", _("Bank seal card")
        AGENT_ID = "agent_id", _("Agent's ID")

    ACTIVE_STATES = (State.ACCEPTED, State.HANDED_OVER, State.BUILDING, State.PLATFORM_READY, State.NOTICE_SENT)

    group = models.ForeignKey(GroupCustomer, verbose_name=_("group customer"), on_delete=models.PROTECT,
                              related_name="sms_applications")
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="group_sms_applications")
    state = fsm.FSMField(_("state"), max_length=20, choices=State.choices, default=State.ACCEPTED, protected=True)
    purpose = models.CharField(_("what the messages are for"), max_length=200)
    government_body = models.BooleanField(_("government body"), default=False)
    pays_cash = models.BooleanField(_("pays in cash"), default=False)
    agent = models.BooleanField(_("an agent applies"), default=False)
    documents_checked = models.JSONField(_("documents checked"), default=list)
    letter_seal_checked = models.BooleanField(_("official seal on the letter checked"), default=False)
    cluster_network = models.BooleanField(_("cluster-network tariff"), default=False)
    created_by = models.ForeignKey("boss.Staff", verbose_name=_("accepted by"), on_delete=models.PROTECT,
                                   related_name="+")
    handed_over_at = models.DateTimeField(_("handed over to the room at"), null=True, blank=True)
    handed_over_by = models.ForeignKey("boss.Staff", verbose_name=_("handed over by"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    handover_overdue_at = models.DateTimeField(_("flagged not handed over on the day"), null=True, blank=True)
    received_at = models.DateTimeField(_("received by the big-customer room at"), null=True, blank=True)
    received_by = models.ForeignKey("boss.Staff", verbose_name=_("received by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    platform_account = models.CharField(_("platform account"), max_length=32, null=True, blank=True, unique=True)
    platform_password = models.CharField(_("platform password (hashed)"), max_length=128, blank=True)
    platform_built_at = models.DateTimeField(_("platform data built at"), null=True, blank=True)
    platform_built_by = models.ForeignKey("boss.Staff", verbose_name=_("platform data built by"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    registered_mail_number = models.CharField(_("registered mail number"), max_length=13, blank=True)
    notice_sent_at = models.DateTimeField(_("opening notice mailed at"), null=True, blank=True)
    notice_sent_by = models.ForeignKey("boss.Staff", verbose_name=_("opening notice mailed by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed by phone at"), null=True, blank=True)
    confirmed_by = models.ForeignKey("boss.Staff", verbose_name=_("confirmed by phone by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmation_note = models.CharField(_("phone confirmation"), max_length=200, blank=True)
    documents_batch = models.ForeignKey("groups.GroupDocumentBatch", verbose_name=_("qualification documents batch"),
                                        null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="sms_applications")

    class Meta:
        verbose_name = _("group SMS application")
        verbose_name_plural = _("group SMS applications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["group"], condition=Q(state__in=[
                "accepted", "handed_over", "building", "platform_ready", "notice_sent"]),
                name="one_group_sms_application_in_progress"),
        ]
        permissions = [
            ("accept_group_sms", _("Can pre-accept group SMS")),
            ("handle_group_sms", _("Can receive group SMS applications and send opening notices")),
            ("build_group_sms_platform", _("Can build group SMS platform data")),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"JTDX{self.pk:06d}"

    def audit_repr(self) -> str:
        return f"{self.number} {self.get_state_display()}"

    @fsm.transition(field=state, source=State.ACCEPTED, target=State.HANDED_OVER)
    def hand_over(self, *, by, when) -> None:
        self.handed_over_by, self.handed_over_at = by, when

    @fsm.transition(field=state, source=State.HANDED_OVER, target=State.BUILDING)
    def receive(self, *, by, when) -> None:
        self.received_by, self.received_at = by, when

    @fsm.transition(field=state, source=State.BUILDING, target=State.PLATFORM_READY)
    def build(self, *, by, when, account: str, password_hash: str) -> None:
        self.platform_built_by, self.platform_built_at = by, when
        self.platform_account, self.platform_password = account, password_hash

    @fsm.transition(field=state, source=State.PLATFORM_READY, target=State.NOTICE_SENT)
    def send_notice(self, *, by, when, mail_number: str) -> None:
        self.notice_sent_by, self.notice_sent_at, self.registered_mail_number = by, when, mail_number

    @fsm.transition(field=state, source=State.NOTICE_SENT, target=State.OPEN)
    def confirm(self, *, by, when, note: str) -> None:
        self.confirmed_by, self.confirmed_at, self.confirmation_note = by, when, note


class GroupSmsMember(models.Model):
    """A number of the cluster-network tariff (集群网), verified at the counter (ours, live, not barred)."""

    application = models.ForeignKey(GroupSmsApplication, on_delete=models.CASCADE, related_name="members")
    msisdn = models.CharField(_("mobile number"), max_length=11)
    line = models.ForeignKey("customers.Line", verbose_name=_("line"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cluster-network number")
        verbose_name_plural = _("cluster-network numbers")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["application", "msisdn"], name="group_sms_member_once")]

    def __str__(self):
        return mask_msisdn(self.msisdn)


class GroupDocumentBatch(TimeStampedModel):
    """A hall's batch of group paperwork handed to the big-customer room, built by a timed job: the month's VPMN
    archive on the 25th (agreements, licences, authorizations, contact data, member lists) or the week's group
    SMS qualification documents. One batch per kind, hall and period (a database constraint), so a job run
    twice builds it once; the room receives it and signs for it."""

    class Kind(models.TextChoices):
        VPMN_ARCHIVE = "vpmn_archive", _("VPMN archive of the month")
        SMS_QUALIFICATION = "sms_qualification", _("Group SMS qualification documents of the week")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hall = models.ForeignKey("boss.Hall", verbose_name=_("service hall"), on_delete=models.PROTECT,
                             related_name="group_document_batches")
    period = models.DateField(_("period"), help_text=_("The 25th of the month, or the Monday of the week."))
    manifest = models.TextField(_("list of documents"), blank=True)
    received_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    received_by = models.ForeignKey("boss.Staff", verbose_name=_("signed for by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("group document batch")
        verbose_name_plural = _("group document batches")
        ordering = ["-period", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "hall", "period"], name="one_group_batch_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.hall_id} {self.period}"

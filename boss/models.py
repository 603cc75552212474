"""The shared kernel's tables: halls, departments, staff, the audit trail, tariff parameters and
idempotency keys."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.prepared import insert_compiled, update_compiled


class CompiledSaveModel(models.Model):
    """A model whose new rows are inserted, and whose stored rows are updated by key, through statements compiled
    once per process (boss/prepared.py's `insert_compiled` and `update_compiled`): Model.save() as before (signals,
    keys, state, django-fsm's check of the state), without building the INSERT or the UPDATE each time."""

    class Meta:
        abstract = True

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        if not raw:
            rows = insert_compiled(self, manager.model, using, fields, returning_fields)
            if rows is not None:
                return rows
        return super()._do_insert(manager, using, fields, returning_fields, raw)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        if not self._meta.select_on_save:
            updated = update_compiled(base_qs, using, pk_val, values)
            if updated is not None:
                return updated
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)


class TimeStampedModel(CompiledSaveModel):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ImmutableModel(CompiledSaveModel):
    """Rows that are written once and never updated or deleted (audit, ledger, documents).

    The guard here catches code paths in Python; on PostgreSQL a trigger refuses UPDATE and DELETE as
    well (see the migrations), so not even raw SQL can change history.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("This record is immutable and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("This record is immutable and cannot be deleted."))


# --------------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------------


class Hall(TimeStampedModel):
    """A service hall (营业厅): a counter location, self-operated or a partner channel."""

    class Kind(models.TextChoices):
        SELF_OPERATED = "self_operated", _("Self-operated hall")
        PARTNER = "partner", _("Partner channel")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SELF_OPERATED)
    designated_for_cancellation = models.BooleanField(_("designated for cancellation"), default=False)
    redemption_hall = models.BooleanField(_("redemption hall"), default=False)
    group_sms_allowed = models.BooleanField(_("group SMS accepted"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["code"]
        permissions = [("all_halls", _("Can see and act for every hall"))]
        constraints = [
            # Group SMS is accepted only at self-operated halls (process 8).
            models.CheckConstraint(
                condition=Q(group_sms_allowed=False) | Q(kind="self_operated"),
                name="group_sms_only_self_operated",
            )
        ]

    def __str__(self):
        return self.name


class Department(TimeStampedModel):
    """A back-office department (account room, big-customer room ...) or a complaint department.

    A department may have district units under it (complaints are passed down to them).
    """

    class Kind(models.TextChoices):
        ACCOUNT_ROOM = "account_room", _("Account room")
        BIG_CUSTOMER_ROOM = "big_customer_room", _("Big-customer room")
        DATA_BUSINESS_ROOM = "data_business_room", _("Data-business room")
        CUSTOMER_SERVICE = "customer_service", _("Branch customer service")
        COMPLAINT = "complaint", _("Complaint department")
        DISTRICT = "district", _("District unit")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent department"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="units")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


# --------------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------------


class Staff(AbstractUser):
    """A staff user. Belongs to one hall or one back-office department; roles are Django groups."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    hall = models.ForeignKey(Hall, verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="staff")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="staff")
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.ZH_HANS)
    is_system = models.BooleanField(_("system account"), default=False,
                                    help_text=_("The account timed jobs act as; it cannot log in."))

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")
        permissions = [("use_counter", _("Can use the counter screens")),
                       ("view_full_name", _("Can see customers' names in full"))]

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def spans_halls(self) -> bool:
        return self.has_perm("boss.all_halls")

    @property
    def role_names(self) -> list[str]:
        from boss.roles import role_label

        return [role_label(g.name) for g in self.groups.all()]

    @property
    def workplace(self):
        return self.hall or self.department


# --------------------------------------------------------------------------------------------------
# Audit trail
# --------------------------------------------------------------------------------------------------


class AuditEvent(ImmutableModel):
    """One business action or security decision: who, where, what, before and after, why.

    Written by every service in the same transaction as its change; never updated or deleted. Values
    of personal data are never stored here (only masked forms or the name of the field).
    """

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(Staff, verbose_name=_("operator"), null=True, on_delete=models.PROTECT,
                              related_name="audit_events")
    hall = models.ForeignKey(Hall, verbose_name=_("service hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=40, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=40, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


# --------------------------------------------------------------------------------------------------
# Tariff parameters
# --------------------------------------------------------------------------------------------------


class TariffParameter(TimeStampedModel):
    """An editable amount or time limit (资费参数). The defaults and types live in boss/tariffs.py;
    this row holds the value currently in force."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    value = models.CharField(_("value"), max_length=200)
    updated_by = models.ForeignKey(Staff, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tariff parameter")
        verbose_name_plural = _("tariff parameters")
        ordering = ["key"]

    def __str__(self):
        return self.key

    @property
    def definition(self):
        from boss.tariffs import REGISTRY

        return REGISTRY.get(self.key)

    def clean(self):
        definition = self.definition
        if definition is None:
            raise ValidationError({"key": _("Unknown tariff parameter.")})
        try:
            definition.parse(self.value)
        except (ValueError, ArithmeticError) as exc:
            raise ValidationError({"value": str(exc)}) from exc


# --------------------------------------------------------------------------------------------------
# Idempotency keys
# --------------------------------------------------------------------------------------------------


class IdempotencyKey(CompiledSaveModel):
    """The first result of a money-moving or resource-taking request, kept for replay.

    Inserted in the same transaction as the business rows, so a key exists exactly when its
    request's effects were committed. Only successful results are stored: a refused request writes
    nothing and may be retried with the same key.
    """

    actor = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=200)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_unique_per_actor")]

    def __str__(self):
        return f"{self.scope}:{self.key}"


# --------------------------------------------------------------------------------------------------
# Bulk exports of personal data (domain-rules A8: a second approver, audited)
# --------------------------------------------------------------------------------------------------


class ExportRequest(TimeStampedModel):
    """A bulk export of personal data (a customer list, a report with names): asked for by one person,
    approved by another (never the requester: service and database check), downloaded once by the
    requester. Each step is audited; the file itself is never stored."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved, ready to download")
        REJECTED = "rejected", _("Rejected")
        DOWNLOADED = "downloaded", _("Downloaded")

    kind = models.CharField(_("export"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    requested_by = models.ForeignKey(Staff, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    hall = models.ForeignKey(Hall, verbose_name=_("service hall"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(Staff, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="export_second_approver"),
        ]
        permissions = [("approve_export", _("Can approve bulk exports of personal data"))]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

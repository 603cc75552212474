"""The group paperwork the halls hand to the big-customer room in batches (processes.md 7 and 8): the VPMN
archive every month on the 25th, the group SMS qualification documents every week. Timed jobs build one batch
per hall and period; each hall's batch is built in one transaction under the unique (kind, hall, period), so
a job run twice builds it once and a job killed half-way leaves every hall either done or untouched (the next
run does the rest). The room signs for each batch.
"""

import csv
import io
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.masking import mask_msisdn
from boss.models import Hall, Staff
from groups.errors import GroupBatchStateError
from groups.models import GroupDocumentBatch, GroupSmsApplication, VpmnApplication

K = GroupDocumentBatch.Kind


def archive_period(today: date) -> date:
    """The 25th the VPMN archive belongs to: this month's from the 25th on, else last month's."""
    if today.day >= 25:
        return today.replace(day=25)
    first = today.replace(day=1) - timedelta(days=1)
    return first.replace(day=25)


def _cutoff(day: date) -> datetime:
    """The start of the day after `day`, in local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def _vpmn_manifest(apps: list[VpmnApplication]) -> str:
    """The archive of 6.7.5: per application the signed agreement (the printed PDF's address: the same
    document, made from the application, with its member list), whether the licence copy, the company
    authorization and the contact person's ID copy were checked, the key contact's data (the phone masked like
    every number here; the group's page shows it to whoever may see it) and the confirmed members."""
    doc = VpmnApplication.Document
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["application", "group", "group_number", "agreement", "agreement_signed_at",
                     "agreement_signed_by", "licence_copy", "authorization", "contact_id", "key_contact",
                     "key_contact_phone", "account_manager", "documents", "members"])
    for app in apps:
        checked = set(app.documents_checked)
        labels = "、".join(str(doc(d).label) for d in app.documents_checked if d in doc.values)
        members = " ".join(mask_msisdn(c.msisdn) for c in app.candidates.all() if c.callout == "confirmed")
        group = app.group
        manager = group.account_manager
        writer.writerow([
            app.number, group.customer.name, group.group_number or "",
            reverse("groups:vpmn_agreement_pdf", args=[app.pk]),
            timezone.localtime(app.signed_at).strftime("%Y-%m-%d %H:%M") if app.signed_at else "",
            _staff_name(app.signed_by),
            *("yes" if d in checked else "no" for d in (doc.LICENCE_COPY, doc.AUTHORIZATION, doc.CONTACT_ID)),
            group.key_contact_name, mask_msisdn(group.key_contact_phone), _staff_name(manager), labels, members])
    return out.getvalue()


def _staff_name(staff: Staff | None) -> str:
    return staff.display_name if staff else ""


def _sms_manifest(apps: list[GroupSmsApplication]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["application", "group", "documents"])
    for app in apps:
        labels = "、".join(str(GroupSmsApplication.Document(d).label) for d in app.documents_checked
                          if d in GroupSmsApplication.Document.values)
        writer.writerow([app.number, app.group.customer.name, labels])
    return out.getvalue()


def _build(*, actor: Staff, kind: str, hall_id: int, period: date, pending: QuerySet, field: str,
           manifest, related: tuple[str, ...] = (), select: tuple[str, ...] = ()) -> GroupDocumentBatch | None:
    with transaction.atomic():
        hall = lock_by_key(Hall, hall_id)
        if GroupDocumentBatch.objects.filter(kind=kind, hall=hall, period=period).exists():
            return None          # built already (this job ran before, or runs twice at once)
        ids = [a.pk for a in lock(pending.filter(hall=hall).order_by("id"))]
        if not ids:
            return None
        apps = list(pending.model.objects.filter(pk__in=ids).order_by("id")
                    .select_related("group__customer", *select).prefetch_related(*related))
        batch = GroupDocumentBatch.objects.create(kind=kind, hall=hall, period=period)
        pending.model.objects.filter(pk__in=ids).update(**{field: batch})
        batch.manifest = manifest(apps)
        batch.save(update_fields=["manifest", "updated_at"])
        audit_record(actor=actor, action="group_batch.build", target=batch,
                     after={"kind": kind, "period": period.isoformat(), "applications": len(apps)}, hall=hall)
        return batch


def vpmn_archive_build(*, actor: Staff, today: date | None = None) -> int:
    """The 25th's job: for each hall, the month's VPMN archive of every signed application not archived yet.
    Returns how many batches were built."""
    period = archive_period(today or timezone.localdate())
    pending = (VpmnApplication.objects.filter(archive_batch__isnull=True, signed_at__isnull=False,
                                              signed_at__lt=_cutoff(period)))
    built = 0
    for hall_id in sorted(set(pending.values_list("hall_id", flat=True))):
        if _build(actor=actor, kind=K.VPMN_ARCHIVE, hall_id=hall_id, period=period, pending=pending,
                  field="archive_batch", manifest=_vpmn_manifest, related=("candidates",),
                  select=("signed_by", "group__account_manager")):
            built += 1
    return built


def group_sms_documents_build(*, actor: Staff, today: date | None = None) -> int:
    """The weekly job: for each hall, the qualification documents of every group SMS application handed over
    before this week's Monday and not sent yet. Returns how many batches were built."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    pending = GroupSmsApplication.objects.filter(documents_batch__isnull=True, handed_over_at__isnull=False,
                                                 handed_over_at__lt=_cutoff(monday - timedelta(days=1))
                                                 )
    built = 0
    for hall_id in sorted(set(pending.values_list("hall_id", flat=True))):
        if _build(actor=actor, kind=K.SMS_QUALIFICATION, hall_id=hall_id, period=monday, pending=pending,
                  field="documents_batch", manifest=_sms_manifest):
            built += 1
    return built


def batch_due_at(batch: GroupDocumentBatch) -> datetime:
    """When the room should have signed for a batch: the VPMN archive of the 25th by the end of that month, the
    week's qualification documents by the end of that week (Sunday)."""
    if batch.kind == K.VPMN_ARCHIVE:
        last = (batch.period.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = batch.period + timedelta(days=6)
    return _cutoff(last) - timedelta(seconds=1)


@transaction.atomic
def group_batch_sign_for(*, actor: Staff, batch: GroupDocumentBatch) -> GroupDocumentBatch:
    """The big-customer room receives a batch and signs for it. Raises NotPermitted, GroupBatchStateError."""
    if not (actor.has_perm("groups.issue_vpmn") or actor.has_perm("groups.handle_group_sms")):
        raise NotPermitted()
    batch = lock_by_key(GroupDocumentBatch, batch.pk)
    if batch.received_at is not None:
        raise GroupBatchStateError()
    batch.received_at, batch.received_by = timezone.now(), actor
    batch.save(update_fields=["received_at", "received_by", "updated_at"])
    audit_record(actor=actor, action="group_batch.sign_for", target=batch)
    return batch

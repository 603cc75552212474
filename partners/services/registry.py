"""The partner registry (process 13): add, change (the interface number keeps its history), suspend,
resume, delete (only without live activity), and the agent halls a channel partner runs. Audited."""

import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from billing.models import Payment
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.models import Hall, Staff
from boss.months import month_add, period_bounds
from orders.models import Order
from partners.errors import (
    InterfaceNumberInvalidError,
    InterfaceNumberTakenError,
    PartnerCategoryError,
    PartnerHallHasActivityError,
    PartnerHasActivityError,
    PartnerReasonRequiredError,
    PartnerStateError,
)
from partners.models import (
    BlacklistEntry,
    CommissionDispute,
    DiscountRequest,
    InterfaceNumberChange,
    Partner,
    PartnerHall,
    PartnerKey,
)

_OPEN_REQUESTS = (DiscountRequest.Status.PENDING, DiscountRequest.Status.APPROVED)
_NUMBER = re.compile(r"^[A-Z0-9-]{4,20}$")
_FIELDS = ("name", "category", "contact_name", "contact_phone", "receives_blacklist")


def _ensure_may_manage(actor: Staff) -> None:
    if not actor.has_perm("partners.manage_partner"):
        raise NotPermitted()


def _interface_number(value: str) -> str:
    number = (value or "").strip().upper()
    if not _NUMBER.match(number):
        raise InterfaceNumberInvalidError()
    return number


def _ensure_number_free(number: str, *, exclude_pk: int | None = None) -> None:
    taken = Partner.objects.exclude(status=Partner.Status.DELETED).filter(interface_number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise InterfaceNumberTakenError()


def _snapshot(partner: Partner) -> dict:
    return {f: getattr(partner, f) for f in ("interface_number", "status", *_FIELDS)}


@transaction.atomic
def partner_create(*, actor: Staff, name: str, category: str, interface_number: str, contact_name: str = "",
                   contact_phone: str = "", receives_blacklist: bool = False) -> Partner:
    """Raises NotPermitted, InterfaceNumberInvalidError, InterfaceNumberTakenError, PartnerCategoryError."""
    _ensure_may_manage(actor)
    number = _interface_number(interface_number)
    if category not in Partner.Category.values:
        raise PartnerCategoryError()
    _ensure_number_free(number)
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                name=name.strip(), category=category, kind=Partner.KIND_OF_CATEGORY[Partner.Category(category)],
                interface_number=number, contact_name=contact_name, contact_phone=contact_phone,
                receives_blacklist=receives_blacklist)
    except IntegrityError:   # the same number added at the same moment by someone else
        raise InterfaceNumberTakenError() from None
    audit_record(actor=actor, action="partner.create", target=partner, after=_snapshot(partner))
    return partner


@transaction.atomic
def partner_update(*, actor: Staff, partner: Partner, interface_number: str | None = None, reason: str = "",
                   **changes) -> Partner:
    """Change a partner's data; a new interface number is recorded in its history with who and why.

    Raises NotPermitted, PartnerStateError (deleted), InterfaceNumberInvalidError, InterfaceNumberTakenError,
    PartnerReasonRequiredError (a number change needs a reason), PartnerCategoryError.
    """
    _ensure_may_manage(actor)
    partner = lock_by_key(Partner, partner.pk)
    if partner.status == Partner.Status.DELETED:
        raise PartnerStateError()
    before = _snapshot(partner)
    for name, value in changes.items():
        if name not in _FIELDS:
            raise TypeError(name)
        setattr(partner, name, value)
    if partner.category not in Partner.Category.values or (
            Partner.KIND_OF_CATEGORY[Partner.Category(partner.category)] != partner.kind):
        raise PartnerCategoryError()
    if interface_number is not None:
        number = _interface_number(interface_number)
        if number != partner.interface_number:
            if not reason.strip():
                raise PartnerReasonRequiredError()
            _ensure_number_free(number, exclude_pk=partner.pk)
            InterfaceNumberChange.objects.create(partner=partner, old_number=partner.interface_number,
                                                 new_number=number, changed_by=actor, reason=reason.strip())
            partner.interface_number = number
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise InterfaceNumberTakenError() from None
    audit_record(actor=actor, action="partner.update", target=partner, before=before, after=_snapshot(partner),
                 reason=reason)
    return partner


def _set_status(*, actor: Staff, partner: Partner, frm: str, to: str, action: str, reason: str) -> Partner:
    _ensure_may_manage(actor)
    if not reason.strip():
        raise PartnerReasonRequiredError()
    partner = lock_by_key(Partner, partner.pk)
    if partner.status != frm:
        raise PartnerStateError()
    partner.status = to
    partner.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, target=partner, before={"status": frm}, after={"status": to},
                 reason=reason)
    return partner


@transaction.atomic
def partner_suspend(*, actor: Staff, partner: Partner, reason: str) -> Partner:
    """A suspended partner's keys are refused at once (they come back with `partner_resume`)."""
    return _set_status(actor=actor, partner=partner, frm=Partner.Status.ACTIVE, to=Partner.Status.SUSPENDED,
                       action="partner.suspend", reason=reason)


@transaction.atomic
def partner_resume(*, actor: Staff, partner: Partner, reason: str) -> Partner:
    return _set_status(actor=actor, partner=partner, frm=Partner.Status.SUSPENDED, to=Partner.Status.ACTIVE,
                       action="partner.resume", reason=reason)


@transaction.atomic
def partner_delete(*, actor: Staff, partner: Partner, reason: str) -> Partner:
    """Delete a partner that has no live activity: no usable key, no agent hall, no blacklist entry in
    force, no pending or approved discount request, no open commission dispute. The row stays (marked deleted)
    for the history; its interface number becomes free.

    Raises NotPermitted, PartnerReasonRequiredError, PartnerStateError, PartnerHasActivityError.
    """
    _ensure_may_manage(actor)
    if not reason.strip():
        raise PartnerReasonRequiredError()
    partner = lock_by_key(Partner, partner.pk)
    if partner.status == Partner.Status.DELETED:
        raise PartnerStateError()
    now = timezone.now()
    live_keys = PartnerKey.objects.filter(partner=partner, revoked_at__isnull=True).exclude(expires_at__lte=now)
    if (live_keys.exists() or PartnerHall.objects.filter(partner=partner).exists()
            or BlacklistEntry.objects.filter(partner=partner, status=BlacklistEntry.Status.ACTIVE).exists()
            or DiscountRequest.objects.filter(partner=partner, status__in=_OPEN_REQUESTS).exists()
            or CommissionDispute.objects.filter(partner=partner, status=CommissionDispute.Status.OPEN).exists()):
        raise PartnerHasActivityError()
    before = partner.status
    partner.status = Partner.Status.DELETED
    partner.deleted_at = now
    partner.save(update_fields=["status", "deleted_at", "updated_at"])
    audit_record(actor=actor, action="partner.delete", target=partner, before={"status": before},
                 after={"status": partner.status}, reason=reason)
    return partner


@transaction.atomic
def partner_hall_link(*, actor: Staff, partner: Partner, hall: Hall) -> PartnerHall:
    """An agent hall of a channel partner; the hall must be a partner-channel hall not linked yet.

    Raises NotPermitted, PartnerStateError.
    """
    _ensure_may_manage(actor)
    partner = lock_by_key(Partner, partner.pk)
    if (partner.kind != Partner.Kind.CHANNEL or partner.status == Partner.Status.DELETED
            or hall.kind != Hall.Kind.PARTNER or PartnerHall.objects.filter(hall=hall).exists()):
        raise PartnerStateError()
    link = PartnerHall.objects.create(partner=partner, hall=hall)
    audit_record(actor=actor, action="partner.hall_link", target=partner, after={"hall": hall.code})
    return link


def _hall_has_live_activity(*, partner: Partner, hall: Hall) -> bool:
    """What unlinking would cut off or rewrite: the partner's pending or approved discount requests on the
    hall's lines or orders (the partner could no longer reach them), its open disputes naming the hall, and
    the hall's openings and recharges this month and last month (statements are read from the linked halls,
    so unlinking would drop them from commission still being settled)."""
    if DiscountRequest.objects.filter(Q(line__hall=hall) | Q(order__hall=hall), partner=partner,
                                      status__in=_OPEN_REQUESTS).exists():
        return True
    if CommissionDispute.objects.filter(partner=partner, hall=hall, status=CommissionDispute.Status.OPEN).exists():
        return True
    since = period_bounds(month_add(timezone.localdate().replace(day=1), -1))[0]
    return (Order.objects.filter(hall=hall, kind=Order.Kind.OPEN_ACCOUNT, paid_at__gte=since).exists()
            or Payment.objects.filter(hall=hall, created_at__gte=since)   # a recharge: not an order's payment
            .exclude(pk__in=Order.objects.filter(payment__isnull=False).values("payment_id")).exists())


@transaction.atomic
def partner_hall_unlink(*, actor: Staff, partner: Partner, hall: Hall, reason: str) -> Partner:
    """An agent hall stops acting for the partner (it can be linked again, to it or to another partner), only
    without live activity there (`_hall_has_live_activity`).

    Raises NotPermitted, PartnerReasonRequiredError, PartnerStateError (not this partner's hall),
    PartnerHallHasActivityError.
    """
    _ensure_may_manage(actor)
    if not (reason or "").strip():
        raise PartnerReasonRequiredError()
    partner = lock_by_key(Partner, partner.pk)
    link = lock(PartnerHall.objects.filter(partner=partner, hall=hall)).first()
    if link is None:
        raise PartnerStateError()
    if _hall_has_live_activity(partner=partner, hall=hall):
        raise PartnerHallHasActivityError()
    link.delete()
    audit_record(actor=actor, action="partner.hall_unlink", target=partner, before={"hall": hall.code},
                 reason=reason.strip())
    return partner

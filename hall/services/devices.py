"""The hall's ticket machines and displays: added and switched off by the store manager, audited."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boss.audit import audit_record
from boss.errors import NotFound
from boss.models import Staff
from hall.errors import DeviceKindInvalidError
from hall.models import HallDevice


def hall_device_add(*, actor: Staff, kind: str) -> HallDevice:
    """A new device of the actor's hall with a fresh secret address (shown on the device list)."""
    if actor.hall_id is None or kind not in HallDevice.Kind.values:
        raise DeviceKindInvalidError()
    with transaction.atomic():
        count = HallDevice.objects.filter(hall_id=actor.hall_id, kind=kind).count() + 1
        device = HallDevice.objects.create(hall_id=actor.hall_id, kind=kind, token=secrets.token_urlsafe(32),
                                           name=f"{HallDevice.Kind(kind).label} {count}")
        audit_record(actor=actor, action="hall_device.add", target=device, after={"kind": kind})
    return device


def hall_device_revoke(*, actor: Staff, device_id: int) -> HallDevice:
    """Switch a device of the actor's hall off: its address stops working at once."""
    if actor.hall_id is None:
        raise NotFound()
    with transaction.atomic():
        device = HallDevice.objects.filter(pk=device_id, hall_id=actor.hall_id, active=True).first()
        if device is None:
            raise NotFound()
        device.active = False
        device.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, action="hall_device.revoke", target=device)
    return device


def hall_device_authenticate(*, token: str) -> HallDevice | None:
    """The active device with this secret (the device API's `Authorization: Device <token>`), else None. Its
    last call is noted at most once a minute (one UPDATE that matches nothing the rest of the minute)."""
    token = (token or "").strip()
    if not token or len(token) > 64 or not token.isascii():
        return None
    device = HallDevice.objects.select_related("hall").filter(token=token, active=True).first()
    if device is None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or device.last_seen_at < now - timedelta(seconds=60):
        HallDevice.objects.filter(pk=device.pk).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - timedelta(seconds=60))).update(last_seen_at=now)
        device.last_seen_at = now
    return device

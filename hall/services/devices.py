"""The hall's ticket machines and displays: added and switched off by the store manager, audited."""

import secrets

from django.db import transaction

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

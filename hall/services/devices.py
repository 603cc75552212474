"""The hall's ticket machines and displays: added, given a new address and switched off by the store manager,
audited. A device's secret (the last part of its address, also its device API secret) is shown once, when the
device is added or its address re-issued; only its keyed hash is kept."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boss.audit import audit_record
from boss.errors import NotFound
from boss.keyed_hash import keyed_hash, keyed_hash_lookups, keyed_hash_stale
from boss.locks import lock
from boss.models import Staff
from hall.errors import DeviceKindInvalidError
from hall.models import HallDevice

PURPOSE, SALT = "hall.device_secret", "hd"   # a fixed salt: the secret is looked up by its hash


def device_secret_hash(secret: str) -> str:
    """The stored form of a device's secret (under the current key)."""
    return keyed_hash(PURPOSE, secret, salt=SALT)


def hall_device_install(*, hall_id: int, kind: str, name: str, secret: str | None = None) -> tuple[HallDevice, str]:
    """A device row with its secret (a fresh one unless given: the demo's fixed addresses); returns the device
    and the secret, which is not kept."""
    secret = secret or secrets.token_urlsafe(32)
    device = HallDevice.objects.create(hall_id=hall_id, kind=kind, name=name, token_hash=device_secret_hash(secret))
    return device, secret


def hall_device_add(*, actor: Staff, kind: str) -> tuple[HallDevice, str]:
    """A new device of the actor's hall with a fresh secret address; returns the device and the secret, shown
    once to the store manager and never stored."""
    if actor.hall_id is None or kind not in HallDevice.Kind.values:
        raise DeviceKindInvalidError()
    with transaction.atomic():
        count = HallDevice.objects.filter(hall_id=actor.hall_id, kind=kind).count() + 1
        device, secret = hall_device_install(hall_id=actor.hall_id, kind=kind,
                                             name=f"{HallDevice.Kind(kind).label} {count}")
        audit_record(actor=actor, action="hall_device.add", target=device, after={"kind": kind})
    return device, secret


def hall_device_reissue(*, actor: Staff, device_id: int) -> tuple[HallDevice, str]:
    """A new secret address for an active device of the actor's hall (its address was lost or seen by someone
    else): the old address and API secret stop working at once. Returns the device and the new secret, shown
    once."""
    if actor.hall_id is None:
        raise NotFound()
    with transaction.atomic():
        device = lock(HallDevice.objects.filter(pk=device_id, hall_id=actor.hall_id, active=True)).first()
        if device is None:
            raise NotFound()
        secret = secrets.token_urlsafe(32)
        device.token_hash = device_secret_hash(secret)
        device.save(update_fields=["token_hash", "updated_at"])
        audit_record(actor=actor, action="hall_device.reissue", target=device)
    return device, secret


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


def hall_device_find(*, secret: str, kind: str | None = None) -> HallDevice | None:
    """The active device (of this kind) whose secret this is, looked up by its keyed hash, else None. A hash
    under an older key is hashed again under the current one."""
    secret = (secret or "").strip()
    if not secret or len(secret) > 64 or not secret.isascii():
        return None
    devices = HallDevice.objects.select_related("hall").filter(
        token_hash__in=keyed_hash_lookups(PURPOSE, secret, salt=SALT), active=True)
    if kind is not None:
        devices = devices.filter(kind=kind)
    device = devices.first()
    if device is not None and keyed_hash_stale(device.token_hash):
        device.token_hash = device_secret_hash(secret)
        HallDevice.objects.filter(pk=device.pk).update(token_hash=device.token_hash)
    return device


def hall_device_authenticate(*, token: str) -> HallDevice | None:
    """The active device with this secret (the device API's `Authorization: Device <token>`), else None. Its
    last call is noted at most once a minute (one UPDATE that matches nothing the rest of the minute)."""
    device = hall_device_find(secret=token)
    if device is None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or device.last_seen_at < now - timedelta(seconds=60):
        HallDevice.objects.filter(pk=device.pk).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - timedelta(seconds=60))).update(last_seen_at=now)
        device.last_seen_at = now
    return device

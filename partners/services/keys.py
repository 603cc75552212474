"""Partner API keys: issued and shown once, stored as a SHA-256 digest, scoped by the partner's type,
optionally limited to client addresses, rotated with an overlap period, revoked at once. Staff tokens and
partner keys never mix: a partner key authenticates only the partner API (partners.api.auth), and the
partner API takes no staff credentials."""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from partners.errors import KeyAddressError, KeyScopeError, KeyStateError, PartnerStateError
from partners.models import Partner, PartnerKey

KEY_PREFIX = "bpk"
SCOPES_OF_KIND = {
    Partner.Kind.INFO_EXCHANGE: {PartnerKey.Scope.BLACKLIST_PUSH, PartnerKey.Scope.BLACKLIST_READ},
    Partner.Kind.CHANNEL: {PartnerKey.Scope.DISCOUNT_REQUEST},
}


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _addresses(values) -> list[str]:
    out = []
    for value in values or ():
        value = str(value).strip()
        if not value:
            continue
        try:
            out.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError:
            raise KeyAddressError() from None
    return out


def _ensure_may_manage(actor: Staff) -> None:
    if not actor.has_perm("partners.manage_partner"):
        raise NotPermitted()


def _new(*, actor: Staff, partner: Partner, scopes: list[str], allowed_ips: list[str]) -> tuple[PartnerKey, str]:
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = PartnerKey.objects.create(partner=partner, prefix=prefix, key_hash=_digest(raw), scopes=scopes,
                                    allowed_ips=allowed_ips, created_by=actor)
    return key, raw


@transaction.atomic
def partner_key_issue(*, actor: Staff, partner: Partner, scopes, allowed_ips=()) -> tuple[PartnerKey, str]:
    """A new key; returns the key row and the secret, which is shown once and never stored.

    Raises NotPermitted, PartnerStateError (not active), KeyScopeError, KeyAddressError.
    """
    _ensure_may_manage(actor)
    partner = lock_by_key(Partner, partner.pk)
    if partner.status != Partner.Status.ACTIVE:
        raise PartnerStateError()
    scopes = sorted(set(scopes or ()))
    allowed = SCOPES_OF_KIND[Partner.Kind(partner.kind)]
    if not scopes or not set(scopes) <= allowed:
        raise KeyScopeError()
    key, raw = _new(actor=actor, partner=partner, scopes=scopes, allowed_ips=_addresses(allowed_ips))
    audit_record(actor=actor, action="partner.key_issue", target=partner,
                 after={"key": key.prefix, "scopes": scopes, "allowed_ips": key.allowed_ips,
                        "interface_number": partner.interface_number})
    return key, raw


@transaction.atomic
def partner_key_rotate(*, actor: Staff, key: PartnerKey) -> tuple[PartnerKey, str]:
    """A replacement with the same scopes and addresses; the old key keeps working for
    `partner.key_overlap_hours` so that the partner can switch without a gap.

    Raises NotPermitted, KeyStateError, PartnerStateError.
    """
    _ensure_may_manage(actor)
    partner = lock_by_key(Partner, key.partner_id)
    old = lock_by_key(PartnerKey, key.pk)
    now = timezone.now()
    if old.revoked_at is not None or (old.expires_at is not None and old.expires_at <= now) or old.replaced_by_id:
        raise KeyStateError()
    if partner.status != Partner.Status.ACTIVE:
        raise PartnerStateError()
    new, raw = _new(actor=actor, partner=partner, scopes=old.scopes, allowed_ips=old.allowed_ips)
    old.expires_at = now + timedelta(hours=tariff("partner.key_overlap_hours"))
    old.replaced_by = new
    old.save(update_fields=["expires_at", "replaced_by"])
    audit_record(actor=actor, action="partner.key_rotate", target=partner,
                 after={"old": old.prefix, "new": new.prefix, "old_valid_until": old.expires_at.isoformat()})
    return new, raw


@transaction.atomic
def partner_key_revoke(*, actor: Staff, key: PartnerKey, reason: str) -> PartnerKey:
    """Refused from the next call on. Raises NotPermitted, KeyStateError."""
    _ensure_may_manage(actor)
    key = lock_by_key(PartnerKey, key.pk)
    if key.revoked_at is not None:
        raise KeyStateError()
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="partner.key_revoke", target=key.partner, after={"key": key.prefix},
                 reason=reason)
    return key


def key_is_usable(key: PartnerKey, *, now=None) -> bool:
    now = now or timezone.now()
    return (key.revoked_at is None and (key.expires_at is None or key.expires_at > now)
            and key.partner.status == Partner.Status.ACTIVE)


class KeyRefusal(models.TextChoices):
    """Why a presented key was refused (recorded in the audit, never told to the caller)."""

    WRONG_SECRET = "wrong_secret", _("wrong secret for this key")
    REVOKED = "revoked", _("key revoked")
    EXPIRED = "expired", _("key expired")
    PARTNER_NOT_ACTIVE = "partner_not_active", _("partner suspended or deleted")
    ADDRESS = "address_not_allowed", _("client address not allowed")


@dataclass(frozen=True)
class KeyCheck:
    """A presented secret checked: `key` when usable; otherwise `refused` (the key its prefix names, when
    there is one) and `reason`."""

    key: PartnerKey | None = None
    refused: PartnerKey | None = None
    reason: str = ""


def partner_key_check(*, raw: str, client_ip: str | None) -> KeyCheck:
    """Check a presented secret from this address. Read fresh on every call, so a revocation or a suspension
    refuses the very next request. A refusal names the key its prefix identifies (if any) and why."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return KeyCheck()
    key = PartnerKey.objects.select_related("partner").filter(prefix=parts[1]).first()
    if key is None:
        return KeyCheck()
    now = timezone.now()
    reason = ""
    if not hmac.compare_digest(key.key_hash, _digest(raw)):
        reason = KeyRefusal.WRONG_SECRET
    elif key.revoked_at is not None:
        reason = KeyRefusal.REVOKED
    elif key.expires_at is not None and key.expires_at <= now:
        reason = KeyRefusal.EXPIRED
    elif key.partner.status != Partner.Status.ACTIVE:
        reason = KeyRefusal.PARTNER_NOT_ACTIVE
    elif key.allowed_ips:
        try:
            ip = ipaddress.ip_address(client_ip or "")
        except ValueError:
            ip = None
        if ip is None or not any(ip in ipaddress.ip_network(net) for net in key.allowed_ips):
            reason = KeyRefusal.ADDRESS
    if reason:
        return KeyCheck(refused=key, reason=str(reason))
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return KeyCheck(key=key)


def partner_key_authenticate(*, raw: str, client_ip: str | None) -> PartnerKey | None:
    """The usable key for a presented secret from this address, or None (no detail to the caller)."""
    return partner_key_check(raw=raw, client_ip=client_ip).key


@transaction.atomic
def partner_key_refusal_record(*, actor: None, check: KeyCheck, method: str, path: str) -> None:
    """Audit a call refused at key authentication, when the presented prefix identifies a key: the partner's
    interface number, the key's prefix and why (never the secret). `actor` is None: nobody signed in."""
    key = check.refused
    if key is None:
        return
    audit_record(actor=actor, action="partner.api_refused", target=key.partner, hall=None,
                 after={"interface_number": key.partner.interface_number, "key": key.prefix,
                        "refusal": check.reason, "method": method, "path": path[:100]})

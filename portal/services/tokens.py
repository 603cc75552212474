"""The customer's bearer token for the portal's API (a future mobile app): issued after the SMS code, kept
as a SHA-256 only, ended by inactivity, by the longest session life or by sign-out."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boss.audit import audit_record
from boss.tariffs import tariff
from customers.models import Line
from portal.models import CustomerToken
from portal.services.channel import web_actor


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def customer_token_issue(*, line: Line) -> str:
    """A new token for the customer who signed in with `line` (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    record = CustomerToken.objects.create(key_hash=_hash(token), customer_id=line.customer_id, line=line,
                                          last_used_at=timezone.now())
    audit_record(actor=web_actor(hall=line.hall), action="portal.token_issued", target=line,
                 after={"token": record.pk})
    return token


def customer_token_check(token: str) -> CustomerToken | None:
    """The live token for this bearer value (its use is recorded), or None."""
    if not token or len(token) > 100:
        return None
    record = (CustomerToken.objects.filter(key_hash=_hash(token), revoked_at__isnull=True)
              .select_related("customer").first())
    now = timezone.now()
    if record is None or now - record.last_used_at > timedelta(minutes=tariff("portal.idle_minutes")) \
            or now - record.created_at > timedelta(hours=tariff("portal.absolute_hours")):
        return None
    CustomerToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


@transaction.atomic
def customer_token_revoke(*, record: CustomerToken) -> None:
    CustomerToken.objects.filter(pk=record.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=web_actor(hall=None), action="portal.token_revoked", target=record.customer,
                 after={"token": record.pk})

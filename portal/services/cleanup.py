"""Housekeeping of the portal's sign-in records (a beat job, boss/celery.py `portal-records-prune`).

What is deleted is dead already, so the job changes no answer the portal gives; it only stops the tables
growing (and keeps no sign-in trace longer than it serves):
- SMS codes past their expiry (used, retired or never typed: a late try answers "code spent" either way);
- sign-in and recharge-PIN failures older than the lockout window (`portal.lockout_minutes`, at least a
  day, so that raising the tariff does not forget failures that would count again);
- customer API tokens that can no longer authenticate: revoked, idle past `portal.idle_minutes` or older
  than `portal.absolute_hours`;
- expired sessions (Django's own clear_expired: the portal's and, in the same table, the staff's).

Safe to run twice and to be killed half-way: plain deletes of rows chosen by time, in batches of their own
transaction. No number is logged (the records hold none in clear anyway).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from boss.tariffs import tariff
from portal.models import CustomerToken, SignInCode, SignInFailure

log = logging.getLogger(__name__)
BATCH = 2000
FAILURES_KEPT_AT_LEAST = timedelta(days=1)


@dataclass(frozen=True)
class Pruned:
    codes: int
    failures: int
    tokens: int


def _delete_in_batches(rows: QuerySet) -> int:
    """Delete by primary key, a batch per statement (its own transaction: a kill keeps what was done)."""
    deleted = 0
    while True:
        pks = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return deleted
        count, _ = rows.model.objects.filter(pk__in=pks).delete()
        deleted += count


def dead_tokens_q(now: datetime) -> Q:
    return (Q(revoked_at__isnull=False) | Q(last_used_at__lt=now - timedelta(minutes=tariff("portal.idle_minutes")))
            | Q(created_at__lt=now - timedelta(hours=tariff("portal.absolute_hours"))))


def portal_records_prune(*, now: datetime | None = None) -> Pruned:
    """Delete the portal's dead sign-in records (see the module's docstring). Returns the counts."""
    now = now or timezone.now()
    failures_kept = max(timedelta(minutes=tariff("portal.lockout_minutes")), FAILURES_KEPT_AT_LEAST)
    pruned = Pruned(
        codes=_delete_in_batches(SignInCode.objects.filter(expires_at__lt=now)),
        failures=_delete_in_batches(SignInFailure.objects.filter(failed_at__lt=now - failures_kept)),
        tokens=_delete_in_batches(CustomerToken.objects.filter(dead_tokens_q(now))),
    )
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    log.info("portal records pruned: %s codes, %s failures, %s tokens", pruned.codes, pruned.failures,
             pruned.tokens)
    return pruned

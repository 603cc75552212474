"""Timed jobs run on a real Celery worker over the real broker (Redis) and database (PostgreSQL)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from boss.models import IdempotencyKey
from boss.tasks import idempotency_keys_prune

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_timed_job_runs_on_a_real_worker(real_worker, rep):
    old = IdempotencyKey.objects.create(actor=rep, key="old", scope="t", request_hash="h")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    IdempotencyKey.objects.create(actor=rep, key="new", scope="t", request_hash="h")

    idempotency_keys_prune.apply_async(queue=real_worker.queue)
    deadline = time.monotonic() + 30
    while IdempotencyKey.objects.filter(key="old").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not IdempotencyKey.objects.filter(key="old").exists()
    assert IdempotencyKey.objects.filter(key="new").exists()

"""Timed jobs run on a real Celery worker over the real broker (Redis) and database (PostgreSQL)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from boss.models import IdempotencyKey
from boss.tasks import idempotency_keys_prune

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_timed_job_runs_on_a_real_worker(real_worker, rep):
    IdempotencyKey.objects.create(actor=rep, key="new", scope="t", request_hash="h")
    _prune_on(real_worker, rep, "old")   # the old key is pruned
    assert IdempotencyKey.objects.filter(key="new").exists()


def _prune_on(worker, rep, key: str) -> None:
    """A key 30 days old, the prune task sent to the worker, and the key gone within 30 s."""
    IdempotencyKey.objects.create(actor=rep, key=key, scope="t", request_hash="h")
    IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(days=30))
    idempotency_keys_prune.apply_async(queue=worker.queue)
    deadline = time.monotonic() + 30
    while IdempotencyKey.objects.filter(key=key).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not IdempotencyKey.objects.filter(key=key).exists()


def _other_sessions() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return {pid for (pid,) in cursor.fetchall()}


def test_the_worker_keeps_its_database_session_from_task_to_task(start_worker, rep):
    # Celery closes the connections around every task unless told otherwise (boss/celery.py): each task would
    # start a PostgreSQL session of its own. With CONN_MAX_AGE set, as in a deployment, the worker keeps one.
    worker = start_worker(CONN_MAX_AGE=60)
    before = _other_sessions()
    _prune_on(worker, rep, "first")
    after_first = _other_sessions() - before
    _prune_on(worker, rep, "second")
    after_second = _other_sessions() - before

    assert len(after_first) == 1, after_first   # the worker's session outlived its task
    assert after_second == after_first          # and the next task ran on it

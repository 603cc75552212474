"""The test run's task messages do not pile up in the broker (boss/tests/broker.py)."""

import uuid

import pytest
from celery.signals import after_task_publish
from django.conf import settings
from django.db import transaction

from boss.outbox import nudge, nudge_taken
from boss.tasks import idempotency_keys_prune
from boss.tests.broker import broker_queue_delete

pytestmark = [pytest.mark.redis]


def test_a_queue_with_messages_is_deleted_with_its_messages_and_its_binding(broker):
    name = f"test-{uuid.uuid4().hex[:8]}"
    idempotency_keys_prune.apply_async(queue=name)
    idempotency_keys_prune.apply_async(queue=name)
    assert broker.llen(name) == 2
    assert broker.exists(f"_kombu.binding.{name}")

    broker_queue_delete(name)

    assert broker.llen(name) == 0
    assert not broker.keys(f"{name}*")
    assert not broker.exists(f"_kombu.binding.{name}")


def test_the_nudges_of_the_run_go_to_its_own_queue_not_to_a_deployments(broker, transactional_db):
    published = []

    def record(sender=None, headers=None, routing_key=None, **kwargs):
        published.append((headers["id"], routing_key))

    nudge_taken(idempotency_keys_prune)   # no nudge of it waits (boss/outbox.py coalesces them)
    after_task_publish.connect(record, weak=False)
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: nudge(idempotency_keys_prune))
    finally:
        after_task_publish.disconnect(record)

    [(task_id, queue)] = published
    assert queue == settings.CELERY_TASK_DEFAULT_QUEUE == "boss-tests"
    assert any(task_id.encode() in message for message in broker.lrange("boss-tests", 0, -1))
    assert not any(task_id.encode() in message for message in broker.lrange("boss", 0, -1))

"""The outbox's nudges are coalesced in the broker's Redis (boss/outbox.py): while one waits, a commit adds none;
the dispatch task takes the nudge as it starts, and a commit after that enqueues a run of its own."""

import uuid

import pytest
import redis
from celery.signals import after_task_publish
from django.conf import settings
from django.db import transaction

from boss import outbox
from boss.celery import app
from boss.outbox import NUDGE_PENDING_SECONDS, nudge, nudge_taken
from notifications.tasks import notifications_dispatch
from provisioning.tasks import provisioning_dispatch

pytestmark = [pytest.mark.redis]


@app.task(name=f"boss.tests.nudge-probe-{uuid.uuid4().hex[:8]}")   # a name of this run's only: no other test nudges it
def probe() -> None:
    """Never run: its messages wait in the run's queue, which is deleted at the end of the run."""


@pytest.fixture
def published():
    sent = []

    def record(sender=None, headers=None, **kwargs):
        sent.append(headers["task"])

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def _commit_nudging(task) -> None:
    with transaction.atomic():
        transaction.on_commit(lambda: nudge(task))


def test_a_nudge_waiting_in_the_broker_is_not_sent_again_and_once_taken_the_next_commit_sends_one(
        broker, published, transactional_db):
    _commit_nudging(probe)
    _commit_nudging(probe)
    _commit_nudging(probe)
    assert published == [probe.name]
    key = f"boss:nudge:{settings.CELERY_TASK_DEFAULT_QUEUE}:{probe.name}"
    assert 0 < broker.ttl(key) <= NUDGE_PENDING_SECONDS   # a run that never starts holds nudges back for a while only

    nudge_taken(probe)   # the run has started: it claims after this
    assert not broker.exists(key)
    _commit_nudging(probe)
    assert published == [probe.name, probe.name]
    nudge_taken(probe)


@pytest.mark.parametrize("dispatch", [provisioning_dispatch, notifications_dispatch])
def test_the_dispatch_task_takes_its_nudge_before_it_claims(dispatch, broker, published, transactional_db):
    key = f"boss:nudge:{settings.CELERY_TASK_DEFAULT_QUEUE}:{dispatch.name}"
    broker.set(key, 1, ex=NUDGE_PENDING_SECONDS)

    assert dispatch() == 0
    assert not broker.exists(key)
    _commit_nudging(dispatch)
    assert published == [dispatch.name]
    nudge_taken(dispatch)


def test_a_flag_store_that_does_not_answer_does_not_hold_the_nudge_back(published, monkeypatch, transactional_db):
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)   # nothing listens on port 1
    monkeypatch.setattr(outbox, "_flags", lambda url: unreachable)

    _commit_nudging(probe)
    _commit_nudging(probe)
    assert published == [probe.name, probe.name]

"""What the transactional outboxes share (provisioning's work orders, notifications' text messages)."""

import logging
import random
from datetime import timedelta

log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """Exponential back-off with jitter: about 2, 4, 8 ... seconds, at most 5 minutes."""
    base = min(2 ** attempts, 300)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def nudge(task) -> None:
    """Enqueue the outbox's dispatch task (call it from transaction.on_commit). The broker being down must
    not fail the counter: the beat schedule picks the rows up."""
    try:
        task.delay()
    except Exception:
        log.warning("could not enqueue %s; the beat schedule will pick it up", task.name)

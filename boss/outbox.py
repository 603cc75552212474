"""What the transactional outboxes share (provisioning's work orders, notifications' text messages).

A commit that queues rows nudges a worker: it enqueues the outbox's dispatch task. Nudges are coalesced: while
one waits in the broker, later commits add none, since the waiting run starts after their commits and claims
their rows too. A flag in the broker's Redis says that a nudge waits; the dispatch task clears it as it starts,
before it claims (`nudge_taken`), so a commit after that enqueues a run of its own. Under load this turns a
run per commit into a run per batch; a broker that is not Redis (the embedded default's files, the tests'
memory) enqueues every nudge.
"""

import logging
import random
from datetime import timedelta
from functools import cache

log = logging.getLogger(__name__)

# How long a nudge's flag lives: a run that never starts (its message lost, a worker of an older release that
# does not clear the flag) holds the later commits' nudges back this long at most; the beat schedule's
# dispatch runs meanwhile.
NUDGE_PENDING_SECONDS = 10


def backoff(attempts: int) -> timedelta:
    """Exponential back-off with jitter: about 2, 4, 8 ... seconds, at most 5 minutes."""
    base = min(2 ** attempts, 300)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def nudge(task) -> None:
    """Enqueue the outbox's dispatch task (call it from transaction.on_commit), unless a nudge of it waits in the
    broker already. The broker being down must not fail the counter: the beat schedule picks the rows up."""
    flags, key = _flags(task.app.conf.broker_url), _flag_key(task)
    try:
        if flags is not None and not flags.set(key, 1, nx=True, ex=NUDGE_PENDING_SECONDS):
            return
    except Exception:
        flags = None   # Redis does not answer: try the broker all the same (it says why, below)
    try:
        task.delay()
    except Exception:
        log.warning("could not enqueue %s; the beat schedule will pick it up", task.name)
        _clear(flags, key)


def nudge_taken(task) -> None:
    """The dispatch task's first step, before it claims anything: the nudge that started it is taken, and a
    commit from now on enqueues a run of its own."""
    _clear(_flags(task.app.conf.broker_url), _flag_key(task))


def _clear(flags, key: str) -> None:
    if flags is None:
        return
    try:
        flags.delete(key)
    except Exception:
        log.warning("could not clear the nudge flag %s; it expires in %s s", key, NUDGE_PENDING_SECONDS)


def _flag_key(task) -> str:
    return f"boss:nudge:{task.app.conf.task_default_queue}:{task.name}"


@cache
def _flags(url: str):
    """A client of the broker's Redis for the nudge flags (one per process), or None for another broker."""
    if not url or not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

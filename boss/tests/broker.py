"""The tests' task messages on a real broker (Redis in CI). The outbox nudges a worker after every commit,
and no worker reads the test run's own queue; a test's worker (conftest.start_worker) leaves what it did not
take in a queue of its own. Both queues are deleted when they are done with, so that messages do not pile up
in the broker from run to run (2,422 had piled up on one machine's Redis)."""

from kombu import Exchange, Queue

from boss.celery import app


def broker_queue_delete(name: str) -> None:
    """Delete a queue as Celery declares it (a direct exchange of the same name), with its messages."""
    with app.connection_for_write() as connection:
        queue = Queue(name, Exchange(name), routing_key=name, channel=connection.default_channel)
        queue.declare()  # known to this channel, so that its delete removes the messages and the binding
        queue.delete()

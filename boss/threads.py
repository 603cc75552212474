"""Batch jobs on several threads of one process, each with its own database connection.

The rating and the bill run cut a month into chunks, each one transaction. Much of a chunk's time is the
database's (its statements, its key checks at the commit), during which the process's Python waits: with a
connection per thread, the database works on one chunk while Python computes another, so one worker uses
both cores of a small box. The chunks are made so that threads never wait on each other in a circle (lines
locked in id order, chunks claimed with SKIP LOCKED), exactly as when several worker processes run side by side.
"""

import threading
from collections.abc import Callable

from django.db import connection, connections


def threads_usable(threads: int) -> bool:
    """More than one thread helps only on PostgreSQL (SQLite has one writer) and never inside a transaction
    (the threads' own connections could not see what it has not committed)."""
    return threads > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


def work_on_threads(step: Callable[[], bool], *, threads: int, name: str) -> None:
    """Call `step` until it returns False (nothing left to take), on `threads` threads when `threads_usable`,
    else in the calling thread. The first error stops every thread from taking more (each ends the step it
    is in: what was done before stays done) and is raised here once all have ended. Each thread closes its
    own connection at its end."""
    if not threads_usable(threads):
        while step():
            pass
        return
    errors: list[Exception] = []

    def work() -> None:
        try:
            while not errors and step():
                pass
        except Exception as exc:  # raised again below, in the caller's thread
            errors.append(exc)
        finally:
            connections.close_all()   # this thread's own connection

    running = [threading.Thread(target=work, name=f"{name}-{n}") for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    if errors:
        raise errors[0]

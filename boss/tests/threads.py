"""Real concurrency for PostgreSQL tests: n threads released together by a barrier, each on its own
database connection (closed at the end), as counters at different halls would be."""

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(n: int, target: Callable[[int], object]) -> tuple[list, list[Exception]]:
    """Call `target(i)` for i in 0..n-1 at the same moment; return (results, exceptions raised)."""
    barrier = threading.Barrier(n)
    outcomes: list = []
    errors: list[Exception] = []

    def worker(i):
        try:
            barrier.wait()
            outcomes.append(target(i))
        except Exception as exc:  # noqa: BLE001  the test inspects every failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, errors

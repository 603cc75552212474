"""What a server worker does once, after Django is set up and before its first request (boss/wsgi.py; the
benchmarks start the same way, so that the server time they measure is the server's)."""

import gc

from django.urls import get_resolver


def worker_warm_up() -> None:
    """Load the URLconf (every app's views, forms and tables), then freeze what is loaded: it lives as long as
    the worker, and frozen, Python's full (generation 2) garbage collections stop walking it again and again.
    Unfrozen, a full collection cost 70-100 ms of CPU to whichever request it fell into, every few screens: a
    screen answering in 20-30 ms (the refunds list, a number's reservation) measured 115-260 ms at its p95 in
    the screen crawl; frozen, the same collection takes about 9 ms."""
    get_resolver().url_patterns  # noqa: B018 (loaded for its side effect)
    gc.freeze()

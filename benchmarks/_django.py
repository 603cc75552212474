"""Set up Django for a benchmark script run from the project root (not part of the test run)."""

import os
import sys
from pathlib import Path


def setup() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")
    os.environ.setdefault("DEBUG", "false")  # no query log kept in memory
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, "
                 "e.g. postgres://postgres@127.0.0.1:5432/boss_inventory_bench")
    import django

    django.setup()
    from boss.warmup import worker_warm_up

    worker_warm_up()  # as a server worker starts (boss/wsgi.py)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


class QueryLog:
    """The statements a block runs, counted by a connection wrapper (with their SQL and time when `keep_sql`).
    Not Django's CaptureQueriesContext: its debug cursor formats and logs every statement, which added about
    a tenth to the CPU time measured, and the server runs without it.

        with QueryLog() as log:
            client.get(url)
        len(log)
    """

    def __init__(self, keep_sql: bool = False):
        self.keep_sql, self.statements = keep_sql, []

    def __call__(self, execute, sql, params, many, context):
        if not self.keep_sql:
            self.statements.append((sql, 0.0))
            return execute(sql, params, many, context)
        import time

        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - started))

    def __enter__(self):
        from django.db import connection

        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapped.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.statements)

"""Reports may read from a replica (issue 15): with `REPORTS_DATABASE_URL` set, the database alias `reports`
points at it and this router sends the queries a report makes inside `report_reads()` there; everything
else, and every write, stays on `default`. Off by default (no URL, no alias, no routing). The tests run it
against the same database under the second alias (a test mirror; `REPORTS_REPLICA_READS` switches it on).

A replica lags behind: the live console and the day close never read through it, only the reports."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

ALIAS = "reports"
_reading = ContextVar("reports_reading", default=False)


def replica_reads_on() -> bool:
    return bool(getattr(settings, "REPORTS_REPLICA_READS", False)) and ALIAS in settings.DATABASES


@contextmanager
def report_reads() -> Iterator[None]:
    """The reads inside go to the replica when it is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and replica_reads_on():
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # A hall or rep read for a report may be the target of a row written on default (the audit event).
        if {obj1._state.db, obj2._state.db} <= {"default", ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == ALIAS else None

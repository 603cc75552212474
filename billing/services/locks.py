"""Row locks the same way everywhere in billing (style B2.4): only the rows of the queried table (joined
rows are read, not locked), no-key locks on PostgreSQL so foreign-key inserts still pass. SQLite has no
row locks; the same code runs there unlocked."""

from django.db import connection
from django.db.models import QuerySet


def for_update(qs: QuerySet, *, no_key: bool = True, skip_locked: bool = False) -> QuerySet:
    if connection.vendor == "postgresql":
        return qs.select_for_update(no_key=no_key, skip_locked=skip_locked, of=("self",))
    return qs.select_for_update()

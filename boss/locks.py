"""Row locks, the one way every service takes them (style.md B2.4; architecture.md).

    line = lock_by_key(Line, line.pk)                         # a row by its key: the statement compiled once
    lines = list(lock(Line.objects.filter(account_id=account.pk).order_by("pk")))   # any other lock

- FOR NO KEY UPDATE by default: it excludes every other locker of the row (two counters on one line wait
  for each other) but lets a foreign-key insert that points at the row go on (a payment row for the
  account). A full FOR UPDATE (`key=True`) is for a row whose key changes or that is deleted; the call
  says why in a comment.
- OF the queried table only: rows joined by select_related are read, not locked (a lock on a joined
  customer row behind an account was the fee collection × customer change deadlock).
- No join in a lock (select_related is refused): when a row was updated while the lock waited, PostgreSQL
  re-checks it against the joined rows as they were, so a line a transfer has just given a new customer and
  account is not found at all (fee collection or pre-cancellation waiting for a transfer: a 500). Lock the
  row alone, then read what it points to (orders.services.lifecycle.line_lock).
- One order everywhere: the customer, then the line, then the account, then every other row; several
  rows of one table in primary-key order (`.order_by("pk")`). The tests check the order on every lock a
  service takes (LOCK_ORDER below; `lock_order_check_install`), so a service that takes them the other
  way round fails its tests instead of deadlocking at two counters.
- SQLite has no row locks: the same code runs there unlocked; tests of locks run on PostgreSQL.

A bare `select_for_update(` anywhere else is refused by boss/tests/test_locks.py.

A row locked by its key goes through `lock_by_key()`: the statement `lock()` makes for it, compiled once per process
and model (boss/prepared.py; issue 20: compiling it again was a good part of a counter request's CPU). Another lock
a counter takes at every request may be compiled once the same way, as a prepared read written around `lock()`.
Either runs the same statement as the ORM, and the order check below holds its rows as it holds the ORM's.
"""

from typing import Any, TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# Tables in the order their rows are locked within one transaction; any other table comes after these. The
# customer's identity document is part of the customer (the one-ID-five-numbers check locks it).
LOCK_ORDER = ("customers.customer", "customers.customeridentity", "customers.line", "customers.account")
_RANK = {label: rank for rank, label in enumerate(LOCK_ORDER)}
_OTHER = len(LOCK_ORDER)
_order_checked = False


class LockOrderError(AssertionError):
    """A service locked rows against the one order (only raised while the order check is installed)."""


def lock(qs: QuerySet, *, key: bool = False, skip_locked: bool = False, nowait: bool = False,
         claim: bool = False) -> QuerySet:
    """`qs` with its rows locked when it is evaluated (inside the caller's transaction).

    `claim=True` marks a job's own work item (a bill-run chunk) claimed with SKIP LOCKED before the rows
    the work touches: nothing but another worker ever locks it, and that one skips it, so it stands
    outside the order."""
    if claim and not skip_locked:
        raise ValueError("A claim is taken with skip_locked: it never waits.")
    qs = qs.all()   # a manager as well as a queryset
    _refuse_joins(qs)
    if connections[qs.db].vendor != "postgresql":
        locked = qs.select_for_update(skip_locked=skip_locked, nowait=nowait)
    else:
        locked = qs.select_for_update(no_key=not key, skip_locked=skip_locked, nowait=nowait, of=("self",))
    if _order_checked and not claim:
        locked.__class__ = _checked_class(type(locked))
    vars(locked.query)["boss_lock"] = "claim" if claim else "lock"   # kept by its clones; read by boss/prepared.py
    return locked


_BY_KEY: dict[type, Any] = {}   # model -> its prepared lock by key


def lock_by_key(model: type[M], pk) -> M:
    """The model's row with this primary key, locked until the end of the caller's transaction: what
    `lock(model.objects.filter(pk=pk)).get()` gives (FOR NO KEY UPDATE, the one order checked), by a statement
    compiled once per process and model. Raises model.DoesNotExist."""
    read = _BY_KEY.get(model)
    if read is None:
        from boss.prepared import Prepared  # (boss.prepared runs this module's order check on what it locks)

        read = _BY_KEY[model] = Prepared(lambda key: lock(model._default_manager.filter(pk=key)), int)
    return read.one(pk)


def locked_rows_check(connection, label: str, pks: list) -> None:
    """The order check of the rows a prepared read (boss/prepared.py) has just locked, where the suite installed
    the check; nothing otherwise."""
    if _order_checked:
        _order_check(connection, label, pks)


def _refuse_joins(qs: QuerySet) -> None:
    if qs.query.select_related:
        raise ValueError("A lock takes no join (see boss/locks.py): lock the row alone, then read what it "
                         "points to.")


# --------------------------------------------------------------------------------------------------
# The order check (installed by the test suite): every row a lock fetches is held against the rows the
# transaction already holds. A row already held may be fetched again in any order (it is not waited for).
# --------------------------------------------------------------------------------------------------


def _checked_class(base: type) -> type:
    if getattr(base, "_boss_checked", False):
        return base

    class Checked(base):
        _boss_checked = True

        def _fetch_all(self):
            fresh = self._result_cache is None
            if fresh:
                _refuse_joins(self)   # also a select_related chained after lock()
            super()._fetch_all()
            if fresh:
                _order_check(connections[self.db], self.model._meta.label_lower, _pks(self))

    Checked.__name__ = f"Checked{base.__name__}"
    return Checked


def _pks(qs) -> list:
    """The primary keys of the rows a queryset fetched (models, or values lists that start with the key)."""
    fields: tuple[str, ...] = getattr(qs, "_fields", None) or ()
    keyed = bool(fields) and fields[0] in ("pk", "id")
    out = []
    for row in qs._result_cache:
        if hasattr(row, "pk"):
            out.append(row.pk)
        elif keyed:
            out.append(row.get(fields[0]) if isinstance(row, dict) else row[0] if isinstance(row, tuple) else row)
        else:
            out.append(None)
    return out


def _order_check(connection, label: str, pks: list) -> None:
    if len(connection.atomic_blocks) <= _wrapper_depth(connection):
        return  # not in a transaction of the code under test (Django refuses the lock there anyway)
    rank = _RANK.get(label, _OTHER)
    held = connection.__dict__.setdefault("boss_locks_held", {})   # (label, pk) -> rank
    for pk in pks:
        if (label, pk) in held and pk is not None:
            continue
        later = [other for (other, _pk), r in held.items() if r > rank]
        if later:
            raise LockOrderError(f"{label} locked after {later[-1]}: the order is {', '.join(LOCK_ORDER)}, "
                                 f"then the rest")
        held[(label, pk)] = rank


def _wrapper_depth(connection) -> int:
    """How many of the open atomic blocks are a test case's own (a test runs inside them; the code under test
    opens its transaction within)."""
    return sum(1 for block in connection.atomic_blocks if getattr(block, "_from_testcase", False))


def lock_order_check_install() -> None:
    """Check the lock order on every lock taken from now on (the test suite installs it). The record of a
    transaction's locks is dropped when its outermost atomic block ends, committed or rolled back; inside a
    test case's own atomic blocks, when the block the code under test opened ends."""
    global _order_checked
    if _order_checked:
        return
    _order_checked = True
    original_exit = transaction.Atomic.__exit__

    def atomic_exit(self, exc_type, exc_value, traceback):
        try:
            return original_exit(self, exc_type, exc_value, traceback)
        finally:
            connection = transaction.get_connection(self.using)
            if len(connection.atomic_blocks) <= _wrapper_depth(connection):
                connection.__dict__.pop("boss_locks_held", None)

    setattr(transaction.Atomic, "__exit__", atomic_exit)  # noqa: B010 (patching a method: the check is test-only)

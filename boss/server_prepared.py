"""Statements prepared on the PostgreSQL server, once a database session (issue 20).

PostgreSQL parses, analyses and plans every plain statement it receives, and Django sends each of its queries as
plain text (psycopg2 has no prepared statements of its own). For the counter's statements that is most of what
they cost the server: PostgreSQL's CPU for the line read's five-table join, 0.51 ms plain and 0.06 ms prepared; a
one-table read 0.067 and 0.037 ms; an UPDATE by key 0.130 and 0.083 ms; an INSERT 0.163 and 0.140 ms.

This is an execute wrapper (Django's database instrumentation) on every PostgreSQL connection. The second time
a session sends a plan-stable statement, it is prepared (PREPARE, sent on its own in a savepoint, so that a
statement PostgreSQL cannot prepare runs plain and leaves the transaction usable); from then on the session sends
EXECUTE with the values. A statement sent once (a migration's, a one-off report's) is never prepared; one at a
time only (not executemany, not a server-side cursor's, which DECLAREs its statement), and at most MAX_PER_SESSION
a session.

Plan-stable: a prepared statement is soon run on a generic plan, made without the values, and PostgreSQL picks it
when its estimate is close to the plans made with them. For a search over skewed data that is a bad bet: with every
statement prepared, the number search's "contains 2 random digits" took 151 ms instead of 1.6, its AAAAA pattern 27
instead of 9. So only statements whose plan the values cannot change are prepared:
- an INSERT of values (VALUES, or the ledger's UNNEST of arrays), which has no plan to choose;
- a statement that finds its rows by a primary key (`"table"."id" = %s`, AND-ed with any other condition, no OR,
  no subquery, no pattern), as an UPDATE or a lock of a row does;
- the reads of boss/prepared.py, each written for one key (`stable()` marks them).

The statement sent carries the original as a comment: the query log, the tests that look at it and a reader of
pg_stat_activity still see what ran. BOSS_DB_SERVER_PREPARED=false turns it off, for a connection pooler that does
not keep sessions (PgBouncer in transaction mode before 1.21). A migration that changes a column's type under a
running process's prepared statement makes PostgreSQL refuse its next EXECUTE: deployments restart the processes
after migrating (a migration in this process forgets them, see below).
"""

import re
import weakref
from itertools import count

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

MAX_PER_SESSION = 1000
_INSERT_VALUES = re.compile(r'INSERT INTO "\w+" \([^()]*\) (VALUES \(|SELECT \* FROM UNNEST\()')
_BY_KEY = re.compile(r'(SELECT|UPDATE|DELETE) .* WHERE .*"\w+"\."id" = %s')
_UNSTABLE = re.compile(r" OR |\(SELECT | LIKE |::tsquery| ~|%>|<%| UNION | EXISTS")
_MARKED: set[str] = set()   # statements marked plan-stable by their writers (stable())
_NUMBERS = count(1)
# Per database session (the driver's connection): per statement, None once seen, else its name, or "" where
# PostgreSQL could not prepare it. A session that ends takes its prepared statements with it, and its entry goes
# with the connection.
_SESSIONS: "weakref.WeakKeyDictionary[object, dict[str, str | None]]" = weakref.WeakKeyDictionary()
_migrating = False   # a migration changes tables under the statements: none is prepared while one runs


def server_prepared(execute, sql, params, many, context):
    """The execute wrapper: EXECUTE a statement this session has prepared; prepare it at its second use."""
    connection = context["connection"]
    if (many or not params or _migrating or not settings.BOSS_DB_SERVER_PREPARED
            or getattr(context["cursor"].cursor, "name", None)):   # a server-side cursor DECLAREs its statement
        return execute(sql, params, many, context)
    session = _SESSIONS.setdefault(connection.connection, {})
    if sql not in session:
        if len(session) < MAX_PER_SESSION and _plan_stable(sql):
            session[sql] = None   # seen once: prepared if it comes again
        return execute(sql, params, many, context)
    name = session[sql]
    if name is None:
        name = session[sql] = _prepare(connection, sql)
    if not name:
        return execute(sql, params, many, context)
    # The comment is the original with its placeholders kept (%% for the driver): what ran, for a reader.
    statement = f"EXECUTE {name}({', '.join(['%s'] * len(params))}) /* {sql.replace('%', '%%')} */"
    return execute(statement, params, many, context)


def stable(sql: str) -> None:
    """Mark a statement as plan-stable (boss/prepared.py's reads, each for one key)."""
    _MARKED.add(sql)


def _plan_stable(sql: str) -> bool:
    if re.search(r";|/\*|\*/", sql):   # one statement, and nothing that would end its comment
        return False
    if sql in _MARKED or _INSERT_VALUES.match(sql):
        return True
    return bool(_BY_KEY.match(sql)) and not _UNSTABLE.search(sql)


def original(sql: str) -> str:
    """The statement as Django wrote it, for a reader of the query log: an EXECUTE's comment, else the SQL itself."""
    if sql.startswith("EXECUTE boss_s") and sql.endswith(" */"):
        return sql[sql.index("/* ") + 3:-3]
    return sql


def _prepare(connection, sql: str) -> str:
    """PREPARE the statement in this session, sent on the driver's own cursor (so it is not one of the request's
    queries) and in a savepoint inside a transaction; its name, or "" when PostgreSQL refuses it (a value whose
    type it cannot tell)."""
    name = f"boss_s{next(_NUMBERS)}"
    numbers = count(1)
    # The driver's placeholders become PostgreSQL's: the n-th %s is $n, and %% (sent without values here) is %.
    text = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
    in_transaction = not connection.get_autocommit()
    with connection.connection.cursor() as cursor:
        if in_transaction:
            cursor.execute("SAVEPOINT boss_prepare")
        try:
            cursor.execute(f"PREPARE {name} AS {text}")
        except connection.Database.Error:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT boss_prepare; RELEASE SAVEPOINT boss_prepare")
            return ""
        if in_transaction:
            cursor.execute("RELEASE SAVEPOINT boss_prepare")
    return name


def _install(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and server_prepared not in connection.execute_wrappers:
        connection.execute_wrappers.append(server_prepared)


def _migration_starts(**kwargs):
    global _migrating
    _migrating = True
    _forget()


def _migration_ends(**kwargs):
    global _migrating
    _migrating = False
    _forget()


def _forget() -> None:
    """This process's sessions drop what they prepared: a statement prepared before a migration may return other
    types after it, which PostgreSQL refuses to EXECUTE."""
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "postgresql" or connection.connection is None:
            continue
        session = _SESSIONS.pop(connection.connection, None)
        if session and any(session.values()):
            with connection.connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")


def install() -> None:
    """Every PostgreSQL connection made from now on gets the wrapper (boss.apps.BossConfig.ready)."""
    connection_created.connect(_install, dispatch_uid="boss.server_prepared")
    pre_migrate.connect(_migration_starts, dispatch_uid="boss.server_prepared.pre_migrate")
    post_migrate.connect(_migration_ends, dispatch_uid="boss.server_prepared.post_migrate")

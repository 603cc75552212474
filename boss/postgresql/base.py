"""Django's PostgreSQL backend, with each savepoint sent along with the statement that follows it (issue 20).

Every service is a transaction of its own (`@transaction.atomic`, style B2), so one counter request nests several:
an opening's payment made 7 savepoints, each a SAVEPOINT and a RELEASE SAVEPOINT, 14 of its 53 statements. Each was
a round trip of its own, about 0.4 ms of CPU between Django and PostgreSQL per pair on a 2-core box, a tenth of the
counter's server time.

Here the savepoint statements wait, in order, and go in front of the next statement the connection sends, in the same
message (psycopg2 sends each statement as one simple query, which may hold several): `SAVEPOINT a; RELEASE SAVEPOINT
b; UPDATE ...`. PostgreSQL runs them in that order before the statement, so each statement runs with the same
savepoints as before. What never needs sending is left out:
- a block that sent no statement: its SAVEPOINT and its RELEASE (or its ROLLBACK TO) are dropped together;
- the waiting RELEASEs when the transaction ends: COMMIT and ROLLBACK end every savepoint.

A ROLLBACK TO a savepoint that was sent goes at once (with what waits before it): an error path. The statements that
wait are not seen by Django's execute wrappers (the query log, the tests' query counts): they are no statements of
the code's own. On SQLite (the embedded default) Django's own backend runs as it is.
"""

import psycopg2.extensions
from django.db.backends.postgresql import base

_SAVEPOINT, _RELEASE = "SAVEPOINT", "RELEASE SAVEPOINT"


class _Connection(psycopg2.extensions.connection):
    """psycopg2's connection with the savepoint statements that wait for the next statement: (verb, sid)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.boss_waiting: list[tuple[str, str]] = []
        self.boss_dropped: set[str] = set()   # savepoints rolled back before they were sent: their release is a no-op

    def boss_take(self) -> str:
        """The waiting statements as one text (ending in "; "), and none waits any more."""
        text = "".join(f"{verb} {sid}; " for verb, sid in self.boss_waiting)
        self.boss_waiting.clear()
        return text

    def boss_send_waiting(self) -> None:
        if self.boss_waiting:
            with psycopg2.extensions.cursor(self) as cursor:
                cursor.execute(self.boss_take())

    def boss_forget(self) -> None:
        """The transaction ended: every savepoint with it."""
        self.boss_waiting.clear()
        self.boss_dropped.clear()


class _Cursor(psycopg2.extensions.cursor):
    """Sends the connection's waiting savepoint statements in front of its statement."""

    _boss_sent_before = 0   # the length of the waiting statements sent in front of the last statement

    @property
    def query(self):
        """The last statement as sent, without the savepoint statements in front of it (Django's query log reads
        this)."""
        sent = super().query
        return sent[self._boss_sent_before:] if sent is not None else None

    def execute(self, query, vars=None):
        conn = self.connection
        self._boss_sent_before = 0
        if not conn.boss_waiting:
            return super().execute(query, vars)
        if self.name is not None or not isinstance(query, str):
            # A named cursor DECLAREs its statement; bytes or a composed statement: the waiting ones go on their own.
            conn.boss_send_waiting()
            return super().execute(query, vars)
        waiting = list(conn.boss_waiting)
        before = conn.boss_take()
        self._boss_sent_before = len(before.encode())
        try:
            return super().execute(before + query, vars)
        except Exception:
            if conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS:
                conn.boss_waiting[:0] = waiting   # refused before it was sent (a value psycopg2 cannot adapt)
            raise

    def executemany(self, query, vars_list):
        self.connection.boss_send_waiting()
        return super().executemany(query, vars_list)

    def callproc(self, procname, parameters=None):
        self.connection.boss_send_waiting()
        return super().callproc(procname, parameters)

    def copy_expert(self, sql, file, size=8192):
        self.connection.boss_send_waiting()
        return super().copy_expert(sql, file, size)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        return {**super().get_connection_params(), "connection_factory": _Connection, "cursor_factory": _Cursor}

    def _savepoint(self, sid):
        self.connection.boss_waiting.append((_SAVEPOINT, self.ops.quote_name(sid)))

    def _savepoint_commit(self, sid):
        conn, quoted = self.connection, self.ops.quote_name(sid)
        if quoted in conn.boss_dropped:
            conn.boss_dropped.discard(quoted)
            return
        if conn.boss_waiting and conn.boss_waiting[-1] == (_SAVEPOINT, quoted):
            conn.boss_waiting.pop()   # the block sent nothing: neither statement is needed
            return
        conn.boss_waiting.append((_RELEASE, quoted))

    def _savepoint_rollback(self, sid):
        conn, quoted = self.connection, self.ops.quote_name(sid)
        if (_SAVEPOINT, quoted) in conn.boss_waiting:
            # Never sent, so nothing after it was either: the block changed nothing on the server.
            del conn.boss_waiting[conn.boss_waiting.index((_SAVEPOINT, quoted)):]
            conn.boss_dropped.add(quoted)
            return
        with self.cursor() as cursor:   # what waits goes first, in the same message
            cursor.execute(self.ops.savepoint_rollback_sql(sid))

    def _commit(self):
        if self.connection is not None:
            self.connection.boss_forget()
        return super()._commit()

    def _rollback(self):
        if self.connection is not None:
            self.connection.boss_forget()
        return super()._rollback()

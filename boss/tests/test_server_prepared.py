"""Statements prepared on the PostgreSQL server at their second use in a session (boss/server_prepared.py)."""

import uuid

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from boss import server_prepared
from boss.models import Hall


def _prepared_names() -> set[str]:
    with connection.connection.cursor() as cursor:   # the driver's own cursor: not through the wrapper
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def _read():
    """A read whose statement is this test's own (a new alias in its text): new to the session, whatever ran
    before."""
    alias = f"probe_{uuid.uuid4().hex[:12]}"

    def read(pk: int) -> list[tuple]:   # by primary key: a plan the value cannot change
        rows = Hall.objects.filter(pk=pk).extra(select={alias: "1"}).values_list("pk", "name", alias)
        return [(pk, name) for pk, name, _one in rows]

    return read


@pytest.mark.postgres
def test_a_statement_is_prepared_at_its_second_use_and_executed_by_name_after(hall, _read):
    with CaptureQueriesContext(connection) as queries:
        first, second, third, none = _read(hall.pk), _read(hall.pk), _read(hall.pk), _read(hall.pk + 1000)
    assert first == second == third == [(hall.pk, hall.name)] and none == []
    sent = [q["sql"] for q in queries]
    assert len(sent) == 4   # one statement a call: the PREPARE went on the driver's cursor, as the connection's set-up
    assert sent[0].startswith("SELECT")
    name = sent[1].split("(")[0].removeprefix("EXECUTE ")
    assert sent[1].startswith(f"EXECUTE {name}({hall.pk}) /* SELECT")
    # The original rides along as a comment: what ran, for the query log and a reader of pg_stat_activity.
    assert 'FROM "boss_hall" WHERE "boss_hall"."id" = %s' in sent[1]
    assert sent[3] == sent[1].replace(f"({hall.pk})", f"({hall.pk + 1000})", 1)
    assert name in _prepared_names()


@pytest.mark.postgres
def test_a_statement_postgresql_cannot_prepare_runs_plain_and_the_transaction_goes_on(hall):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s + %s", [1, 2])   # PREPARE refuses it: unknown + unknown
                assert cursor.fetchone() == (3,)
        Hall.objects.filter(pk=hall.pk).update(name="还能写")   # the transaction is usable
        assert Hall.objects.get(pk=hall.pk).name == "还能写"
    assert [q["sql"] for q in queries][:3] == ["SELECT 1 + 2"] * 3


@pytest.mark.postgres
def test_statements_without_values_and_executemany_are_sent_as_they_are(hall):
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 1 AS server_prepared_probe")
        cursor.executemany("SELECT %s AS server_prepared_probe", [[1], [2]])
        cursor.executemany("SELECT %s AS server_prepared_probe", [[1], [2]])
    assert not [q for q in queries if "EXECUTE" in q["sql"]]


@pytest.mark.postgres
def test_server_preparing_can_be_turned_off(hall, _read, settings):
    settings.BOSS_DB_SERVER_PREPARED = False   # behind a pooler that does not keep sessions
    with CaptureQueriesContext(connection) as queries:
        assert _read(hall.pk) == _read(hall.pk) == _read(hall.pk) == [(hall.pk, hall.name)]
    assert all(q["sql"].startswith("SELECT") for q in queries)


@pytest.mark.postgres
def test_a_migration_makes_the_sessions_forget_what_they_prepared(hall, _read):
    _read(hall.pk)
    _read(hall.pk)
    assert any(name.startswith("boss_s") for name in _prepared_names())

    server_prepared._migration_starts()
    try:
        assert not any(name.startswith("boss_s") for name in _prepared_names())   # deallocated
        with CaptureQueriesContext(connection) as queries:
            _read(hall.pk)
            _read(hall.pk)
        assert all(q["sql"].startswith("SELECT") for q in queries)   # nothing prepared while tables change
    finally:
        server_prepared._migration_ends()
    with CaptureQueriesContext(connection) as queries:
        assert _read(hall.pk) == _read(hall.pk) == [(hall.pk, hall.name)]
    assert [q["sql"][:7] for q in queries] == ["SELECT ", "EXECUTE"]


@pytest.mark.postgres
def test_a_server_side_cursors_statement_is_declared_as_it_is(hall):
    # QuerySet.iterator() reads through a named cursor (DECLARE ... CURSOR FOR <statement>), which takes no EXECUTE.
    for _ in range(3):
        assert [h.pk for h in Hall.objects.filter(code=hall.code).iterator(chunk_size=10)] == [hall.pk]


@pytest.mark.postgres
def test_the_query_log_reads_the_original_of_an_executed_statement(hall, _read):
    with CaptureQueriesContext(connection) as queries:
        _read(hall.pk)
        _read(hall.pk)
    plain, executed = (q["sql"] for q in queries)
    assert executed.startswith("EXECUTE boss_s")
    assert server_prepared.original(executed) == plain.replace(f"= {hall.pk}", "= %s")
    assert server_prepared.original(plain) == plain


@pytest.mark.postgres
@pytest.mark.parametrize(("label", "build"), [
    ("a search by a non-key column", lambda hall: Hall.objects.filter(code=hall.code)),
    ("a pattern", lambda hall: Hall.objects.filter(name__contains=hall.name[:1])),
    ("a key OR another condition", lambda hall: Hall.objects.filter(Q(pk=hall.pk) | Q(code="X"))),
    ("a key and a subquery", lambda hall: Hall.objects.filter(pk=hall.pk, code__in=Hall.objects.values("code"))),
])
def test_a_statement_whose_plan_the_values_may_change_is_sent_as_it_is(hall, label, build):
    # A generic plan for a search over skewed data can be far worse than the one made with the values.
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            list(build(hall))
    assert not [q for q in queries if q["sql"].startswith("EXECUTE")], label


@pytest.mark.postgres
def test_an_insert_and_an_update_by_key_are_prepared(hall):
    with CaptureQueriesContext(connection) as queries:
        for i in range(3):
            created = Hall.objects.create(code=f"SP{i}", name=f"预备厅{i}")
            Hall.objects.filter(pk=created.pk).update(name=f"改名{i}")
    sent = [q["sql"] for q in queries]
    # By the second round at the latest (the hall fixture's INSERT may have come before): prepared, and executed.
    assert [s.split()[0] for s in sent[2:]] == ["EXECUTE"] * 4
    assert [server_prepared.original(s).split()[0] for s in sent] == ["INSERT", "UPDATE"] * 3
    assert Hall.objects.filter(code__startswith="SP", name__startswith="改名").count() == 3


@pytest.mark.postgres
def test_the_reads_of_prepared_py_are_prepared(hall):
    from boss.prepared import Prepared

    read = Prepared(lambda code: Hall.objects.filter(code=code).order_by(), str)   # a unique key, not the id
    with CaptureQueriesContext(connection) as queries:
        assert [found.pk for found in read(hall.code)] == [found.pk for found in read(hall.code)] == [hall.pk]
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "EXECUTE"]


def test_a_migration_leaves_a_connection_that_is_not_postgresqls_alone(db):
    # The embedded default (SQLite): `make run` migrates with its connection open. Nothing is prepared there, and
    # the migration's handlers pass it by (a driver's connection that takes no weak reference, as SQLite's).
    connection.ensure_connection()
    server_prepared._migration_starts()
    assert server_prepared._migrating
    server_prepared._migration_ends()
    assert not server_prepared._migrating

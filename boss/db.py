"""Database helpers shared by migrations: PostgreSQL-only guards that make history append-only, reference rows
made where missing, a data migration's check that it has rows to change."""

from django.db import migrations


def _immutable_sql(table: str) -> tuple[str, str]:
    fn = f"{table}_immutable"
    forward = f"""
    CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% rows are immutable (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$;
    DROP TRIGGER IF EXISTS {fn} ON {table};
    CREATE TRIGGER {fn} BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {fn}();
    """
    backward = f"DROP TRIGGER IF EXISTS {fn} ON {table}; DROP FUNCTION IF EXISTS {fn}();"
    return forward, backward


def postgres_only_sql(forward: str, backward: str) -> migrations.RunPython:
    def run(sql):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)  # the SQL has % of its own
        return apply

    return migrations.RunPython(run(forward), run(backward))


def immutable_table(table: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL, refuse UPDATE and DELETE on `table` with a trigger.

    TRUNCATE (used only by the test suite's flush) is not affected.
    """
    return postgres_only_sql(*_immutable_sql(table))


def rows_missing_created(model, rows: dict, *, key: str = "code") -> dict:
    """Reference rows by their natural key (`rows`: key value -> the other fields): make those that are not there,
    in one statement, and answer every key's id. Rows that are there are left as they are (an administrator may
    have edited them); one read when nothing is missing. Works with a migration's historical models. The test
    fixtures call it for every test: it was one get_or_create per row, about 70 queries and 100 ms a test."""
    ids = dict(model.objects.filter(**{f"{key}__in": rows}).values_list(key, "id"))
    missing = [model(**{key: value}, **fields) for value, fields in rows.items() if value not in ids]
    if not missing:
        return ids
    model.objects.bulk_create(missing, ignore_conflicts=True)  # one made meanwhile by another session stays
    return dict(model.objects.filter(**{f"{key}__in": rows}).values_list(key, "id"))


def one_snapshot(view):
    """A screen's reads see the database at one moment (ui.md: one read per page, so the banner and the
    body agree while the network completes a line): on PostgreSQL the view runs in a REPEATABLE READ
    transaction, where every query sees the snapshot of the first. Elsewhere (SQLite: one writer at a
    time) and inside a transaction already open, the view runs as it is."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied
    from django.db import connection, transaction
    from django.http import Http404

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return view(request, *args, **kwargs)
        refused: Exception
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try:
                return view(request, *args, **kwargs)
            except (Http404, PermissionDenied) as exc:
                refused = exc      # raised after the commit: the audited refusal (access.denied) is kept
        raise refused

    return wrapped


def rows_exist(schema_editor, table: str, where: str = "", params: tuple = ()) -> bool:
    """Whether `table` holds a row (one that matches `where`): a data migration that has nothing to change returns
    before asking for its models, so that `migrate` of a new database does not render them for it
    (boss/apps.py, _run_python_renders_when_asked)."""
    sql = f"SELECT 1 FROM {schema_editor.quote_name(table)}{f' WHERE {where}' if where else ''} LIMIT 1"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None

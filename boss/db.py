"""Database helpers shared by migrations: PostgreSQL-only guards that make history append-only."""

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

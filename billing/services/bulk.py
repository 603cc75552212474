"""Many rows in one INSERT statement: psycopg2's execute_values on PostgreSQL (no per-row model objects,
no parameter limit, ids returned in the order given), Django's bulk_create elsewhere. For the batch jobs
(bill run, real-time charges) whose speed depends on it; rows are plain tuples in `fields` order."""

from typing import Any

from django.db import connection


def insert_rows(model: Any, fields: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert `rows` into `model`'s table in one statement; with `returning`, their new ids in order."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
        sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES %s"
        if returning:
            sql += " RETURNING id"
        with connection.cursor() as cursor:
            # page_size = all rows: one statement, so statement triggers (the ledger balance) see them all.
            result = execute_values(cursor.cursor, sql, rows, page_size=len(rows), fetch=returning)
        return [r[0] for r in result] if returning else []
    attnames = [model._meta.get_field(f).attname for f in fields]   # foreign keys by id
    objects = model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows])
    return [o.pk for o in objects] if returning else []

"""What the data migrations share."""


def rows_exist(schema_editor, table: str, where: str = "", params: tuple = ()) -> bool:
    """Whether `table` holds a row (one that matches `where`): a data migration that has nothing to change returns
    before asking for its models, so that `migrate` of a new database does not render them for it
    (boss/apps.py, _run_python_renders_when_asked)."""
    sql = f"SELECT 1 FROM {schema_editor.quote_name(table)}{f' WHERE {where}' if where else ''} LIMIT 1"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None

"""API authentication: DRF's token authentication, with the staff member and their hall read in the same query
(every service call writes the actor's hall into its audit event, and most check it).

Every API request of the counter starts here, so the query is one statement written once per process from the
models' own columns: the ORM compiled the same three-table join on every request, about a millisecond of CPU, an
eighth of a line read (issue 20). DRF's checks and messages are kept: an unknown key, a deactivated user."""

from functools import cache

from django.db import connection
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from boss.models import Hall, Staff

_PARTS = ((Token, "t"), (Staff, "s"), (Hall, "h"))
drf_message = gettext_lazy   # DRF's own messages, translated by DRF's catalogues (not extracted into ours)


@cache
def _statement() -> tuple[str, list]:
    """The statement, and per model its field names and, per column, the converters the ORM applies to each value
    read (SQLite's dates, JSON, ...), as Django's compiler finds them."""
    fields = []
    for model, alias in _PARTS:
        columns = []
        for field in model._meta.concrete_fields:
            col = field.get_col(alias)
            columns.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
        fields.append((model, [f.attname for f in model._meta.concrete_fields], columns))
    select = ", ".join(f'{alias}."{f.column}"' for model, alias in _PARTS for f in model._meta.concrete_fields)
    sql = (f'SELECT {select} FROM "{Token._meta.db_table}" t '
           f'JOIN "{Staff._meta.db_table}" s ON s."id" = t."{Token._meta.get_field("user").column}" '
           f'LEFT JOIN "{Hall._meta.db_table}" h ON h."id" = s."{Staff._meta.get_field("hall").column}" '
           f'WHERE t."key" = %s')
    return sql, fields


def token_staff(key: str) -> tuple[Token, Staff] | None:
    """The token of `key` and its staff member, with the hall (or None when they have none) cached on them."""
    sql, fields = _statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for model, names, columns in fields:
        values = list(row[start:start + len(columns)])
        start += len(columns)
        if values[0] is None:   # no hall
            objects.append(None)
            continue
        for i, (col, converters) in enumerate(columns):
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        objects.append(model.from_db(connection.alias, names, values))
    token, staff, hall = objects
    Staff._meta.get_field("hall").set_cached_value(staff, hall)
    Token._meta.get_field("user").set_cached_value(token, staff)
    return token, staff


class StaffTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        found = token_staff(key)
        if found is None:
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        token, staff = found
        if not staff.is_active:
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        return staff, token

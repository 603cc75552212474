"""Reads compiled to SQL once per process (issue 20: where the counter's CPU goes).

Under the counter load the ORM's building and compiling of querysets is 40-45 % of the web workers' CPU
(benchmarks/busy_profile.py): a counter request runs the same few reads with new values, and Django turns the
same queryset into the same SQL every time. A `Prepared` read is written as a queryset, as everywhere else; its
SQL is compiled by the ORM at its first use in a process, and each call runs that SQL with the call's values and
makes the rows into model instances (with their `select_related` rows) or values as the ORM does, with the
ORM's value converters. The line read's CPU went from 4.6 to 2.8 ms (benchmarks/README.md). On PostgreSQL the
statement is also prepared on the server at its second use in a session (boss/server_prepared.py): each read here
is for one key, so its plan does not turn on the values.

A read may lock its rows when it is written around the services' `lock()` (boss/locks.py), and not as a claim: it
runs the same statement as the ORM would, is refused outside a transaction as the ORM refuses it, and its rows are
held against the one lock order where the suite checks it. A bare `select_for_update` is refused.

The values are the queryset's parameters, each a string, an integer, a date or an aware datetime, named by the
builder's arguments (one may appear more than once, as a date does in a validity window). An integer is a key,
compared for equality: one beyond 64 bits finds no row, as the ORM's exact lookup finds none (the database is not
asked: on PostgreSQL a prepared statement would refuse it):

    _LINE = Prepared(lambda msisdn: Line.objects.select_related("plan").filter(msisdn=msisdn), str)
    lines = _LINE(msisdn)                  # a list of Line, each with its plan
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.transaction import TransactionManagementError

from boss import server_prepared
from boss.locks import locked_rows_check

_BIGINT = 2 ** 63


class _Text(str):
    """A string parameter's stand-in while compiling: found again in the compiled parameters by identity."""


def _stand_in(index: int, kind: type) -> object:
    if kind is str:
        return _Text(f"\x00prepared parameter {index}\x00")
    if kind is int:
        return -(2 ** 62) - index   # a value no key takes, found again by value
    if kind is date:
        return date(1, 1, 1) + timedelta(days=index)   # a day no row is about, found again by value
    if kind is datetime:
        return datetime(1, 1, 2, tzinfo=UTC) + timedelta(seconds=index)   # likewise, an instant
    raise TypeError(f"a prepared read's parameter is a str, an int, a date or a datetime, not {kind!r}")


def _adapter(stand_in, connection) -> Callable | None:
    """How the ORM hands a date or a datetime to this database (SQLite: as text): a call's value goes the same way."""
    if isinstance(stand_in, datetime):
        return connection.ops.adapt_datetimefield_value
    if isinstance(stand_in, date):
        return connection.ops.adapt_datefield_value
    return None


def _slot(param, stand_ins: list, connection) -> tuple[int, Callable | None] | None:
    """Which parameter a compiled value stands for, and how a call's value is adapted for the database."""
    for index, stand_in in enumerate(stand_ins):
        if isinstance(stand_in, str):
            if param is stand_in:
                return index, None
        elif isinstance(stand_in, date):
            adapt = _adapter(stand_in, connection)
            if type(param) is type(stand_in) and param == stand_in:
                return index, None
            if type(param) is str and adapt is not None and param == adapt(stand_in):
                return index, adapt
        elif type(param) is int and param == stand_in:
            return index, None
    return None


class Prepared:
    """A read whose SQL is compiled once per process and database alias (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build, self.kinds = build, kinds
        self._compiled: dict[str, dict] = {}
        self._model = None
        self._for_write = False   # a lock: it goes where the ORM sends a write (never to the reports' replica)

    def _stand_ins(self) -> list:
        return [_stand_in(i, kind) for i, kind in enumerate(self.kinds)]

    def _compile(self, alias: str) -> dict:
        stand_ins = self._stand_ins()
        queryset = self.build(*stand_ins)
        self._model, self._for_write = queryset.model, queryset._for_write
        locks = queryset.query.select_for_update
        if locks and getattr(queryset.query, "boss_lock", None) != "lock":
            raise ValueError("a prepared read locks its rows through lock() (boss/locks.py), and never as a claim")
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("a prepared read makes its rows as a plain queryset does: no prefetch, no related manager")
        values = queryset._iterable_class is ValuesListIterable
        if not values and queryset._fields is not None:
            raise ValueError("a prepared read gives model instances or values_list() rows")
        if locks and values:
            raise ValueError("a prepared read that locks gives model instances (the lock order check needs their keys)")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        server_prepared.stable(sql)   # a read for one key: its plan does not turn on the values
        slots = [_slot(param, stand_ins, connections[alias]) for param in params]
        if {s[0] for s in slots if s is not None} != set(range(len(stand_ins))):
            raise ValueError(f"each parameter of a prepared read must appear in its SQL as it is given: {sql}")
        select = compiler.select
        compiled = {"sql": sql, "slots": slots, "params": list(params), "values": values,
                    "locks": bool(locks),
                    "col_count": compiler.col_count if compiler.has_extra_select else None,
                    "converters": list(compiler.get_converters([s[0] for s in select[:compiler.col_count]]).items())}
        if not values:
            info = compiler.klass_info
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            compiled.update(model=info["model"], start=start, end=end,
                            names=[s[0].target.attname for s in select[start:end]],
                            populators=get_related_populators(info, select, alias),
                            annotations=dict(compiler.annotation_col_map or {}))
        self._compiled[alias] = compiled
        return compiled

    def _model_read(self):
        if self._model is None:
            queryset = self.build(*self._stand_ins())
            self._model, self._for_write = queryset.model, queryset._for_write
        return self._model

    def one(self, *values, using: str | None = None):
        """The one row, as the queryset's get() gives it: DoesNotExist when none, MultipleObjectsReturned when more."""
        rows = self(*values, using=using)
        if len(rows) == 1:
            return rows[0]
        model = self._model_read()
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}.")

    def first(self, *values, using: str | None = None):
        """The first row, or None when there is none (the read orders, and limits, itself)."""
        rows = self(*values, using=using)
        return rows[0] if rows else None

    def __call__(self, *values, using: str | None = None) -> list:
        if any(type(v) is int and not -_BIGINT <= v < _BIGINT for v in values):
            return []   # no key is that large (see the module's docstring)
        if using is None:   # where the ORM would send it (the reports' replica router)
            model = self._model_read()
            using = router.db_for_write(model) if self._for_write else router.db_for_read(model)
        compiled = self._compiled.get(using) or self._compile(using)
        params = [param if slot is None else values[slot[0]] if slot[1] is None else slot[1](values[slot[0]])
                  for slot, param in zip(compiled["slots"], compiled["params"], strict=True)]
        connection = connections[using]
        if compiled["locks"] and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(compiled["sql"], params)
            rows = cursor.fetchall()
        if compiled["col_count"] is not None:
            rows = [row[:compiled["col_count"]] for row in rows]
        if compiled["converters"]:
            rows = [self._converted(list(row), compiled["converters"], connection) for row in rows]
        if compiled["values"]:
            return [tuple(row) for row in rows]
        instances = [self._instance(row, compiled, using) for row in rows]
        if compiled["locks"]:
            locked_rows_check(connection, compiled["model"]._meta.label_lower, [row.pk for row in instances])
        return instances

    @staticmethod
    def _converted(row: list, converters: list, connection) -> list:
        """The compiler's apply_converters(), with the calling thread's connection (the compiler kept holds the
        connection of the thread that compiled the read)."""
        for position, (functions, expression) in converters:
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        return row

    @staticmethod
    def _instance(row, compiled: dict, using: str):
        instance = compiled["model"].from_db(using, compiled["names"], row[compiled["start"]:compiled["end"]])
        for populator in compiled["populators"]:
            populator.populate(row, instance)
        for name, position in compiled["annotations"].items():
            setattr(instance, name, row[position])
        return instance


# --------------------------------------------------------------------------------------------------
# Inserts compiled once
# --------------------------------------------------------------------------------------------------

# Per model, database alias, inserted columns and returned columns: the compiled INSERT, or None where a column
# has a placeholder of its own (a geometry) and the ORM compiles every insert.
_INSERTS: dict[tuple, dict | None] = {}


def insert_compiled(instance, model, using: str, fields: list, returning_fields) -> list | None:
    """Insert `instance`'s row of `model`'s table as the ORM's `_do_insert` does (Model.save() for a new row), with
    the INSERT compiled once per process (issue 20: Django builds and compiles it at every save, 0.1 ms of Python
    of the 0.16 ms a saved row costs, and the counter saves 7 rows per business transaction).

    The values are made by the ORM's own steps, per call: each field's `pre_save` (the creation time, say) and
    `get_db_prep_save`. The returned columns (the new key) come back through the compiler's converters. None when
    this row needs the ORM's general path: a value that is an expression (F(), a database default), a column
    with its own placeholder, a backend that cannot return the key from the INSERT, or no column to insert; the
    caller then saves through the ORM.
    """
    connection = connections[using]
    if not fields or (returning_fields and not connection.features.can_return_columns_from_insert):
        return None
    # the fields by identity: hashing and comparing Field objects was a tenth of what this saves
    key = (model, using, *map(id, fields), None, *map(id, returning_fields or ()))
    compiled = _INSERTS.get(key, False)
    if compiled is None:
        return None
    values = []
    for field in fields:
        value = field.pre_save(instance, True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(field.get_db_prep_save(value, connection=connection))
    if compiled is False:
        compiled = _INSERTS[key] = _insert_compile(instance, model, using, fields, returning_fields)
        if compiled is None:
            return None
    with connection.cursor() as cursor:
        cursor.execute(compiled["sql"], [*values, *compiled["returning_params"]])
        if not returning_fields:
            return []
        row = connection.ops.fetch_returned_insert_columns(cursor, compiled["returning_params"])
    if compiled["converters"]:
        row = Prepared._converted(list(row), compiled["converters"], connection)
    return [tuple(row)]


def _insert_compile(instance, model, using: str, fields: list, returning_fields) -> dict | None:
    if any(hasattr(field, "get_placeholder") for field in fields):
        return None
    query = InsertQuery(model)
    # raw: the values as they stand on the instance, after the caller's pre_save (a second pre_save would move a
    # creation time after the one sent); they only shape the statement here
    query.insert_values(fields, [instance], raw=True)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    returning_params = tuple(compiler.returning_params) if returning_fields else ()
    if len(params) != len(fields) + len(returning_params):
        return None
    cols = [field.get_col(model._meta.db_table) for field in returning_fields or ()]
    return {"sql": sql, "returning_params": returning_params,
            "converters": list(compiler.get_converters(cols).items())}


# --------------------------------------------------------------------------------------------------
# Updates by key compiled once
# --------------------------------------------------------------------------------------------------

# Per model, database alias, updated columns (and which of them are set to NULL, which the statement spells out) and
# the conditions added to the key (django-fsm's state): the compiled UPDATE, or None where the ORM compiles each one.
_UPDATES: dict[tuple, dict | None] = {}


def update_compiled(base_qs, using: str, pk_val, values: list) -> bool | None:
    """Update one row by its key as the ORM's `_do_update` does (Model.save() of a stored row), with the UPDATE
    compiled once per process (issue 20: a state change saved through django-fsm cost about 300 µs of Python against
    60 µs for its statement).

    `base_qs` is the ORM's: the model's base manager, narrowed by equality conditions on its own columns (django-fsm's
    check that the state is still the one read). The values go through each field's `get_db_prep_save` per call, as
    the compiler does them. Whether a row was updated, or None when the ORM's general path is needed: a value that is
    an expression or a model instance, another kind of condition, a column with its own placeholder, or a value the
    compiled statement does not give back as the ORM's does."""
    query = base_qs.query
    where = query.where
    if where.negated or where.connector != "AND" or len(query.alias_map) > 1 or not values:
        return None
    conditions = where.children
    for condition in conditions:
        if (type(condition) is not Exact or type(condition.lhs) is not Col or condition.rhs is None
                or hasattr(condition.rhs, "resolve_expression")):
            return None
    connection = connections[using]
    prepared = []
    for field, _model, value in values:
        if hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save"):
            return None
        prepared.append(field.get_db_prep_save(value, connection=connection))
    model = query.model
    key = (model, using, *[(id(field), value is None) for (field, _m, _v), value in zip(values, prepared, strict=True)],
           None, *[id(condition.lhs.target) for condition in conditions])
    compiled = _UPDATES.get(key, False)
    if compiled is None:
        return None
    pk = model._meta.pk
    params = [value for value in prepared if value is not None]
    params += [condition.lhs.target.get_db_prep_value(condition.rhs, connection, prepared=True)
               for condition in conditions]
    params.append(pk.get_db_prep_value(pk.get_prep_value(pk_val), connection, prepared=True))
    if compiled is False:
        compiled = _UPDATES[key] = _update_compile(base_qs, using, pk_val, values, params)
        if compiled is None:
            return None
    with connection.cursor() as cursor:
        cursor.execute(compiled["sql"], params)
        return cursor.rowcount > 0


def _update_compile(base_qs, using: str, pk_val, values: list, params: list) -> dict | None:
    if any(hasattr(field, "get_placeholder") for field, _model, _value in values):
        return None
    query = base_qs.filter(pk=pk_val).query.chain(UpdateQuery)
    query.add_update_fields(values)
    if query.related_updates:
        return None
    sql, compiled_params = query.get_compiler(using=using).as_sql()
    if [_compared(v) for v in compiled_params] != [_compared(v) for v in params]:
        return None   # the values made here are not the ones the ORM makes: this shape goes through the ORM, always
    return {"sql": sql}


def _compared(value):
    """A value as compared with the ORM's: a JSON column's adapter (psycopg2's Json, equal to itself only) by its type
    and the value it adapts."""
    adapted = getattr(value, "adapted", _NOTHING)
    return value if adapted is _NOTHING else (type(value), adapted)


_NOTHING = object()

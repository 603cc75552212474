"""Migrating a database of the OLD layout to the new one loses nothing (PostgreSQL).

The old layout is commit e3e9db4: the catalog and the inventory in orders, the account in billing, the
minimum-spend commitment pointing up to the orders that started and ended it, the refund case pointing up
to its complaint. fixtures/old_layout_demo.sql.gz is that layout's demo lived through two months (bills, a
bank collection, two refund cases, one asked for by a complaint, three commitments, one ended by a number
change; fixtures/README.md says how it was made).

The dump is restored into a scratch database of its own, photographed, migrated by `manage.py migrate` in a
subprocess whose default database is the scratch one (the post_migrate hooks, roles and tariffs, write to
the default database), and photographed again. Then: every table under its new name with every row and
every column it kept unchanged (a checksum per column), only the columns the move adds and drops differ;
the ledger's sums; the turned-around links; the content types, permissions and grants; every migration
applied; a second migrate changes nothing; no model change is left without a migration; the schema is the
one a fresh `migrate` builds (the test database). The scratch database is dropped at the end.
"""

import gzip
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from boss.audit import audit_target_labels
from conftest import require_os

pytestmark = [pytest.mark.postgres, pytest.mark.needs_os, require_os(binaries=["psql"])]

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT / "tests" / "fixtures" / "old_layout_demo.sql.gz"

CATALOG = ["plan", "feature", "onetimefee", "discount", "offer", "numbergrade", "numbergraderule"]
INVENTORY = ["numbersegment", "stockimport", "numberresource", "numberreservation", "simcard", "handsetmodel",
             "handset", "rechargecard"]
# (old app, model) -> new app
MOVED_MODELS = {**{("orders", m): "catalog" for m in CATALOG}, **{("orders", m): "inventory" for m in INVENTORY},
                ("billing", "account"): "customers"}
# old table -> new table (the models' tables and the many-to-many table that goes with them)
MOVED_TABLES = {**{f"{app}_{model}": f"{new}_{model}" for (app, model), new in MOVED_MODELS.items()},
                "orders_offer_from_plans": "catalog_offer_from_plans"}
# The only columns the move adds and drops: the links it turns around.
ADDED = {"orders_order": {"commitment_started_id", "commitment_ended_id"},
         "complaints_complaint": {"refund_case_id"}, "billing_refundcase": {"complaint_number"}}
DROPPED = {"customers_linecommitment": {"order_id", "ended_by_id"},
           "complaints_complaint": {"refund_reference"}, "billing_refundcase": {"complaint_id"}}
# Tables whose rows the migration changes on purpose: checked one by one below.
# The permission tables, the roles and the tariff parameters also gain those of every app and model added
# since the layout change
# (created after every migrate for all installed apps, and given to the roles); the moved models' grants are
# compared on their own below.
CHANGED_ON_PURPOSE = {"django_content_type", "django_migrations", "auth_permission", "auth_group_permissions",
                      "auth_group", "boss_tariffparameter"}
# The demo must really hold what the move has to keep.
COUNTED = ["customers_line", "orders_order", "billing_payment", "billing_ledgerentry", "billing_ledgertransaction",
           "billing_bill", "billing_refundcase", "complaints_complaint", "customers_linecommitment",
           *MOVED_TABLES]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------------
# The scratch database
# --------------------------------------------------------------------------------------------------


class Scratch:
    def __init__(self, settings_dict):
        self.name = f"{settings_dict['NAME']}_oldlayout"
        self.params = {k: v for k, v in {"user": settings_dict.get("USER"), "password": settings_dict.get("PASSWORD"),
                                         "host": settings_dict.get("HOST"),
                                         "port": str(settings_dict.get("PORT") or "")}.items() if v}

    def connect(self, dbname=None):
        conn = psycopg2.connect(dbname=dbname or self.name, **self.params)
        conn.autocommit = True
        return conn

    def _admin(self, sql: str) -> None:
        conn = self.connect("postgres")
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def create(self):
        self.drop()
        self._admin(f"CREATE DATABASE {_q(self.name)}")

    def drop(self):
        self._admin(f"DROP DATABASE IF EXISTS {_q(self.name)} WITH (FORCE)")

    def restore(self, dump: Path) -> None:
        # pg_dump from 15.14/16.10/17.6 on fences the script with \restrict; older psql do not know it.
        sql = re.sub(rb"(?m)^\\(un)?restrict .*\n", b"", gzip.decompress(dump.read_bytes()))
        env = {**os.environ, "PGPASSWORD": self.params.get("password", "")}
        args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.name, "-o", os.devnull]
        for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
            if key in self.params:
                args += [flag, self.params[key]]
        subprocess.run(args, input=sql, env=env, check=True, capture_output=True, timeout=120)

    def manage(self, *args) -> subprocess.CompletedProcess:
        """`manage.py <args>` with the scratch database as the default one."""
        p = self.params
        auth = quote(p.get("user", ""), safe="") + (":" + quote(p["password"], safe="") if "password" in p else "")
        url = f"postgres://{auth}@{p.get('host', '')}{':' + p['port'] if 'port' in p else ''}/{quote(self.name)}"
        env = {**os.environ, "DATABASE_URL": url,
               "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "boss.settings.test")}
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)


@pytest.fixture
def scratch(db):
    """A scratch database beside the test database (so parallel runs do not clash), dropped at the end."""
    base = Scratch(connection.settings_dict)
    base.create()
    try:
        yield base
    finally:
        base.drop()


# --------------------------------------------------------------------------------------------------
# Photographs
# --------------------------------------------------------------------------------------------------


def _rows(cur, sql, params=None):
    cur.execute(sql, params)
    return cur.fetchall()


def tables(cur) -> dict[str, dict[str, str]]:
    """Every table: its columns and their types."""
    found: dict[str, dict[str, str]] = {}
    for table, column, type_ in _rows(cur, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"""):
        found.setdefault(table, {})[column] = type_
    return found


def content(cur, layout: dict[str, dict[str, str]]) -> dict[str, tuple[int, dict[str, str]]]:
    """Every table: its row count and a checksum of each column, the rows taken in primary-key order."""
    keys: dict[str, list[str]] = {}
    for table, column in _rows(cur, """
            SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
             WHERE n.nspname = 'public' AND i.indisprimary ORDER BY a.attnum"""):
        keys.setdefault(table, []).append(column)
    found = {}
    for table, columns in layout.items():
        names = sorted(columns)
        order = ", ".join(_q(c) for c in keys.get(table) or names)
        sums = ", ".join(f"md5(coalesce(string_agg(quote_nullable({_q(c)}), ',' ORDER BY {order}), ''))"
                         for c in names)
        count, *checksums = _rows(cur, f"SELECT count(*), {sums} FROM {_q(table)}")[0]
        found[table] = (count, dict(zip(names, checksums, strict=True)))
    return found


def grants(cur, ct_ids) -> dict:
    """The content types given, their permissions and who holds those (groups, staff directly)."""
    ct_ids = tuple(ct_ids)
    return {
        "content_types": dict((i, (a, m)) for i, a, m in _rows(
            cur, "SELECT id, app_label, model FROM django_content_type WHERE id IN %s", (ct_ids,))),
        "permissions": set(_rows(cur, "SELECT id, content_type_id, codename, name FROM auth_permission "
                                      "WHERE content_type_id IN %s", (ct_ids,))),
        "groups": set(_rows(cur, """
            SELECT g.name, p.content_type_id, p.codename FROM auth_group_permissions gp
              JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id
             WHERE p.content_type_id IN %s""", (ct_ids,))),
        "staff": set(_rows(cur, """
            SELECT s.username, p.content_type_id, p.codename FROM boss_staff_user_permissions sp
              JOIN boss_staff s ON s.id = sp.staff_id JOIN auth_permission p ON p.id = sp.permission_id
             WHERE p.content_type_id IN %s""", (ct_ids,))),
    }


def ledger(cur) -> dict[str, object]:
    return dict(_rows(cur, """SELECT a.code, coalesce(sum(e.amount), 0) FROM billing_ledgeraccount a
                               LEFT JOIN billing_ledgerentry e ON e.account_id = a.id GROUP BY a.code"""))


def schema(cur) -> dict[str, object]:
    """What a migration builds, whatever the names it gave: columns, constraints, indexes, triggers."""
    columns = Counter(_rows(cur, """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               pg_get_expr(d.adbin, d.adrelid)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"""))
    constraints = _rows(cur, """
        SELECT c.relname, k.contype, pg_get_constraintdef(k.oid), k.conname FROM pg_constraint k
          JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public'""")
    indexes = _rows(cur, """
        SELECT t.relname, pg_get_indexdef(i.indexrelid), x.relname FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'""")
    return {
        "columns": columns,
        "constraints": Counter(row[:3] for row in constraints),
        "indexes": Counter((table, re.sub(r"INDEX \S+ ON", "INDEX ON", sql)) for table, sql, _name in indexes),
        "triggers": Counter(r[0] for r in _rows(cur, "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                                                     "WHERE NOT tgisinternal")),
        "functions": Counter(_rows(cur, """
            SELECT p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""")),
        "names": {r[3] for r in constraints} | {r[2] for r in indexes},
    }


def _counter_diff(a: Counter, b: Counter) -> tuple[list, list]:
    return sorted((a - b).elements(), key=str), sorted((b - a).elements(), key=str)


# The layout change ends at these migrations (issue 10); later apps and later migrations add tables and
# columns of their own, which are not this test's subject.
LAYOUT_TARGETS = {
    "boss": "0002_audit_immutable", "catalog": "0001_initial", "customers": "0008_commitment_order_links",
    "inventory": "0001_initial", "provisioning": "0002_workorder_state_fsm", "billing": "0016_status_fields_fsm",
    "orders": "0008_layers", "complaints": "0004_refund_case_link",
}
# `migrate` to all of them in one plan and one post_migrate, as a plain `migrate` did then (a migrate per app
# would create the moved models' content types for their new apps before the moves that rename the old ones).
MIGRATE_TO_LAYOUT = f"""
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
targets = {sorted(LAYOUT_TARGETS.items())!r}
executor = MigrationExecutor(connection)
plan = executor.migration_plan(targets)
print("No migrations to apply." if not plan else f"Applying {{len(plan)}} migrations.")
if plan:
    executor.migrate(targets, plan=plan)
    emit_post_migrate_signal(0, False, "default")
"""

# --------------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------------


def test_migrating_the_old_layout_demo_keeps_everything(scratch):
    started = time.monotonic()
    scratch.restore(DUMP)
    conn = scratch.connect()
    try:
        cur = conn.cursor()

        # ---- before: the old layout
        old_layout = tables(cur)
        assert set(MOVED_TABLES) <= set(old_layout) and not set(MOVED_TABLES.values()) & set(old_layout)
        old = content(cur, old_layout)
        for table in COUNTED:
            assert old[table][0] > 0, f"the fixture has no rows in {table}"
        old_ledger = ledger(cur)
        old_commitments = dict((c, (o, e)) for c, o, e in _rows(
            cur, "SELECT id, order_id, ended_by_id FROM customers_linecommitment"))
        assert any(e for _o, e in old_commitments.values()), "the fixture has no commitment ended by an order"
        old_refunds = dict((c, (k, n)) for c, k, n in _rows(
            cur, "SELECT id, complaint_id, number FROM billing_refundcase"))
        assert any(k for k, _n in old_refunds.values()), "the fixture has no refund case asked for by a complaint"
        old_complaints = dict((c, (n, r)) for c, n, r in _rows(
            cur, "SELECT id, number, refund_reference FROM complaints_complaint"))
        old_cts = dict((i, (a, m)) for i, a, m in _rows(cur, "SELECT id, app_label, model FROM django_content_type"))
        moved_cts = {i: key for i, key in old_cts.items() if key in MOVED_MODELS}
        assert len(moved_cts) == len(MOVED_MODELS)
        old_grants = grants(cur, moved_cts)
        assert old_grants["groups"] and old_grants["staff"]
        old_applied = set(_rows(cur, "SELECT app, name, applied FROM django_migrations"))
        restored = time.monotonic()

        # ---- the migration, then a second one that must find nothing to do
        result = scratch.manage("shell", "-c", MIGRATE_TO_LAYOUT)
        assert result.returncode == 0, result.stdout + result.stderr
        migrated = time.monotonic()
        new_layout = tables(cur)
        new = content(cur, new_layout)
        again = scratch.manage("shell", "-c", MIGRATE_TO_LAYOUT)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "No migrations to apply." in again.stdout
        assert content(cur, tables(cur)) == new, "a second migrate changed the database"
        check = scratch.manage("makemigrations", "--check", "--dry-run")
        assert check.returncode == 0, f"model changes without a migration:\n{check.stdout}{check.stderr}"

        # ---- every table under its new name, every row and every column it kept unchanged
        renamed = {MOVED_TABLES.get(t, t): t for t in old_layout}
        assert set(new_layout) == set(renamed), "tables appeared or vanished"
        assert not set(MOVED_TABLES) & set(new_layout)
        added, dropped = {}, {}
        for table, was in renamed.items():
            if set(new_layout[table]) - set(old_layout[was]):
                added[was] = set(new_layout[table]) - set(old_layout[was])
            if set(old_layout[was]) - set(new_layout[table]):
                dropped[was] = set(old_layout[was]) - set(new_layout[table])
            kept = set(old_layout[was]) & set(new_layout[table])
            assert {c: new_layout[table][c] for c in kept} == {c: old_layout[was][c] for c in kept}, table
            if was in CHANGED_ON_PURPOSE:
                continue
            count, sums = new[table]
            assert count == old[was][0], f"{was} → {table}: {old[was][0]} rows, now {count}"
            changed = sorted(c for c in kept if sums[c] != old[was][1][c])
            assert not changed, f"{was} → {table}: the migration changed the columns {changed}"
        assert added == ADDED and dropped == DROPPED

        # ---- the money: each ledger account sums as before, each transaction still balances
        assert ledger(cur) == old_ledger
        assert _rows(cur, "SELECT transaction_id FROM billing_ledgerentry GROUP BY transaction_id "
                          "HAVING sum(amount) <> 0 OR count(*) < 2") == []

        # ---- the links turned around
        started_by = dict(_rows(cur, "SELECT commitment_started_id, id FROM orders_order "
                                     "WHERE commitment_started_id IS NOT NULL"))
        ended_by = dict(_rows(cur, "SELECT commitment_ended_id, id FROM orders_order "
                                   "WHERE commitment_ended_id IS NOT NULL"))
        assert {c: (started_by.get(c), ended_by.get(c)) for c in old_commitments} == old_commitments
        assert set(started_by) | set(ended_by) <= set(old_commitments)
        complaint_of = dict(_rows(cur, "SELECT refund_case_id, id FROM complaints_complaint "
                                       "WHERE refund_case_id IS NOT NULL"))
        assert {c: complaint_of.get(c) for c in old_refunds} == {c: k for c, (k, _n) in old_refunds.items()}
        assert set(complaint_of) <= set(old_refunds)
        assert dict(_rows(cur, "SELECT id, complaint_number FROM billing_refundcase")) == {
            c: old_complaints[k][0] if k else "" for c, (k, _n) in old_refunds.items()}
        # The complaint's old text reference (the case number) is the number of the case it now holds.
        assert {c: r for c, (_n, r) in old_complaints.items() if r} == {
            complaint: old_refunds[case][1] for case, complaint in complaint_of.items()}

        # ---- content types, permissions and grants moved with the models (same rows, new app labels)
        new_grants = grants(cur, moved_cts)
        assert new_grants["content_types"] == {i: (MOVED_MODELS[key], key[1]) for i, key in moved_cts.items()}
        assert {k: v for k, v in new_grants.items() if k != "content_types"} == {
            k: v for k, v in old_grants.items() if k != "content_types"}
        # No other content type changed, none appeared (a moved model's under its old or new label).
        new_cts = dict((i, (a, m)) for i, a, m in _rows(cur, "SELECT id, app_label, model FROM django_content_type"))
        # every old content type kept its id (the moved ones under their new app); the later apps' are new ids
        assert {i: new_cts.get(i) for i in old_cts} == {
            i: (MOVED_MODELS.get(key, key[0]), key[1]) for i, key in old_cts.items()}
        # The audit trail keeps the labels of its time: each one is still read as a model's own or former label.
        labels = {label for model in apps.get_models() for label in audit_target_labels(model._meta.label_lower)}
        unreadable = {t for (t,) in _rows(cur, "SELECT DISTINCT target_type FROM boss_auditevent")} - labels - {""}
        assert not unreadable

        # ---- every migration up to the layout applied, the old records kept
        applied = set(_rows(cur, "SELECT app, name, applied FROM django_migrations"))
        assert old_applied <= applied
        graph = MigrationLoader(None, ignore_no_migrations=True).graph
        up_to_layout = {node for target in LAYOUT_TARGETS.items() for node in graph.forwards_plan(target)}
        assert {(a, n) for a, n, _t in applied} == up_to_layout | {(a, n) for a, n, _t in old_applied}

        # ---- identities: the next row of a moved table gets a fresh key
        for table in MOVED_TABLES.values():
            (sequence,), = _rows(cur, "SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            assert sequence, table
            (behind,), = _rows(cur, f"SELECT (SELECT last_value FROM {sequence}) < "
                                    f"(SELECT coalesce(max(id), 0) FROM {_q(table)})")
            assert not behind, table

        # ---- the later migrations apply on top, and the schema is then the one a fresh migrate builds (the
        # test database), names aside
        rest = scratch.manage("migrate", "--no-input")
        assert rest.returncode == 0, rest.stdout + rest.stderr
        assert ledger(cur) == old_ledger
        migrated_schema = schema(cur)
    finally:
        conn.close()
    with connection.cursor() as test_cur:
        fresh_schema = schema(test_cur)
    for part in ("columns", "constraints", "indexes", "triggers", "functions"):
        only_migrated, only_fresh = _counter_diff(migrated_schema[part], fresh_schema[part])
        assert not (only_migrated or only_fresh), f"{part}: only after the migration {only_migrated}, " \
                                                  f"only in a fresh database {only_fresh}"
    declared = {x.name for model in apps.get_models() for x in [*model._meta.indexes, *model._meta.constraints]}
    assert declared <= migrated_schema["names"] and declared <= fresh_schema["names"]

    print(f"restore and photograph {restored - started:.1f}s, migrate {migrated - restored:.1f}s, "
          f"all {time.monotonic() - started:.1f}s")

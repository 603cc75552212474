#!/usr/bin/env python3
"""Backups of the BOSS database: a consistent pg_dump with a manifest, a schedule, and a restore check.

    python scripts/backup.py dump   [--url URL] [--dir DIR]     one dump now
    python scripts/backup.py loop   [--url URL] [--dir DIR]     a dump every BACKUP_INTERVAL_SECONDS, keeping
                                                                the BACKUP_KEEP newest (the compose `backup` service)
    python scripts/backup.py verify DUMP [--url URL] [--keep]   restore DUMP into a fresh database and check it

`dump` opens a REPEATABLE READ transaction, exports its snapshot and runs `pg_dump --snapshot` on it, so the
dump and the manifest written beside it (row count of every table, the sum of every ledger account's entries,
the number of unbalanced ledger transactions) describe the same instant, even while the counters work.
The dump is written to a temporary name and renamed when complete, so a half-written file never looks like
a backup.

`verify` creates a database of its own on the server of URL (`boss_restore_check_<time>`), restores the dump
into it with pg_restore (stopping at the first error), then checks in the restored copy:
  - the row count of every table equals the manifest's (no table lost, nothing half-restored);
  - every ledger transaction balances (its entries sum to zero, at least two entries);
  - every ledger account's balance (the sum of its entries) equals the manifest's;
  - no document number twice, no number on two live lines, every payment on its own ledger transaction;
then drops the database (unless --keep) and exits 0, or prints each problem and exits 1.

Plain Python and the PostgreSQL client tools (pg_dump, pg_restore of the server's major version); it does
not load Django, so an operator can run it next to the database. URL defaults to $DATABASE_URL.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

PREFIX = "boss-"


def _tables(cur) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in cur.fetchall()]


def _facts(cur) -> dict:
    """What a restored copy must reproduce: row counts, every ledger account's sum, unbalanced transactions."""
    counts = {}
    for table in _tables(cur):
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cur.fetchone()[0]
    cur.execute("SELECT a.code, COALESCE(sum(e.amount), 0)::text FROM billing_ledgeraccount a "
                "LEFT JOIN billing_ledgerentry e ON e.account_id = a.id GROUP BY a.code ORDER BY a.code")
    balances = dict(cur.fetchall())
    cur.execute("SELECT count(*) FROM (SELECT transaction_id FROM billing_ledgerentry GROUP BY transaction_id "
                "HAVING sum(amount) <> 0 OR count(*) < 2) t")
    unbalanced = cur.fetchone()[0]
    return {"counts": counts, "ledger_account_sums": balances, "unbalanced_transactions": unbalanced}


def _invariants(cur) -> list[str]:
    problems = []
    cur.execute("SELECT transaction_id FROM billing_ledgerentry GROUP BY transaction_id "
                "HAVING sum(amount) <> 0 OR count(*) < 2 LIMIT 10")
    if rows := cur.fetchall():
        problems.append(f"unbalanced ledger transactions: {[r[0] for r in rows]}")
    cur.execute("SELECT count(*) FROM billing_ledgertransaction t WHERE NOT EXISTS "
                "(SELECT 1 FROM billing_ledgerentry e WHERE e.transaction_id = t.id)")
    if n := cur.fetchone()[0]:
        problems.append(f"{n} ledger transactions without entries")
    cur.execute("SELECT hall_id, kind, series, number FROM billing_document "
                "GROUP BY hall_id, kind, series, number HAVING count(*) > 1 LIMIT 10")
    if rows := cur.fetchall():
        problems.append(f"document numbers issued twice: {rows}")
    cur.execute("SELECT msisdn FROM customers_line WHERE status <> 'cancelled' GROUP BY msisdn HAVING count(*) > 1")
    if rows := cur.fetchall():
        problems.append(f"numbers with two live lines: {[r[0] for r in rows]}")
    return problems


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def dump(url: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = directory / f"{PREFIX}{stamp}.dump"
    partial = final.with_suffix(".dump.partial")
    conn = psycopg2.connect(url)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            facts = _facts(cur)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                            f"--file={partial}", f"--dbname={url}"], check=True)
        conn.rollback()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    manifest = {"taken_at": stamp, "dump": final.name, "bytes": partial.stat().st_size, **facts}
    final.with_suffix(".json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(final)
    print(f"backup {final} ({manifest['bytes']} bytes, {sum(facts['counts'].values())} rows in "
          f"{len(facts['counts'])} tables)", flush=True)
    return final


def prune(directory: Path, keep: int) -> None:
    dumps = sorted(directory.glob(f"{PREFIX}*.dump"))
    for old in dumps[:-keep] if keep > 0 else []:
        old.unlink()
        old.with_suffix(".json").unlink(missing_ok=True)


def verify(url: str, dump_path: Path, keep: bool = False) -> list[str]:
    manifest = json.loads(dump_path.with_suffix(".json").read_text())
    name = f"boss_restore_check_{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S%f')}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    problems: list[str] = []
    try:
        target = _with_db(url, name)
        restored = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}",
                                   str(dump_path)], capture_output=True, text=True)
        if restored.returncode != 0:
            return [f"pg_restore failed: {restored.stderr.strip()[:2000]}"]
        conn = psycopg2.connect(target)
        try:
            with conn.cursor() as cur:
                facts = _facts(cur)
                problems += _invariants(cur)
        finally:
            conn.close()
        for table in sorted(set(manifest["counts"]) | set(facts["counts"])):
            want, got = manifest["counts"].get(table), facts["counts"].get(table)
            if want != got:
                problems.append(f"table {table}: {got} rows restored, {want} in the backup")
        for code in sorted(set(manifest["ledger_account_sums"]) | set(facts["ledger_account_sums"])):
            want, got = manifest["ledger_account_sums"].get(code), facts["ledger_account_sums"].get(code)
            if want != got:
                problems.append(f"ledger account {code}: balance {got} restored, {want} in the backup")
        print(f"restored {dump_path.name} into {name}: {sum(facts['counts'].values())} rows in "
              f"{len(facts['counts'])} tables, {len(facts['ledger_account_sums'])} ledger accounts, "
              f"{facts['counts'].get('billing_ledgerentry', 0)} ledger entries", flush=True)
    finally:
        if not keep:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["dump", "loop", "verify"])
    parser.add_argument("dump_file", nargs="?", type=Path)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("BACKUP_DIR", "var/backups")))
    parser.add_argument("--keep", action="store_true", help="verify: keep the restored database")
    args = parser.parse_args(argv)
    if not args.url or not args.url.startswith(("postgres://", "postgresql://")):
        parser.error("a PostgreSQL URL is needed (--url or DATABASE_URL)")
    if args.command == "dump":
        dump(args.url, args.dir)
    elif args.command == "loop":
        interval = int(os.environ.get("BACKUP_INTERVAL_SECONDS", "86400"))
        keep = int(os.environ.get("BACKUP_KEEP", "14"))
        while True:
            try:
                dump(args.url, args.dir)
                prune(args.dir, keep)
            except (subprocess.CalledProcessError, psycopg2.Error) as exc:
                print(f"backup failed: {exc}", file=sys.stderr, flush=True)   # tried again next interval
            time.sleep(interval)
    else:
        if not args.dump_file:
            parser.error("verify needs the dump file")
        problems = verify(args.url, args.dump_file, keep=args.keep)
        print("restore check OK: counts and ledger balances match the backup, ledger balanced" if not problems
              else "RESTORE CHECK FAILED:\n  " + "\n  ".join(problems))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

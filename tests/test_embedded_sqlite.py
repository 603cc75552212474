"""The embedded default (`make run`: a SQLite file shared by the gunicorn workers, the Celery worker and beat)
takes concurrent writes: WAL lets readers run beside the writer, a busy timeout makes a writer wait for the
lock, and IMMEDIATE transactions take the write lock at BEGIN, so two counters paying at the same moment
never get "database is locked" half-way through (issue 20). The suite's own SQLite database is in memory,
so the test copies it to a file and runs the payments in a process with `make run`'s settings."""

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif("sqlite" not in os.environ.get("DATABASE_URL", "sqlite"),
                    reason="copies the SQLite test database to a file; the PostgreSQL run has its own race tests")
def test_twenty_counters_paying_at_once_on_the_sqlite_file_all_succeed(transactional_db, rep, tmp_path):
    from customers.tests.factories import LineFactory

    lines = [LineFactory(msisdn=f"1390000000{i}", hall=rep.hall) for i in range(4)]
    db_file = tmp_path / "boss.sqlite3"
    with sqlite3.connect(db_file) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "boss.settings.local", "DATABASE_URL": f"sqlite:///{db_file}",
           "CELERY_BROKER_URL": "memory://", "DEBUG": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "sqlite_payments_probe.py"), rep.username,
                             ",".join(ln.msisdn for ln in lines)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["journal_mode"] == "wal"
    assert report["errors"] == []          # no "database is locked", nothing but a payment or a clean refusal
    assert report["outcomes"] == ["paid"] * 20
    assert report["payments"] == 20 and report["unbalanced"] == []
    assert {Decimal(b) for b in report["balances"].values()} == {Decimal("50.00")}

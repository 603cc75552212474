"""Backups (issue 12): a dump taken with scripts/backup.py restores into a fresh database with every table's
row count and every ledger account's balance as they were at the dump, and the ledger balanced; a restore
that does not match its backup is reported, not passed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from billing.models import Document, LedgerEntry, Payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "backup.py"


def _url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _backup(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args, "--url", _url()], capture_output=True, text=True,
                          timeout=120)


def test_a_dump_restores_into_a_fresh_database_with_the_same_counts_and_balances(live, tmp_path):
    live.open_line("13912345671")      # two openings: payments, receipts, ledger postings, work orders
    assert LedgerEntry.objects.count() > 0 and Payment.objects.count() == 2 and Document.objects.exists()

    made = _backup("dump", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    dumps = list(tmp_path.glob("boss-*.dump"))
    assert len(dumps) == 1 and not list(tmp_path.glob("*.partial"))
    manifest = json.loads(dumps[0].with_suffix(".json").read_text())
    assert manifest["counts"]["billing_ledgerentry"] == LedgerEntry.objects.count()
    assert manifest["counts"]["billing_payment"] == 2
    assert manifest["unbalanced_transactions"] == 0

    checked = _backup("verify", str(dumps[0]))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "restore check OK" in checked.stdout
    # The check's own database is gone afterwards.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'boss_restore_check_%%'")
        assert cur.fetchone()[0] == 0


def test_a_restore_that_does_not_match_its_backup_fails_the_check(live, tmp_path):
    assert _backup("dump", "--dir", str(tmp_path)).returncode == 0
    dump = next(tmp_path.glob("boss-*.dump"))
    manifest_path = dump.with_suffix(".json")
    manifest = json.loads(manifest_path.read_text())
    # As if a table had lost rows or an account its entries between the backup and the restore.
    manifest["counts"]["billing_payment"] += 1
    code = next(iter(manifest["ledger_account_sums"]))
    manifest["ledger_account_sums"][code] = "12345.67"
    manifest_path.write_text(json.dumps(manifest))

    checked = _backup("verify", str(dump))
    assert checked.returncode == 1
    assert "table billing_payment: 1 rows restored, 2 in the backup" in checked.stdout
    assert f"ledger account {code}: balance" in checked.stdout


def test_a_damaged_dump_fails_the_check(tmp_path, live):
    assert _backup("dump", "--dir", str(tmp_path)).returncode == 0
    dump = next(tmp_path.glob("boss-*.dump"))
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])    # a truncated copy
    checked = _backup("verify", str(dump))
    assert checked.returncode == 1 and "pg_restore failed" in checked.stdout


def test_old_backups_are_pruned_to_the_newest(tmp_path):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import backup
    finally:
        sys.path.remove(str(SCRIPT.parent))
    for stamp in ("20260101T000000000000Z", "20260102T000000000000Z", "20260103T000000000000Z"):
        (tmp_path / f"boss-{stamp}.dump").write_text("x")
        (tmp_path / f"boss-{stamp}.json").write_text("{}")
    backup.prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "boss-20260102T000000000000Z.dump", "boss-20260102T000000000000Z.json",
        "boss-20260103T000000000000Z.dump", "boss-20260103T000000000000Z.json"]

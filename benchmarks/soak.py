"""The soak (issue 12): 20 counters × 5,000 mixed operations through the REST API on PostgreSQL, then the
invariants of tests/mixed_run.py (ledger balanced, every balance the sum of its entries, no document number
twice, no number sold twice, every accepted Idempotency-Key exactly one effect). Run by hand:

    createdb -h 127.0.0.1 -U postgres boss_soak      # dropped and re-created by the script
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_soak .venv/bin/python benchmarks/soak.py
    SOAK_COUNTERS=20 SOAK_OPS=500 ... benchmarks/soak.py      # a shorter run
    SOAK_SECONDS=3000 ... benchmarks/soak.py                  # stop the counters 3,000 s after the start

Each counter is a thread with its own connection and API client (in-process, no HTTP server: the figures
are the application's and the database's, not gunicorn's), and the counters are spread over
SOAK_PROCESSES spawned processes (default one per core: one process's GIL held the threads to one core,
and one process per counter paid 20 Django start-ups and 20 interpreters competing for the cores),
each with its own Django set-up. A provisioning worker thread in the parent drains the outbox meanwhile.
Progress is printed every SOAK_REPORT seconds (default 60). SOAK_SECONDS (counted from the script's start,
the world's build included) or a Ctrl-C stops the counters after their current operation; the invariants are
checked over what was done and the size reached is printed (`kill -INT` or `kill -TERM` of the script's
process does the same for a run in the background). Exit code 1 on any broken invariant, 5xx or
exception.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")
COUNTERS = int(os.environ.get("SOAK_COUNTERS", "20"))
OPS = int(os.environ.get("SOAK_OPS", "5000"))
PROCESSES = int(os.environ.get("SOAK_PROCESSES", str(min(COUNTERS, os.cpu_count() or 1))))
SECONDS = float(os.environ.get("SOAK_SECONDS", "0"))
REPORT = float(os.environ.get("SOAK_REPORT", "60"))
BEGUN = time.monotonic()


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL database of its own (it is dropped and re-created)")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url[: -len(name)] + "postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def main() -> int:
    # Ctrl-C, or `kill -INT`/`kill -TERM` of this process (a background run ignores SIGINT unless told),
    # stops the counters after their current operation; the invariants are still checked.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.BOSS_NETWORK_ADAPTER_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0}
    call_command("migrate", "--noinput", verbosity=0)
    from boss.tests.factories import HallFactory
    from tests import mixed_run

    started = time.perf_counter()
    world = mixed_run.world_build(hall=HallFactory(code="SOAK01", name="压测营业厅"), counters=COUNTERS, ops=OPS)
    print(f"world built in {time.perf_counter() - started:.0f} s: {len(world.numbers)} numbers, "
          f"{len(world.fee_lines)} lines to serve, {len(world.bank_lines)} refundable lines; "
          f"{COUNTERS} counters × {OPS} operations in {PROCESSES} processes, load {load()}", flush=True)

    def report(done: int, seconds: float) -> None:
        print(f"  {seconds:6.0f} s: {done} of {COUNTERS * OPS} operations ({done / seconds:.1f}/s), load {load()}",
              flush=True)

    stats = mixed_run.run(world, counters=COUNTERS, ops=OPS, processes=PROCESSES, report=report,
                          report_every=REPORT, deadline=BEGUN + SECONDS if SECONDS else None)
    done = stats.done()
    print(f"{COUNTERS} counters × {OPS} operations: {done} of {COUNTERS * OPS} done"
          + ("" if done == COUNTERS * OPS else " (stopped early: time limit or Ctrl-C)") + f", load {load()}")
    print(mixed_run.summary(stats))
    started = time.perf_counter()
    problems = mixed_run.invariants(world, stats)
    print(f"invariants checked in {time.perf_counter() - started:.1f} s")
    from billing.models import Document, LedgerEntry, Payment
    from customers.models import Line

    print(f"afterwards: {LedgerEntry.objects.count()} ledger entries, {Payment.objects.count()} payments, "
          f"{Document.objects.count()} documents, {Line.objects.count()} lines")
    print("OK: ledger balanced, balances = sums of entries, no document number twice, no number sold twice, "
          "every accepted key one effect" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems[:50]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

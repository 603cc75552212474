"""Billing at scale on PostgreSQL: 100,000 lines with 30 usage records each (3,000,000 records) → the CSV
import, the rating and the monthly bill run, each timed with records (or lines) per second and the peak
memory of the Python process (ru_maxrss). Each phase runs in a process of its own so its peak is its own.

    createdb -h 127.0.0.1 -U postgres boss_billing_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_billing_bench
    .venv/bin/python benchmarks/billing_bench.py all          # setup, generate, import, rate, billrun, rerun
    .venv/bin/python benchmarks/billing_bench.py targets      # issue 20's targets: unrate, rate, billrun, billrun2
    .venv/bin/python benchmarks/billing_bench.py billrun      # one phase again (billrun drops the month's bills first)
    .venv/bin/python benchmarks/billing_bench.py profile      # a few bill-run chunks profiled (see phase_profile)
    .venv/bin/python benchmarks/billing_bench.py unrate       # then `rate` is a first rating again

Each phase prints the CPU seconds of its Python process and of its PostgreSQL backend beside the wall time:
on the shared machine the wall time follows the load, the CPU far less.

Lines: 70 % prepaid (charged in real time while rated), 30 % paying by bank collection over four banks;
five plans with allowances; 20 % with a feature, 10 % with a discount. Usage: billing/usage_generator.py
(60 % voice, 25 % SMS, 15 % data, 3 % roaming, 12 % of calls long distance) for October 2026.
"""

import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from _django import setup

LINES = int(os.environ.get("BENCH_LINES", "100000"))
PER_LINE = int(os.environ.get("BENCH_PER_LINE", "30"))
PERIOD = date(2026, 10, 1)
CSV = os.environ.get("BENCH_CSV", "/tmp/billing_bench_usage.csv")
SH = ZoneInfo("Asia/Shanghai")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, every process: /proc/stat, idle and I/O wait
    left out): the rating's and the bill run's threads each have a PostgreSQL backend of their own, which
    `cpu_seconds` does not see."""
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fh.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its PostgreSQL backend (same machine: /proc), so that a figure taken on
    the loaded shared machine can be told apart from the load."""
    from django.db import connection

    own = resource.getrusage(resource.RUSAGE_SELF)
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError):
        backend = float("nan")
    return own.ru_utime + own.ru_stime, backend


def report(phase: str, seconds: float, count: int, unit: str, cpu: tuple[float, float] | None = None,
           machine: float | None = None) -> None:
    used = ""
    if cpu is not None:
        now = cpu_seconds()
        used = f", cpu python {now[0] - cpu[0]:.1f} s + postgres {now[1] - cpu[1]:.1f} s"
    if machine is not None:
        busy, cores = machine_busy_seconds() - machine, os.cpu_count() or 1
        used += f"; machine busy {busy:.1f} cpu-s ({busy / seconds / cores:.0%} of {cores} cores)"
    print(f"{phase}: {seconds:.1f} s, {count:,} {unit}, {count / seconds:,.0f} {unit}/s, peak {peak_mb():.0f} MB"
          f"{used}", flush=True)


RATING_TARGET = 50_000                  # issue 20: usage records rated per second
BILL_RUN_TARGET_S = {1: 30, 2: 15}      # issue 20: the bill run of 100,000 lines, by worker processes


def target(name: str, value: str, met: bool) -> None:
    print(f"target: {name:48} {value:>14}  {'met' if met else 'NOT met'}", flush=True)


# --------------------------------------------------------------------------------------------------


def phase_setup() -> None:
    from django.core.management import call_command
    from django.db import connection

    from boss.models import Hall
    from catalog.models import Discount, Feature, Plan
    from customers.models import Account, Customer, CustomerIdentity, Line, LineDiscount, LineFeature

    call_command("migrate", verbosity=0)
    if Line.objects.count() >= LINES:
        print(f"{Line.objects.count():,} lines already there")
        return
    start = time.monotonic()
    hall, _ = Hall.objects.get_or_create(code="BENCH", defaults={"name": "基准测试营业厅"})
    plans = []
    for code, fee, minutes, sms, mb in [("B-19", "19.00", 0, 0, 10240), ("B-38", "38.00", 100, 0, 2048),
                                        ("B-58", "58.00", 200, 0, 5120), ("B-128", "128.00", 500, 0, 30720),
                                        ("B-388", "388.00", 2000, 200, 153600)]:
        plans.append(Plan.objects.get_or_create(code=code, defaults={
            "name": f"基准套餐{fee}", "monthly_fee": Decimal(fee), "voice_minutes": minutes, "sms_count": sms,
            "data_mb": mb, "overage_per_minute": Decimal("0.19"), "overage_per_sms": Decimal("0.10"),
            "overage_per_mb": Decimal("0.0050"), "roaming_per_minute": Decimal("2.99"),
            "long_distance_per_minute": Decimal("4.60"), "valid_from": date(2020, 1, 1)})[0])
    feature = Feature.objects.get_or_create(code="B-CLIP", defaults={
        "name": "来电显示", "kind": "caller_id", "monthly_fee": Decimal("5.00"), "valid_from": date(2020, 1, 1)})[0]
    discount = Discount.objects.get_or_create(code="B-20", defaults={
        "name": "月费8折", "business": "open_account", "target": "monthly_fee", "percent_off": Decimal("20"),
        "valid_from": date(2020, 1, 1)})[0]
    batch = 20_000
    for lo in range(0, LINES, batch):
        n = range(lo, min(lo + batch, LINES))
        ids = CustomerIdentity.objects.bulk_create([
            CustomerIdentity(doc_type="passport", number=f"BENCH{i:09d}", name=f"客户{i}") for i in n])
        customers = Customer.objects.bulk_create([
            Customer(kind="individual", name=f"客户{i}", identity=ident) for i, ident in zip(n, ids, strict=True)])
        accounts = Account.objects.bulk_create([
            Account(customer=c, payment_method="bank" if i % 10 < 3 else "cash", realtime_prepaid=i % 10 >= 3,
                    bank_code=("ICBC", "CCB", "ABC", "BOC")[i % 4] if i % 10 < 3 else "",
                    bank_account_number=f"6222{i:015d}" if i % 10 < 3 else "", bank_account_holder=c.name)
            for i, c in zip(n, customers, strict=True)])
        lines = Line.objects.bulk_create([
            Line(msisdn=f"139{i:08d}", customer=c, account=a, plan=plans[i % len(plans)], hall=hall, status="active",
                 activated_at=datetime(2025, 1, 1, tzinfo=SH))
            for i, c, a in zip(n, customers, accounts, strict=True)])
        LineFeature.objects.bulk_create([LineFeature(line=ln, feature=feature, since=date(2025, 1, 1))
                                         for i, ln in zip(n, lines, strict=True) if i % 5 == 0])
        LineDiscount.objects.bulk_create([LineDiscount(line=ln, discount=discount, since=date(2025, 1, 1))
                                          for i, ln in zip(n, lines, strict=True) if i % 10 == 1])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report("setup (lines, customers, accounts)", time.monotonic() - start, LINES, "lines")


def phase_generate() -> None:
    from billing.usage_generator import usage_csv_lines

    start = time.monotonic()
    msisdns = [f"139{i:08d}" for i in range(LINES)]
    with open(CSV, "w", encoding="utf-8") as fh:
        fh.writelines(usage_csv_lines(msisdns=msisdns, month=PERIOD, per_line=PER_LINE, seed=1))
    report("generate CSV", time.monotonic() - start, LINES * PER_LINE, "records")


def phase_import() -> None:
    from django.db import connection

    from billing.models import UsageImport, UsageRecord
    from billing.services.usage import usage_import_file
    from boss.permissions import system_actor

    before = UsageRecord.objects.count()
    imp = UsageImport.objects.create(file_name=os.path.basename(CSV), file_path=CSV, uploaded_by=system_actor())
    start = time.monotonic()
    imp = usage_import_file(usage_import=imp)
    seconds = time.monotonic() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_usagerecord")
    print(f"  lines {imp.total_lines:,}, imported {imp.imported:,}, duplicates {imp.duplicates:,}, "
          f"errors {imp.error_count:,} (records before: {before:,})")
    report("import", seconds, imp.total_lines, "records")


def phase_rate() -> None:
    from django.db import connection

    from billing.models import Bill, PrepaidCharge, RatedRecord
    from billing.services.rating import usage_rate
    from boss.permissions import system_actor

    if Bill.objects.filter(period=PERIOD).exists():
        _drop_month()    # billed months are never re-rated: measure a re-rating on an unbilled month
    _vacuum()
    again = RatedRecord.objects.filter(period=PERIOD).exists()
    cpu, machine, start = cpu_seconds(), machine_busy_seconds(), time.monotonic()
    result = usage_rate(actor=system_actor(), period=PERIOD)
    seconds = time.monotonic() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_ratedrecord")
    print(f"  line-months {result.line_months:,}; prepaid charges posted {PrepaidCharge.objects.count():,}")
    report("re-rating (replaces the rating)" if again else "rating (with real-time prepaid charges)", seconds,
           result.records, "records", cpu, machine)
    target(f"rating{' again' if again else ''} >= {RATING_TARGET:,} records/s", f"{result.records / seconds:,.0f}/s",
           result.records / seconds >= RATING_TARGET)


def _drop_month() -> None:
    """Make the month unbilled again for a repeated measurement (bypasses the immutability triggers:
    benchmark database only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""DELETE FROM billing_pointsentry WHERE lot_id IN (SELECT id FROM billing_pointslot
                          WHERE bill_id IN (SELECT id FROM billing_bill WHERE period = %s))""", [PERIOD])
        cursor.execute("DELETE FROM billing_pointslot WHERE bill_id IN (SELECT id FROM billing_bill WHERE period = %s)",
                       [PERIOD])
        cursor.execute("DELETE FROM billing_billsettlement WHERE bill_id IN (SELECT id FROM billing_bill "
                       "WHERE period = %s)", [PERIOD])
        cursor.execute("DELETE FROM billing_billline WHERE bill_id IN (SELECT id FROM billing_bill WHERE period = %s)",
                       [PERIOD])
        cursor.execute("SELECT ledger_transaction_id FROM billing_bill WHERE period = %s "
                       "AND ledger_transaction_id IS NOT NULL", [PERIOD])
        txs = [r[0] for r in cursor.fetchall()]
        cursor.execute("DELETE FROM billing_bill WHERE period = %s", [PERIOD])
        if txs:
            cursor.execute("DELETE FROM billing_ledgerentry WHERE transaction_id = ANY(%s)", [txs])
            cursor.execute("DELETE FROM billing_ledgertransaction WHERE id = ANY(%s)", [txs])
        cursor.execute("DELETE FROM billing_billrunchunk WHERE run_id IN (SELECT id FROM billing_billrun "
                       "WHERE period = %s)", [PERIOD])
        cursor.execute("DELETE FROM billing_billrun WHERE period = %s", [PERIOD])
        cursor.execute("SET session_replication_role = DEFAULT")


def _vacuum() -> None:
    """VACUUM ANALYZE before a timed phase: what autovacuum does on a production database after the imports,
    the rating and a dropped month. This machine's PostgreSQL runs with autovacuum off, and with the dead rows
    of each dropped month and the statistics of empty tables, repeated bill runs took 27 to 35 s."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE before timing: {time.monotonic() - started:.1f} s", flush=True)


def phase_unrate() -> None:
    """Make the month unrated again, so that `rate` measures a first rating with its real-time prepaid postings:
    drops its bills, ratings and prepaid charges with their ledger transactions (bypasses the immutability
    triggers: benchmark database only)."""
    from django.db import connection

    _drop_month()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT DISTINCT ledger_transaction_id FROM billing_prepaidcharge WHERE period = %s", [PERIOD])
        txs = [r[0] for r in cursor.fetchall()]
        cursor.execute("DELETE FROM billing_prepaidcharge WHERE period = %s", [PERIOD])
        cursor.execute("DELETE FROM billing_ledgerentry WHERE transaction_id = ANY(%s)", [txs])
        cursor.execute("DELETE FROM billing_ledgertransaction WHERE id = ANY(%s)", [txs])
        cursor.execute("DELETE FROM billing_ratedrecord WHERE period = %s", [PERIOD])
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE billing_ratedrecord")
    print(f"  month unrated: {len(txs):,} prepaid ledger transactions dropped")


def phase_billrun(workers: int = 1) -> None:
    from billing.models import Bill
    from billing.selectors import ledger_check_balanced
    from billing.services.bill_run import bill_run_execute, bill_run_report, bill_run_start
    from boss.permissions import system_actor

    if Bill.objects.filter(period=PERIOD).exists():
        _drop_month()
    _vacuum()
    actor = system_actor()
    cpu, machine, start = cpu_seconds(), machine_busy_seconds(), time.monotonic()
    run = bill_run_start(actor=actor, period=PERIOD)
    if workers == 1:
        run = bill_run_execute(actor=actor, run=run)
    else:
        # Each worker process bills on BOSS_BILL_RUN_THREADS threads (one per core by default, for the one worker
        # of a deployment); several workers on this box share its cores between them unless told otherwise.
        threads = os.environ.get("BOSS_BILL_RUN_THREADS") or str(max(1, (os.cpu_count() or 1) // workers))
        print(f"  {workers} workers, {threads} thread(s) each", flush=True)
        env = {**os.environ, "BENCH_RUN_ID": str(run.pk), "BOSS_BILL_RUN_THREADS": threads}
        procs = [subprocess.Popen([sys.executable, __file__, "worker"], env=env) for _ in range(workers)]
        for p in procs:
            p.wait()
        run.refresh_from_db()
    seconds = time.monotonic() - start
    r = bill_run_report(run)
    print(f"  status {run.status}, bills {r.bills:,}, total ¥{r.total:,.2f}, huge {r.huge_bills}, "
          f"errors {len(r.errors)}, chunks {r.chunks_done}/{r.chunks_total}")
    report(f"bill run ({workers} worker{'s' if workers > 1 else ''})", seconds, r.bills, "lines", cpu, machine)
    limit = BILL_RUN_TARGET_S[workers]
    target(f"bill run of {r.bills:,} lines, {workers} worker{'s' if workers > 1 else ''}, <= {limit} s",
           f"{seconds:.1f} s", seconds <= limit and r.bills >= 100_000 and not r.errors)
    check = time.monotonic()
    unbalanced = ledger_check_balanced()
    print(f"  ledger check: {len(unbalanced)} unbalanced transactions ({time.monotonic() - check:.1f} s)")


def phase_worker() -> None:
    from billing.models import BillRun
    from billing.services.bill_run import bill_run_execute
    from boss.permissions import system_actor

    run = BillRun.objects.get(pk=int(os.environ["BENCH_RUN_ID"]))
    cpu = cpu_seconds()
    bill_run_execute(actor=system_actor(), run=run)
    now = cpu_seconds()
    print(f"  worker {os.getpid()}: peak {peak_mb():.0f} MB, cpu python {now[0] - cpu[0]:.1f} s "
          f"+ postgres {now[1] - cpu[1]:.1f} s", flush=True)


def phase_rerun() -> None:
    """Running the finished month again: no bill, no posting."""
    from billing.models import Bill, LedgerTransaction
    from billing.services.bill_run import bill_run_execute, bill_run_start
    from boss.permissions import system_actor

    bills, txs = Bill.objects.count(), LedgerTransaction.objects.count()
    start = time.monotonic()
    run = bill_run_execute(actor=system_actor(), run=bill_run_start(actor=system_actor(), period=PERIOD))
    new_txs = LedgerTransaction.objects.count() - txs
    print(f"  bills {Bill.objects.count() - bills:+,}, ledger transactions {new_txs:+,}")
    report("bill run again (nothing to do)", time.monotonic() - start, run.passes, "passes")


@contextmanager
def _profiling(profile):
    if profile is not None:
        profile.enable()
    try:
        yield
    finally:
        if profile is not None:
            profile.disable()


def phase_profile() -> None:
    """Where a bill-run chunk (or, with BENCH_PROFILE=rate, a rating chunk) spends its time: cProfile's top
    functions (BENCH_CPROFILE=0: none, for the CPU figures) and each SQL statement's time, over
    BENCH_PROFILE_CHUNKS chunks rolled back at the end. The key checks run in their statements, not at the
    commit; BENCH_PROFILE_NO_TRIGGERS=1 turns them and the triggers off (benchmark database only) to
    measure what they cost. Run it alone: a billed month is dropped first."""
    import cProfile
    import pstats
    from collections import defaultdict

    from django.db import connection, transaction

    from billing.models import Bill, BillRun
    from billing.services.bill_run import bill_run_chunk_next, bill_run_start
    from billing.services.rating import _chunk_rate
    from boss.permissions import system_actor

    chunks = int(os.environ.get("BENCH_PROFILE_CHUNKS", "3"))
    what = os.environ.get("BENCH_PROFILE", "billrun")
    statements: dict[str, list[float]] = defaultdict(list)

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[" ".join(sql.split())[:150]].append(time.perf_counter() - t)

    actor = system_actor()
    if what == "billrun" and Bill.objects.filter(period=PERIOD).exists():
        _drop_month()
    profile = cProfile.Profile() if os.environ.get("BENCH_CPROFILE", "1") == "1" else None
    cpu, start = cpu_seconds(), time.monotonic()
    with transaction.atomic(), connection.execute_wrapper(timed):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")   # key checks in their statement, not in the COMMIT
            if os.environ.get("BENCH_PROFILE_NO_TRIGGERS"):   # what the key checks and triggers cost
                cursor.execute("SET session_replication_role = replica")
        if what == "billrun":
            run = bill_run_start(actor=actor, period=PERIOD)
            run = BillRun.objects.get(pk=run.pk)
            for _ in range(chunks):
                with _profiling(profile), transaction.atomic():
                    bill_run_chunk_next(actor=actor, run=run)
        else:
            from billing.models import UsageRecord

            first = UsageRecord.objects.order_by("line_id").values_list("line_id", flat=True).first()
            for i in range(chunks):
                with _profiling(profile):
                    _chunk_rate(actor=actor, line_ids=list(range(first + 2000 * i, first + 2000 * (i + 1))),
                                period=PERIOD)
        seconds, used = time.monotonic() - start, cpu_seconds()
        transaction.set_rollback(True)
    print(f"{what}: {chunks} chunks in {seconds:.2f} s (rolled back), cpu python {used[0] - cpu[0]:.1f} s "
          f"+ postgres {used[1] - cpu[1]:.1f} s")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    total = sum(sum(v) for v in statements.values())
    print(f"SQL: {sum(len(v) for v in statements.values())} statements, {total:.2f} s")
    for sql, times in sorted(statements.items(), key=lambda kv: -sum(kv[1]))[:25]:
        print(f"{sum(times):7.3f} s {len(times):4d}x  {sql}")


PHASES = {"setup": phase_setup, "generate": phase_generate, "import": phase_import, "rate": phase_rate,
          "billrun": phase_billrun, "billrun2": lambda: phase_billrun(2), "worker": phase_worker,
          "rerun": phase_rerun, "profile": phase_profile, "unrate": phase_unrate}


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    sequences = {"all": ("setup", "generate", "import", "rate", "billrun", "rerun", "billrun2"),
                 # issue 20's targets again on a loaded database: a first rating, then both bill runs
                 "targets": ("unrate", "rate", "billrun", "billrun2")}
    if which in sequences:
        for phase in sequences[which]:
            subprocess.run([sys.executable, __file__, phase], check=True)
        return
    setup()
    PHASES[which]()


if __name__ == "__main__":
    main()

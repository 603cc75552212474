"""Reports at scale on PostgreSQL (issue 15): the monthly business report over 12 months, 50 halls and
1,000,000 orders (with 500,000 payments, their ledger transactions and revenue entries, and 500,000 queue
tickets), and the day report of a hall with 2,000 transactions.

    createdb -h 127.0.0.1 -U postgres boss_reports_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_reports_bench
    .venv/bin/python benchmarks/reports_bench.py all        # setup, generate, summarize, measure
    .venv/bin/python benchmarks/reports_bench.py measure    # the timings again
    .venv/bin/python benchmarks/reports_bench.py day        # the hall's day report alone
    BENCH_ORDERS=200000 .venv/bin/python benchmarks/reports_bench.py all   # a smaller run on a busy machine

The rows are written by bulk inserts (INSERT ... SELECT over generate_series, one statement per table; the
constant columns come from a model instance, so every NOT NULL column has what Django would write), spread
over the 365 days before today, 50 halls with 10 reps each. One hall also gets a busy day (yesterday: 2,000
paid orders and 2,000 payments). Then the summary tables of the year are built (`summaries_build`, as the
nightly job would) and the report is timed from the summaries and, for comparison, from the rows alone.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

from _django import percentile, setup

os.environ.setdefault("BOSS_MFA_REQUIRED", "false")   # the test client logs the manager in directly

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
HALLS = 50
REPS = 10
DAYS = 365
BUSY = 2000
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def _insert(model, n: int, varying: dict, **consts) -> None:
    """INSERT INTO model's table SELECT ... FROM generate_series(1, n) AS i: the varying columns are SQL
    expressions of i, every other column the value Django would write for a model(**consts)."""
    from django.db import connection

    obj = model(**consts)
    cols, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(connection.ops.quote_name(f.column))
        if f.column in varying:
            exprs.append(varying[f.column].replace("%", "%%"))   # the modulo, not a placeholder
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(obj, add=True), connection))
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
           f"FROM generate_series(1, {int(n)}) AS i")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _array(values) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]::bigint[]"


def phase_setup() -> None:
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from billing.services.ledger import ledger_account_cash_drawer, ledger_account_revenue
    from boss.models import Hall, Staff
    from customers.models import Account, Customer

    call_command("migrate", verbosity=0)
    for h in range(HALLS):
        hall, _ = Hall.objects.get_or_create(code=f"RB{h:02d}", defaults={"name": f"基准营业厅{h:02d}"})
        for r in range(REPS):
            staff, _ = Staff.objects.get_or_create(username=f"rb{h:02d}r{r}", defaults={
                "hall": hall, "last_name": "营业员", "first_name": f"{h:02d}-{r}"})
            ledger_account_cash_drawer(staff=staff)
    for fee in ("monthly", "one_time", "sim_card"):
        ledger_account_revenue(fee_type=fee)
    manager, _ = Staff.objects.get_or_create(username="rb_manager", defaults={"last_name": "经理"})
    from boss.roles import roles_sync

    roles_sync()
    manager.groups.add(*Group.objects.filter(name="manager"))
    if not Customer.objects.filter(name="基准客户").exists():
        from customers.tests.factories import CustomerFactory

        customer = CustomerFactory(name="基准客户")
        Account.objects.create(customer=customer)
    print("setup: 50 halls, 500 reps, their drawers, a manager")


def _world():
    from billing.models import LedgerAccount
    from boss.models import Hall, Staff
    from customers.models import Account

    halls = list(Hall.objects.filter(code__startswith="RB").order_by("code").values_list("pk", flat=True))
    reps = list(Staff.objects.filter(username__startswith="rb", hall__isnull=False).order_by("username")
                .values_list("pk", flat=True))
    drawers = dict(LedgerAccount.objects.filter(kind=LedgerAccount.Kind.CASH_DRAWER, staff_id__in=reps,
                                                subtype="cash").values_list("staff_id", "pk"))
    revenue = LedgerAccount.objects.get(kind=LedgerAccount.Kind.REVENUE, subtype="monthly")
    account = Account.objects.get(customer__name="基准客户")
    return halls, reps, [drawers[r] for r in reps], revenue, account


def _orders(n: int, *, day_sql: str, hall_sql: str, rep_sql: str) -> None:
    from orders.models import Order

    kinds = [k for k, _label in Order.Kind.choices][:10]
    kind_sql = "(ARRAY[" + ",".join(f"'{k}'" for k in kinds) + f"])[1 + i % {len(kinds)}]"
    paid = f"({day_sql})::timestamp AT TIME ZONE 'Asia/Shanghai' + make_interval(mins => 540 + (i * 7) % 540)"
    a_rep = _world()[1][0]
    _insert(Order, n, {
        "kind": kind_sql, "hall_id": hall_sql, "actor_id": rep_sql,
        "amount_due": "((i % 200) + 0.5)::numeric(12,2)",
        "paid_at": paid, "created_at": f"{paid} - make_interval(mins => 1 + i % 30)", "updated_at": paid,
        "msisdn": "'138' || lpad((i % 100000000)::text, 8, '0')",
    }, kind="open_account", state="completed", hall_id=_world()[0][0], actor_id=a_rep,
        customer=_customer(), amount_due=Decimal("1.00"), msisdn="13800000000")


def _customer():
    from customers.models import Customer

    return Customer.objects.get(name="基准客户")


def _payments(n: int, *, day_sql: str, hall_sql: str, rep_index) -> None:
    """n payments: each a ledger transaction (cash drawer debit, revenue credit, both entries in one statement
    as the balance trigger wants) and its payment row. `rep_index(v)` is the SQL of the rep's index for the
    series variable v."""
    from django.db import connection

    from billing.models import LedgerEntry, LedgerTransaction, Payment

    halls, reps, drawers, revenue, account = _world()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM billing_ledgertransaction")
        base = cursor.fetchone()[0]
    rep_sql = f"({_array(reps)})[1 + {rep_index('i')}]"
    _insert(LedgerTransaction, n, {"kind": "'payment.collect'", "actor_id": rep_sql, "hall_id": hall_sql,
                                   "booked_on": f"({day_sql})::date", "reference": f"'RB{base}-' || i"},
            kind="payment.collect", actor_id=reps[0], hall_id=halls[0])
    j = "((i + 1) / 2)"   # entries 2j-1 (the drawer's debit) and 2j (the revenue's credit) of payment j
    amount = "((i % 300) + 1)::numeric(12,2)"
    amount_j = f"(({j} % 300) + 1)::numeric(12,2)"
    _insert(LedgerEntry, 2 * n, {
        "transaction_id": f"{base} + {j}",
        "account_id": f"CASE WHEN i % 2 = 1 THEN ({_array(drawers)})[1 + {rep_index(j)}] ELSE {revenue.pk} END",
        "amount": f"CASE WHEN i % 2 = 1 THEN {amount_j} ELSE -{amount_j} END"},
        transaction_id=base + 1, account_id=drawers[0], amount=Decimal("1.00"))
    _insert(Payment, n, {"ledger_transaction_id": f"{base} + i", "actor_id": rep_sql, "hall_id": hall_sql,
                         "amount": amount, "method": "(ARRAY['cash','bank_card','cash','mobile'])[1 + i % 4]",
                         "tendered": "NULL", "change": "NULL"},
            account=account, method="cash", amount=Decimal("1.00"), ledger_transaction_id=base + 1,
            actor_id=reps[0], hall_id=halls[0])


def _tickets(n: int) -> None:
    from django.utils import timezone

    from hall.models import Ticket

    halls, reps, *_rest = _world()
    day = f"(CURRENT_DATE - 1 - (i % {DAYS}))"
    taken = f"({day})::timestamp AT TIME ZONE 'Asia/Shanghai' + make_interval(mins => 540 + (i * 11) % 540)"
    done = "(i % 10 <> 0)"
    rep = f"(i % {HALLS}) * {REPS} + (i / {HALLS}) % {REPS}"
    _insert(Ticket, n, {
        "hall_id": f"({_array(halls)})[1 + i % {HALLS}]", "day": f"({day})::date",
        "number": "'R' || i", "business": "(ARRAY['counter','payment','complaint','vip'])[1 + i % 4]",
        "vip_level": "CASE WHEN i % 4 = 3 THEN 2 ELSE 0 END",
        "state": f"CASE WHEN {done} THEN 'done' ELSE 'no_show' END", "taken_at": taken,
        "called_by_id": f"CASE WHEN {done} THEN ({_array(reps)})[1 + {rep}] END",
        "called_at": f"CASE WHEN {done} THEN {taken} + make_interval(secs => 60 + i % 1500) END",
        "finished_at": f"CASE WHEN {done} THEN {taken} + make_interval(secs => 360 + i % 2700) END",
        "wait_seconds": f"CASE WHEN {done} THEN 60 + i % 1500 END",
        "service_seconds": f"CASE WHEN {done} THEN 300 + i % 1200 END",
        "created_at": taken, "updated_at": taken,
    }, hall_id=halls[0], day=timezone.localdate(), number="R0", business="counter", taken_at=timezone.now())


def phase_generate() -> None:
    from django.db import connection

    from orders.models import Order

    if Order.objects.filter(hall__code__startswith="RB").exists():
        print("generate: already there")
        return
    halls, reps, *_rest = _world()
    start = time.monotonic()
    day = f"CURRENT_DATE - 1 - (i % {DAYS})"
    hall = f"({_array(halls)})[1 + i % {HALLS}]"
    def rep_index(v: str) -> str:
        return f"({v} % {HALLS}) * {REPS} + ({v} / {HALLS}) % {REPS}"

    _orders(ORDERS, day_sql=day, hall_sql=hall, rep_sql=f"({_array(reps)})[1 + {rep_index('i')}]")
    print(f"  orders: {ORDERS:,} in {time.monotonic() - start:.0f} s", flush=True)
    t = time.monotonic()
    _payments(ORDERS // 2, day_sql=day, hall_sql=hall, rep_index=rep_index)
    print(f"  payments (with their ledger transactions and entries): {ORDERS // 2:,} in "
          f"{time.monotonic() - t:.0f} s", flush=True)
    t = time.monotonic()
    _tickets(ORDERS // 2)
    print(f"  tickets: {ORDERS // 2:,} in {time.monotonic() - t:.0f} s", flush=True)
    # The busy day: yesterday, the first hall, 2,000 orders and 2,000 payments by its ten reps.
    def busy_rep(v: str) -> str:
        return f"({v} % {REPS})"

    _orders(BUSY, day_sql="CURRENT_DATE - 1", hall_sql=str(halls[0]), rep_sql=f"({_array(reps)})[1 + {busy_rep('i')}]")
    _payments(BUSY, day_sql="CURRENT_DATE - 1", hall_sql=str(halls[0]), rep_index=busy_rep)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generate: {time.monotonic() - start:.0f} s")


def phase_summarize() -> None:
    from django.utils import timezone

    from reports.summaries import summaries_build

    start = time.monotonic()
    rows = summaries_build(date_from=timezone.localdate() - timedelta(days=DAYS))
    print(f"summarize {DAYS} days: {rows:,} rows in {time.monotonic() - start:.0f} s "
          f"({(time.monotonic() - start) / DAYS * 1000:.0f} ms a day, the nightly job's work)")


def _time(label: str, fn, runs: int = RUNS) -> None:
    fn()   # warm-up
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    # the CPU time of this process (not the database's): what the wall time is on a machine not shared
    print(f"{label}: median {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms "
          f"({runs} runs; this process's CPU median {statistics.median(cpu):.0f} ms)", flush=True)


def phase_measure() -> None:
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from boss.models import Hall, Staff
    from orders.models import Order
    from reports.business import business_report
    from reports.models import SummaryDay

    manager = Staff.objects.get(username="rb_manager")
    if not manager.groups.exists():
        from boss.roles import roles_sync

        roles_sync()
        manager.groups.add(*Group.objects.filter(name="manager"))
        manager = Staff.objects.get(pk=manager.pk)
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    n = Order.objects.filter(hall__code__startswith="RB").count()
    print(f"data: {n:,} orders, {SummaryDay.objects.count()} summarized days; report {start} to {today}")
    report = business_report(actor=manager, date_from=start, date_to=today)
    print(f"  report: {report.orders_total.count:,} orders, {len(report.by_hall)} halls, "
          f"{len(report.by_period)} months, {report.payments_total.count:,} payments, "
          f"{report.queue.total.tickets if report.queue.total else 0:,} tickets; "
          f"scope summarized {report.scope.summarized}, rows {report.scope.raw}")
    _time("business report, 12 months, all halls (summaries)",
          lambda: business_report(actor=manager, date_from=start, date_to=today))
    client = Client()
    client.force_login(manager)
    url = reverse("reports:business") + f"?date_from={start}&date_to={today}"
    assert client.get(url).status_code == 200
    _time("  the same as the screen (HTTP, test client, rendering and audit)", lambda: client.get(url))
    hall = Hall.objects.get(code="RB00")
    _time("  one hall, 12 months (summaries)",
          lambda: business_report(actor=manager, date_from=start, date_to=today, hall=hall))
    _day_report(client, hall)
    with transaction.atomic():   # the rows alone, for comparison (the summaries' marks rolled back after)
        SummaryDay.objects.all().delete()
        _time("business report, 12 months, all halls, from the rows alone (no summaries)",
              lambda: business_report(actor=manager, date_from=start, date_to=today), runs=3)
        transaction.set_rollback(True)


def _day_report(client, hall) -> None:
    """The hall's day report of the busy day (yesterday: 2,000 orders and 2,000 payments): from the summary
    tables once the day is summarized, and from the rows (the day not summarized yet, as at the close)."""
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from reports.models import SummaryDay
    from reports.views.close import day_report_context

    yesterday = timezone.localdate() - timedelta(days=1)
    url = reverse("reports:day_report_pdf")
    for summarized in (True, False):
        with transaction.atomic():
            if not summarized:   # rolled back after: the day read from its rows, as on the day itself
                SummaryDay.objects.filter(day=yesterday).delete()
            where = "summaries" if summarized else "rows"
            _time(f"hall day report, {hall.code} on {yesterday}, {where} (context)",
                  lambda: day_report_context(hall=hall, day=yesterday))
            pdf = client.post(url, {"hall": hall.pk, "day": yesterday})
            assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
            _time("  the same printed (PDF through the view)",
                  lambda: client.post(url, {"hall": hall.pk, "day": yesterday}), runs=RUNS if summarized else 5)
            transaction.set_rollback(True)


def phase_day() -> None:
    from django.test import Client

    from boss.models import Hall, Staff

    client = Client()
    client.force_login(Staff.objects.get(username="rb_manager"))
    _day_report(client, Hall.objects.get(code="RB00"))


def main() -> None:
    setup()
    phase = sys.argv[1] if len(sys.argv) > 1 else "all"
    phases = {"setup": [phase_setup], "generate": [phase_generate], "summarize": [phase_summarize],
              "measure": [phase_measure], "day": [phase_day],
              "all": [phase_setup, phase_generate, phase_summarize, phase_measure]}[phase]
    for run in phases:
        run()


if __name__ == "__main__":
    main()

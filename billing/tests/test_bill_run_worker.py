"""The bill run under real workers on PostgreSQL: two runners side by side never bill a line twice, and a
worker killed with SIGKILL half-way through the month leaves a run that, started again, gives exactly
the bills and the ledger an uninterrupted run gives."""

import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.models import Bill, BillRun, LedgerTransaction, UsageRecord
from billing.selectors import ledger_check_balanced
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.charges import LineInfo, line_month_items, line_months_load
from billing.services.rating import usage_rate
from billing.tasks import bill_run_execute_task
from boss.tests.threads import run_concurrently
from customers.models import Account

pytestmark = pytest.mark.postgres
SH = ZoneInfo("Asia/Shanghai")
MARCH = date(2025, 3, 1)


def _lines(n, hall, plan):
    from customers.models import Customer, CustomerIdentity, Line

    lines = []
    for i in range(n):
        identity = CustomerIdentity.objects.create(doc_type="passport", number=f"W{i:08d}", name=f"客户{i}")
        customer = Customer.objects.create(kind="individual", name=f"客户{i}", identity=identity)
        account = Account.objects.create(customer=customer, realtime_prepaid=False)
        lines.append(Line(msisdn=f"138{i:08d}", customer=customer, account=account, plan=plan, hall=hall,
                          status="active", activated_at=datetime(2024, 1, 1, tzinfo=SH)))
    lines = Line.objects.bulk_create(lines)
    UsageRecord.objects.bulk_create([
        UsageRecord(record_id=f"W{ln.pk}-{k}", line=ln, msisdn=ln.msisdn, kind="voice",
                    started_at=datetime(2025, 3, 1 + k, 9, tzinfo=SH), duration_seconds=(40 + (ln.pk % 7) * 9) * 60)
        for ln in lines for k in range(3)])
    return lines


def _expected(lines):
    from customers.models import Line

    months = line_months_load([LineInfo.of(ln) for ln in Line.objects.select_related("account")
                               .filter(pk__in=[ln.pk for ln in lines])], MARCH)
    return {lm.line.msisdn: sum((i.amount for i in line_month_items(lm)), Decimal("0")) for lm in months.values()}


@pytest.mark.django_db(transaction=True)
def test_two_runners_side_by_side_bill_every_line_once(hall, plan, system, settings):
    settings.BOSS_BILL_RUN_CHUNK = 5
    lines = _lines(60, hall, plan)
    usage_rate(actor=system, period=MARCH)
    expected = _expected(lines)
    run = bill_run_start(actor=system, period=MARCH)
    _done, errors = run_concurrently(3, lambda i: bill_run_execute(actor=system, run=run))
    assert errors == []
    assert {b.line.msisdn: b.total for b in Bill.objects.select_related("line")} == expected
    assert LedgerTransaction.objects.filter(kind="bill").count() == 60
    assert BillRun.objects.get().status == "done" and ledger_check_balanced() == []


@pytest.mark.django_db(transaction=True)
def test_one_worker_bills_on_several_threads_what_one_thread_bills(hall, plan, system, settings, monkeypatch):
    """BOSS_BILL_RUN_THREADS threads, each with its own connection, claim the chunks of one run: every line
    billed once with the amounts of one thread, more than one thread took chunks, and `max_chunks` counts the
    chunks of all the threads together."""
    import threading

    from billing.services import bill_run

    settings.BOSS_BILL_RUN_CHUNK = 5
    settings.BOSS_BILL_RUN_THREADS = 3
    lines = _lines(60, hall, plan)
    usage_rate(actor=system, period=MARCH)
    expected = _expected(lines)
    taken_by: list[str] = []
    chunk_next = bill_run.bill_run_chunk_next

    def recorded(**kwargs):
        chunk = chunk_next(**kwargs)
        if chunk is not None:
            taken_by.append(threading.current_thread().name)
            time.sleep(0.05)   # each chunk long enough that the other threads take some
        return chunk

    monkeypatch.setattr(bill_run, "bill_run_chunk_next", recorded)
    run = bill_run_start(actor=system, period=MARCH)
    bill_run_execute(actor=system, run=run, max_chunks=4)
    assert len(taken_by) == 4 and Bill.objects.count() == 20 and BillRun.objects.get().status == "running"

    bill_run_execute(actor=system, run=run)
    assert {b.line.msisdn: b.total for b in Bill.objects.select_related("line")} == expected
    assert len(taken_by) == 12 and len(set(taken_by)) > 1 and "MainThread" not in taken_by
    assert LedgerTransaction.objects.filter(kind="bill").count() == 60
    assert BillRun.objects.get().status == "done" and ledger_check_balanced() == []


@pytest.mark.redis
def test_sigkill_half_way_then_a_restart_gives_the_same_bills_and_ledger(start_worker, hall, plan, system,
                                                                          settings):
    settings.BOSS_BILL_RUN_CHUNK = 4   # the chunks are cut here, by bill_run_start
    lines = _lines(120, hall, plan)
    usage_rate(actor=system, period=MARCH)
    expected = _expected(lines)
    worker = start_worker(BOSS_BILL_RUN_PAUSE_MS=120)
    run = bill_run_start(actor=system, period=MARCH)
    bill_run_execute_task.apply_async(args=[run.pk], queue=worker.queue)

    deadline = time.monotonic() + 120
    while Bill.objects.count() < 24 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()
    at_kill = Bill.objects.count()
    assert 24 <= at_kill < 120, "the kill must land in the middle of the run"
    assert run.chunks.filter(status="pending").exists()

    worker.restart()
    bill_run_start(actor=system, period=MARCH)        # what the daily beat job does: resume
    bill_run_execute_task.apply_async(args=[run.pk], queue=worker.queue)
    deadline = time.monotonic() + 180
    while BillRun.objects.get().status == "running" and time.monotonic() < deadline:
        time.sleep(0.2)

    assert BillRun.objects.get().status == "done"
    assert {b.line.msisdn: b.total for b in Bill.objects.select_related("line")} == expected
    assert Bill.objects.count() == 120 and LedgerTransaction.objects.filter(kind="bill").count() == 120
    assert set(Bill.objects.values_list("ledger_transaction__reference", flat=True)) == {
        f"bill:{ln.pk}:202503" for ln in lines}
    assert ledger_check_balanced() == []


@pytest.mark.django_db(transaction=True)
def test_rating_on_several_threads_gives_what_one_thread_gives(hall, plan, system, settings, monkeypatch):
    """BOSS_RATING_WORKERS threads, each with its own connection, rate the chunks of a month (half the lines
    prepaid, charged as they are rated): the same rated records, prepaid charges and balanced ledger as one
    thread, and more than one thread took chunks."""
    from billing.models import PrepaidCharge, RatedRecord
    from billing.services import rating

    lines = _lines(60, hall, plan)
    Account.objects.filter(lines__in=lines[::2]).update(realtime_prepaid=True)
    taken_by: set[str] = set()
    chunk_rate = rating._chunk_rate

    def recorded(**kwargs):
        import threading

        taken_by.add(threading.current_thread().name)
        time.sleep(0.05)   # each chunk long enough that the other threads take some
        return chunk_rate(**kwargs)

    monkeypatch.setattr(rating, "_chunk_rate", recorded)
    fields = ("usage_record_id", "fee_type", "plan_id", "units", "included_units", "charged_units", "rate", "charge")

    def rate_with(workers):
        settings.BOSS_RATING_WORKERS = workers
        taken_by.clear()
        result = usage_rate(actor=system, period=MARCH, chunk=5)
        return (result, sorted(RatedRecord.objects.values_list(*fields)),
                sorted(PrepaidCharge.objects.values_list("line_id", "fee_type", "amount")), set(taken_by))

    one = rate_with(1)
    several = rate_with(3)   # a re-rating: replaces the rating, charges only differences (none)
    assert one[0] == several[0] and one[0].records == 180
    assert several[1] == one[1] and len(one[1]) == 180
    assert several[2] == one[2] and one[2]
    assert one[3] == {"MainThread"} and len(several[3]) > 1 and "MainThread" not in several[3]
    assert ledger_check_balanced() == []


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_rating_thread_is_raised_to_the_caller(hall, plan, system, settings, monkeypatch):
    from billing.services import rating

    _lines(20, hall, plan)
    settings.BOSS_RATING_WORKERS = 2

    def failing(**kwargs):
        raise RuntimeError("chunk failed")

    monkeypatch.setattr(rating, "_chunk_rate", failing)
    with pytest.raises(RuntimeError, match="chunk failed"):
        usage_rate(actor=system, period=MARCH, chunk=5)

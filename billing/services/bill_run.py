"""The monthly bill run (月结 / 出帐).

`bill_run_start` opens (or resumes) the run of a month and cuts its unbilled lines into chunks of
consecutive ids; `bill_run_chunk_next` claims one pending chunk with SKIP LOCKED and bills it in one
transaction: lock its lines, rate what is not rated yet, compute each line's charges (with the minimum
spend top-up of a premium number, known only now that the month is over), post one balanced
ledger transaction per bill (the part not already taken in real time), insert the bills and their lines,
settle paid bills. `bill_run_execute` runs chunks until none is left (several workers may run it side
by side) and closes the run.

Never a bill twice: the database refuses a second bill for a line and month, and a chunk bills only the
lines that have none after locking them. A run killed half-way loses only the uncommitted chunk, which
is still pending: running it again (the task is redelivered, or the command is run again) bills exactly
the lines that are left, with the same amounts, because every amount is computed from stored data.

Why chunks rather than one service call per line (style B4): 100,000 lines in well under a minute needs
a fixed number of statements per thousands of lines; a chunk is still the unit that commits or not.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from billing import rating_rules as rules
from billing.errors import BillRunTooEarlyError
from billing.models import Bill, BillLine, BillRun, BillRunChunk, FeeType
from billing.selectors import ids_q
from billing.services.bulk import insert_rows
from billing.services.charges import (
    ChargeItem,
    line_months_load,
    month_charge_items,
    postings_for,
    revenue_accounts,
    still_to_charge,
)
from billing.services.late_fees import late_fees_for
from billing.services.ledger import PlannedTransaction, ledger_accounts_customer_many, transactions_post_many
from billing.services.points import bills_settle_accounts
from billing.services.rating import lines_locked, rate_lines, unrated_line_ids
from billing.services.sharing import rating_group
from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.money import ZERO
from boss.months import month_add, month_start, period_bounds
from boss.tariffs import tariff
from boss.threads import work_on_threads

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 200


def chunk_size() -> int:
    return max(1, settings.BOSS_BILL_RUN_CHUNK)


def billable_lines(period: date):
    """Lines that were live at some time in the month (a superset: the day arithmetic decides)."""
    from customers.models import Line

    start, end = period_bounds(period)
    # Cancelled on the month's first day: the line was live on no day of it.
    return Line.objects.filter(activated_at__lt=end).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=start + timedelta(days=1)))


@transaction.atomic
def bill_run_start(*, actor: Staff, period: date) -> BillRun:
    """Open the bill run of a month that has ended, or resume it: the lines still without a bill are cut
    into new chunks (a pass). Running it again when everything is billed makes no chunk and no bill.

    Raises BillRunTooEarlyError.
    """
    period = month_start(period)
    if period >= month_start(timezone.localdate()):
        raise BillRunTooEarlyError(period=f"{period:%Y-%m}")
    run, _created = BillRun.objects.get_or_create(period=period, defaults={"started_by": actor})
    run = lock_by_key(BillRun, run.pk)
    pending = run.chunks.filter(status=BillRunChunk.Status.PENDING).exists()
    new_chunks = 0
    if not pending:
        ids = list(billable_lines(period).exclude(bills__period=period).order_by("pk").values_list("pk", flat=True))
        size = chunk_size()
        chunks = [BillRunChunk(run=run, first_line_id=ids[i], last_line_id=ids[min(i + size, len(ids)) - 1],
                               line_count=len(ids[i:i + size])) for i in range(0, len(ids), size)]
        BillRunChunk.objects.bulk_create(chunks)
        new_chunks = len(chunks)
        run.start_pass()   # from any state: a run is resumed or billed again whatever it came to
        run.save(update_fields=["passes", "status", "finished_at"])
    audit_record(actor=actor, action="bill_run.start", target=None,
                 after={"period": f"{period:%Y-%m}", "pass": run.passes, "chunks": new_chunks, "resumed": pending})

    def enqueue():
        from billing.tasks import bill_run_execute_task

        try:
            bill_run_execute_task.delay(run.pk)
        except Exception:  # the broker being down must not fail the start; the command or beat runs it
            log.warning("could not enqueue the bill run of %s", period)

    transaction.on_commit(enqueue)
    return run


@dataclass
class ChunkResult:
    bills: int = 0
    total: Decimal = ZERO
    errors: list = field(default_factory=list)


def _history(line_ids, period: date) -> dict[int, tuple[Decimal, int]]:
    months = tariff("billing.huge_bill_history_months")
    rows = (Bill.objects.filter(ids_q("line_id", line_ids), period__gte=month_add(period, -months),
                                period__lt=period)
            .values_list("line_id").annotate(s=Sum("total"), n=Count("pk")).order_by())
    return {line_id: (Decimal(s or 0), n) for line_id, s, n in rows}


@dataclass(frozen=True)
class HugeRule:
    """More than `huge_bill_factor` times the average of the previous months' bills (at least
    `huge_bill_min_months` of them within `huge_bill_history_months`)."""

    factor: Decimal
    min_months: int

    @classmethod
    def in_force(cls) -> "HugeRule":
        return cls(factor=tariff("billing.huge_bill_factor"), min_months=tariff("billing.huge_bill_min_months"))

    def check(self, total: Decimal, history: tuple[Decimal, int] | None) -> tuple[bool, Decimal | None]:
        if not history or history[1] < self.min_months:
            return False, None
        average = (history[0] / history[1]).quantize(rules.CENT)
        return average > 0 and total > self.factor * average, average


def bill_lines_for_period(*, actor: Staff, lines: list, period: date, run: BillRun | None = None) -> ChunkResult:
    """Bill these locked lines for the month in the caller's transaction (lines already billed are
    skipped by the caller). Rates what is not rated, posts, inserts bills and lines, settles."""
    result = ChunkResult()
    if not lines:
        return result
    ids = [ln.pk for ln in lines]
    months = line_months_load(lines, period)
    unrated = unrated_line_ids(ids, period, rated={pk: sum(n for _charge, n in lm.usage.values())
                                                   for pk, lm in months.items()})
    if unrated:   # rare (the rating runs every day): rate them, then read the month again (the lines sharing an
        rate_lines([ln for ln in lines if ln.pk in unrated], period)   # allowance with them were rated again too)
        months = line_months_load(lines, period)
    late = late_fees_for(account_ids={ln.account_id for ln in lines}, period=period)
    history = _history(ids, period)
    customers = ledger_accounts_customer_many(account_ids={ln.account_id for ln in lines})
    revenue = revenue_accounts()
    computed, planned = [], []
    for lm in months.values():
        if lm.span is None:
            continue  # live at no day of the month (cancelled on its first day)
        try:
            items = month_charge_items(lm, month_over=True)   # the minimum spend top-up is known now
            if lm.line.pk in late:   # after the top-up: a late fee is not spending
                fee = late[lm.line.pk]
                items.append(ChargeItem(FeeType.LATE_FEE, fee.amount, f"{fee.overdue:.2f}", fee.days))
            delta = still_to_charge(lm, items)
            posting = postings_for(customers[lm.line.account_id], delta, revenue) if delta else None
        except Exception as exc:  # one bad line must not stop the month: reported, billed in a later pass
            log.exception("bill run: line %s", lm.line.pk)
            result.errors.append({"line": lm.line.msisdn, "error": str(exc)[:200]})
            continue
        total = sum((i.amount for i in items), ZERO)
        computed.append((lm, items, total, posting is not None))
        if posting is not None:
            planned.append(PlannedTransaction(posting, memo=f"{lm.line.msisdn} {period:%Y-%m}",
                                              reference=f"bill:{lm.line.pk}:{period:%Y%m}"))
    txs = iter(transactions_post_many(actor=actor, kind="bill", planned=planned))
    now = timezone.now()
    rows, huge_rule = [], HugeRule.in_force()
    for lm, _items, total, posted in computed:
        huge, average = huge_rule.check(total, history.get(lm.line.pk))
        rows.append((lm.line.pk, lm.line.account_id, lm.line.customer_id, lm.plan.pk, period,
                     run.pk if run else None, total, sum(lm.charged.values(), ZERO),
                     next(txs) if posted else None, huge, average, now))
    bill_ids = insert_rows(Bill, ["line", "account", "customer", "plan", "period", "bill_run", "total",
                                  "charged_in_advance", "ledger_transaction", "huge", "history_average", "created_at"],
                           rows, returning=True)
    insert_rows(BillLine, ["bill", "fee_type", "name", "days", "quantity", "amount"],
                [(bill_id, i.fee_type, i.name[:100], i.days, i.quantity, i.amount)
                 for bill_id, (_lm, items, _t, _p) in zip(bill_ids, computed, strict=True) for i in items])
    bills_settle_accounts(account_ids={row[1] for row in rows})
    result.bills = len(rows)
    result.total = sum((row[6] for row in rows), ZERO)
    return result


def chunk_line_ids(chunk: BillRunChunk, period: date) -> list[int]:
    """The lines a chunk bills: its range's unbilled lines, except that lines sharing an allowance in the
    month (secondary cards) are billed together, by the chunk whose range holds the group's lowest unbilled
    line (rated as a whole, and never locked by two chunks). The month is over, so the groups are fixed."""
    ids = list(billable_lines(period).filter(pk__gte=chunk.first_line_id, pk__lte=chunk.last_line_id)
               .exclude(bills__period=period).values_list("pk", flat=True))
    group, memberships = rating_group(ids, period)
    if not memberships:
        return ids
    unbilled = set(billable_lines(period).filter(pk__in=group).exclude(bills__period=period)
                   .values_list("pk", flat=True))
    links: dict[int, set[int]] = {pk: {pk} for pk in unbilled}
    for m in memberships:    # connected lines, joined by each membership (a small union of sets)
        if m.primary_id in links and m.secondary_id in links:
            joined = links[m.primary_id] | links[m.secondary_id]
            for pk in joined:
                links[pk] = joined
    take: set[int] = set()
    for pk in ids:
        members = links.get(pk, {pk})
        if min(members) >= chunk.first_line_id:
            take |= members
    return sorted(take)


def bill_run_chunk_next(*, actor: Staff, run: BillRun) -> BillRunChunk | None:
    """Claim one pending chunk of the run (SKIP LOCKED) and bill it in one transaction. A chunk that
    fails is marked failed with the error and the run goes on (a later pass bills its lines).
    Returns the chunk, or None when no chunk is left to claim."""
    claimed = None
    try:
        with transaction.atomic():
            pending = BillRunChunk.objects.filter(run=run, status=BillRunChunk.Status.PENDING).order_by("pk")
            chunk = lock(pending, skip_locked=True, claim=True).first()
            if chunk is None:
                return None
            claimed = chunk.pk
            lines = lines_locked(chunk_line_ids(chunk, run.period))   # billable and unbilled, as read
            result = bill_lines_for_period(actor=actor, lines=lines, period=run.period, run=run)
            chunk.bill(bills=result.bills, total=result.total, errors=result.errors, when=timezone.now())
            chunk.save(update_fields=["status", "bills", "total", "errors", "attempts", "finished_at"])
            audit_record(actor=actor, action="bill_run.chunk", target=None,
                         after={"period": f"{run.period:%Y-%m}", "chunk": chunk.pk, "bills": result.bills,
                                "total": str(result.total), "errors": len(result.errors)})
            return chunk
    except Exception as exc:
        if claimed is None:
            raise
        log.exception("bill run %s: chunk %s failed", run.period, claimed)
        _bill_run_chunk_fail(chunk_id=claimed, error=str(exc))
        return BillRunChunk.objects.get(pk=claimed)


@transaction.atomic
def _bill_run_chunk_fail(*, chunk_id: int, error: str) -> None:
    """Mark a chunk whose transaction failed. Its claim went with the rolled-back transaction, so it is claimed
    again; a chunk another worker took meanwhile (locked, or no longer pending) is that worker's to mark."""
    pending = BillRunChunk.objects.filter(pk=chunk_id, status=BillRunChunk.Status.PENDING)
    chunk = lock(pending, skip_locked=True, claim=True).first()
    if chunk is not None:
        chunk.fail(error=error, when=timezone.now())
        chunk.save(update_fields=["status", "errors", "attempts", "finished_at"])


@transaction.atomic
def _bill_run_close(*, actor: Staff, run: BillRun) -> BillRun:
    run = lock_by_key(BillRun, run.pk)
    if not fsm.can_proceed(run.finish) or run.chunks.filter(status=BillRunChunk.Status.PENDING).exists():
        return run   # closed by another worker, or chunks left for the workers still running
    report = bill_run_report(run)
    (run.finish_with_errors if report.errors else run.finish)(when=timezone.now())
    run.save(update_fields=["status", "finished_at"])
    audit_record(actor=actor, action="bill_run.finish", target=None,
                 after={"period": f"{run.period:%Y-%m}", "bills": report.bills, "total": str(report.total),
                        "errors": len(report.errors), "status": run.status})
    return run


def bill_run_execute(*, actor: Staff, run: BillRun, max_chunks: int | None = None, progress=None) -> BillRun:
    """Bill chunks until none is pending (or `max_chunks` were taken), then close the run: on
    BOSS_BILL_RUN_THREADS threads (boss.threads: the database commits one chunk while Python computes
    another), each claiming chunks like a worker of its own."""
    taken, taking = 0, threading.Lock()

    def step() -> bool:
        nonlocal taken
        with taking:
            if max_chunks is not None and taken >= max_chunks:
                return False
            taken += 1
        chunk = bill_run_chunk_next(actor=actor, run=run)
        if chunk is None:
            return False
        if progress:
            progress(chunk)
        if settings.BOSS_BILL_RUN_PAUSE_MS:
            time.sleep(settings.BOSS_BILL_RUN_PAUSE_MS / 1000)
        return True

    work_on_threads(step, threads=settings.BOSS_BILL_RUN_THREADS, name="bill-run")
    return _bill_run_close(actor=actor, run=run)


# --------------------------------------------------------------------------------------------------
# The report for managers
# --------------------------------------------------------------------------------------------------


@dataclass
class BillRunReport:
    run: BillRun
    chunks_total: int
    chunks_done: int
    chunks_failed: int
    lines_in_run: int
    bills: int
    total: Decimal
    by_fee_type: list          # [(label, amount)]
    huge_bills: int
    errors: list               # [{"line", "error"}] of the latest pass

    @property
    def progress(self) -> int:
        return 100 if not self.chunks_total else int(100 * (self.chunks_done + self.chunks_failed) / self.chunks_total)


def bill_run_report(run: BillRun) -> BillRunReport:
    """Lines billed, total, totals per fee type, huge bills and errors of a run (five queries)."""
    chunks = list(run.chunks.values("status", "line_count", "errors", "pk"))
    bills = Bill.objects.filter(period=run.period)
    agg = bills.aggregate(n=Count("pk"), s=Sum("total"), huge=Count("pk", filter=Q(huge=True)))
    labels = dict(FeeType.choices)
    by_type = [(str(labels.get(ft, ft)), Decimal(s).quantize(rules.CENT)) for ft, s in
               BillLine.objects.filter(bill__period=run.period).values_list("fee_type")
               .annotate(s=Sum("amount")).order_by("fee_type")]
    errors = _open_errors([e for c in chunks for e in (c["errors"] or [])], run.period)
    return BillRunReport(
        run=run, chunks_total=len(chunks),
        chunks_done=sum(1 for c in chunks if c["status"] == BillRunChunk.Status.DONE),
        chunks_failed=sum(1 for c in chunks if c["status"] == BillRunChunk.Status.FAILED),
        lines_in_run=sum(c["line_count"] for c in chunks), bills=agg["n"] or 0,
        total=Decimal(agg["s"] or 0).quantize(rules.CENT), by_fee_type=by_type, huge_bills=agg["huge"] or 0,
        errors=errors[:MAX_ERRORS_KEPT])


def _open_errors(errors: list, period: date) -> list:
    """Errors still open: a line error while the line has no bill; a whole-chunk failure while some line
    of the month has none (errors healed by a later pass are history)."""
    if not errors:
        return []
    msisdns = {e["line"] for e in errors if e.get("line")}
    billed = set(Bill.objects.filter(period=period, line__msisdn__in=msisdns).values_list("line__msisdn", flat=True))
    still = [e for e in errors if e.get("line") and e["line"] not in billed]
    chunk_failures = [e for e in errors if not e.get("line")]
    if chunk_failures and billable_lines(period).exclude(bills__period=period).exists():
        still += chunk_failures
    return still

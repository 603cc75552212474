"""Rating (批价): every usage record of a line-month priced by the plan in force, into RatedRecord rows.

A line-month is always rated as a whole, in one transaction that first deletes its earlier rating: so a
late record, a plan correction or a second run replaces the rating, it never adds to it. On PostgreSQL
one INSERT … SELECT with a window function (cumulative units per line and fee type, in time order)
rates a whole chunk of lines; elsewhere the same rules run row by row in Python. The rules are in
billing/rating_rules.py. A billed line-month is never re-rated (its bill is final).
"""

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import rating_rules as rules
from billing.errors import BillingInputError, MonthBilledError
from billing.models import Bill, FeeType, LinePlanPeriod, RatedRecord, UsageImport, UsageRecord
from billing.selectors import ids_q
from billing.services.charges import LineInfo, plan_segments_for_month, plans_for_month
from billing.services.sharing import pool_of, pools_by_day, rating_group, rating_group_ids
from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.months import SHANGHAI, local_date, month_add, month_end, month_start, period_bounds
from boss.threads import work_on_threads

log = logging.getLogger(__name__)
CHUNK_LINES = 2000


@dataclass(frozen=True)
class RatingResult:
    line_months: int
    records: int
    late: int = 0   # records of months already billed (left unrated)


def lines_locked(line_ids: Iterable[int]) -> list[LineInfo]:
    """Lock lines (no-key: FK inserts still pass) in pk order; what billing needs of them as LineInfo."""
    from customers.models import Line

    qs = lock(Line.objects.filter(pk__in=list(line_ids)).order_by("pk"))
    return [LineInfo(*row) for row in qs.values_list(*LineInfo.FIELDS)]


def sharing_lines_locked(line_ids: Iterable[int], period: date) -> set[int]:
    """Lock these lines and every line sharing an allowance with them in the month (secondary cards: rated
    together), in id order, before the caller locks anything else. The group is read again under the locks
    until it holds still: a card added while this waited for a line is locked too. Returns the group."""
    locked: set[int] = set()
    while True:
        group = rating_group_ids(line_ids, period)
        if group <= locked:
            return locked
        lines_locked(group - locked)
        locked |= group


def billed_line_ids(line_ids: Iterable[int], period: date) -> set[int]:
    return set(Bill.objects.filter(line_id__in=list(line_ids), period=period).values_list("line_id", flat=True))


def unrated_line_ids(line_ids: list[int], period: date, rated: dict[int, int] | None = None) -> set[int]:
    """Lines of the list whose month has records not rated yet. A line-month is rated as a whole, so it
    is up to date exactly when it has as many rated records as records: two grouped index range scans
    (an anti-join of the records with their ratings reads far more). `rated`: the rated records of each
    line, when the caller has counted them already (the bill run, from its usage sums: one scan fewer)."""
    start, end = period_bounds(period)
    records = dict(UsageRecord.objects.filter(ids_q("line_id", line_ids), started_at__gte=start, started_at__lt=end)
                   .values_list("line_id").annotate(n=Count("pk")).order_by())
    if rated is None:
        rated = dict(RatedRecord.objects.filter(ids_q("line_id", line_ids), period=period)
                     .values_list("line_id").annotate(n=Count("pk")).order_by())
    wanted = set(line_ids)
    return {line_id for line_id, n in records.items() if line_id in wanted and rated.get(line_id) != n}


def rate_lines(lines: list, period: date) -> int:
    """Rate the month of these (locked, unbilled) lines in the caller's transaction; returns records rated.

    Lines that shared an allowance with them in the month (secondary cards, billing/rating_rules.py) are
    rated with them: locked here when the caller did not (callers that can, lock them first: `sharing_lines_locked`).
    A member whose month is billed keeps its rating; what it took from a pool is no longer in that pool."""
    if not lines:
        return 0
    lines = list(lines)
    group, memberships = rating_group({ln.pk for ln in lines}, period)
    fixed: list = []
    extra = group - {ln.pk for ln in lines}
    if extra:
        billed = billed_line_ids(extra, period)
        for ln in lines_locked(extra):
            (fixed if ln.pk in billed else lines).append(ln)
    everyone = lines + fixed
    segments = plan_segments_for_month(everyone, period)
    params = {}
    for ln in everyone:
        span = rules.live_range(period, ln.activated_at, ln.cancelled_at)
        params[ln.pk] = rules.rating_params(
            line_id=ln.pk, plan=segments[ln.pk][-1][0], period=period, live_days=rules.overlap_days(span, None, None),
            shares=[(plan, rules.overlap_days(span, since, until)) for plan, since, until in segments[ln.pk]])
    pools = pools_by_day(memberships)
    if fixed and pools:
        params = _less_taken_by_billed(params, [ln.pk for ln in fixed], pools, period)
    rate_ids = [ln.pk for ln in lines]
    RatedRecord.objects.filter(line_id__in=rate_ids, period=period).delete()
    if connection.vendor == "postgresql":
        return _rate_sql(params, set(rate_ids), pools, period)
    return _rate_python(params, set(rate_ids), pools, period)


_ALLOWANCE_FIELD: dict[str, str] = {FeeType.VOICE: "voice_allowance", FeeType.SMS: "sms_allowance",
                                   FeeType.DATA: "data_allowance_kb"}


def _less_taken_by_billed(params: dict, fixed: list[int], pools: dict, period: date) -> dict:
    """A billed member's rating is final: the units it took from a pool are no longer in it."""
    taken: dict[tuple[int, str], int] = defaultdict(int)
    for line_id, fee_type, inside, started_at in (
            RatedRecord.objects.filter(line_id__in=fixed, period=period, included_units__gt=0)
            .values_list("line_id", "fee_type", "included_units", "usage_record__started_at")):
        taken[(pool_of(line_id, local_date(started_at), pools), fee_type)] += inside
    out = dict(params)
    for (pool, fee_type), units in taken.items():
        name = _ALLOWANCE_FIELD.get(fee_type)
        if name and pool in out:
            out[pool] = replace(out[pool], **{name: max(0, getattr(out[pool], name) - units)})
    return out


def _rate_python(params: dict[int, rules.RatingParams], rate_ids: set[int], pools: dict, period: date) -> int:
    start, end = period_bounds(period)
    records = (UsageRecord.objects.filter(line_id__in=list(rate_ids), started_at__gte=start, started_at__lt=end)
               .order_by(*(("started_at", "pk") if pools else ("line_id", "started_at", "pk")))
               .values_list("pk", "line_id", "kind", "direction", "roaming", "long_distance", "duration_seconds",
                            "volume_kb", "started_at"))
    used: dict[tuple[int, str], int] = defaultdict(int)
    rows = []
    for pk, line_id, kind, direction, roaming, long_distance, duration, volume, started_at in records.iterator(
            chunk_size=5000):
        pool = pool_of(line_id, local_date(started_at), pools) if pools else line_id
        p = params[pool]
        c = rules.classify(kind=kind, direction=direction, roaming=roaming, long_distance=long_distance, p=p)
        n = rules.units(kind=kind, duration_seconds=duration, volume_kb=volume)
        inside = rules.included(units_=n, allowance=c.allowance, used_before=used[(pool, c.fee_type)])
        if c.allowance is not None:
            used[(pool, c.fee_type)] += n
        rows.append(RatedRecord(usage_record_id=pk, line_id=line_id, period=period, fee_type=c.fee_type,
                                plan_id=p.plan_id, units=n, included_units=inside, charged_units=n - inside,
                                rate=c.rate,
                                charge=rules.charge(charged_units=n - inside, rate=c.rate, per_kb=c.per_kb)))
    RatedRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


_PARAMS_TABLE = """CREATE TEMP TABLE IF NOT EXISTS rating_params (
    line_id bigint PRIMARY KEY, plan_id bigint, voice_allowance bigint, sms_allowance bigint,
    data_allowance_kb bigint, per_minute numeric(10,4), per_sms numeric(10,4), per_mb numeric(10,4),
    roaming_per_minute numeric(10,4), long_distance_per_minute numeric(10,4), rate boolean)
    ON COMMIT DELETE ROWS"""
_POOLS_TABLE = """CREATE TEMP TABLE IF NOT EXISTS rating_pools (
    line_id bigint, primary_id bigint, first_day date, last_day date, seq bigint) ON COMMIT DELETE ROWS"""

# A record's pool: its own line, or the primary whose secondary card the line was on the record's day.
_OWN_POOL = "JOIN rating_params p ON p.line_id = u.line_id AND p.rate"
_SHARED_POOL = """JOIN rating_params r ON r.line_id = u.line_id AND r.rate
                  CROSS JOIN LATERAL (SELECT COALESCE((
                      SELECT s.primary_id FROM rating_pools s
                       WHERE s.line_id = u.line_id
                         AND (u.started_at AT TIME ZONE %(tz)s)::date BETWEEN s.first_day AND s.last_day
                       ORDER BY s.seq DESC LIMIT 1), u.line_id) AS pool_id) x
                  JOIN rating_params p ON p.line_id = x.pool_id"""

_RATE = f"""
INSERT INTO billing_ratedrecord (usage_record_id, line_id, period, fee_type, plan_id, units, included_units,
                                 charged_units, rate, charge)
SELECT id, line_id, %(period)s, fee_type, plan_id, units, included, units - included, rate, {rules.SQL_CHARGE}
  FROM (SELECT c.*,
               CASE WHEN c.allowance IS NULL THEN 0
                    ELSE GREATEST(0, LEAST(c.units, c.allowance - (SUM(c.units) OVER w - c.units))) END AS included
          FROM (SELECT u.id, u.line_id, u.kind, u.started_at, p.plan_id, p.line_id AS pool_id,
                       {rules.SQL_FEE_TYPE} AS fee_type, {rules.SQL_UNITS} AS units,
                       {rules.SQL_ALLOWANCE} AS allowance, {rules.SQL_RATE} AS rate
                  FROM billing_usagerecord u {{pool}}
                 WHERE u.started_at >= %(start)s AND u.started_at < %(end)s) c
        WINDOW w AS (PARTITION BY c.pool_id, c.fee_type, (c.allowance IS NOT NULL)
                     ORDER BY c.started_at, c.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) x
"""


def _rate_sql(params: dict[int, rules.RatingParams], rate_ids: set[int], pools: dict, period: date) -> int:
    from psycopg2.extras import execute_values

    start, end = period_bounds(period)
    rows = [(p.line_id, p.plan_id, p.voice_allowance, p.sms_allowance, p.data_allowance_kb, p.per_minute, p.per_sms,
             p.per_mb, p.roaming_per_minute, p.long_distance_per_minute, p.line_id in rate_ids)
            for p in params.values()]
    with connection.cursor() as cursor:
        cursor.execute(_PARAMS_TABLE)
        cursor.execute("TRUNCATE rating_params")
        execute_values(cursor.cursor, "INSERT INTO rating_params VALUES %s", rows, page_size=5000)
        cursor.execute("ANALYZE rating_params")
        if pools:
            cursor.execute(_POOLS_TABLE)
            cursor.execute("TRUNCATE rating_pools")
            execute_values(cursor.cursor, "INSERT INTO rating_pools VALUES %s",
                           [(m.secondary_id, m.primary_id, m.first, m.last, m.seq)
                            for ms in pools.values() for m in ms])
        sql = _RATE.replace("{pool}", _SHARED_POOL if pools else _OWN_POOL)
        cursor.execute(sql, {"period": period, "start": start, "end": end, "tz": str(SHANGHAI)})
        count = cursor.rowcount
        cursor.execute("TRUNCATE rating_params")
        if pools:
            cursor.execute("TRUNCATE rating_pools")
    return count


# --------------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------------


def _chunk_rate(*, actor: Staff, line_ids: list[int], period: date) -> tuple[int, int]:
    """One chunk in its own transaction: lock, skip billed, rate, charge prepaid lines at once."""
    from billing.services.prepaid import prepaid_charge_lines

    with transaction.atomic():
        # The lines sharing an allowance are locked together, in id order, the group read again under the
        # locks (a card added between a read and the locks would be locked last, out of order).
        line_ids = sorted(sharing_lines_locked(line_ids, period))
        lines = lines_locked(line_ids)     # held already: read as LineInfo
        billed = billed_line_ids(line_ids, period)
        lines = [ln for ln in lines if ln.pk not in billed]
        count = rate_lines(lines, period)
        prepaid_charge_lines(actor=actor, lines=[ln for ln in lines if ln.realtime_prepaid], period=period)
    return len(lines), count


def _chunks_rate(*, actor: Staff, chunks: list[list[int]], period: date) -> tuple[int, int]:
    """Rate the chunks (each its own transaction), on BOSS_RATING_WORKERS threads (boss.threads: most of a
    chunk's time is its rating statement). The chunks lock their lines in id order and a group sharing an
    allowance together (sharing_lines_locked), so two threads never wait on each other in a circle. The first
    error stops the taking of chunks and is raised; the chunks done before it stay (as when one worker is
    killed half-way: run it again)."""
    todo, taking = iter(chunks), threading.Lock()
    done: list[tuple[int, int]] = []

    def step() -> bool:
        with taking:
            ids = next(todo, None)
        if ids is None:
            return False
        done.append(_chunk_rate(actor=actor, line_ids=ids, period=period))
        return True

    work_on_threads(step, threads=min(settings.BOSS_RATING_WORKERS, len(chunks)), name="rating")
    return sum(m for m, _r in done), sum(r for _m, r in done)


def usage_rate(*, actor: Staff, period: date, line_ids: Iterable[int] | None = None,
               chunk: int = CHUNK_LINES) -> RatingResult:
    """Rate (or re-rate) a month for the given lines, or for every line with usage in it. Each chunk of
    lines is its own transaction (safe to kill and run again); prepaid lines are charged as they are
    rated. Billed line-months are left as they are.
    """
    period = month_start(period)
    if line_ids is None:
        start, end = period_bounds(period)
        line_ids = (UsageRecord.objects.filter(started_at__gte=start, started_at__lt=end)
                    .values_list("line_id", flat=True).distinct())
    ids = sorted(set(line_ids))
    months, records = _chunks_rate(actor=actor, chunks=[ids[i:i + chunk] for i in range(0, len(ids), chunk)],
                                   period=period)
    audit_record(actor=actor, action="usage.rate", target=None,
                 after={"period": f"{period:%Y-%m}", "line_months": months, "records": records})
    return RatingResult(line_months=months, records=records)


def _rate_pairs(*, actor: Staff, pairs) -> tuple[int, int, int]:
    """Rate the (month, line) pairs; billed line-months are left alone and their unrated records counted."""
    by_month: dict[date, set[int]] = defaultdict(set)
    for month, line_id in pairs:
        by_month[month.date() if hasattr(month, "date") else month].add(line_id)
    months = records = late = 0
    for period, ids in sorted(by_month.items()):
        billed = billed_line_ids(ids, period)
        if billed:
            start, end = period_bounds(period)
            late += UsageRecord.objects.filter(line_id__in=billed, started_at__gte=start, started_at__lt=end,
                                               rating__isnull=True).count()
        todo = sorted(ids - billed)
        m, r = _chunks_rate(actor=actor, chunks=[todo[i:i + CHUNK_LINES] for i in range(0, len(todo), CHUNK_LINES)],
                            period=period)
        months, records = months + m, records + r
    return months, records, late


def _month_line_pairs(qs):
    return (qs.annotate(month=TruncMonth("started_at", tzinfo=SHANGHAI))
            .values_list("month", "line_id").distinct().order_by())


def usage_rate_import(*, actor: Staff, usage_import: UsageImport) -> RatingResult:
    """Rate the line-months an import brought records to (its own records, by their index), then mark
    the import rated. Safe to run twice: a second run re-rates the same months to the same result."""
    months, records, late = _rate_pairs(actor=actor, pairs=_month_line_pairs(
        UsageRecord.objects.filter(usage_import=usage_import)))
    UsageImport.objects.filter(pk=usage_import.pk).update(rated_at=timezone.now())
    audit_record(actor=actor, action="usage.rate_import", target=usage_import,
                 after={"line_months": months, "records": records, "late": late})
    return RatingResult(line_months=months, records=records, late=late)


def usage_rate_imports(*, actor: Staff) -> RatingResult:
    """The safety net of the beat schedule: imports finished but not rated yet (a lost task)."""
    months = records = late = 0
    for usage_import in UsageImport.objects.filter(status=UsageImport.Status.DONE,
                                                   rated_at__isnull=True).order_by("pk"):
        result = usage_rate_import(actor=actor, usage_import=usage_import)
        months, records, late = months + result.line_months, records + result.records, late + result.late
    return RatingResult(line_months=months, records=records, late=late)


def usage_rate_pending(*, actor: Staff, since: date | None = None) -> RatingResult:
    """Rate every line-month with records not rated yet from `since` (default: the start of last month),
    whatever brought them (an anti-join over the months: for small data and repairs; imports are rated
    through `usage_rate_import`). Records of months already billed stay unrated and count as late."""
    since = since or month_add(month_start(timezone.localdate()), -1)
    start, _end = period_bounds(since)
    months, records, late = _rate_pairs(actor=actor, pairs=_month_line_pairs(
        UsageRecord.objects.filter(started_at__gte=start, rating__isnull=True)))
    if months or late:
        audit_record(actor=actor, action="usage.rate_pending", target=None,
                     after={"line_months": months, "records": records, "late": late})
    return RatingResult(line_months=months, records=records, late=late)


@transaction.atomic
def line_plan_correct(*, actor: Staff, line, plan, period: date, reason: str) -> LinePlanPeriod:
    """Correct the plan of a line for one month that is not billed yet, and re-rate the month (the new
    rating replaces the old one; a prepaid line is charged or given back the difference at once).

    Raises BillingInputError (future month, not a main plan, no reason), MonthBilledError.
    """
    from billing.services.prepaid import prepaid_charge_lines
    from catalog.models import Plan
    from customers.models import Line

    period = month_start(period)
    reason = (reason or "").strip()
    if not reason:
        raise BillingInputError(_("Say why the plan is corrected."), field="reason")
    if period > month_start(timezone.localdate()):
        raise BillingInputError(_("A plan is corrected for the current or a past month; a change for a later month "
                                  "is a plan change at the counter."), field="period")
    if plan.kind != Plan.Kind.MAIN:
        raise BillingInputError(_("Choose a main plan."), field="plan")
    # The month is rated again with the lines sharing its allowance: all of them locked first, in id order
    # (the primary locked before a card of a lower id would deadlock with a removal of that card).
    sharing_lines_locked([line.pk], period)
    line = lock_by_key(Line, line.pk)     # held already
    info = LineInfo.of(line)
    if Bill.objects.filter(line=line, period=period).exists():
        raise MonthBilledError(msisdn=line.msisdn, period=f"{period:%Y-%m}")
    before = plans_for_month([info], period)[line.pk]
    row = LinePlanPeriod.objects.create(line=line, plan=plan, since=period, until=month_end(period),
                                        reason=reason[:200], set_by=actor)
    count = rate_lines([info], period)
    if info.realtime_prepaid:
        prepaid_charge_lines(actor=actor, lines=[info], period=period)
    audit_record(actor=actor, action="line.plan_correct", target=line, reason=reason,
                 before={"plan": before.code, "period": f"{period:%Y-%m}"},
                 after={"plan": plan.code, "records_rated": count})
    return row

"""Malicious-user tracing at scale on PostgreSQL: one day of 3,000,000 usage records (10,000 ordinary lines
× 300 records, plus 40 known spammers, ten of each rule) → `tracing_run` for that day, timed, then run
again (safe to run twice: nothing new). Checks that exactly the spammers are found.

    createdb -h 127.0.0.1 -U postgres boss_tracing_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_tracing_bench
    .venv/bin/python benchmarks/tracing_bench.py

The lines come from billing_bench's setup (BENCH_LINES lines on plans of its own); the ordinary day is
generated in SQL (generate_series): 50 % voice (60 % outgoing, 10 s to 10 min, any hour), 25 % SMS, 25 %
data; the spammers' records come from partners.usage_patterns.spam_usage.
"""

import os
import sys
import time
from datetime import date

os.environ.setdefault("BENCH_LINES", "10000")
from _django import setup  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RECORDS", "3000000"))
DAY = date(2026, 11, 3)
RULES = ("sms_bulk", "short_calls", "one_ring", "night_calls")
COUNTS = {"sms_bulk": 400, "short_calls": 150, "one_ring": 80, "night_calls": 90}


def main() -> None:
    setup()
    import billing_bench
    from django.db import connection

    from billing.models import UsageRecord
    from customers.models import Line
    from partners.models import Suspect
    from partners.services.tracing import tracing_run
    from partners.usage_patterns import spam_usage

    billing_bench.phase_setup()
    lines = list(Line.objects.filter(hall__code="BENCH").order_by("pk").values_list("pk", flat=True))
    have = UsageRecord.objects.filter(record_id__startswith="TB-").count()
    if have != RECORDS or os.environ.get("BENCH_REGENERATE"):
        start = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM billing_usagerecord WHERE record_id LIKE 'TB-%%'")
        with connection.cursor() as cursor:
            cursor.execute("""
                WITH l AS (SELECT id, msisdn, row_number() OVER (ORDER BY id) - 1 AS n
                           FROM customers_line WHERE id >= %(lo)s AND id <= %(hi)s AND hall_id =
                               (SELECT id FROM boss_hall WHERE code = 'BENCH'))
                INSERT INTO billing_usagerecord (record_id, line_id, msisdn, kind, direction, started_at,
                    duration_seconds, volume_kb, other_party, roaming, long_distance)
                SELECT 'TB-' || g, l.id, l.msisdn, (ARRAY['voice', 'voice', 'sms', 'data'])[1 + k %% 4],
                       CASE WHEN k %% 5 < 3 THEN 'out' ELSE 'in' END,
                       %(day)s::timestamptz + (random() * 86399) * interval '1 second',
                       CASE WHEN k %% 4 < 2 THEN 10 + (random() * 590)::int ELSE 0 END,
                       CASE WHEN k %% 4 = 3 THEN (random() * 20000)::int ELSE 0 END,
                       CASE WHEN k %% 4 = 3 THEN '' ELSE '138' || lpad((random() * 99999999)::int::text, 8, '0') END,
                       false, false
                FROM (SELECT g, g / %(count)s AS k FROM generate_series(0, %(records)s - 1) g) s
                JOIN l ON l.n = s.g %% %(count)s
            """, {"lo": lines[0], "hi": lines[-1], "day": f"{DAY.isoformat()} 00:00:00+08:00", "records": RECORDS,
                  "count": len(lines)})
            cursor.execute("ANALYZE billing_usagerecord")
        print(f"generate {RECORDS:,} ordinary records: {time.monotonic() - start:.1f} s", flush=True)
    spammers = {}
    objs = Line.objects.filter(hall__code="BENCH").order_by("-pk")[:40]
    for i, line in enumerate(objs):
        rule = RULES[i % 4]
        spammers[(line.msisdn, rule)] = line
    for (_msisdn, rule), line in spammers.items():
        UsageRecord.objects.bulk_create(spam_usage(line, day=DAY, rule=rule, count=COUNTS[rule]),
                                        ignore_conflicts=True)
    Suspect.objects.filter(day=DAY).delete()
    total = UsageRecord.objects.filter(started_at__date=DAY).count()
    start = time.monotonic()
    run = tracing_run(day=DAY)
    first = time.monotonic() - start
    found = set(Suspect.objects.filter(day=DAY).values_list("msisdn", "rule"))
    print(f"tracing_run: {first:.1f} s over {run.records:,} outgoing records ({total:,} records that day), "
          f"{run.suspects} suspects; spammers found {len(found & set(spammers))}/{len(spammers)}, "
          f"false positives {len(found - set(spammers))}", flush=True)
    start = time.monotonic()
    again = tracing_run(day=DAY)
    print(f"tracing_run again: {time.monotonic() - start:.1f} s, {again.suspects} suspects (nothing new)")
    if found != set(spammers):
        sys.exit("the suspects are not exactly the spammers")


if __name__ == "__main__":
    main()

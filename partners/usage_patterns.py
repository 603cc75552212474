"""Usage patterns for the tracing: known spammers of each rule on one day (the demo data, the tests and the
benchmark), and normal lines from billing's generator (a month of heavy but ordinary use)."""

from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from billing.models import UsageRecord
from billing.usage_generator import usage_rows

SH = ZoneInfo("Asia/Shanghai")


def normal_usage(lines, *, month: date, per_line: int, seed: int = 7,
                 days: Collection[date] | None = None) -> list[UsageRecord]:
    """A month of `per_line` records a line; with `days`, only the records of those (local) days are kept."""
    by_msisdn = {line.msisdn: line for line in lines}
    kept = None if days is None else {day.isoformat() for day in days}
    return [UsageRecord(record_id=r[0], line=by_msisdn[r[1]], msisdn=r[1], kind=r[2], direction=r[3],
                        started_at=datetime.fromisoformat(r[4]), duration_seconds=int(r[5]), volume_kb=int(r[6]),
                        other_party=r[7])
            for r in usage_rows(msisdns=list(by_msisdn), month=month, per_line=per_line, seed=seed)
            if kept is None or r[4][:10] in kept]


def spam_usage(line, *, day: date, rule: str, count: int) -> list[UsageRecord]:
    """`count` records of one spamming pattern on `day`."""
    base = datetime(day.year, day.month, day.day, tzinfo=SH)
    out = []
    for i in range(count):
        if rule == "sms_bulk":          # one burst in the evening, a new recipient each time
            kind, at, duration = "sms", base + timedelta(hours=20, seconds=i * 3600 // count), 0
        elif rule == "short_calls":     # all day, 2 to 4 seconds
            kind, at, duration = "voice", base + timedelta(hours=9, seconds=i * 30), 2 + i % 3
        elif rule == "one_ring":        # never answered
            kind, at, duration = "voice", base + timedelta(hours=10, seconds=i * 40), 0
        else:                           # night_calls: between 1:00 and 4:00, ordinary lengths
            kind, at, duration = "voice", base + timedelta(hours=1, seconds=i * 10800 // count), 40 + i % 30
        out.append(UsageRecord(record_id=f"S-{line.msisdn}-{rule}-{day:%Y%m%d}-{i:05d}", line=line, msisdn=line.msisdn,
                               kind=kind, direction="out", started_at=at, duration_seconds=duration,
                               other_party=f"139{(int(line.msisdn) + i) % 10**8:08d}"))
    return out

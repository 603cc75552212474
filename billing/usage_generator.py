"""Realistic usage for the demo data and the benchmarks: calls, SMS and data sessions spread over a
month with a daytime peak. Deterministic for a seed."""

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from billing.services.usage import HEADER

SHANGHAI = ZoneInfo("Asia/Shanghai")
_HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 10, 9, 9, 10, 10, 10, 10, 10, 10, 9, 7, 4, 2]


def usage_rows(*, msisdns: list[str], month: date, per_line: int = 30, seed: int = 1) -> Iterator[list[str]]:
    """Rows in the import format (without the header) for every number, `per_line` records each."""
    rng = random.Random(seed)
    first = month.replace(day=1)
    days = ((first.replace(day=28) + timedelta(days=4)).replace(day=1) - first).days
    for n, msisdn in enumerate(msisdns):
        for i in range(per_line):
            day = rng.randrange(days)
            hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
            started = datetime(first.year, first.month, 1 + day, hour, rng.randrange(60), rng.randrange(60),
                               tzinfo=SHANGHAI)
            kind = rng.choices(["voice", "sms", "data"], weights=[60, 25, 15])[0]
            direction = "out" if kind == "data" or rng.random() < 0.6 else "in"
            duration = int(rng.lognormvariate(4.2, 1.0)) + 1 if kind == "voice" else 0
            volume = int(rng.lognormvariate(9.5, 1.3)) + 1 if kind == "data" else 0
            other = "" if kind == "data" else f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            roaming = rng.random() < 0.03
            long_distance = kind == "voice" and rng.random() < 0.12
            yield [f"G{seed}-{month:%Y%m}-{n:07d}-{i:03d}", msisdn, kind, direction, started.isoformat(),
                   str(duration), str(volume), other, "1" if roaming else "0", "1" if long_distance else "0"]


def usage_csv_lines(**kwargs) -> Iterator[str]:
    yield ",".join(HEADER) + "\n"
    for row in usage_rows(**kwargs):
        yield ",".join(row) + "\n"

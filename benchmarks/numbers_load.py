"""Load 1,000,000 numbers into the pool of a PostgreSQL database through the CSV import service (graded
as they enter, like a real delivery), then VACUUM ANALYZE.

    createdb -h 127.0.0.1 -U postgres boss_inventory_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_inventory_bench
    .venv/bin/python benchmarks/numbers_load.py
"""

import random
import time

from _django import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from boss.permissions import system_actor  # noqa: E402
from inventory.models import NumberResource  # noqa: E402
from inventory.services.stock import IMPORT_MAX_LINES, stock_import  # noqa: E402

TOTAL = 1_000_000
SEGMENTS = ["1345", "1347", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "172",
            "178", "182", "183", "184", "187", "188", "195", "197", "198"]
SHAPES = ["AAAAA", "AAAA", "AAA", "AABB", "ABAB", "AAAB", "8888", "888", "88"]


def numbers(count: int, seed: int = 1) -> list[str]:
    rnd = random.Random(seed)
    out: set[str] = set()
    while len(out) < count:
        segment = rnd.choice(SEGMENTS)
        width = 11 - len(segment)
        body = f"{rnd.randrange(10 ** width):0{width}d}"
        if rnd.random() < 0.05:  # premium shapes so that every grade has numbers
            a, b = rnd.sample("0123456789", 2)
            tail = "".join({"A": a, "B": b}.get(ch, ch) for ch in rnd.choice(SHAPES))
            body = body[: width - len(tail)] + tail
        out.add(segment + body)
    return sorted(out)


def main() -> None:
    call_command("migrate", verbosity=0)
    existing = NumberResource.objects.count()
    if existing >= TOTAL:
        print(f"{existing:,} numbers already loaded")
        return
    pool = numbers(TOTAL)
    actor = system_actor()
    started = time.perf_counter()
    for start in range(0, TOTAL, IMPORT_MAX_LINES):
        chunk = pool[start:start + IMPORT_MAX_LINES]
        t = time.perf_counter()
        batch = stock_import(actor=actor, kind="number", data="msisdn\n" + "\n".join(chunk),
                             filename=f"bench-{start // IMPORT_MAX_LINES}.csv")
        print(f"batch {start // IMPORT_MAX_LINES + 1}: {batch.created_count:,} added, {batch.duplicate_count:,} "
              f"duplicates, {batch.error_count:,} refused in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cursor:   # what autovacuum does after a load (it is off on this machine): the
        cursor.execute("VACUUM ANALYZE inventory_numberresource")   # visibility map, and the statistics
    print(f"{NumberResource.objects.count():,} numbers in the pool; load took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

"""50-way reservation contention on PostgreSQL: 50 threads (each its own connection, its own rep)
reserve the same number at once, round after round; then 50 threads reserve different numbers for a
while. Prints winners per round (must be 1), refusal latency, and throughput.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_inventory_bench
    .venv/bin/python benchmarks/reservation_contention.py
"""

import statistics
import threading
import time

from _django import percentile, setup

setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from boss.models import Hall, Staff  # noqa: E402
from inventory.errors import NumberUnavailableError  # noqa: E402
from inventory.models import NumberReservation, NumberResource  # noqa: E402
from inventory.services.numbers import number_release, number_reserve  # noqa: E402

THREADS = 50
ROUNDS = 40
SPREAD_SECONDS = 10


def reps() -> list[Staff]:
    hall, _ = Hall.objects.get_or_create(code="BENCH", defaults={"name": "压测营业厅"})
    group = Group.objects.get(name="sales_rep")
    out = []
    for i in range(THREADS):
        user, created = Staff.objects.get_or_create(username=f"bench_racer{i}", defaults={"hall": hall})
        if created:
            user.groups.add(group)
        out.append(user)
    return out


def run_threads(worker) -> float:
    """Run worker(i) in THREADS threads; the seconds it took."""
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def contention(staff: list[Staff], numbers: list[str]) -> None:
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    wins, refusals, errors, latencies = [0] * len(numbers), [0] * len(numbers), [], []
    win_latencies = []

    def worker(i: int) -> None:
        try:
            for r, msisdn in enumerate(numbers):
                barrier.wait()
                t = time.perf_counter()
                try:
                    number_reserve(actor=staff[i], msisdn=msisdn)
                    with lock:
                        wins[r] += 1
                        win_latencies.append(time.perf_counter() - t)
                except NumberUnavailableError:
                    with lock:
                        refusals[r] += 1
                        latencies.append(time.perf_counter() - t)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    elapsed = run_threads(worker)
    attempts = THREADS * len(numbers)
    print(f"same number, {THREADS} threads x {len(numbers)} rounds: winners per round {sorted(set(wins))}, "
          f"refusals per round {sorted(set(refusals))}, other errors {len(errors)}")
    print(f"  {attempts:,} attempts in {elapsed:.2f} s = {attempts / elapsed:,.0f} attempts/s, "
          f"{elapsed / len(numbers) * 1000:.0f} ms per round")
    print(f"  refusal latency median {statistics.median(latencies) * 1000:.1f} ms, p95 "
          f"{percentile(latencies, 95) * 1000:.1f} ms; winner latency median "
          f"{statistics.median(win_latencies) * 1000:.1f} ms")
    assert set(wins) == {1} and not errors


def spread(staff: list[Staff], numbers: list[str]) -> None:
    """Each thread reserves its own numbers (no contention) for SPREAD_SECONDS."""
    per_thread = [numbers[i::THREADS] for i in range(THREADS)]
    done, errors = [0] * THREADS, []
    stop = time.perf_counter() + SPREAD_SECONDS
    barrier = threading.Barrier(THREADS)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            for msisdn in per_thread[i]:
                if time.perf_counter() > stop:
                    break
                number_reserve(actor=staff[i], msisdn=msisdn)
                done[i] += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    elapsed = run_threads(worker)
    print(f"different numbers, {THREADS} threads for {SPREAD_SECONDS} s: {sum(done):,} reservations in "
          f"{elapsed:.2f} s = {sum(done) / elapsed:,.0f} reservations/s, errors {len(errors)}")
    if errors:
        print("  first error:", repr(errors[0])[:300])


def tidy(msisdns: list[str]) -> None:
    for reservation in NumberReservation.objects.filter(number__msisdn__in=msisdns, state="active").select_related(
            "number", "reserved_by"):
        number_release(actor=reservation.reserved_by, msisdn=reservation.number.msisdn)


def main() -> None:
    staff = reps()
    free = list(NumberResource.objects.filter(status="free").order_by("?").values_list("msisdn", flat=True)[:6000])
    contested, spread_numbers = free[:ROUNDS], free[ROUNDS:]
    try:
        contention(staff, contested)
        spread(staff, spread_numbers)
    finally:
        tidy(free)  # put the numbers back so the benchmark can run again


if __name__ == "__main__":
    main()

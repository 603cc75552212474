"""Server time of each counter request, one request at a time, on the database prepared by
counter_load/prepare.py: the opening (reservation, customer registration, pre-input, payment) and the fee
collection (line read, payment), through the whole Django stack (token authentication, middleware, DRF,
JSON) in the test client, with the queries each one runs. `--profile NAME` runs pyinstrument over that
endpoint's requests and prints where the time goes.

Two figures per request: the wall time, and the CPU time the server spent on it: this (Django) process's
CPU plus its PostgreSQL backend's CPU (/proc/<pid>/schedstat, in nanoseconds). On a shared machine the wall
time grows with the load average; the CPU time does not, so it is the one compared with the targets.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_bench
    .venv/bin/python benchmarks/counter_load/prepare.py      # once (run.sh does it too)
    .venv/bin/python benchmarks/counter_profile.py [--runs 40] [--profile pre-input]
"""

import argparse
import itertools
import json
import os
import random
import statistics
import time
import uuid
from pathlib import Path

from _django import QueryLog, percentile, setup

os.environ.setdefault("CONN_MAX_AGE", "3600")  # one PostgreSQL backend for the whole run (its CPU is read)
setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

TARGETS_MS = {"reservation": 10, "customer registration": 15, "pre-input": 30, "payment": 40,
              "line read": 8, "fee collection": 15}
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


class Timed:
    def __init__(self, profile: str):
        self.times: dict[str, list[float]] = {name: [] for name in TARGETS_MS}
        self.queries: dict[str, list[int]] = {name: [] for name in TARGETS_MS}
        self.cpu: dict[str, list[float]] = {name: [] for name in TARGETS_MS}
        self.last_sql: dict[str, list[str]] = {}
        self.profile, self.profiler = profile, None
        self.keep_sql = False
        if profile:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005)

    def __call__(self, name: str, send, *, expect: int):
        profiling = self.profiler is not None and name == self.profile
        with QueryLog(keep_sql=self.keep_sql) as queries:
            if profiling:
                self.profiler.start()
            backend = _backend_pid()
            started, cpu0, db0 = time.perf_counter(), time.process_time_ns(), _cpu_ns(backend)
            response = send()
            elapsed = time.perf_counter() - started
            cpu = time.process_time_ns() - cpu0 + (_cpu_ns(backend) - db0 if backend == _backend_pid() else 0)
            if profiling:
                self.profiler.stop()
        if response.status_code != expect:
            raise SystemExit(f"{name}: HTTP {response.status_code} {response.content[:500]!r}")
        self.times[name].append(elapsed * 1000)
        self.cpu[name].append(cpu / 1e6)
        self.queries[name].append(len(queries))
        if self.keep_sql:
            self.last_sql[name] = [f"{seconds * 1000:6.1f} ms  {sql}" for sql, seconds in queries.statements]
        return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", default="", choices=["", *TARGETS_MS])
    parser.add_argument("--show-queries", default="", choices=["", *TARGETS_MS])
    args = parser.parse_args()
    data = json.loads((Path(__file__).parent / "counter_load" / "bench.json").read_text())
    client = Client(HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    rnd = random.Random()
    used = {row for row in _used_identities()}
    identities = (n for n in data["identities"] if n not in used)
    timed = Timed(args.profile)
    timed.keep_sql = bool(args.show_queries)

    def post(url, body, key=True):
        headers = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())} if key else {}
        return lambda: client.post(url, body, content_type="application/json", **headers)

    for run in range(args.runs + 3):  # the first 3 warm the process up and are not counted
        found = client.get(f"/api/v1/numbers?grade=ordinary&ending={rnd.choice('01235679')}"
                           f"&page={rnd.randint(1, 10)}").json()["results"]
        msisdn = rnd.choice(found)["msisdn"]
        timed("reservation", post(f"/api/v1/numbers/{msisdn}/reservation", {}), expect=201)
        customer = timed("customer registration", post("/api/v1/customers", {
            "kind": "individual", "name": rnd.choice(NAMES) + "测试",
            "identity": {"type": "resident_id", "number": next(identities), "address": "广东省广州市天河区体育西路1号"},
            "contact_phone": f"139{rnd.randrange(10**8):08d}", "contact_address": "广州市天河区"}, key=False),
            expect=201).json()
        order = timed("pre-input", post("/api/v1/orders/open-account", {
            "customer_id": customer["id"], "msisdn": msisdn, "product_code": "DGDD-MG-39", "sim_capacity": "usim",
            "payment_method": "cash", "documents_checked": ["id_original"], "service_password": "428571"}),
            expect=201).json()
        timed("payment", post(f"/api/v1/orders/{order['order_id']}/payment",
                              {"method": "cash", "tendered": str(int(float(order["amount_due"])) + 50)}), expect=200)
        line = rnd.choice(data["lines"])
        timed("line read", lambda line=line: client.get(f"/api/v1/lines/{line}"), expect=200)
        timed("fee collection", post(f"/api/v1/lines/{line}/payments",
                                     {"amount": "50.00", "method": "cash", "tendered": "100.00"}), expect=201)
        if run == 2:
            for series in itertools.chain(timed.times.values(), timed.queries.values(), timed.cpu.values()):
                series.clear()
            if timed.profiler:
                timed.profiler.reset()
    if args.show_queries:
        print("\n".join(sql[:400] for sql in timed.last_sql[args.show_queries]), "\n")

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{args.runs} runs; load average {load}; CPU = Django process + its PostgreSQL backend")
    print(f"{'request':22} {'wall median':>11} {'wall p95':>9} {'CPU median':>10} {'CPU p95':>8} {'target':>7} "
          f"{'queries':>8}  CPU median within target")
    for name, target in TARGETS_MS.items():
        wall, cpu = timed.times[name], timed.cpu[name]
        counts = sorted(set(timed.queries[name]))
        print(f"{name:22} {statistics.median(wall):9.1f}ms {percentile(wall, 95):7.1f}ms "
              f"{statistics.median(cpu):8.1f}ms {percentile(cpu, 95):6.1f}ms {target:5d}ms "
              f"{'/'.join(map(str, counts)):>8}  {'yes' if statistics.median(cpu) <= target else 'NO'}")
    if timed.profiler:
        print(timed.profiler.output_text(unicode=True, color=False, show_all=os.environ.get("SHOW_ALL") == "1"))


def _backend_pid() -> int | None:
    return connection.connection.get_backend_pid() if connection.connection is not None else None


def _cpu_ns(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:  # PostgreSQL on another machine: its CPU is not counted
        return 0


def _used_identities():
    from customers.models import CustomerIdentity

    return CustomerIdentity.objects.values_list("number", flat=True)


if __name__ == "__main__":
    main()

"""Server time of every page of the customers' web self-service portal (issue 17: each within 100 ms server
time, issue 18's page budget), one request at a time through the whole Django stack (the portal's session
middleware, the customer's session, templates) in the test client, with the queries each one runs.

A demo customer signs in through the real two steps (number and service password, then the SMS code read from
the outbox before the worker sends it), then each page is fetched `--runs` times. Two figures per page: the
wall time, and the CPU time the server spent on it (this process's CPU plus its PostgreSQL backend's, from
/proc/<pid>/schedstat): on a shared machine the wall time grows with the load average, the CPU time does not.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo_data     # once
    .venv/bin/python benchmarks/portal_pages.py [--runs 30]
"""

import argparse
import os
import re
import statistics
import time

from _django import percentile, setup

os.environ.setdefault("CONN_MAX_AGE", "3600")   # one PostgreSQL backend for the whole run (its CPU is read)
setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_MS = 100


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_ns(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[0])
    except OSError:   # the database runs elsewhere: only this process's CPU
        return 0


def _signed_in_client() -> tuple[Client, object]:
    from customers.models import Line
    from notifications.models import SmsMessage
    from portal.demo import DEMO_SERVICE_PASSWORD

    line = Line.objects.filter(status=Line.Status.ACTIVE).exclude(service_password="").order_by("pk").first()
    if line is None:
        raise SystemExit("No demo line: run `manage.py demo_data` on this database first.")
    client = Client()
    started = client.post("/portal/signin/", {"msisdn": line.msisdn, "password": DEMO_SERVICE_PASSWORD})
    if started.status_code != 302:
        raise SystemExit(f"sign-in refused ({started.status_code}): "
                         f"is the demo line's service password {DEMO_SERVICE_PASSWORD}?")
    body = SmsMessage.objects.filter(msisdn=line.msisdn, template="portal.signin_code").order_by("-pk").first().body
    code = re.search(r"\d{6}", body).group(0)   # queued, not sent yet: the worker is not running here
    done = client.post("/portal/signin/code/", {"code": code})
    assert done.status_code == 302, done.status_code
    return client, line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    client, line = _signed_in_client()
    month = timezone.localdate().strftime("%Y-%m")
    pages = {
        "我的号码 home": "/portal/",
        "号码 line": f"/portal/lines/{line.pk}/",
        "缴费记录 payments": f"/portal/lines/{line.pk}/payments/",
        "帐单 bills": f"/portal/lines/{line.pk}/bills/",
        "详单 itemised": f"/portal/lines/{line.pk}/bills/{month}/",
        "充值 recharge": f"/portal/lines/{line.pk}/recharge/",
        "套餐变更 plan": f"/portal/lines/{line.pk}/plan/",
        "挂失 loss": f"/portal/lines/{line.pk}/loss/",
        "呼叫转移 forwarding": f"/portal/lines/{line.pk}/forwarding/",
        "携号转网 portability": f"/portal/lines/{line.pk}/portability/",
        "积分 points": "/portal/points/",
        "兑换礼品 gift order": "/portal/points/gifts/",
        "投诉 complaints": "/portal/complaints/",
        "新投诉 new complaint": "/portal/complaints/new/",
        "在线客服 chat": "/portal/chat/",
    }
    backend = _backend_pid()
    print(f"{'page':<24}{'status':>7}{'queries':>9}{'wall p50':>10}{'wall p95':>10}{'CPU p50':>9}{'CPU p95':>9}")
    over = []
    for name, url in pages.items():
        walls, cpus, queries, status = [], [], 0, 0
        client.get(url)   # warm (templates, tariff cache)
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started, cpu0, db0 = time.perf_counter(), time.process_time_ns(), _cpu_ns(backend)
                response = client.get(url)
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time_ns() - cpu0 + _cpu_ns(backend) - db0) / 1e6)
            status, queries = response.status_code, len(captured)
        row = (f"{name:<24}{status:>7}{queries:>9}{statistics.median(walls):>9.1f} {percentile(walls, 95):>9.1f}"
               f"{statistics.median(cpus):>8.1f} {percentile(cpus, 95):>8.1f}")
        print(row)
        if percentile(cpus, 95) > TARGET_MS or status != 200:
            over.append(name)
    print(f"target: {TARGET_MS} ms server (CPU) time per page; over it or not 200: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()

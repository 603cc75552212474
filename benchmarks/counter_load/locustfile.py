"""Counters at work: opening accounts (search, reserve, register the customer, pre-input, pay) and
collecting fees, through the REST API, as the partner systems and the counters' own calls do.

    locust -f benchmarks/counter_load/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:8300

FastHttpUser (geventhttpclient): a fraction of the load generator's CPU of the requests-based client, which
matters when it shares the cores with the server. A 409 on a number another counter reserved first is an
expected outcome of the scenario (counted apart, not a failure); every other non-2xx answer is a failure.
THINK_TIME (seconds, default 0) is the pause of a counter between two business transactions: 0 is the
saturation run; 30 with 500 users is a province's counters at their own pace.
"""

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, events, task

DATA = json.loads(Path(__file__).with_name("bench.json").read_text())
_users = itertools.count()
# Each locust run of one database takes its own part of the identities (a second run on the same database
# would otherwise register the first run's people again: 409 identity_in_use).
_ids = iter(DATA["identities"][int(os.environ.get("IDENTITY_OFFSET", "0")):])
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
COMPLETED = {"open_account": 0, "fee_collection": 0, "number_taken_first": 0}
THINK_TIME = float(os.environ.get("THINK_TIME", "0"))


class Counter(FastHttpUser):
    wait_time = constant(THINK_TIME)
    connection_timeout = 60.0
    network_timeout = 60.0

    def on_start(self):
        token = DATA["tokens"][next(_users) % len(DATA["tokens"])]
        self.headers = {"Authorization": f"Token {token}", "Accept-Language": "zh-hans"}

    def _with_key(self):
        return {**self.headers, "Idempotency-Key": str(uuid.uuid4())}

    @task(1)
    def open_account(self):
        # A search lists at most 200 numbers (10 pages): counters spread over the endings as people do.
        page, ending = random.randint(1, 10), random.choice("01235679")   # a 4 makes it no ordinary number
        found = self.client.get(f"/api/v1/numbers?grade=ordinary&ending={ending}&page={page}", name="GET numbers",
                                headers=self.headers)
        if found.status_code != 200 or not found.json().get("results"):
            return
        msisdn = random.choice(found.json()["results"])["msisdn"]
        with self.client.post(f"/api/v1/numbers/{msisdn}/reservation", json={}, headers=self._with_key(),
                              name="POST reservation", catch_response=True) as reserved:
            if reserved.status_code == 409 and "number_unavailable" in (reserved.text or ""):
                reserved.success()  # another counter took it first: the expected, clean refusal
                COMPLETED["number_taken_first"] += 1
                return
        if reserved.status_code != 201:
            return
        number = next(_ids)
        customer = self.client.post("/api/v1/customers", name="POST customers", headers=self.headers, json={
            "kind": "individual", "name": random.choice(NAMES) + "测试",
            "identity": {"type": "resident_id", "number": number, "address": "广东省广州市天河区体育西路1号"},
            "contact_phone": f"139{random.randrange(10**8):08d}", "contact_address": "广州市天河区"})
        if customer.status_code != 201:
            return
        order = self.client.post("/api/v1/orders/open-account", name="POST open-account", headers=self.headers, json={
            "customer_id": customer.json()["id"], "msisdn": msisdn, "product_code": "DGDD-MG-39",
            "sim_capacity": "usim", "payment_method": "cash", "documents_checked": ["id_original"],
            "service_password": "428571"})
        if order.status_code != 201:
            return
        body = order.json()
        paid = self.client.post(f"/api/v1/orders/{body['order_id']}/payment", headers=self._with_key(),
                                json={"method": "cash", "tendered": str(int(float(body["amount_due"])) + 50)},
                                name="POST order payment")
        if paid.status_code == 200:
            COMPLETED["open_account"] += 1

    @task(2)
    def fee_collection(self):
        msisdn = random.choice(DATA["lines"])
        line = self.client.get(f"/api/v1/lines/{msisdn}", name="GET line", headers=self.headers)
        if line.status_code != 200:
            return
        paid = self.client.post(f"/api/v1/lines/{msisdn}/payments", headers=self._with_key(), name="POST line payment",
                                json={"amount": "50.00", "method": "cash", "tendered": "100.00"})
        if paid.status_code == 201:
            COMPLETED["fee_collection"] += 1


@events.quitting.add_listener
def _report(environment, **kwargs):
    stats = environment.stats.total
    seconds = max((stats.last_request_timestamp or 0) - (stats.start_time or 0), 1)
    done = COMPLETED["open_account"] + COMPLETED["fee_collection"]
    summary = {"business_transactions": done, "seconds": round(seconds, 1), "per_second": round(done / seconds, 2),
               "open_account": COMPLETED["open_account"], "fee_collection": COMPLETED["fee_collection"],
               "number_taken_first_409": COMPLETED["number_taken_first"], "requests": stats.num_requests,
               "failures": stats.num_failures, "median_ms": stats.get_response_time_percentile(0.5),
               "p95_ms": stats.get_response_time_percentile(0.95)}
    print(f"\nbusiness transactions completed: {done} in {seconds:.0f} s = {done / seconds:.1f}/s "
          f"(open account {COMPLETED['open_account']}, fee collection {COMPLETED['fee_collection']}); "
          f"contested numbers (409, expected) {COMPLETED['number_taken_first']}; "
          f"unexpected failures: {stats.num_failures}")
    out = os.environ.get("COUNTER_SUMMARY")
    if out:
        Path(out).write_text(json.dumps(summary))

"""20 counters at work: opening accounts (search, reserve, register the customer, pre-input, pay) and
collecting fees, through the REST API, as the partner systems and the counters' own calls do.

    locust -f benchmarks/counter_load/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:8300
"""

import itertools
import json
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

DATA = json.loads(Path(__file__).with_name("bench.json").read_text())
_users = itertools.count()
_ids = iter(DATA["identities"])
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
COMPLETED = {"open_account": 0, "fee_collection": 0}


class Counter(HttpUser):
    wait_time = between(0.2, 0.8)  # a rep between two clicks

    def on_start(self):
        token = DATA["tokens"][next(_users) % len(DATA["tokens"])]
        self.client.headers.update({"Authorization": f"Token {token}", "Accept-Language": "zh-hans"})

    def _key(self):
        return {"Idempotency-Key": str(uuid.uuid4())}

    @task(1)
    def open_account(self):
        page = random.randint(1, 40)
        found = self.client.get(f"/api/v1/numbers?grade=ordinary&page={page}", name="GET numbers")
        if found.status_code != 200 or not found.json().get("results"):
            return
        msisdn = random.choice(found.json()["results"])["msisdn"]
        reserved = self.client.post(f"/api/v1/numbers/{msisdn}/reservation", json={}, headers=self._key(),
                                    name="POST reservation")
        if reserved.status_code != 201:
            return  # another counter took it first: a clean 409
        number = next(_ids)
        customer = self.client.post("/api/v1/customers", name="POST customers", json={
            "kind": "individual", "name": random.choice(NAMES) + "测试",
            "identity": {"type": "resident_id", "number": number, "address": "广东省广州市天河区体育西路1号"},
            "contact_phone": f"139{random.randrange(10**8):08d}", "contact_address": "广州市天河区"})
        if customer.status_code != 201:
            return
        order = self.client.post("/api/v1/orders/open-account", name="POST open-account", json={
            "customer_id": customer.json()["id"], "msisdn": msisdn, "product_code": "DGDD-MG-39",
            "sim_capacity": "usim", "payment_method": "cash", "documents_checked": ["id_original"],
            "service_password": "428571"})
        if order.status_code != 201:
            return
        body = order.json()
        paid = self.client.post(f"/api/v1/orders/{body['order_id']}/payment", headers=self._key(),
                                json={"method": "cash", "tendered": str(int(float(body["amount_due"])) + 50)},
                                name="POST order payment")
        if paid.status_code == 200:
            COMPLETED["open_account"] += 1

    @task(2)
    def fee_collection(self):
        msisdn = random.choice(DATA["lines"])
        line = self.client.get(f"/api/v1/lines/{msisdn}", name="GET line")
        if line.status_code != 200:
            return
        paid = self.client.post(f"/api/v1/lines/{msisdn}/payments", headers=self._key(), name="POST line payment",
                                json={"amount": "50.00", "method": "cash", "tendered": "100.00"})
        if paid.status_code == 201:
            COMPLETED["fee_collection"] += 1


@events.quitting.add_listener
def _report(environment, **kwargs):
    stats = environment.stats.total
    seconds = max((stats.last_request_timestamp or 0) - (stats.start_time or 0), 1)
    done = COMPLETED["open_account"] + COMPLETED["fee_collection"]
    print(f"\nbusiness transactions completed: {done} in {seconds:.0f} s = {done / seconds:.1f}/s "
          f"(open account {COMPLETED['open_account']}, fee collection {COMPLETED['fee_collection']}); "
          f"requests failed: {stats.num_failures}")

"""A long mixed run (issue 12): N counters, each its own thread, own database connection and own API
client, doing M mixed operations through the REST API on PostgreSQL — openings (reserve, register,
pre-input, pay), fee collections, line services (suspension, resumption, long-distance level), refunds
(requested at the counter, approved by the account room, paid by another rep), complaints, and the same
payment sent twice at once with one Idempotency-Key — then checks the invariants:

- the ledger is balanced (every transaction's entries sum to zero);
- every balance is the sum of its entries (each line's balance as the API and the selectors show it equals
  the sum of its ledger entries, recomputed in SQL) and no floor account is below zero; the money each
  counter was told it took is the money the payments table holds, line by line;
- no document number twice; no number sold twice (no msisdn on two live lines, every opening's number on
  exactly one line);
- every accepted Idempotency-Key had exactly one effect: one key row per accepted request, one payment /
  order / complaint / refund / reservation / customer / line-service order per key (every scope the run
  accepts keys for is counted), and a replay of a key gives back the first answer.

Used by tests/test_mixed_run.py (20 × 20 in CI, the counters threads of the test's process) and
benchmarks/soak.py (20 × 5,000 by hand, the counters spread over spawned processes: one process's GIL held
20 threads to one core); `run` is the one implementation of both. Outcomes
other than success must be clean refusals (4xx with a `code`): a 5xx or an exception is a failure.
"""

import queue
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from rest_framework.test import APIClient

D = Decimal
MARCH = date(2025, 3, 1)
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# operation -> weight (per 100 operations)
MIX = {"opening": 12, "fee": 38, "service": 20, "refund": 8, "complaint": 12, "duplicate": 10}
# the line services' idempotency scopes and the kind of order each key makes
SERVICE_SCOPES = {"lines.suspend": "suspend", "lines.resume": "resume", "lines.long_distance": "long_distance"}


@dataclass
class World:
    hall: object
    reps: list
    clerk: object
    numbers: list          # free numbers (shared by every counter: they compete for them)
    fee_lines: list        # msisdns of active prepaid lines
    bank_lines: list       # msisdns of bank-paying lines with a paid March collection (refundable)
    category: str
    identities: list
    started_at: datetime = field(default_factory=timezone.now)


@dataclass
class Stats:
    outcomes: Counter = field(default_factory=Counter)             # (op, status) -> n
    failures: list = field(default_factory=list)                   # 5xx, exceptions, wrong answers
    accepted: list = field(default_factory=list)                   # (actor_id, key, scope, effect)
    fee_paid: dict = field(default_factory=lambda: defaultdict(lambda: D("0")))   # msisdn -> accepted amount
    latencies: dict = field(default_factory=lambda: defaultdict(list))            # op -> seconds
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0

    def record(self, op, status, seconds=None):
        with self.lock:
            self.outcomes[(op, status)] += 1
            if seconds is not None:
                self.latencies[op].append(seconds)

    def done(self) -> int:
        return sum(n for (op, status), n in self.outcomes.items() if status == "done")

    def portable(self) -> dict:
        """What a counter process sends back to the parent (plain data: picklable)."""
        return {"outcomes": dict(self.outcomes), "failures": self.failures, "accepted": self.accepted,
                "fee_paid": dict(self.fee_paid), "latencies": dict(self.latencies)}

    def merge(self, part: dict) -> None:
        self.outcomes.update(part["outcomes"])
        self.failures += part["failures"]
        self.accepted += part["accepted"]
        for msisdn, amount in part["fee_paid"].items():
            self.fee_paid[msisdn] += amount
        for op, seconds in part["latencies"].items():
            self.latencies[op] += seconds


# --------------------------------------------------------------------------------------------------
# The world: a hall with reps, an account-room clerk, numbers, SIMs, lines to serve, refundable lines
# --------------------------------------------------------------------------------------------------


def world_build(*, hall, counters: int, ops: int, seed: int = 12) -> World:
    from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
    from billing.services.bill_run import bill_run_execute, bill_run_start
    from boss.models import Department
    from boss.permissions import system_actor
    from boss.tests.factories import StaffFactory
    from catalog.models import Feature, Plan
    from catalog.tests.factories import FeatureFactory, PlanFactory
    from complaints.tests.factories import ComplaintCategoryFactory, department
    from customers.identity import resident_id_compose
    from customers.models import Account, Customer, CustomerIdentity, Line
    from inventory.models import SimCard
    from inventory.reference import reference_data_ensure
    from inventory.services.stock import stock_import
    from orders.services.fee_collection import line_fee_collect

    rnd = random.Random(seed)
    reference_data_ensure()
    department("CS", Department.Kind.CUSTOMER_SERVICE, name="分公司客服中心")
    net = department("NET", name="网络部")
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差", default_department=net)
    PlanFactory(code="5G128", name="5G智享128元", monthly_fee="128.00", valid_from=date(2024, 1, 1))
    for level in (1, 2):
        FeatureFactory(code=f"LD{level}", name=f"长途{level}级", kind=Feature.Kind.LONG_DISTANCE, level=level)
    plan = Plan.objects.get_or_create(code="RATE58", defaults={
        "name": "计费测试套餐58", "monthly_fee": "58.00", "valid_from": date(2020, 1, 1)})[0]
    reps = [StaffFactory(username=f"mixed_rep{i:02d}", role="sales_rep", hall=hall) for i in range(counters)]
    clerk = StaffFactory(username="mixed_clerk", role="account_clerk", hall=None)

    openings = max(4, ops * counters * MIX["opening"] // 100)
    numbers = sorted({f"1390{rnd.randrange(10 ** 7):07d}" for _ in range(openings * 2)})
    for start in range(0, len(numbers), 5000):
        batch = stock_import(actor=system_actor(), kind="number",
                             data="msisdn\n" + "\n".join(numbers[start:start + 5000]))
        assert batch.error_count == 0, batch.report
    SimCard.objects.bulk_create([SimCard(iccid=f"89860077{n:012d}", imsi=f"4600077{n:08d}", capacity="usim",
                                         hall=hall) for n in range(openings * 2)])
    regions = ["440106", "440103", "440104", "110105", "310104"]
    identities = sorted({resident_id_compose(rnd.choice(regions), date(1960 + rnd.randrange(45), 1 + rnd.randrange(12),
                                                                       1 + rnd.randrange(28)), rnd.randrange(1, 999))
                         for _ in range(openings * 2)})

    def line(msisdn, n, **account_fields):
        identity = CustomerIdentity.objects.create(doc_type="passport", number=f"M{n:08d}", name=f"客户{n}")
        customer = Customer.objects.create(kind="individual", name=f"客户{n}", identity=identity)
        account = Account.objects.create(customer=customer, **account_fields)
        created = Line.objects.create(msisdn=msisdn, customer=customer, account=account, plan=plan, hall=hall,
                                      activated_at=datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
        Line.objects.filter(pk=created.pk).update(status=Line.Status.ACTIVE)
        return created

    fee_lines = [line(f"1370000{i:04d}", i).msisdn for i in range(counters * 3)]
    bank_lines = [line(f"1380000{i:04d}", 5000 + i, payment_method="bank", realtime_prepaid=False, bank_code="ICBC",
                       bank_account_number=f"6222020200{i:09d}", bank_account_holder="张三").msisdn
                  for i in range(max(2, counters // 2))]
    system = system_actor()
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    for batch in bank_collection_create(actor=clerk, period=MARCH):
        for item in batch.items.all():
            bank_collection_item_answer(actor=clerk, item=item, paid=True, amount=item.amount)
    for rep in reps:  # cash in every drawer, so a refund is not refused for an empty drawer
        line_fee_collect(actor=rep, line=Line.objects.get(msisdn=fee_lines[0]), amount=D("200.00"), method="cash",
                         tendered=D("200.00"))
    return World(hall=hall, reps=reps, clerk=clerk, numbers=numbers, fee_lines=fee_lines, bank_lines=bank_lines,
                 category=category.code, identities=identities, started_at=timezone.now())


# --------------------------------------------------------------------------------------------------
# The counters
# --------------------------------------------------------------------------------------------------


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


class Desk:
    def __init__(self, world: World, stats: Stats, index: int, ops: int, seed: int, identities):
        self.world, self.stats, self.index, self.ops = world, stats, index, ops
        self.rnd = random.Random(seed * 1000 + index)
        self.rep = world.reps[index]
        self.api = _client(self.rep)
        self.neighbour = _client(world.reps[(index + 1) % len(world.reps)])
        self.clerk = _client(world.clerk)
        self.identities = identities
        self.suspended: set[str] = set()

    # one request: time it, check its shape; a 5xx or an unexpected status is a failure
    def call(self, op, client, method, url, body=None, key=None, ok=(200, 201)):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        started = time.perf_counter()
        try:
            response = getattr(client, method)(url, body, format="json", **headers)
        except Exception as exc:  # noqa: BLE001  an exception at the counter is what the run looks for
            with self.stats.lock:
                self.stats.failures.append(f"{op} {method.upper()} {url}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        status = response.status_code
        if status >= 500 or (status not in ok and (status < 400 or "code" not in _json(response))):
            with self.stats.lock:
                self.stats.failures.append(f"{op} {method.upper()} {url}: {status} {_json(response)}")
        self.stats.record(f"{op}:{method}", status, elapsed)
        return response

    def accepted(self, actor, key, scope, effect):
        with self.stats.lock:
            self.stats.accepted.append((actor.pk, key, scope, effect))

    def run(self, stop, progress):
        """Up to `ops` operations; a set `stop` (the time limit, Ctrl-C) ends the counter between two
        operations, so every operation is whole and the invariants hold over what was done."""
        ops, weights = zip(*MIX.items(), strict=True)
        try:
            for _ in range(self.ops):
                if stop.is_set():
                    break
                op = self.rnd.choices(ops, weights)[0]
                started = time.perf_counter()
                getattr(self, op)()
                self.stats.record(op, "done", time.perf_counter() - started)
                with progress.get_lock():
                    progress.value += 1
        finally:
            connection.close()

    def opening(self):
        w, key = self.world, str(uuid.uuid4())
        msisdn = self.rnd.choice(w.numbers)
        reserved = self.call("opening", self.api, "post", f"/api/v1/numbers/{msisdn}/reservation", {}, key=key,
                             ok=(201, 409))
        if reserved is None or reserved.status_code != 201:
            return
        self.accepted(self.rep, key, "number.reserve", ("reservation", msisdn))
        number = self.identities.pop() if self.identities else None
        if number is None:
            return
        key = str(uuid.uuid4())
        customer = self.call("opening", self.api, "post", "/api/v1/customers", {
            "kind": "individual", "name": self.rnd.choice(NAMES) + "测试",
            "identity": {"type": "resident_id", "number": number, "address": "广东省广州市天河区体育西路1号"},
            "contact_phone": f"139{self.rnd.randrange(10 ** 8):08d}", "contact_address": "广州市天河区"}, key=key)
        if customer is None or customer.status_code != 201:
            return
        self.accepted(self.rep, key, "customers.create", ("customer", customer.json()["id"]))
        order = self.call("opening", self.api, "post", "/api/v1/orders/open-account", {
            "customer_id": customer.json()["id"], "msisdn": msisdn, "product_code": "5G128", "sim_capacity": "usim",
            "payment_method": "cash", "documents_checked": ["id_original"], "service_password": "428571"},
            ok=(201, 409))
        if order is None or order.status_code != 201:
            return
        body, key = order.json(), str(uuid.uuid4())
        tendered = str(D(body["amount_due"]) + 50)
        paid = self.call("opening", self.api, "post", f"/api/v1/orders/{body['order_id']}/payment",
                         {"method": "cash", "tendered": tendered}, key=key, ok=(200, 409))
        if paid is not None and paid.status_code == 200:
            self.accepted(self.rep, key, "orders.payment", ("order", body["order_id"]))
            with self.stats.lock:
                self.stats.fee_paid[("opening", msisdn)] += D(body["amount_due"])

    def _fee(self, op, msisdn, amount, key):
        return self.call(op, self.api, "post", f"/api/v1/lines/{msisdn}/payments",
                         {"amount": str(amount), "method": "cash", "tendered": str(amount + 10)}, key=key)

    def fee(self):
        msisdn, key = self.rnd.choice(self.world.fee_lines), str(uuid.uuid4())
        amount = D(self.rnd.choice(["10.00", "20.00", "30.00", "50.00", "100.00"]))
        paid = self._fee("fee", msisdn, amount, key)
        if paid is not None and paid.status_code == 201:
            self.accepted(self.rep, key, "lines.payment", ("payment", paid.json()["payment_id"]))
            with self.stats.lock:
                self.stats.fee_paid[msisdn] += amount
            if self.rnd.random() < 0.3:   # the client did not see the answer and sends it again
                again = self._fee("fee-retry", msisdn, amount, key)
                if again is not None and (again.status_code != 201 or again.json() != paid.json()
                                          or again.get("Idempotent-Replayed") != "true"):
                    with self.stats.lock:
                        self.stats.failures.append(f"replay of {key} answered {again.status_code} {_json(again)}")

    def duplicate(self):
        """The same payment sent twice at the same moment (a double click on two connections)."""
        msisdn, key, amount = self.rnd.choice(self.world.fee_lines), str(uuid.uuid4()), D("5.00")
        answers: list = []
        barrier = threading.Barrier(2)

        def send():
            barrier.wait()
            try:
                answers.append(self._fee("duplicate", msisdn, amount, key))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        good = [a for a in answers if a is not None and a.status_code == 201]
        if good:
            self.accepted(self.rep, key, "lines.payment", ("payment", good[0].json()["payment_id"]))
            with self.stats.lock:
                self.stats.fee_paid[msisdn] += amount
            if len({a.json()["payment_id"] for a in good}) != 1:
                with self.stats.lock:
                    self.stats.failures.append(f"one key {key}, two payments: {[a.json() for a in good]}")

    def service(self):
        msisdn, key = self.rnd.choice(self.world.fee_lines), str(uuid.uuid4())
        kind = self.rnd.choice(["suspension", "resumption", "long-distance"])
        body = {**DOCS, "level": self.rnd.choice([0, 1, 2])} if kind == "long-distance" else DOCS
        done = self.call("service", self.api, "post", f"/api/v1/lines/{msisdn}/{kind}", body, key=key,
                         ok=(200, 201, 400, 409))
        if done is not None and done.status_code in (200, 201):
            scope = {"suspension": "lines.suspend", "resumption": "lines.resume",
                     "long-distance": "lines.long_distance"}[kind]
            self.accepted(self.rep, key, scope, ("order", done.json()["order_id"]))

    def refund(self):
        msisdn = self.rnd.choice(self.world.bank_lines)
        requested = self.call("refund", self.api, "post", "/api/v1/refunds",
                              {"msisdn": msisdn, "description": "银行多扣了钱"}, ok=(201,))
        if requested is None or requested.status_code != 201:
            return
        number = requested.json()["number"]
        decided = self.call("refund", self.clerk, "post", f"/api/v1/refunds/{number}/decision",
                            {"decision": "approve", "over_deducted": "1.00", "amount": "1.00", "note": "核实多扣"},
                            ok=(200, 201, 409))
        if decided is None or decided.status_code not in (200, 201):
            return
        # The cash refund form's print is recorded through its service: the PDF itself (WeasyPrint, seconds of
        # CPU without HarfBuzz-Subset) is timed by benchmarks/pdf_timing.py, not by the load.
        from billing.models import RefundCase
        from billing.services.refunds import refund_form_print

        payer = self.world.reps[(self.index + 1) % len(self.world.reps)]
        refund_form_print(actor=payer, case=RefundCase.objects.get(number=number))
        key = str(uuid.uuid4())
        paid = self.call("refund", self.neighbour, "post", f"/api/v1/refunds/{number}/payment",
                         {"amount": "1.00", "documents": ["customer_id", "holder_id", "passbook"]}, key=key,
                         ok=(200, 201, 409))
        if paid is not None and paid.status_code in (200, 201):
            self.accepted(payer, key, "billing.refund_pay", ("refund", number))

    def complaint(self):
        key = str(uuid.uuid4())
        filed = self.call("complaint", self.api, "post", "/api/v1/complaints", {
            "channel": "counter", "category": self.world.category, "description": "信号时有时无",
            "msisdn": self.rnd.choice(self.world.fee_lines)}, key=key, ok=(201,))
        if filed is not None and filed.status_code == 201:
            self.accepted(self.rep, key, "complaints.open", ("complaint", filed.json()["number"]))


def _json(response):
    try:
        return response.json()
    except Exception:  # noqa: BLE001  a non-JSON body is reported as such
        return {"body": response.content[:200]}


def run(world: World, *, counters: int, ops: int, seed: int = 12, processes: int = 0,
        deadline: float | None = None, report=None, report_every: float = 60.0) -> Stats:
    """The counters at work, while a provisioning thread here drains the outbox. processes=0: every counter a
    thread of this process (the CI-sized test: no start-up cost). processes=P: the counters split over P
    processes (spawned, each with its own Django set-up and connections: the soak, which one process's GIL
    held to one core), which send back their Stats. `deadline` (time.monotonic()) or a Ctrl-C sets `stop`:
    the counters end after their current operation and the run returns what was done. `report(done,
    seconds)` is called every `report_every` seconds (progress)."""
    import multiprocessing

    stats = Stats()
    context = multiprocessing.get_context("spawn")
    stop, progress = context.Event(), context.Value("q", 0)
    finished = threading.Event()
    network = threading.Thread(target=_network, args=(finished, stats), name="provisioning")
    started = time.perf_counter()
    network.start()
    if processes:
        from django.conf import settings

        groups = [list(range(counters))[p::processes] for p in range(processes)]
        results = context.Queue()
        portable = world_portable(world)
        options = {"database": connection.settings_dict["NAME"],
                   "settings": {name: getattr(settings, name) for name in _CHILD_SETTINGS}}
        workers = [context.Process(target=_process_main, name=f"counters{p}", daemon=True,
                                   args=(portable, group, ops, seed, options, stop, progress, results))
                   for p, group in enumerate(groups) if group]
    else:
        workers = [threading.Thread(target=counters_run, name="counters",
                                    args=(world, stats, range(counters), ops, seed, stop, progress))]
    for worker in workers:
        worker.start()
    waiting, last_report = len(workers), time.monotonic()
    while waiting:
        try:
            if processes:
                try:
                    part = results.get(timeout=1.0)
                except queue.Empty:
                    dead = [w for w in workers if w.exitcode not in (None, 0)]
                    for w in dead:
                        stats.failures.append(f"counter process {w.name} died (exit code {w.exitcode})")
                        workers.remove(w)
                        waiting -= 1
                else:
                    stats.merge(part)
                    waiting -= 1
            else:
                workers[0].join(1.0)
                waiting = int(workers[0].is_alive())
            if deadline is not None and time.monotonic() >= deadline:
                stop.set()
            if report is not None and time.monotonic() - last_report >= report_every:
                last_report = time.monotonic()
                report(progress.value, time.perf_counter() - started)
        except KeyboardInterrupt:
            stop.set()   # the counters finish their operation; their figures are still collected
    for worker in workers:
        worker.join()
    stats.seconds = time.perf_counter() - started
    finished.set()
    network.join()
    return stats


def counters_run(world: World, stats: Stats, indices, ops: int, seed: int, stop, progress) -> None:
    """The counters `indices` as threads of this process, each with its own connection and API client."""
    identities = list(world.identities)
    per = len(identities) // len(world.reps)
    desks = [Desk(world, stats, i, ops, seed, identities[i * per:(i + 1) * per]) for i in indices]
    threads = [threading.Thread(target=d.run, args=(stop, progress), name=f"counter{d.index}") for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# settings a counter process takes over from its parent (the overrides of the soak and of the test fixtures)
_CHILD_SETTINGS = ("ALLOWED_HOSTS", "BOSS_NETWORK_ADAPTER_OPTIONS")


def world_portable(world: World) -> dict:
    return {"hall": world.hall.pk, "reps": [r.pk for r in world.reps], "clerk": world.clerk.pk,
            "numbers": world.numbers, "fee_lines": world.fee_lines, "bank_lines": world.bank_lines,
            "category": world.category, "identities": world.identities, "started_at": world.started_at}


def _process_main(portable: dict, indices, ops: int, seed: int, options: dict, stop, progress, results) -> None:
    """A counter process: its own Django set-up and connections, its counters as threads, its Stats sent back.
    Ctrl-C reaches the whole process group: the parent alone answers it (by setting `stop`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import django

    django.setup()
    from django.conf import settings

    for name, value in options["settings"].items():
        setattr(settings, name, value)
    connection.settings_dict["NAME"] = options["database"]
    from boss.models import Hall, Staff

    staff = Staff.objects.in_bulk([*portable["reps"], portable["clerk"]])
    world = World(hall=Hall.objects.get(pk=portable["hall"]), reps=[staff[pk] for pk in portable["reps"]],
                  clerk=staff[portable["clerk"]], **{k: portable[k] for k in (
                      "numbers", "fee_lines", "bank_lines", "category", "identities", "started_at")})
    connection.close()
    stats = Stats()
    try:
        counters_run(world, stats, indices, ops, seed, stop, progress)
    except Exception as exc:  # noqa: BLE001  reported as a failure of the run
        stats.failures.append(f"counter process {indices}: {type(exc).__name__}: {exc}")
    results.put(stats.portable())


def _network(finished: threading.Event, stats: Stats) -> None:
    """The provisioning worker beside the counters: claims the outbox's work orders (SKIP LOCKED) while the
    counters write new ones, so suspensions and resumptions complete during the run."""
    from provisioning.services import work_orders_run

    try:
        while not finished.wait(0.5):
            work_orders_run()
        work_orders_run()
    except Exception as exc:  # noqa: BLE001  reported as a failure of the run
        with stats.lock:
            stats.failures.append(f"provisioning worker: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------------
# The invariants
# --------------------------------------------------------------------------------------------------


def invariants(world: World, stats: Stats) -> list[str]:
    from billing.models import Document, LedgerAccount, LedgerEntry, Payment, RefundCase
    from billing.selectors import accounts_money, ledger_check_balanced
    from boss.models import IdempotencyKey
    from complaints.models import Complaint
    from customers.models import Customer, Line
    from inventory.models import NumberReservation, NumberResource
    from orders.models import Order

    problems = list(stats.failures)
    unbalanced = ledger_check_balanced()
    if unbalanced:
        problems.append(f"unbalanced ledger transactions: {unbalanced[:10]}")

    # Every balance the sum of its entries: the selectors' balance against SQL over the entries.
    with connection.cursor() as cur:
        cur.execute("SELECT a.billing_account_id, -sum(e.amount) FROM billing_ledgerentry e "
                    "JOIN billing_ledgeraccount a ON a.id = e.account_id WHERE a.kind = %s "
                    "AND a.billing_account_id IS NOT NULL GROUP BY a.billing_account_id", [LedgerAccount.Kind.CUSTOMER])
        sql_balances = dict(cur.fetchall())
    shown = accounts_money(list(sql_balances))
    for account_id, balance in sql_balances.items():
        if shown[account_id].balance != balance.quantize(D("0.01")):
            problems.append(f"account {account_id}: balance {shown[account_id].balance}, entries sum to {balance}")
    floors = (LedgerEntry.objects.filter(account__non_negative=True).values("account")
              .annotate(s=Sum("amount")).values_list("account", "s"))
    accounts = LedgerAccount.objects.in_bulk([a for a, _ in floors])
    problems += [f"{accounts[a].code} below zero" for a, s in floors if accounts[a].normal(s) < 0]
    # The money the counters were told they took is the money the payments table holds, line by line.
    since = world.started_at
    paid = dict(Payment.objects.filter(created_at__gte=since, line__msisdn__in=world.fee_lines, method="cash")
                .values_list("line__msisdn").annotate(s=Sum("amount")))
    for msisdn in world.fee_lines:
        told = stats.fee_paid.get(msisdn, D("0"))
        if paid.get(msisdn, D("0")) != told:
            problems.append(f"line {msisdn}: payments hold {paid.get(msisdn)}, the counters took {told}")

    # No document number twice.
    twice = (Document.objects.values("hall", "kind", "series", "number").annotate(n=Count("id")).filter(n__gt=1))
    if twice.exists():
        problems.append(f"document numbers issued twice: {list(twice[:10])}")
    # No number sold twice.
    live = Line.objects.exclude(status=Line.Status.CANCELLED)
    double = live.values("msisdn").annotate(n=Count("id")).filter(n__gt=1)
    if double.exists():
        problems.append(f"numbers on two live lines: {list(double[:10])}")
    opened = [m for (kind, m) in (k for k in stats.fee_paid if isinstance(k, tuple))]
    if len(opened) != len(set(opened)):
        problems.append("one number paid for in two openings")
    on_lines = set(live.filter(msisdn__in=opened).values_list("msisdn", flat=True))
    if set(opened) - on_lines:
        problems.append(f"openings paid without their line: {sorted(set(opened) - on_lines)[:10]}")
    stray = NumberResource.objects.filter(status="assigned").exclude(msisdn__in=live.values("msisdn")).count()
    if stray:
        problems.append(f"{stray} numbers assigned without a live line")

    # Every accepted Idempotency-Key: exactly one key row and exactly one effect.
    keys = set(IdempotencyKey.objects.filter(created_at__gte=since).values_list("actor_id", "key", "scope"))
    effects_by_key = {}
    for actor_id, key, scope, effect in stats.accepted:
        if (actor_id, key, scope) not in keys:
            problems.append(f"accepted key {key} ({scope}) has no key row")
        effects_by_key.setdefault(effect, []).append(key)
    problems += [f"one effect {effect} for two keys {ks}" for effect, ks in effects_by_key.items() if len(ks) > 1]
    per_scope = Counter(scope for _, _, scope, _ in stats.accepted)
    reps = [r.pk for r in world.reps]
    counted = {
        "lines.payment": Payment.objects.filter(created_at__gte=since, actor__in=reps, line__msisdn__in=world.fee_lines)
        .count(),
        "orders.payment": Order.objects.filter(paid_at__gte=since, actor__in=reps, kind="open_account").count(),
        "complaints.open": Complaint.objects.count(),
        "billing.refund_pay": RefundCase.objects.filter(status=RefundCase.Status.PAID, paid_at__gte=since).count(),
        "number.reserve": NumberReservation.objects.filter(created_at__gte=since, reserved_by__in=reps,
                                                           number__msisdn__in=world.numbers).count(),
        "customers.create": Customer.objects.filter(created_at__gte=since, created_by__in=reps).count(),
    }
    service_orders = (Order.objects.filter(created_at__gte=since, actor__in=reps, line__msisdn__in=world.fee_lines)
                      .values_list("kind").annotate(n=Count("id")))
    by_kind = dict(service_orders)
    for scope, kind in SERVICE_SCOPES.items():
        counted[scope] = by_kind.get(kind, 0)
    for scope, n in counted.items():
        if per_scope.get(scope, 0) != n:
            problems.append(f"{scope}: {per_scope.get(scope, 0)} accepted keys, {n} effects")
    return problems


def summary(stats: Stats) -> str:
    done = stats.done()
    lines = [f"{done} operations in {stats.seconds:.1f} s ({done / max(stats.seconds, 0.001):.1f}/s)"]
    for op in MIX:
        times = sorted(stats.latencies.get(op, []))
        if times:
            lines.append(f"  {op:10s} {len(times):6d}  median {times[len(times) // 2] * 1000:6.0f} ms  "
                         f"p95 {times[int(len(times) * 0.95)] * 1000:6.0f} ms")
    statuses = Counter()
    for (op, status), n in stats.outcomes.items():
        if ":" in op:
            statuses[status] += n
    lines.append(f"  requests by status: {dict(sorted(statuses.items()))}")
    lines.append(f"  accepted idempotency keys: {len(stats.accepted)}; failures: {len(stats.failures)}")
    return "\n".join(lines)


__all__ = ["World", "Stats", "world_build", "run", "invariants", "summary"]

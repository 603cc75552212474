"""Measure the customer look-ups at scale: `manage.py customers_bench --customers 100000`.

Everything runs inside one transaction that is rolled back at the end, so the database is left as it
was. It loads N customers (valid resident IDs) with classes, then times the search box's three paths
(identity number, name prefix, mobile number), the 360 page's reads and identity validation, and prints
the PostgreSQL plans of the two look-ups that must use an index.
"""

import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from boss.models import Staff
from customers.identity import identity_validate, resident_id_compose
from customers.models import Customer, CustomerClass, CustomerIdentity
from customers.selectors import customer_profile, customer_search

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超")


class _RollbackError(Exception):
    pass


def _timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


class Command(BaseCommand):
    help = "Time customer search and the 360 reads over many customers (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=200)

    def handle(self, *args, customers: int, runs: int, **options):
        from django.conf import settings

        hosts = settings.ALLOWED_HOSTS
        settings.ALLOWED_HOSTS = [*hosts, "testserver"]  # the test client's host, for the request timings
        try:
            with transaction.atomic():
                self._run(customers, runs)
                raise _RollbackError
        except _RollbackError:
            self.stdout.write("rolled back: the database is unchanged")
        finally:
            settings.ALLOWED_HOSTS = hosts

    def _run(self, n: int, runs: int):
        start = time.perf_counter()
        identities = []
        for i in range(n):
            born = date(1950, 1, 1) + timedelta(days=i % 20000)
            number = resident_id_compose("440106", born, i // 20000 % 1000)
            identities.append(CustomerIdentity(doc_type="resident_id", number=number,
                                               name=SURNAMES[i % len(SURNAMES)] + GIVEN[i // 7 % len(GIVEN)],
                                               address="广东省广州市天河区体育西路1号"))
        identities = CustomerIdentity.objects.bulk_create(identities, batch_size=5000)
        people = Customer.objects.bulk_create(
            [Customer(kind="individual", name=ident.name, identity=ident, contact_phone=f"139{i:08d}")
             for i, ident in enumerate(identities)], batch_size=5000)
        CustomerClass.objects.bulk_create(
            [CustomerClass(customer=c, kind="vip", vip_level=1 + i % 5, reason="bench", since=date(2020, 1, 1))
             for i, c in enumerate(people[::10])], batch_size=5000)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE customers_customer; ANALYZE customers_customeridentity; "
                               "ANALYZE customers_customerclass")
        self.stdout.write(f"loaded {n} customers in {time.perf_counter() - start:.1f} s ({connection.vendor})")

        actor = Staff(username="bench", is_superuser=True, is_active=True)
        target = identities[n // 2]
        checks = [
            ("search by identity number", lambda: customer_search(actor=actor, query=target.number.lower())),
            ("search by name prefix (20 rows)", lambda: customer_search(actor=actor, query="张秀")),
            ("search by mobile number", lambda: customer_search(actor=actor, query="13900012345")),
            ("360 reads (customer_profile)", lambda: customer_profile(customer=people[n // 3])),
            ("identity_validate (no database)", lambda: identity_validate("resident_id", target.number)),
        ]
        from django.contrib.auth.models import Group
        from django.test import Client

        from boss.models import Hall

        hall = Hall.objects.create(code="BENCH", name="bench hall")
        rep = Staff.objects.create(username="bench_rep", hall=hall)
        rep.groups.add(Group.objects.get(name="store_manager"))
        client = Client()
        client.force_login(rep)
        page = f"/customers/{people[n // 3].pk}/"
        checks += [
            ("GET the 360 page (full request)", lambda: client.get(page)),
            ("GET /api/v1/customers/{id}", lambda: client.get(f"/api/v1/customers/{people[n // 3].pk}")),
            ("POST /search/ by identity number", lambda: client.post("/search/", {"q": target.number})),
        ]
        for label, fn in checks:
            median, p95 = _timed(fn, runs)
            self.stdout.write(f"{label:<36} median {median:7.3f} ms   p95 {p95:7.3f} ms")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql, param in [
                    ("SELECT id FROM customers_customeridentity WHERE number IN (%s)", target.number),
                    ("SELECT id FROM customers_customer WHERE name LIKE %s ORDER BY name, id LIMIT 20", "张秀%"),
                ]:
                    cursor.execute("EXPLAIN " + sql, [param])
                    self.stdout.write(f"plan: {sql}\n  " + "\n  ".join(r[0] for r in cursor.fetchall()))

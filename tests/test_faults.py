"""Faults survived (issue 12), each against real processes, never the shared servers:

- a gunicorn worker killed with SIGKILL in the middle of a payment: the client gets an error, the transaction
  rolls back (no payment, no key), a retry with the same key succeeds once;
- PostgreSQL (a cluster of the test's own) restarted in the middle of a counter load: requests in flight fail
  cleanly (a 503 `database_unavailable` or a cut connection, never a half-written payment), the next ones
  succeed, and every key the server accepted is exactly one balanced payment;
- Redis (a redis-server of the test's own) down while an opening is paid: the payment commits, the work
  order waits in the outbox, and a real Celery worker provisions it once Redis is back;
- the disk full where the app writes files while a receipt PDF is printed (see that test for how ENOSPC is
  made by the kernel without root).
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from billing.models import DocumentPrint, LedgerEntry, Payment
from billing.selectors import ledger_check_balanced
from boss.locks import lock
from boss.models import IdempotencyKey
from customers.models import Line
from tests.faults import Gunicorn, Http, PrivatePostgres, PrivateRedis, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def _db_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")   # pg_stat_activity is otherwise frozen for the transaction
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cur.fetchone()[0]


def _waiting_backend_pids() -> set[int]:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return {row[0] for row in cur.fetchall()}


def _backends_alive(pids: set[int]) -> int:
    """How many of these sessions still exist (other tests of this process may hold sessions of their own)."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
        return cur.fetchone()[0]


@pytest.fixture
def server(live):
    """gunicorn with one sync worker on the test database, and an API client of the live line's rep."""
    app = Gunicorn(connection.settings_dict["NAME"], workers=1).start()
    app.api = Http(app.port, Token.objects.create(user=live.rep).key)
    yield app
    app.stop()


def test_a_worker_killed_mid_payment_rolls_back_and_the_retry_with_the_same_key_succeeds_once(server, live):
    msisdn, key = live.line.msisdn, str(uuid.uuid4())
    body = {"amount": "50.00", "method": "cash", "tendered": "100.00"}
    payments_before, entries_before = Payment.objects.count(), LedgerEntry.objects.count()
    answers: list = []

    def pay():
        try:
            answers.append(server.api.request("POST", f"/api/v1/lines/{msisdn}/payments", body, key=key,
                                              timeout=180))
        except Exception as exc:  # noqa: BLE001  what the client sees of a killed worker
            answers.append(exc)

    (worker,) = server.worker_pids()
    with transaction.atomic():
        lock(Line.objects.filter(pk=live.line.pk)).get()      # the payment stops here, its key row written
        client = threading.Thread(target=pay)
        client.start()
        wait_for(lambda: _backends_waiting_on_a_lock() or answers, 120, "the payment to wait inside its transaction")
        assert not answers, answers
        killed_sessions = _waiting_backend_pids()
        os.kill(worker, signal.SIGKILL)
        client.join(20)
    # The client got an error, not an answer.
    assert len(answers) == 1 and isinstance(answers[0], (ConnectionError, OSError)), answers
    # The dead worker's transaction is rolled back: nothing of the payment, not even its key.
    wait_for(lambda: _backends_alive(killed_sessions) == 0, 30, "the killed worker's database session to end")
    assert not IdempotencyKey.objects.filter(key=key).exists()
    assert (Payment.objects.count(), LedgerEntry.objects.count()) == (payments_before, entries_before)

    # gunicorn starts a new worker; the retry with the same key pays once, a second retry replays.
    wait_for(lambda: len(server.worker_pids()) == 1 and server.worker_pids() != [worker], 30, "a new worker")
    status, first, _ = server.api.request("POST", f"/api/v1/lines/{msisdn}/payments", body, key=key)
    assert status == 201, first
    status, again, headers = server.api.request("POST", f"/api/v1/lines/{msisdn}/payments", body, key=key)
    assert status == 201 and again == first and headers.get("Idempotent-Replayed") == "true"
    assert Payment.objects.count() == payments_before + 1
    assert Payment.objects.get(pk=first["payment_id"]).amount == D("50.00")
    assert ledger_check_balanced() == []


def test_redis_down_while_an_opening_is_paid_the_payment_commits_and_the_outbox_provisions_it_later(
        opening, start_worker):
    from orders.models import Order
    from orders.services.open_account import order_open_account_create
    from provisioning.models import WorkOrder

    redis = PrivateRedis().start()
    app = None
    try:
        worker = start_worker(CELERY_BROKER_URL=redis.url)
        app = Gunicorn(connection.settings_dict["NAME"], workers=1,
                       env={"CELERY_BROKER_URL": redis.url, "CELERY_QUEUE": worker.queue}).start()
        api = Http(app.port, Token.objects.create(user=opening.rep).key)
        opening.reserve("13912345670")
        order = order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn="13912345670",
                                          product_code="5G128", sim_capacity="usim", documents_checked=["id_original"],
                                          service_password="428571")

        redis.stop()
        started = time.monotonic()
        status, paid, _ = api.request("POST", f"/api/v1/orders/{order.pk}/payment",
                                      {"method": "cash", "tendered": str(order.amount_due), "agreement_signed": True},
                                      key=str(uuid.uuid4()))
        took = time.monotonic() - started
        # The payment commits although its nudge to the worker could not be sent.
        assert status == 200, paid
        assert took < 15, f"the counter waited {took:.1f} s for the broker"
        order.refresh_from_db()
        assert order.paid_at is not None and Payment.objects.filter(pk=order.payment_id).exists()
        work_order = WorkOrder.objects.get(line__msisdn="13912345670")
        assert work_order.state == WorkOrder.State.READY       # waiting in the outbox
        assert Line.objects.get(msisdn="13912345670").status == Line.Status.PENDING_ACTIVATION

        # Redis is back: the beat's safety net (provisioning_dispatch every 15 s) sends the job; the worker,
        # reconnected, provisions the line.
        redis.start()
        subprocess.run([*worker_celery(), "call", "provisioning.tasks.provisioning_dispatch", "--queue",
                        worker.queue], env=worker.env, check=True, capture_output=True, timeout=60)
        wait_for(lambda: WorkOrder.objects.get(pk=work_order.pk).state == WorkOrder.State.DONE, 60,
                 "the work order to be done")
        assert Line.objects.get(msisdn="13912345670").status == Line.Status.ACTIVE
        assert Order.objects.get(pk=order.pk).paid_at is not None
        assert ledger_check_balanced() == []
    finally:
        if app:
            app.stop()
        redis.stop()


def worker_celery() -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "boss"]


def test_postgresql_restarted_mid_load_in_flight_requests_fail_cleanly_and_nothing_is_half_written(live):
    import psycopg2

    token = Token.objects.create(user=live.rep).key
    msisdn = live.line.msisdn
    database = PrivatePostgres().start()
    app = None
    try:
        url = database.copy_of(_db_url(), "boss")      # the live line, its rep and token, on a server of our own
        app = Gunicorn("boss", workers=2, database_url=url).start()
        api = Http(app.port, token)
        answers: list = []                              # (key, status or exception, body)
        stop = threading.Event()

        def counter():
            while not stop.is_set():
                key = str(uuid.uuid4())
                try:
                    status, body, _ = api.request("POST", f"/api/v1/lines/{msisdn}/payments",
                                                  {"amount": "10.00", "method": "cash"}, key=key)
                except OSError as exc:
                    status, body = exc, None
                answers.append((key, status, body))

        counters = [threading.Thread(target=counter) for _ in range(3)]
        for t in counters:
            t.start()
        wait_for(lambda: sum(1 for _, s, _ in answers if s == 201) >= 3, 60, "the load to get going")
        database.restart()
        restarted_at = len(answers)
        wait_for(lambda: sum(1 for _, s, _ in answers[restarted_at:] if s == 201) >= 3, 60,
                 "payments to succeed again after the restart")
        stop.set()
        for t in counters:
            t.join(60)

        failed = [(k, s, b) for k, s, b in answers if s != 201]
        assert failed, "no request was in flight during the restart"
        for _key, status, body in failed:    # a clean refusal or a cut connection; never a 500
            assert isinstance(status, OSError) or (status == 503 and body["code"] == "database_unavailable"
                                                   and body["message"]), (status, body)
        # A retry of every failed request with its key: done once now, or replayed if it had committed.
        for key, _, _ in failed:
            status, body, _ = api.request("POST", f"/api/v1/lines/{msisdn}/payments",
                                          {"amount": "10.00", "method": "cash"}, key=key)
            assert status == 201, body

        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM (SELECT transaction_id FROM billing_ledgerentry GROUP BY transaction_id "
                        "HAVING sum(amount) <> 0 OR count(*) < 2) t")
            assert cur.fetchone()[0] == 0                       # every ledger transaction whole and balanced
            cur.execute("SELECT count(*) FROM billing_ledgertransaction t WHERE NOT EXISTS "
                        "(SELECT 1 FROM billing_ledgerentry e WHERE e.transaction_id = t.id)")
            assert cur.fetchone()[0] == 0
            keys = [k for k, _, _ in answers]
            cur.execute("SELECT key, status_code, response->>'payment_id' FROM boss_idempotencykey WHERE key = ANY(%s)",
                        [keys])
            rows = cur.fetchall()
            assert sorted(k for k, _, _ in rows) == sorted(keys)      # every key stored once
            assert all(status == 201 for _, status, _ in rows)       # none left half-done
            payment_ids = [int(p) for _, _, p in rows]
            cur.execute("SELECT count(*), count(DISTINCT ledger_transaction_id) FROM billing_payment "
                        "WHERE id = ANY(%s)", [payment_ids])
            assert cur.fetchone() == (len(keys), len(keys))           # one payment per key, each its posting
            cur.execute("SELECT count(*) FROM billing_payment p JOIN customers_line l ON l.id = p.line_id "
                        "WHERE l.msisdn = %s AND p.amount = 10.00", [msisdn])
            assert cur.fetchone()[0] == len(keys)                     # and no payment without its key
    finally:
        if app:
            app.stop()
        database.stop()


def test_a_full_disk_where_the_server_writes_files_neither_loses_the_payment_nor_its_receipt(live, tmp_path,
                                                                                               settings):
    """ENOSPC without root (no tmpfs or loop device to fill): tests/fixtures/full_disk.c, preloaded into the
    server, opens /dev/full in place of every file opened for writing under the media folder, the temporary
    folder and the cache folder, so the kernel answers each write there "No space left on device", as a full
    file system does. The product writes no file when it prints: the receipt's PDF is rendered in memory and
    streamed (boss.pdf, no cache or temporary file), so there is no write on the print's road to fail and no
    error to answer; the payment commits and its receipt prints while the disk is full, and the media folder is
    left as it was. With the disk back (a server without the shim) the receipt reprints: a copy (补打)."""
    library = tmp_path / "libfull_disk.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(Path(__file__).with_name("fixtures")
                                                                        / "full_disk.c"), "-ldl"], check=True)
    full = tmp_path / "full"
    (full / "cache").mkdir(parents=True)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    env = {"LD_PRELOAD": str(library), "FULL_DIRS": f"{media}:{full}", "TMPDIR": str(full),
           "XDG_CACHE_HOME": str(full / "cache")}
    # The condition holds: in this environment a write under the media folder fails with ENOSPC.
    write = f"with open({str(media / 'probe.pdf')!r}, 'wb') as f: f.write(b'%PDF')"
    probe = subprocess.run([sys.executable, "-c", write],
                           env={**os.environ, **env}, capture_output=True, text=True)
    assert probe.returncode != 0 and "No space left on device" in probe.stderr
    before = sorted(p.name for p in media.rglob("*"))

    heartbeat = tmp_path / "gunicorn"          # gunicorn's worker heartbeat file stays off the full disk
    heartbeat.mkdir()
    app = Gunicorn(connection.settings_dict["NAME"], workers=1, env=env, args=("--worker-tmp-dir", str(heartbeat)))
    app.start()
    try:
        (worker,) = app.worker_pids()
        assert str(library) in Path(f"/proc/{worker}/maps").read_text()     # the server runs on the full disk
        api = Http(app.port, Token.objects.create(user=live.rep).key)
        status, paid, _ = api.request("POST", f"/api/v1/lines/{live.line.msisdn}/payments",
                                      {"amount": "30.00", "method": "cash", "tendered": "50.00"}, key=str(uuid.uuid4()))
        assert status == 201, paid
        assert Payment.objects.filter(pk=paid["payment_id"], amount=D("30.00")).exists()
        receipt = paid["documents"][0]
        # The receipt prints while the disk is full (once: a reprint takes the same road, and each rendering of
        # the CJK font costs seconds of CI).
        status, pdf, headers = api.request("GET", f"/api/v1/documents/{receipt['id']}/pdf", timeout=120)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert pdf["raw"].startswith(b"%PDF")
        assert DocumentPrint.objects.filter(document_id=receipt["id"], copy=False).count() == 1
    finally:
        app.stop()
    assert sorted(p.name for p in media.rglob("*")) == before

    # Later, the disk back: the same receipt reprints, as a copy.
    app = Gunicorn(connection.settings_dict["NAME"], workers=1).start()
    try:
        (worker,) = app.worker_pids()
        assert str(library) not in Path(f"/proc/{worker}/maps").read_text()
        api = Http(app.port, api.token)
        status, pdf, headers = api.request("GET", f"/api/v1/documents/{receipt['id']}/pdf", timeout=120)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert pdf["raw"].startswith(b"%PDF")
    finally:
        app.stop()
    assert list(DocumentPrint.objects.filter(document_id=receipt["id"]).order_by("pk").values_list("copy", flat=True)) \
        == [False, True]
    assert Payment.objects.filter(pk=paid["payment_id"], amount=D("30.00")).exists()
    assert ledger_check_balanced() == []

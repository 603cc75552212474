"""Suite-wide test setup.

PostgreSQL-only tests (marker `postgres`) are skipped on SQLite, and tests that need OS packages
(marker `needs_os`) are skipped where those are missing; the summary prints how many. With
BOSS_REQUIRE_FULL=1 (set by .ci/run) any such skip fails the run, so CI always runs everything.
"""

import importlib.util
import os
import shutil
import sys

import pytest
from django.conf import settings
from django.test import TransactionTestCase
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server

# Property tests generate the same examples however busy the machine is: a slow data generation on a loaded
# two-core box is not a finding (the health check would fail the run), nor is one slow example (deadline).
hypothesis_settings.register_profile("boss", suppress_health_check=[HealthCheck.too_slow], deadline=None)
hypothesis_settings.load_profile("boss")

# Fixtures that several apps' tests share, kept beside the app they build on.
pytest_plugins = ["inventory.tests.fixtures", "orders.tests.fixtures"]

_SKIPPED = {"postgres": 0, "redis": 0, "needs_os": 0}


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_configure(config):
    # Every lock a service takes in the tests is checked against the one order (boss/locks.py).
    from boss.locks import lock_order_check_install

    lock_order_check_install()
    _live_server_one_request_at_a_time_on_sqlite()
    _schemathesis_coverage_cases_when_run()


def _schemathesis_coverage_cases_when_run() -> None:
    """Schemathesis makes each API operation's coverage cases (its explicit examples: boundaries, wrong types,
    missing fields) when it builds the operation's test, at collection, and every xdist worker collects every
    test: both workers of a CI run spent about 25 s of CPU each making the cases of all ~190 operations, half of
    them for tests the other worker runs (issue 20, suite time). Here the same function makes the same cases
    for an operation when its test is about to run (pytest_runtest_setup below), once per run. Schemathesis is
    pinned (requirements-dev.txt); tests/test_api_fuzz.py checks that every operation's test has its cases."""
    from schemathesis.generation.hypothesis import builder

    make_now = builder.add_coverage
    # Schemathesis tries `from flask import Flask` on every request it sends to a WSGI application; without
    # Flask that import fails and searches the whole path again each time (about 5 s of a CI run's fuzzing).
    # Marked missing once, it fails at once.
    if importlib.util.find_spec("flask") is None:
        sys.modules["flask"] = None  # type: ignore[assignment]

    def make_when_run(test, operation, *args, **kwargs):
        test.coverage_cases = "to make"
        test.coverage_cases_make = lambda: make_now(test, operation, *args, **kwargs)
        return test

    builder.add_coverage = make_when_run


def pytest_runtest_setup(item):
    test = getattr(item, "obj", None)
    if getattr(test, "coverage_cases", None) == "to make":
        test.coverage_cases = "made"
        test.coverage_cases_make()


def _live_server_one_request_at_a_time_on_sqlite() -> None:
    """On SQLite's in-memory test database the live server's request threads all use the test's one
    connection (Django passes it to them); two requests at once (a page and its polling, two tabs) broke each
    other's transactions ("no such savepoint", "database table is locked"). There the live server answers one
    request at a time, body and close included; on PostgreSQL each thread keeps its own connection."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        lock = threading.Lock()

        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)

            def serialised(environ, start_response):
                with self.lock:
                    response = application(environ, start_response)
                    try:
                        return [b"".join(response)]
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            return super().set_app(serialised)

    LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="PostgreSQL-only (row locks, concurrency): set DATABASE_URL to run it")
    skip_redis = pytest.mark.skip(reason="needs a Redis broker: set CELERY_BROKER_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and not is_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.CELERY_BROKER_URL.startswith("redis://"):
            item.add_marker(skip_redis)


def pytest_runtest_logreport(report):
    if report.skipped:
        for marker in _SKIPPED:
            if marker in report.keywords:
                _SKIPPED[marker] += 1
                break


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if any(_SKIPPED.values()):
        terminalreporter.write_sep(
            "-", f"skipped: {_SKIPPED['postgres']} PostgreSQL-only tests, {_SKIPPED['redis']} tests needing Redis, "
                 f"{_SKIPPED['needs_os']} tests needing OS packages",
            yellow=True)


def pytest_sessionfinish(session, exitstatus):
    if not hasattr(session.config, "workerinput"):  # once, in the run's controller
        _broker_queue_emptied(settings.CELERY_TASK_DEFAULT_QUEUE)
    if os.environ.get("BOSS_REQUIRE_FULL") == "1" and any(_SKIPPED.values()) and not hasattr(session.config,
                                                                                             "workerinput"):
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"BOSS_REQUIRE_FULL: {_SKIPPED} tests were skipped; CI must run every test.", red=True)
        session.exitstatus = 1


def _broker_queue_emptied(name: str) -> None:
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        from boss.tests.broker import broker_queue_delete

        broker_queue_delete(name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; before they are dropped at the end, every other session still on a
    PostgreSQL one is ended, with a warning naming it. One such session made the drop fail with "is being accessed
    by other users" and left the database behind; its last statement was the reference data's read after the API
    fuzz module emptied the database, on a connection of another context (Django's connections are per context)."""
    yield
    if not is_postgres():
        return
    import warnings

    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute("SELECT pid, application_name, state, left(query, 160), pg_terminate_backend(pid) "
                           "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           [connections["default"].settings_dict["NAME"]])
            ended = cursor.fetchall()
    if ended:
        warnings.warn(f"sessions still on the test database at its drop, ended: {ended}", stacklevel=1)


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test databases exist. Being session-scoped, it
    was otherwise started before them whenever a browser test came first in a run (one file alone): on
    SQLite it then found no in-memory database to hand its threads, each thread opened its own connection
    to the shared in-memory database and two requests at once failed with "database table is locked"."""
    assert live_server.thread.connections_override or settings.DATABASES["default"]["ENGINE"].endswith(
        "postgresql"), "the live server must share the in-memory SQLite test database with its threads"
    return live_server


@pytest.fixture
def start_worker(transactional_db):
    """start_worker(**env) starts a real Celery worker process on the test database and a queue of this
    test's own, with extra environment (e.g. BOSS_HLR_LATENCY_MS). The worker can be killed with
    SIGKILL and restarted; it is killed at the end. Tests of timed jobs and of worker crashes use it
    (no mock of our own broker).
    """
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "boss.settings.worker_test", "CELERY_QUEUE": queue,
                "BOSS_TEST_DB_NAME": db["NAME"]}
    started = []

    def start(env):
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "boss", "worker", "-Q", queue, "--concurrency=1",
             "--pool=prefork", "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        started.append(proc)
        return proc

    class Worker:
        def __init__(self, **extra_env):
            self.queue = queue
            self.env = {**base_env, **{k: str(v) for k, v in extra_env.items()}}
            self.proc = start(self.env)
            time.sleep(0.5)

        def restart(self):
            self.proc = start(self.env)

        def kill(self):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    yield Worker
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    _broker_queue_emptied(queue)


@pytest.fixture(scope="module")
def module_committed_db(django_db_setup, django_db_blocker):
    """The database open for a whole module with real commits (no wrapping transaction), for tests that
    share one expensive setup across many test items, such as the API fuzz (one item per operation): the
    setup is made once per module and worker instead of once per item. At the end the database is flushed
    as a transactional test's teardown does, so the next module starts from the migrated state.

    pytest-django sets the test database up only for a run holding a test that asks for it by fixture or
    mark, and this fixture does neither: a module using it also holds a test asking for `db`."""
    from django.db import connections

    # Requests through a WSGI application (the fuzzes') end with Django's close_old_connections: with the
    # test settings' CONN_MAX_AGE = 0 each one connected anew (about 15 ms on PostgreSQL, most of a small
    # request), and with health checks on each request began with a SELECT 1. The module keeps its
    # connection without checks (nothing in a test breaks it), as production keeps it (CONN_MAX_AGE 60).
    kept = {alias: (connections[alias].settings_dict["CONN_MAX_AGE"],
                    connections[alias].settings_dict["CONN_HEALTH_CHECKS"]) for alias in connections}
    with django_db_blocker.unblock():
        for alias in kept:
            connections[alias].settings_dict.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=False)
        try:
            yield
        finally:
            for alias, (age, checks) in kept.items():
                connections[alias].settings_dict.update(CONN_MAX_AGE=age, CONN_HEALTH_CHECKS=checks)
            database_empty("default")


# Tables a flush keeps: what post_migrate makes (content types, permissions, the role groups with their
# permissions) and no test changes. Flushing them made every transactional test's teardown run post_migrate
# again: about 400 queries to recreate them, for ~200 transactional tests per run (issue 20, suite time).
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"})


ROWS_OF_DATA_MIGRATIONS = (("groups.migrations.0002_vpmn_discount", "create"),
                           ("complaints.migrations.0005_category_kind", "suggestion_category"))


def database_empty(alias: str) -> None:
    """Empty every table but KEPT_BY_FLUSH, then make the tariff parameters' default rows again (the rest
    of what post_migrate does) and the rows of the data migrations the product needs."""
    from importlib import import_module

    from django.apps import apps as django_apps
    from django.core.management.color import no_style
    from django.db import connections

    from boss.tariffs import tariff_sync
    from inventory.reference import reference_data_ensure

    connection = connections[alias]
    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in KEPT_BY_FLUSH]
    if not _postgres_rows_deleted(connection, tables):
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=False))
    tariff_sync()
    # The rows data migrations made that the product needs (the VPMN discount the demo uses, the suggestion
    # category the portal offers): without them a test failed whenever a transactional one had run before it
    # on the same worker.
    for module, function in ROWS_OF_DATA_MIGRATIONS:
        getattr(import_module(module), function)(django_apps, None)
    # And the number pool's reference data (orders.0004): without it every later test's `reference` fixture
    # made the whole catalog of grades, rules, fees and segments again inside its own transaction.
    reference_data_ensure()


def _postgres_rows_deleted(connection, tables: list[str]) -> bool:
    """On PostgreSQL, as a superuser (the test databases of CI and of this machine): delete the rows of the
    tables that hold any, with triggers off for the transaction (session_replication_role = replica: the
    append-only triggers of the ledger and the audit, and the foreign-key checks, since every table that
    holds rows is emptied). A TRUNCATE of all ~140 tables made new files for each table and its indexes and
    took 1.5 to 8 s per transactional test; this takes about 40 ms (issue 20, suite time). False where it
    does not apply (SQLite, or a role that may not switch triggers off): the caller truncates as before."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return False
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(" UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables), tables)
        for (table,) in cursor.fetchall():
            cursor.execute(f"DELETE FROM {quote(table)}")
    return True


def _transactional_teardown(self):
    """TransactionTestCase's teardown (pytest-django's transactional_db and live_server use it) without
    post_migrate: see KEPT_BY_FLUSH. The roles stay exactly as migrate made them: tests/test_roles_kept.py."""
    for alias in self._databases_names(include_mirrors=False):
        database_empty(alias)


setattr(TransactionTestCase, "_fixture_teardown", _transactional_teardown)  # noqa: B010  (Django's private hook)


@pytest.fixture
def real_worker(start_worker):
    return start_worker()


def postgres_only_module() -> None:
    """Skip the whole module before it builds its tests, unless the run is on PostgreSQL. For the API fuzzes,
    whose every test is PostgreSQL-only: Schemathesis builds each operation's test at collection, coverage cases
    included, and each xdist worker of an SQLite run (`make test`) spent about 25 s of CPU building tests it then
    skipped (issue 20, suite time)."""
    if not is_postgres():
        pytest.skip("PostgreSQL-only module (the API fuzz): set DATABASE_URL to run it", allow_module_level=True)


def require_os(*, binaries=(), paths=()):
    """Skip (marked needs_os) unless the binaries and files exist."""
    missing = [b for b in binaries if shutil.which(b) is None] + [p for p in paths if not os.path.exists(p)]
    return pytest.mark.skipif(bool(missing), reason=f"needs OS packages: missing {', '.join(missing)}")


@pytest.fixture(autouse=True)
def _clear_tariff_cache():
    from boss.tariffs import tariff_cache_clear

    tariff_cache_clear()
    yield
    tariff_cache_clear()


@pytest.fixture
def hall(db):
    from boss.tests.factories import HallFactory

    return HallFactory(code="HA", name="甲营业厅")


@pytest.fixture
def other_hall(db):
    from boss.tests.factories import HallFactory

    return HallFactory(code="HB", name="乙营业厅")


@pytest.fixture
def make_staff(db, hall):
    from boss.tests.factories import StaffFactory

    def make(role: str, **kwargs):
        kwargs.setdefault("hall", hall)
        return StaffFactory(role=role, **kwargs)

    return make


@pytest.fixture
def rep(make_staff):
    return make_staff("sales_rep", username="rep_a")


@pytest.fixture
def set_tariff(db):
    """set_tariff("open.deposit", "150.00"): the value in force from now on (the cache is cleared)."""
    from boss.models import TariffParameter
    from boss.tariffs import tariff_cache_clear

    def set_(key, value):
        TariffParameter.objects.update_or_create(key=key, defaults={"value": value})
        tariff_cache_clear()

    return set_


@pytest.fixture
def customer(db):
    """A verified individual customer (the customers app's factory)."""
    from customers.tests.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def api(rep):
    """The API as the rep (force-authenticated)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(rep)
    return client


@pytest.fixture
def logged_in(client, rep):
    """The test client logged in as the rep."""
    client.force_login(rep)
    return client


# --------------------------------------------------------------------------------------------------
# Browser end-to-end tests: Playwright driving Debian's chromium (no browser download here)
# --------------------------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(__file__), "test-artifacts")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture(autouse=True)
def _browser_contexts_closed(request):
    """Every browser context a test opens beyond pytest-playwright's own (browser.new_page(), new_context())
    is closed when the test ends: a hall display or a chat page left open went on polling the live server
    every few seconds during the next tests, and on SQLite's shared in-memory database their requests locked
    the tables under those tests ("database table is locked" in `make test`)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step-name") saves a screenshot under test-artifacts/e2e/<test>/ (kept by CI)."""
    folder = os.path.join(ARTIFACTS, "e2e", request.node.name.replace("/", "_"))
    os.makedirs(folder, exist_ok=True)
    counter = {"n": 0}

    def take(page, name: str):
        counter["n"] += 1
        path = os.path.join(folder, f"{counter['n']:02d}-{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take


e2e = [pytest.mark.e2e, pytest.mark.needs_os, require_os(paths=[CHROMIUM])]

def page_wait_until(page, expression: str, *, seconds: float = 15) -> None:
    """Wait until `expression` is true in the page, read through the browser's debugging protocol. Playwright's
    wait_for_function evaluates its predicate inside the page, which the CSP (script-src 'self', no
    'unsafe-eval') refuses: it failed CI whenever the predicate was not already true at the first look."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds} s: {expression}")
        time.sleep(0.05)


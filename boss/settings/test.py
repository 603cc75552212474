"""Test settings: PostgreSQL when DATABASE_URL points at one (CI always does), else SQLite."""

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES

# The second factor is switched on by the MFA tests themselves (boss/tests/test_mfa.py); the other tests log
# staff of every role in directly.
BOSS_MFA_REQUIRED = False
# Test databases reuse primary keys after a rollback (SQLite): no permission set kept between requests, except
# in the tests of that cache (boss/tests/test_permission_cache.py).
BOSS_PERMISSION_CACHE_SECONDS = 0
BOSS_LEDGER_ACCOUNT_CACHE_SECONDS = 0  # likewise for ledger accounts (billing/tests/test_ledger_account_cache.py)
BOSS_SELECTION_FEE_CACHE_SECONDS = 0   # and the selection fees of the number lists (catalog/tests/test_selectors.py)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in memory
else:
    # A test database need not survive a crash: a commit returns without waiting for the WAL to reach the
    # disk (it is visible to the other connections at once all the same). The migrations, every transactional
    # test's flush and every commit of the race tests stop waiting on the disk the machine shares.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
# The reports' replica router runs against the same database under a second alias (a test mirror); the
# router's own test switches REPORTS_REPLICA_READS on (reports/tests/test_replica_router.py).
DATABASES["reports"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPORTS_REPLICA_READS = False
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Static files are looked up when asked for, not listed when the middleware is built: every test's client builds
# the middleware again, and listing the app's static files each time cost about 45 ms a test (issue 20).
WHITENOISE_AUTOREFRESH = True

# Without Redis the tests run no real worker: keep their task messages in memory instead of the
# file-system broker folder that `make run`'s worker reads.
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_URL = "memory://"
# The run's task messages go to a queue of its own, not to a deployment's "boss" on the same Redis; no worker
# reads it, and it is deleted at the end of the run (conftest.py). A test's worker has its own (worker_test.py).
CELERY_TASK_DEFAULT_QUEUE = "boss-tests"
# The simulated HLR answers at once in tests; a test that needs latency or failures sets its own.
BOSS_NETWORK_ADAPTER_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0}

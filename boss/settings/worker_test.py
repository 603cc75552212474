"""A real Celery worker started by a test: the test settings, on the test's own database."""

import os

from .test import *  # noqa: F403
from .test import CELERY_TASK_DEFAULT_QUEUE, DATABASES

DATABASES["default"]["NAME"] = os.environ["BOSS_TEST_DB_NAME"]
DATABASES["reports"]["NAME"] = DATABASES["default"]["NAME"]
# A test of the worker's connection reuse starts it with CONN_MAX_AGE as a deployment has it (the tests' is 0).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"]))
# A test's worker: its own queue (what it enqueues, it reads). A test's server (tests/faults.py): the run's queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", CELERY_TASK_DEFAULT_QUEUE)

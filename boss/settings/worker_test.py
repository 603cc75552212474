"""A real Celery worker started by a test: the test settings, on the test's own database."""

import os

from .test import *  # noqa: F403
from .test import CELERY_TASK_DEFAULT_QUEUE, DATABASES

DATABASES["default"]["NAME"] = os.environ["BOSS_TEST_DB_NAME"]
DATABASES["reports"]["NAME"] = DATABASES["default"]["NAME"]
# A test's worker: its own queue (what it enqueues, it reads). A test's server (tests/faults.py): the run's queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", CELERY_TASK_DEFAULT_QUEUE)

"""A real Celery worker started by a test: the test settings, on the test's own database."""

import os

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["NAME"] = os.environ["BOSS_TEST_DB_NAME"]
DATABASES["reports"]["NAME"] = DATABASES["default"]["NAME"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_QUEUE"]  # the test's own queue: what the worker enqueues, it reads

"""A real Celery worker started by a test: the test settings, on the test's own database."""

import os

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["NAME"] = os.environ["BOSS_TEST_DB_NAME"]
DATABASES["reports"]["NAME"] = DATABASES["default"]["NAME"]

import pytest
import redis
from django.conf import settings


@pytest.fixture
def broker():
    """A client of the tests' Redis broker (CELERY_BROKER_URL), to look at its queues and keys."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield client
    client.close()

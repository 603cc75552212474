import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(rep):
    """The API as the rep (force-authenticated)."""
    client = APIClient()
    client.force_authenticate(rep)
    return client

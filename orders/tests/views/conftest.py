import pytest


@pytest.fixture
def logged_in(client, rep):
    """The test client logged in as the rep."""
    client.force_login(rep)
    return client

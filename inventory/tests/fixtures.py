"""Fixtures of the number pool for every app's tests (the root conftest loads them as a plugin): the reference
data, numbers put into the pool through the import service, an ordinary and a premium number."""

import pytest

from boss.permissions import system_actor


@pytest.fixture
def reference(db):
    """Segments, grades, rules and one-time fees: re-created because transactional tests empty tables."""
    from inventory.reference import reference_data_ensure

    reference_data_ensure()


@pytest.fixture
def add_numbers(reference):
    """add_numbers("13912348888", ...) puts numbers into the pool through the import service."""
    from inventory.services.stock import stock_import

    def add(*msisdns):
        batch = stock_import(actor=system_actor(), kind="number", data="msisdn\n" + "\n".join(msisdns))
        assert batch.error_count == 0, batch.report
        from inventory.models import NumberResource

        # Read back by the batch, not by `msisdn IN (...)`: in a test's transaction the table's statistics are
        # those of an empty table, and PostgreSQL answered a long IN list from the trigram index (1.2 s a test
        # once an earlier test had put 10,000 numbers in and rolled them back, instead of 40 ms).
        found = {n.msisdn: n for n in NumberResource.objects.filter(batch=batch).select_related("grade")}
        return [found[m] for m in msisdns]

    return add


@pytest.fixture
def number(add_numbers):
    """An ordinary free number."""
    return add_numbers("13912345670")[0]


@pytest.fixture
def premium(add_numbers):
    """A premium number: ends with 8888 (special grade)."""
    return add_numbers("13912358888")[0]

"""Fixtures of the orders tests: the reference data (segments, grades, rules, fees), numbers in the
pool, a customer."""

import pytest

from boss.permissions import system_actor


@pytest.fixture
def reference(db):
    """Segments, grades, rules and one-time fees: re-created because transactional tests empty tables."""
    from orders.reference import reference_data_ensure

    reference_data_ensure()


@pytest.fixture
def add_numbers(reference):
    """add_numbers("13912348888", ...) puts numbers into the pool through the import service."""
    from orders.services.stock import stock_import

    def add(*msisdns):
        batch = stock_import(actor=system_actor(), kind="number", data="msisdn\n" + "\n".join(msisdns))
        assert batch.error_count == 0, batch.report
        from orders.models import NumberResource

        found = {n.msisdn: n for n in NumberResource.objects.filter(msisdn__in=msisdns).select_related("grade")}
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


@pytest.fixture
def customer(db):
    from orders.tests.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def set_tariff(db):
    """set_tariff("open.deposit", "150.00"): the value in force from now on (the cache is cleared)."""
    from boss.models import TariffParameter
    from boss.tariffs import tariff_cache_clear

    def set_(key, value):
        TariffParameter.objects.update_or_create(key=key, defaults={"value": value})
        tariff_cache_clear()

    return set_

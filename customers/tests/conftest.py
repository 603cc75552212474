import pytest

from customers.national import SimulatedNationalCountService


@pytest.fixture(autouse=True)
def _national_count_up(monkeypatch):
    """Every test starts with the simulated group service up, fast and with nothing held elsewhere."""
    monkeypatch.setattr(SimulatedNationalCountService, "down", False)
    monkeypatch.setattr(SimulatedNationalCountService, "latency_ms", 0)
    monkeypatch.setattr(SimulatedNationalCountService, "other_provinces", {})
    monkeypatch.setattr(SimulatedNationalCountService, "other_operators", {})


@pytest.fixture
def customer(db):
    from customers.tests.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def plan(db):
    from customers.tests.factories import PlanFactory

    return PlanFactory(code="4G58")


@pytest.fixture
def manager(make_staff):
    return make_staff("store_manager", username="store_mgr")

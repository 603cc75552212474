from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from boss.models import TariffParameter
from boss.tariffs import REGISTRY, tariff, tariff_cache_clear, tariff_sync

pytestmark = pytest.mark.django_db


def test_every_parameter_has_a_row_after_migrate_with_its_default():
    keys = set(TariffParameter.objects.values_list("key", flat=True))
    assert keys == set(REGISTRY)
    assert tariff("open.deposit") == Decimal("100.00")
    assert tariff("number.reservation_minutes") == 30
    assert tariff("precancel.window_months") == 3
    assert tariff("identity.national_cap_enabled") is False
    assert "pending_cancellation" in tariff("identity.counted_line_states")


def test_an_edited_row_is_in_force_after_the_cache_is_cleared():
    TariffParameter.objects.filter(key="open.deposit").update(value="150.00")
    tariff_cache_clear()
    assert tariff("open.deposit") == Decimal("150.00")


def test_a_row_that_no_longer_parses_falls_back_to_the_default():
    TariffParameter.objects.filter(key="number.reservation_minutes").update(value="soon")
    tariff_cache_clear()
    assert tariff("number.reservation_minutes") == 30


@pytest.mark.parametrize("key, bad", [("open.deposit", "-1"), ("open.deposit", "1.005"), ("open.deposit", "abc"),
                                      ("number.reservation_minutes", "1.5"), ("identity.national_cap_enabled",
                                                                              "maybe")])
def test_admin_validation_refuses_values_of_the_wrong_type(key, bad):
    row = TariffParameter.objects.get(key=key)
    row.value = bad
    with pytest.raises(ValidationError):
        row.full_clean()


def test_sync_is_idempotent_and_keeps_edited_values():
    TariffParameter.objects.filter(key="open.deposit").update(value="120.00")
    assert tariff_sync() == 0
    assert TariffParameter.objects.get(key="open.deposit").value == "120.00"
    TariffParameter.objects.filter(key="open.deposit").delete()
    assert tariff_sync() == 1
    assert TariffParameter.objects.get(key="open.deposit").value == "100.00"


def test_a_process_keeps_the_values_a_few_seconds_and_sees_another_process_change_after(monkeypatch):
    """Per process for LOCAL_SECONDS in front of the shared cache: no round trip per read; a change saved by
    another process (which empties the shared cache) is in force here once those seconds are over."""
    import boss.tariffs as tariffs

    clock = [1000.0]
    monkeypatch.setattr(tariffs.time, "monotonic", lambda: clock[0])
    tariff_cache_clear()
    assert tariff("open.deposit") == Decimal("100.00")
    TariffParameter.objects.filter(key="open.deposit").update(value="120.00")
    tariffs.cache.delete(tariffs._CACHE_KEY)  # what the other process's save does to the shared cache
    assert tariff("open.deposit") == Decimal("100.00")  # still this process's copy
    clock[0] += tariffs.LOCAL_SECONDS + 0.1
    assert tariff("open.deposit") == Decimal("120.00")


def test_threads_asking_first_at_once_each_see_the_whole_registry(monkeypatch):
    """The batch jobs' threads (boss.threads) may be the first to read a tariff in a new process: none of
    them reads the registry before it is whole (a KeyError failed bill-run chunks in a new worker)."""
    import threading
    import time

    from boss import registry, tariffs

    fresh = tariffs._Registry()
    app_modules = registry.app_modules

    def slow(name):
        time.sleep(0.05)   # long enough that the other threads ask while the first loads
        return app_modules(name)

    monkeypatch.setattr(registry, "app_modules", slow)
    barrier, seen = threading.Barrier(4), []

    def ask():
        barrier.wait()
        seen.append("billing.late_fee_cap_ratio" in fresh and len(fresh))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [len(REGISTRY)] * 4 and "billing.late_fee_cap_ratio" in REGISTRY

import pytest

from provisioning import hooks
from provisioning.adapters import get_adapter


@pytest.fixture
def hlr(settings):
    """The simulated HLR with no latency; tests change its options through `hlr.configure(...)`."""

    class Handle:
        def configure(self, **options):
            settings.BOSS_NETWORK_ADAPTER_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0,
                                                     **options}
            get_adapter.cache_clear()
            return get_adapter()

    handle = Handle()
    handle.configure()
    yield handle
    get_adapter.cache_clear()


@pytest.fixture
def recorded_hooks():
    """Register completion and rollback hooks for the test action and record their calls."""
    calls = []

    @hooks.on_complete("set_features")
    def done(*, actor, work_order):
        calls.append(("complete", work_order.pk))

    @hooks.on_rollback("set_features")
    def undone(*, actor, work_order, reason):
        calls.append(("rollback", work_order.pk, reason))

    yield calls
    hooks._ON_COMPLETE["set_features"].remove(done)
    hooks._ON_ROLLBACK["set_features"].remove(undone)

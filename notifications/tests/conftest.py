import pytest

from notifications.backends import get_sender


@pytest.fixture
def sms_gateway(settings):
    """The simulated gateway with no latency; `sms_gateway.configure(failure_rate=...)` changes it."""

    class Handle:
        def configure(self, **options):
            settings.BOSS_SMS_BACKEND = "notifications.backends.SimulatedSmsGateway"
            settings.BOSS_SMS_BACKEND_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0,
                                                 **options}
            get_sender.cache_clear()
            return get_sender()

    handle = Handle()
    handle.configure()
    yield handle
    get_sender.cache_clear()

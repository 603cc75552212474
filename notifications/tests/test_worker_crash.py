"""The SMS outbox survives workers: a worker killed with SIGKILL in the middle of 60 messages loses none and
sends none twice (the simulated gateway counts what it sent per key)."""

import time

import pytest

from notifications.models import SimulatedSms, SimulatedSmsCall, SmsMessage
from notifications.services import notification_queue
from notifications.tasks import notifications_dispatch

pytestmark = pytest.mark.postgres


@pytest.mark.redis
def test_sigkill_of_the_worker_mid_send_sends_every_message_once(start_worker, hall):
    for i in range(60):
        notification_queue(template="notifications.test", msisdn=f"1391234{i:04d}", params={"hall": hall.name},
                           key=f"crash:{i}", hall=hall)
    worker = start_worker(BOSS_SMS_LATENCY_MS=100, BOSS_SMS_LEASE_SECONDS=3)
    notifications_dispatch.apply_async(queue=worker.queue)

    deadline = time.monotonic() + 120
    while SimulatedSms.objects.count() < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()
    sent_at_kill = SmsMessage.objects.filter(state="delivered").count()
    assert 10 <= sent_at_kill < 60, "the kill must land in the middle of the batch"

    worker.restart()
    deadline = time.monotonic() + 180
    while SmsMessage.objects.exclude(state="delivered").exists() and time.monotonic() < deadline:
        notifications_dispatch.apply_async(queue=worker.queue)   # the beat schedule's job, faster
        time.sleep(1.5)

    assert SmsMessage.objects.filter(state="delivered").count() == 60
    keys = list(SimulatedSms.objects.values_list("key", flat=True))
    assert len(keys) == 60 and len(set(keys)) == 60   # each text went out exactly once
    assert SimulatedSmsCall.objects.filter(outcome="sent").count() == 60

"""Provisioning survives workers: SKIP LOCKED claims never overlap, and a worker killed with SIGKILL in
the middle of 100 work orders loses none and makes the network execute none twice (domain-rules B5)."""

import threading
import time

import pytest
from django.db import connection

from boss.models import TariffParameter
from boss.tariffs import tariff_cache_clear
from provisioning.models import HlrCall, HlrExecution, WorkOrder
from provisioning.services import work_orders_claim
from provisioning.tasks import provisioning_dispatch

pytestmark = pytest.mark.postgres


def _make(n, hall):
    return WorkOrder.objects.bulk_create(
        [WorkOrder(action="create_subscriber", msisdn=f"1380000{i:04d}", hall=hall, payload={"iccid": f"8986{i}"})
         for i in range(n)])


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_never_take_the_same_work_order(hall):
    _make(60, hall)
    claimed, barrier = [], threading.Barrier(6)

    def claimer(i):
        try:
            barrier.wait()
            while batch := work_orders_claim(limit=3, worker=f"w{i}"):
                claimed.extend(wo.pk for wo in batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == 60 and len(set(claimed)) == 60
    assert set(WorkOrder.objects.values_list("state", flat=True)) == {"running"}


@pytest.mark.redis
def test_sigkill_of_the_worker_mid_batch_loses_nothing_and_duplicates_nothing(start_worker, hall):
    TariffParameter.objects.filter(key="provisioning.lease_seconds").update(value="3")
    tariff_cache_clear()
    _make(100, hall)
    worker = start_worker(BOSS_HLR_LATENCY_MS=100)
    provisioning_dispatch.apply_async(queue=worker.queue)

    deadline = time.monotonic() + 120
    while WorkOrder.objects.filter(state="done").count() < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()
    done_at_kill = WorkOrder.objects.filter(state="done").count()
    assert 25 <= done_at_kill < 100, "the kill must land in the middle of the batch"

    worker.restart()
    deadline = time.monotonic() + 180
    while WorkOrder.objects.exclude(state="done").exists() and time.monotonic() < deadline:
        provisioning_dispatch.apply_async(queue=worker.queue)  # the beat schedule's job, faster
        time.sleep(1.5)

    assert WorkOrder.objects.filter(state="done").count() == 100
    keys = list(HlrExecution.objects.values_list("key", flat=True))
    assert len(keys) == 100 and len(set(keys)) == 100  # each command executed exactly once
    assert HlrCall.objects.filter(outcome="executed").count() == 100

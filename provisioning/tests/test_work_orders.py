from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from boss.errors import NotPermitted
from boss.models import AuditEvent
from provisioning.errors import WorkOrderStateError
from provisioning.models import HlrCall, HlrExecution, HlrSubscriber, WorkOrder
from provisioning.services import (
    work_order_create,
    work_order_retry,
    work_order_rollback,
    work_orders_claim,
    work_orders_run,
    work_orders_sweep,
)

pytestmark = pytest.mark.django_db


def _wo(hall, action="create_subscriber", msisdn="13800138000", **payload):
    return work_order_create(action=action, msisdn=msisdn, hall=hall, payload=payload or {"iccid": "8986001"})


def test_created_in_the_callers_transaction_and_a_worker_is_nudged_after_commit(hall,
                                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        wo = _wo(hall)
    assert wo.state == "ready" and wo.max_attempts == 5
    assert len(callbacks) == 1


def test_a_run_executes_completes_and_calls_the_completion_hook(hall, hlr, recorded_hooks):
    _wo(hall)
    wo = _wo(hall, action="set_features", features={"roaming": True})
    assert work_orders_run() == 2
    wo.refresh_from_db()
    assert wo.state == "done" and wo.attempts == 1 and wo.completed_at is not None
    assert HlrSubscriber.objects.get(msisdn="13800138000").features == {"roaming": True}
    assert recorded_hooks == [("complete", wo.pk)]
    assert AuditEvent.objects.filter(action="workorder.complete", target_id=str(wo.pk)).exists()


def test_a_run_claims_until_a_batch_comes_short_and_stops_there(hall, hlr, monkeypatch):
    from provisioning import services

    for i in range(3):
        _wo(hall, msisdn=f"1380013800{i}")
    claims = []
    real_claim = services.work_orders_claim
    monkeypatch.setattr(services, "work_orders_claim", lambda **kw: claims.append(real_claim(**kw)) or claims[-1])

    assert work_orders_run(limit=2) == 3
    # Two, then one: the short batch found the queue empty, and no third claim is made (a row committed after
    # it nudges a run of its own).
    assert [len(batch) for batch in claims] == [2, 1]


def test_a_refused_command_is_retried_later_with_back_off_then_fails(hall, hlr):
    hlr.configure(failure_rate=1.0)
    wo = _wo(hall)
    work_orders_run()
    wo.refresh_from_db()
    assert wo.state == "ready" and wo.attempts == 1 and "refused" in wo.last_error
    assert wo.run_after > timezone.now()  # back-off: not before its time
    assert work_orders_run() == 0
    start = timezone.now()
    for i in range(4):
        with time_machine.travel(start + timedelta(minutes=10 * (i + 1))):
            work_orders_run()
    wo.refresh_from_db()
    assert wo.state == "failed" and wo.attempts == 5
    assert AuditEvent.objects.filter(action="workorder.fail", target_id=str(wo.pk)).exists()
    assert not HlrExecution.objects.exists()


def test_a_lost_reply_is_retried_and_the_network_executes_once(hall, hlr):
    hlr.configure(lost_reply_rate=1.0)
    wo = _wo(hall)
    work_orders_run()
    hlr.configure()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        work_orders_run()
    wo.refresh_from_db()
    assert wo.state == "done" and wo.attempts == 2
    assert HlrExecution.objects.filter(key=wo.key).count() == 1
    assert list(HlrCall.objects.filter(key=wo.key).values_list("outcome", flat=True).order_by("id")) == [
        "executed", "already_done"]


def test_the_sweeper_returns_expired_leases_and_fails_exhausted_ones(hall):
    a, b = _wo(hall, msisdn="13800138001"), _wo(hall, msisdn="13800138002")
    work_orders_claim(limit=10)
    WorkOrder.objects.filter(pk=b.pk).update(attempts=5)
    assert work_orders_sweep() == 0  # leases still valid
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert work_orders_sweep() == 2
        assert work_orders_sweep() == 0  # safe to run twice
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.state, b.state) == ("ready", "failed")


def test_retry_and_rollback_only_from_failed(hall, make_staff, recorded_hooks):
    manager = make_staff("store_manager", username="sm")
    wo = _wo(hall, action="set_features")
    with pytest.raises(WorkOrderStateError) as exc:
        work_order_retry(actor=manager, work_order=wo)
    assert exc.value.code == "work_order_state"
    with pytest.raises(WorkOrderStateError):
        work_order_rollback(actor=manager, work_order=wo, reason="x")
    wo.refresh_from_db()
    assert wo.state == "ready" and recorded_hooks == []
    assert not AuditEvent.objects.filter(action__startswith="workorder.").exists()


def test_retry_requeues_a_failed_work_order(hall, make_staff):
    rep = make_staff("sales_rep", username="r1")
    wo = _wo(hall)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5)
    wo = work_order_retry(actor=rep, work_order=wo, reason="HLR back")
    assert (wo.state, wo.attempts) == ("ready", 0)
    assert AuditEvent.objects.filter(action="workorder.retry", actor=rep, reason="HLR back").exists()


def test_rollback_runs_the_business_undo(hall, make_staff, recorded_hooks):
    manager = make_staff("store_manager", username="sm")
    wo = _wo(hall, action="set_features")
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed")
    wo = work_order_rollback(actor=manager, work_order=wo, reason="network down")
    assert wo.state == "rolled_back"
    assert recorded_hooks == [("rollback", wo.pk, "network down")]


def test_another_halls_work_order_cannot_be_retried(hall, other_hall, make_staff):
    rep_b = make_staff("sales_rep", username="rb", hall=other_hall)
    wo = _wo(hall)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed")
    with pytest.raises(NotPermitted):
        work_order_retry(actor=rep_b, work_order=wo)
    wo.refresh_from_db()
    assert wo.state == "failed"

"""The work order's state machine: every change goes through a transition on the model, illegal ones are
refused (by the services with WorkOrderStateError, by the model with TransitionNotAllowed), the field cannot
be assigned, and the lease sweep audits the work orders it fails."""

from datetime import timedelta

import django_fsm as fsm
import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from boss.models import AuditEvent
from boss.permissions import system_actor
from provisioning import hooks
from provisioning.errors import WorkOrderStateError
from provisioning.models import WorkOrder
from provisioning.services import (
    work_order_create,
    work_order_execute,
    work_order_retry,
    work_order_rollback,
    work_orders_claim,
    work_orders_sweep,
)

pytestmark = pytest.mark.django_db
S = WorkOrder.State


def _wo(hall, msisdn="13800138000", action="set_features"):
    return work_order_create(action=action, msisdn=msisdn, hall=hall, payload={"iccid": "8986001"})


def _in_state(wo, state, **fields):
    WorkOrder.objects.filter(pk=wo.pk).update(state=state, **fields)
    return WorkOrder.objects.get(pk=wo.pk)


def test_the_machine_has_exactly_the_transitions_the_services_use():
    edges = {(t.name, t.source, t.target) for t in WorkOrder().get_all_state_transitions()}
    assert edges == {
        ("claim", S.READY, S.RUNNING),
        ("complete", S.RUNNING, S.DONE), ("complete", S.READY, S.DONE),
        ("requeue", S.RUNNING, S.READY),
        ("fail", S.RUNNING, S.FAILED),
        ("retry", S.FAILED, S.READY),
        ("roll_back", S.FAILED, S.ROLLED_BACK),
    }


def test_the_state_cannot_be_assigned_directly(hall):
    wo = _wo(hall)
    with pytest.raises(AttributeError):
        wo.state = S.DONE
    wo.refresh_from_db()   # the protected field still reloads
    assert wo.state == S.READY


def test_a_done_work_order_cannot_go_back_to_running_or_the_queue(hall):
    wo = _in_state(_wo(hall), S.DONE)
    for transition in (wo.claim, wo.requeue, wo.fail, wo.retry, wo.roll_back):
        assert not fsm.can_proceed(transition)
    with pytest.raises(fsm.TransitionNotAllowed):
        wo.claim(worker="w1", lease_until=timezone.now())
    assert wo.state == S.DONE and wo.attempts == 0


def test_a_rolled_back_work_order_cannot_be_retried_and_nothing_is_written(hall, make_staff):
    manager = make_staff("store_manager", username="sm")
    wo = _in_state(_wo(hall), S.ROLLED_BACK, attempts=5)
    with pytest.raises(WorkOrderStateError) as exc:
        work_order_retry(actor=manager, work_order=wo)
    assert exc.value.code == "work_order_state" and exc.value.params == {"state": S.ROLLED_BACK}
    with pytest.raises(WorkOrderStateError):
        work_order_rollback(actor=manager, work_order=wo, reason="again")
    wo.refresh_from_db()
    assert (wo.state, wo.attempts) == (S.ROLLED_BACK, 5)
    assert not AuditEvent.objects.filter(action__startswith="workorder.").exists()


def test_a_stale_copy_cannot_overwrite_a_newer_state(hall):
    """The second guard next to the row lock: a copy read before another worker claimed the row."""
    stale = _wo(hall)
    work_orders_claim(limit=10, worker="w1")
    stale.claim(worker="w2", lease_until=timezone.now())
    with pytest.raises(fsm.ConcurrentTransition), transaction.atomic():
        stale.save()
    assert WorkOrder.objects.get(pk=stale.pk).claimed_by == "w1"


def test_claimed_rows_come_back_running_and_can_be_saved(hall):
    _wo(hall, msisdn="13800138001"), _wo(hall, msisdn="13800138002")
    rows = work_orders_claim(limit=10, worker="w1")
    assert [(wo.state, wo.attempts, wo.claimed_by) for wo in rows] == [(S.RUNNING, 1, "w1")] * 2
    assert set(WorkOrder.objects.values_list("state", flat=True)) == {S.RUNNING}
    rows[0].save(update_fields=["last_error"])   # the bulk claim told the concurrency guard what it stored


def test_a_completion_after_the_sweep_requeued_it_still_completes(hall, hlr):
    wo = _wo(hall, action="create_subscriber")
    [claimed] = work_orders_claim(limit=10, worker="w1")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert work_orders_sweep() == 1
    assert WorkOrder.objects.get(pk=wo.pk).state == S.READY
    done = work_order_execute(work_order=claimed, worker="w1")   # the first worker's reply came after all
    assert done.state == S.DONE and done.completed_at is not None and done.lease_until is None


def test_a_completion_after_a_rollback_leaves_it_rolled_back(hall, hlr, make_staff):
    manager = make_staff("store_manager", username="sm")
    wo = _wo(hall, action="create_subscriber")
    [claimed] = work_orders_claim(limit=10, worker="w1")
    WorkOrder.objects.filter(pk=wo.pk).update(state=S.FAILED)
    work_order_rollback(actor=manager, work_order=wo, reason="gave up")
    result = work_order_execute(work_order=claimed, worker="w1")
    assert result.state == S.ROLLED_BACK
    assert not AuditEvent.objects.filter(action="workorder.complete").exists()


def test_a_refused_attempt_goes_back_to_the_queue_with_its_error(hall, hlr):
    hlr.configure(failure_rate=1.0)
    wo = _wo(hall)
    [claimed] = work_orders_claim(limit=10, worker="w1")
    result = work_order_execute(work_order=claimed, worker="w1")
    assert (result.state, result.attempts, result.lease_until, result.claimed_by) == (S.READY, 1, None, "")
    assert "refused" in result.last_error and result.run_after > timezone.now()
    assert not AuditEvent.objects.filter(action="workorder.fail", target_id=str(wo.pk)).exists()


@pytest.fixture
def failed_hook():
    calls = []

    @hooks.on_fail("set_features")
    def failed(*, actor, work_order):
        calls.append((work_order.pk, work_order.state))

    yield calls
    hooks._ON_FAIL["set_features"].remove(failed)


def test_the_sweep_fails_exhausted_work_orders_with_an_audit_event(hall, failed_hook):
    a, b = _wo(hall, msisdn="13800138001"), _wo(hall, msisdn="13800138002")
    work_orders_claim(limit=10, worker="w1")
    WorkOrder.objects.filter(pk=b.pk).update(attempts=5)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert work_orders_sweep() == 2
        assert work_orders_sweep() == 0
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.state, a.last_error, a.claimed_by, a.lease_until) == (S.READY, "lease expired", "", None)
    assert (b.state, b.last_error, b.claimed_by, b.lease_until) == (S.FAILED, "lease expired", "", None)
    event = AuditEvent.objects.get(action="workorder.fail")
    assert (event.target_id, event.actor) == (str(b.pk), system_actor())
    assert event.after == {"attempts": 5, "error": "lease expired"}
    assert failed_hook == [(b.pk, S.FAILED)]


def test_the_sweep_writes_nothing_while_leases_are_valid(hall, failed_hook):
    wo = _wo(hall)
    work_orders_claim(limit=10, worker="w1")
    WorkOrder.objects.filter(pk=wo.pk).update(attempts=5)
    assert work_orders_sweep() == 0
    assert WorkOrder.objects.get(pk=wo.pk).state == S.RUNNING
    assert not AuditEvent.objects.filter(action="workorder.fail").exists() and failed_hook == []

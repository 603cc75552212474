"""Provisioning: create work orders in the caller's transaction, claim them with SKIP LOCKED and a lease,
execute them through the network adapter, mark completion or failure, sweep expired leases; retry and
roll back failed ones from the hall's screen."""

import logging
import os
import socket
from datetime import timedelta

import django_fsm as fsm
from django.db import transaction
from django.utils import timezone

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.outbox import backoff, nudge
from boss.permissions import ensure_same_hall, system_actor
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.models import Line
from provisioning import hooks
from provisioning.adapters import NetworkError, get_adapter
from provisioning.errors import WorkOrderStateError
from provisioning.models import WorkOrder

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def work_order_create(*, action: str, msisdn: str, line=None, hall=None, payload: dict | None = None,
                      reference: str = "") -> WorkOrder:
    """Insert a work order in the CALLER's transaction (the outbox) and nudge a worker after commit.

    Not a service of its own (no audit): the business service that calls it audits the whole change.
    """
    wo = WorkOrder.objects.create(action=action, msisdn=msisdn, line=line, hall=hall, payload=payload or {},
                                  reference=reference, max_attempts=tariff("provisioning.max_attempts"))
    transaction.on_commit(_nudge)
    return wo


def _nudge():
    from provisioning.tasks import provisioning_dispatch

    nudge(provisioning_dispatch)


def work_orders_claim(*, limit: int = 10, worker: str = WORKER_ID) -> list[WorkOrder]:
    """Claim up to `limit` ready work orders: SKIP LOCKED so workers never wait on each other."""
    now = timezone.now()
    with transaction.atomic():
        ready = WorkOrder.objects.filter(state=WorkOrder.State.READY, run_after__lte=now).order_by("id")
        rows = list(lock(ready, skip_locked=True)[:limit])
        lease = now + timedelta(seconds=tariff("provisioning.lease_seconds"))
        for wo in rows:
            wo.claim(worker=worker, lease_until=lease)   # the rows were selected READY: READY -> RUNNING
        # One UPDATE for the whole batch (the claim is the queue's hot path); every row went through claim().
        WorkOrder.objects.bulk_update(rows, ["state", "lease_until", "claimed_by", "attempts"])
        for wo in rows:
            wo._update_initial_state()   # bulk_update skips save(): the concurrency guard learns the stored state
    return rows


def work_order_execute(*, work_order: WorkOrder, worker: str = WORKER_ID) -> WorkOrder:
    """Send one claimed work order to the network element (no lock held during the call), then record
    the outcome."""
    try:
        get_adapter().execute(key=work_order.key, action=work_order.action, msisdn=work_order.msisdn,
                              payload=work_order.payload)
    except NetworkError as exc:
        return _work_order_attempt_failed(work_order=work_order, error=str(exc), worker=worker)
    return _work_order_complete(work_order=work_order, worker=worker)


# A completion reads its line by a statement compiled once per process (boss/prepared.py; issue 20).
_LINE_OF = Prepared(lambda pk: WorkOrder.objects.filter(pk=pk).values_list("line_id"), int)


def _lock(work_order: WorkOrder) -> WorkOrder:
    """The work order's row, locked after its line's: the one order puts a line before every other row, so
    a completion never holds the work order while it waits for a line a counter holds."""
    row = _LINE_OF.first(work_order.pk)
    if row is not None and row[0] is not None:
        lock_by_key(Line, row[0])
    return lock_by_key(WorkOrder, work_order.pk)


@transaction.atomic
def _work_order_complete(*, work_order: WorkOrder, worker: str) -> WorkOrder:
    wo = _lock(work_order)
    if not fsm.can_proceed(wo.complete):
        # DONE: another worker finished it after our lease expired, nothing more to do. FAILED or ROLLED_BACK:
        # given up meanwhile; the network change stays for an operator to see.
        return wo
    actor = system_actor()
    wo.complete(when=timezone.now())
    wo.save(update_fields=["state", "completed_at", "lease_until", "last_error"])
    hooks.run_complete(actor=actor, work_order=wo)
    audit_record(actor=actor, action="workorder.complete", target=wo, hall_id=wo.hall_id,
                 after={"state": wo.state, "attempts": wo.attempts})
    return wo


@transaction.atomic
def _work_order_attempt_failed(*, work_order: WorkOrder, error: str, worker: str) -> WorkOrder:
    wo = _lock(work_order)
    if wo.state != WorkOrder.State.RUNNING or wo.claimed_by != worker:
        return wo  # the lease was swept and someone else has it now
    if wo.attempts >= wo.max_attempts:
        _work_order_fail(wo, error=error)
    else:
        wo.requeue(error=error, run_after=timezone.now() + backoff(wo.attempts))
    wo.save(update_fields=["state", "last_error", "lease_until", "claimed_by", "run_after"])
    return wo


def _work_order_fail(wo: WorkOrder, *, error: str) -> None:
    """Out of attempts (in the caller's transaction, which saves the row): the business learns it through
    its fail hook, and the failure is audited."""
    actor = system_actor()
    wo.fail(error=error)
    hooks.run_fail(actor=actor, work_order=wo)
    audit_record(actor=actor, action="workorder.fail", target=wo, hall_id=wo.hall_id,
                 after={"attempts": wo.attempts, "error": wo.last_error})


def work_orders_sweep(*, now=None) -> int:
    """Return work orders whose lease expired (their worker died) to the queue, or fail them when out of
    attempts. Safe to run any number of times."""
    now = now or timezone.now()
    swept = 0
    with transaction.atomic():
        expired = WorkOrder.objects.filter(state=WorkOrder.State.RUNNING, lease_until__lt=now).order_by("id")
        rows = list(lock(expired, skip_locked=True))
        for wo in rows:   # the rows were selected RUNNING: RUNNING -> FAILED or READY
            error = wo.last_error or "lease expired"
            if wo.attempts >= wo.max_attempts:
                _work_order_fail(wo, error=error)
            else:
                wo.requeue(error=error)   # at once: the attempt never reached its end
            swept += 1
        # One UPDATE for all expired rows (after a worker crash they come by the hundred); every row went
        # through fail() or requeue().
        WorkOrder.objects.bulk_update(rows, ["state", "lease_until", "claimed_by", "last_error"])
    return swept


def work_orders_run(*, limit: int = 10, max_batches: int = 100) -> int:
    """Claim and execute batches until the queue is empty (the Celery task's body). A batch short of `limit`
    found the queue empty: a row committed after its claim nudged a run of its own."""
    work_orders_sweep()
    done = 0
    for _ in range(max_batches):
        batch = work_orders_claim(limit=limit)
        for wo in batch:
            work_order_execute(work_order=wo)
            done += 1
        if len(batch) < limit:
            break
    return done


@transaction.atomic
def work_order_retry(*, actor: Staff, work_order: WorkOrder, reason: str = "") -> WorkOrder:
    """Put a failed work order back in the queue for a fresh round of attempts.

    Raises WorkOrderStateError, NotPermitted."""
    wo = _lock(work_order)
    ensure_same_hall(actor=actor, hall_id=wo.hall_id)
    if not fsm.can_proceed(wo.retry):
        raise WorkOrderStateError(state=wo.state)
    wo.retry(when=timezone.now(), max_attempts=tariff("provisioning.max_attempts"))
    wo.save(update_fields=["state", "attempts", "run_after", "max_attempts"])
    audit_record(actor=actor, action="workorder.retry", target=wo, reason=reason, hall_id=wo.hall_id,
                 before={"state": WorkOrder.State.FAILED}, after={"state": wo.state})
    transaction.on_commit(_nudge)
    return wo


@transaction.atomic
def work_order_rollback(*, actor: Staff, work_order: WorkOrder, reason: str) -> WorkOrder:
    """Give up a failed work order and undo its business change (the owning app's rollback hook:
    release the number, refund by reversal, cancel the order).

    Raises WorkOrderStateError, NotPermitted."""
    wo = _lock(work_order)
    ensure_same_hall(actor=actor, hall_id=wo.hall_id)
    if not fsm.can_proceed(wo.roll_back):
        raise WorkOrderStateError(state=wo.state)
    wo.roll_back()
    wo.save(update_fields=["state"])
    hooks.run_rollback(actor=actor, work_order=wo, reason=reason)
    audit_record(actor=actor, action="workorder.rollback", target=wo, reason=reason, hall_id=wo.hall_id,
                 before={"state": WorkOrder.State.FAILED}, after={"state": wo.state})
    return wo

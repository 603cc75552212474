"""Billing's status fields are protected state machines: each change is a transition on the model (the
services call them), the field cannot be assigned, a state the machine does not lead from is refused, and a
stale copy cannot overwrite a newer state (the second guard next to the row lock)."""

from datetime import date, timedelta
from decimal import Decimal

import django_fsm as fsm
import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import ArrearsCase, BankCollectionBatch, BankCollectionItem, BillRun, BillRunChunk, UsageImport

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


@pytest.fixture
def make(system, make_account):
    """make(Model, status=None) → a stored row of one of the six models, in `status` if given."""

    def build(model, status=None):
        if model is UsageImport:
            row = UsageImport.objects.create(file_name="u.csv", uploaded_by=system)
        elif model is BillRun:
            row = BillRun.objects.create(period=MARCH, started_by=system)
        elif model is BillRunChunk:
            run = BillRun.objects.get_or_create(period=MARCH, defaults={"started_by": system})[0]
            row = BillRunChunk.objects.create(run=run, first_line_id=1, last_line_id=9)
        elif model is ArrearsCase:
            now = timezone.now()
            row = ArrearsCase.objects.create(account=make_account(), balance_at_reminder=Decimal("-30.00"),
                                             reminded_at=now, suspend_after=now + timedelta(hours=24))
        elif model is BankCollectionBatch:
            row = BankCollectionBatch.objects.create(period=MARCH, bank_code="ICBC", created_by=system)
        else:
            batch = BankCollectionBatch.objects.get_or_create(period=MARCH, bank_code="ICBC",
                                                              defaults={"created_by": system})[0]
            row = BankCollectionItem.objects.create(batch=batch, account=make_account(), period=MARCH,
                                                    amount=Decimal("58.00"))
        if status is not None:
            model.objects.filter(pk=row.pk).update(status=status)
            row.refresh_from_db()
        return row

    return build


MACHINES = {
    UsageImport: {
        ("start", "queued", "running"), ("start", "running", "running"), ("start", "failed", "running"),
        ("finish", "running", "done"), ("fail", "running", "failed"),
    },
    BillRun: {
        ("start_pass", "running", "running"), ("start_pass", "done", "running"),
        ("start_pass", "done_with_errors", "running"),
        ("finish", "running", "done"), ("finish_with_errors", "running", "done_with_errors"),
    },
    BillRunChunk: {("bill", "pending", "done"), ("fail", "pending", "failed")},
    ArrearsCase: {
        ("suspend", "reminded", "suspended"), ("close", "reminded", "closed"), ("close", "suspended", "closed"),
    },
    BankCollectionBatch: {("answer", "exported", "answered")},
    BankCollectionItem: {("collect", "pending", "paid"), ("reject", "pending", "rejected")},
}


@pytest.mark.parametrize("model", list(MACHINES), ids=lambda m: m.__name__)
def test_the_machine_has_exactly_the_transitions_the_services_use(model):
    edges = {(t.name, t.source, t.target) for t in model().get_all_status_transitions()}
    assert edges == MACHINES[model]


@pytest.mark.parametrize("model", list(MACHINES), ids=lambda m: m.__name__)
def test_the_status_cannot_be_assigned_directly(make, model):
    row = make(model)
    initial = row.status
    with pytest.raises(AttributeError):
        row.status = "done"
    row.refresh_from_db()   # the protected field still reloads
    assert row.status == initial == model._meta.get_field("status").default


# (model, state, transition, kwargs): a state the transition does not lead from.
NOW = timezone.now()
REFUSED = [
    (UsageImport, "done", "start", {}),
    (UsageImport, "queued", "finish", {"when": NOW}),
    (UsageImport, "failed", "fail", {"when": NOW}),
    (BillRun, "done", "finish", {"when": NOW}),
    (BillRun, "done_with_errors", "finish_with_errors", {"when": NOW}),
    (BillRunChunk, "done", "fail", {"error": "x", "when": NOW}),
    (BillRunChunk, "failed", "bill", {"bills": 1, "total": Decimal("1.00"), "errors": [], "when": NOW}),
    (ArrearsCase, "closed", "close", {"when": NOW, "reason": "paid"}),
    (ArrearsCase, "suspended", "suspend", {"when": NOW, "lines": []}),
    (BankCollectionBatch, "answered", "answer", {"when": NOW}),
    (BankCollectionItem, "paid", "reject", {"reason": "x", "when": NOW}),
    (BankCollectionItem, "rejected", "collect", {"amount": Decimal("1.00"), "payment": None, "when": NOW}),
]


@pytest.mark.parametrize("model, state, name, kwargs", REFUSED,
                         ids=[f"{m.__name__}-{s}-{n}" for m, s, n, _k in REFUSED])
def test_a_transition_from_a_state_it_does_not_lead_from_is_refused(make, model, state, name, kwargs):
    row = make(model, status=state)
    assert not fsm.can_proceed(getattr(row, name))
    with pytest.raises(fsm.TransitionNotAllowed):
        getattr(row, name)(**kwargs)
    row.refresh_from_db()
    assert row.status == state


def test_a_finished_bill_run_starts_a_new_pass(make):
    run = make(BillRun, status="done_with_errors")
    run.finished_at = timezone.now()
    run.start_pass()
    assert (run.status, run.passes, run.finished_at) == ("running", 1, None)


@pytest.mark.parametrize("model, transition, kwargs", [
    (BillRunChunk, "bill", {"bills": 1, "total": Decimal("1.00"), "errors": [], "when": NOW}),
    (ArrearsCase, "suspend", {"when": NOW, "lines": []}),
    (BankCollectionItem, "reject", {"reason": "x", "when": NOW}),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_a_stale_copy_cannot_overwrite_a_newer_state(make, model, transition, kwargs):
    stale = make(model)
    fresh = model.objects.get(pk=stale.pk)
    getattr(fresh, transition)(**kwargs)
    fresh.save()
    getattr(stale, transition)(**kwargs)
    with pytest.raises(fsm.ConcurrentTransition), transaction.atomic():
        stale.save()

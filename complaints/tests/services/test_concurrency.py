"""Races on PostgreSQL with real threads: two reviewers dispatching one complaint, two escalation jobs
over the same overdue steps, a reply racing the escalation job."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from boss.errors import DomainError
from boss.models import AuditEvent
from boss.permissions import system_actor
from complaints.models import Complaint, ComplaintStep, Escalation, Stage
from complaints.services import complaint_dispatch, complaint_reply, complaint_steps_escalate_overdue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection; return results/errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def runner(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_reviewers_dispatching_one_complaint_at_once_dispatch_it_once(file_complaint, reviewer, make_staff, cs,
                                                                         net, bill):
    complaint = file_complaint()
    second = make_staff("complaint_reviewer", username="reviewer2", hall=None, department=cs)
    results = race(lambda: complaint_dispatch(actor=reviewer, complaint=complaint, department=net),
                   lambda: complaint_dispatch(actor=second, complaint=complaint, department=bill))
    winners = [r for r in results if isinstance(r, Complaint)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1 and losers[0].code == "complaint_state"
    assert ComplaintStep.objects.filter(complaint=complaint, stage=Stage.HANDLE).count() == 1
    assert AuditEvent.objects.filter(action="complaint.dispatch").count() == 1
    assert Complaint.objects.get(pk=complaint.pk).round == 1


def test_two_escalation_jobs_at_once_escalate_each_step_once(file_complaint, reviewer, net):
    with time_machine.travel(T0, tick=False):
        for _ in range(12):
            complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)
    actor = system_actor()
    later = T0 + timedelta(hours=73)
    results = race(lambda: complaint_steps_escalate_overdue(actor=actor, now=later),
                   lambda: complaint_steps_escalate_overdue(actor=actor, now=later))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(results) == 12
    assert Escalation.objects.count() == 12
    assert set(ComplaintStep.objects.filter(stage=Stage.HANDLE).values_list("escalation_level", flat=True)) == {1}
    assert AuditEvent.objects.filter(action="complaint.escalate").count() == 12


def test_a_reply_racing_the_escalation_job_leaves_a_consistent_complaint(file_complaint, reviewer, handler, net):
    with time_machine.travel(T0, tick=False):
        complaint = complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)
    actor = system_actor()
    later = T0 + timedelta(hours=73)
    results = race(lambda: complaint_reply(actor=handler, complaint=complaint, reply="已处理"),
                   lambda: complaint_steps_escalate_overdue(actor=actor, now=later))
    assert isinstance(results[0], Complaint), results
    handle = ComplaintStep.objects.get(complaint=complaint, stage=Stage.HANDLE)
    assert handle.closed_at is not None
    # Either the job escalated the step before the reply closed it, or it found it closed: never half.
    assert handle.escalation_level == Escalation.objects.filter(step=handle).count() <= 1
    assert ComplaintStep.objects.filter(complaint=complaint, closed_at__isnull=True).count() == 1

"""The escalation job on a real Celery worker over Redis and PostgreSQL (what beat runs)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintStep, Escalation
from complaints.tasks import complaint_steps_escalate_overdue_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_the_beat_job_escalates_an_overdue_step_on_a_real_worker(real_worker, walk):
    complaint = walk(Complaint.Status.DISPATCHED)
    # The worker is another process: move the due time back instead of travelling in time.
    ComplaintStep.objects.filter(complaint=complaint, closed_at__isnull=True).update(
        due_at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):  # beat firing twice escalates once
        complaint_steps_escalate_overdue_task.apply_async(queue=real_worker.queue)
    deadline = time.monotonic() + 30
    while not Escalation.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert Escalation.objects.count() == 1
    assert ComplaintStep.objects.get(complaint=complaint, closed_at__isnull=True).overdue_at is not None

from celery import shared_task

from boss.permissions import system_actor
from complaints.services.timelimits import complaint_steps_escalate_overdue


@shared_task(name="complaints.tasks.complaint_steps_escalate_overdue")
def complaint_steps_escalate_overdue_task() -> int:
    """Beat job (boss/celery.py): mark overdue complaint steps and escalate them. Safe to run twice."""
    return complaint_steps_escalate_overdue(actor=system_actor())

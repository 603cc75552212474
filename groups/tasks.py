from celery import shared_task

from boss.permissions import system_actor
from groups.services.sms import group_sms_handover_overdue_flag


@shared_task(name="groups.tasks.group_sms_handover_overdue_flag")
def group_sms_handover_overdue_flag_task() -> int:
    """Beat job (boss/celery.py): flag group SMS applications not handed over on their day. Safe to run twice."""
    return group_sms_handover_overdue_flag(actor=system_actor())
